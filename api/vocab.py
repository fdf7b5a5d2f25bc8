"""The service's fixed words: roles, plan statuses, placement statuses and what each
status means for follow-up and monitoring. One home: everything else imports them."""

from enum import StrEnum
from typing import Final


class Role(StrEnum):
    """Who a user is; each role's rights are the role matrix in the README."""

    admin = "admin"
    relocation_staff = "relocation_staff"
    employment_officer = "employment_officer"
    partner = "partner"


# Roles that may see everyone's personal data (names, phones); an employment officer
# sees it only for their own candidates, a partner never.
PERSONAL_DATA_ROLES: Final = frozenset({Role.admin, Role.relocation_staff})
# Roles that work with people and vacancies (matching, placements, imports).
CASEWORKERS: Final = frozenset({Role.relocation_staff, Role.employment_officer})
# Which tables each role may import: employment officers bring vacancies only.
IMPORT_KINDS: Final[dict[Role, frozenset[str]]] = {
    Role.admin: frozenset({"people", "families", "destinations", "vacancies", "outcomes"}),
    Role.relocation_staff: frozenset(
        {"people", "families", "destinations", "vacancies", "outcomes"}
    ),
    Role.employment_officer: frozenset({"vacancies"}),
}


class PlanStatus(StrEnum):
    """A plan job's life: queued -> running -> draft -> approved, or failed/cancelled."""

    queued = "queued"
    running = "running"
    draft = "draft"
    approved = "approved"
    failed = "failed"
    cancelled = "cancelled"


UNFINISHED: Final = frozenset({PlanStatus.queued, PlanStatus.running})


class DecisionAction(StrEnum):
    """Staff decisions on a family in a draft plan."""

    lock = "lock"
    veto = "veto"
    move = "move"


class PlacementStatus(StrEnum):
    """A placement's status on a date, in the order a placement usually goes through."""

    proposed = "proposed"
    moved = "moved"
    interviewed = "interviewed"
    hired = "hired"
    employed_30d = "employed_30d"
    employed_90d = "employed_90d"
    employed_180d = "employed_180d"
    left = "left"
    cancelled = "cancelled"


# The statuses that may follow each status (the placement pipeline). A placement is
# cancelled before the move (the family did not go); anyone who moved may leave; a
# later confirmation of employment may come without the earlier ones (a caseworker
# who first hears at six months that the person still works there records just that).
NEXT_STATUSES: Final[dict[PlacementStatus, frozenset[PlacementStatus]]] = {
    PlacementStatus.proposed: frozenset({PlacementStatus.moved, PlacementStatus.cancelled}),
    PlacementStatus.moved: frozenset(
        {PlacementStatus.interviewed, PlacementStatus.hired, PlacementStatus.left}
    ),
    PlacementStatus.interviewed: frozenset(
        {PlacementStatus.interviewed, PlacementStatus.hired, PlacementStatus.left}
    ),
    PlacementStatus.hired: frozenset(
        {
            PlacementStatus.employed_30d,
            PlacementStatus.employed_90d,
            PlacementStatus.employed_180d,
            PlacementStatus.left,
        }
    ),
    PlacementStatus.employed_30d: frozenset(
        {PlacementStatus.employed_90d, PlacementStatus.employed_180d, PlacementStatus.left}
    ),
    PlacementStatus.employed_90d: frozenset({PlacementStatus.employed_180d, PlacementStatus.left}),
    PlacementStatus.employed_180d: frozenset({PlacementStatus.left}),
    PlacementStatus.left: frozenset(),
    PlacementStatus.cancelled: frozenset(),
}
# A placement in one of these statuses holds nothing any more: its person's school
# seat, health slot and job position go back to the city and the vacancy, and the
# family's housing unit once none of its members holds one (see services.ledger).
RELEASED: Final = frozenset({PlacementStatus.left, PlacementStatus.cancelled})

# For monitoring: who counts as relocated, hired, and kept d days after hiring.
RELOCATED: Final = frozenset(PlacementStatus) - {
    PlacementStatus.proposed,
    PlacementStatus.cancelled,
}
HIRED: Final = frozenset(
    {
        PlacementStatus.hired,
        PlacementStatus.employed_30d,
        PlacementStatus.employed_90d,
        PlacementStatus.employed_180d,
    }
)
KEPT: Final[dict[int, frozenset[PlacementStatus]]] = {
    30: HIRED - {PlacementStatus.hired},
    90: frozenset({PlacementStatus.employed_90d, PlacementStatus.employed_180d}),
    180: frozenset({PlacementStatus.employed_180d}),
}
# After a status on a date, the next status to confirm and how many days later.
NEXT_CHECK: Final[dict[PlacementStatus, tuple[PlacementStatus, int]]] = {
    PlacementStatus.proposed: (PlacementStatus.moved, 14),
    PlacementStatus.moved: (PlacementStatus.interviewed, 14),
    PlacementStatus.interviewed: (PlacementStatus.hired, 14),
    PlacementStatus.hired: (PlacementStatus.employed_30d, 30),
    PlacementStatus.employed_30d: (PlacementStatus.employed_90d, 60),
    PlacementStatus.employed_90d: (PlacementStatus.employed_180d, 90),
}
