"""What a caseworker should check next for each placement, and when."""

import datetime as dt

# After a status on a date, the next check and how many days later it is due.
NEXT_CHECK: dict[str, tuple[str, int]] = {
    "proposed": ("moved", 14),
    "moved": ("interviewed", 14),
    "interviewed": ("hired", 14),
    "hired": ("employed_30d", 30),
    "employed_30d": ("employed_90d", 60),
    "employed_90d": ("employed_180d", 90),
}


def next_check(status: str, date: dt.date) -> tuple[str, dt.date] | None:
    """The next status to confirm and its due date; None once followed to the end."""
    if status not in NEXT_CHECK:
        return None
    due, days = NEXT_CHECK[status]
    return due, date + dt.timedelta(days=days)
