"""The relocation plan as one sparse 0-1 linear program, built with NumPy.

Variables: ``x[p]`` = family ``pair_family[p]`` goes to ``pair_city[p]`` (only allowed
pairs exist), then ``y[e]`` = member takes vacancy (only edges whose city the family
may go to). Rows (``A @ z`` between ``row_lb`` and ``row_ub``), by kind:

- ONE_CITY: each family goes to at most one city (never split: members follow x).
- CAPACITY: per city and limited resource, the use of the families sent there.
- LINK: per member and city, ``sum(y in that city) <= x[family, city]``: a member
  works only in the family's city, and at most one vacancy (the x sum to <= 1).
- POSITIONS: per vacancy, hires <= positions.
- LOCK / VETO: staff locks (x = 1) and, for a lock on a vetoed pair, the veto (x = 0).
- INTAKE: per city, families received in this batch <= limit.
- FAIRNESS: per group, relocated families of the group >= share of all relocated.

CP-SAT, GLOP and the tests' HiGHS check all read this one structure.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import scipy.sparse as sp

from ._instance import NO_CITY, Instance
from ._options import PlanOptions


class RowKind(IntEnum):
    ONE_CITY = 0
    CAPACITY = 1
    LINK = 2
    POSITIONS = 3
    LOCK = 4
    VETO = 5
    INTAKE = 6
    FAIRNESS = 7


@dataclass(frozen=True, eq=False)
class Formulation:
    """``max objective @ z`` s.t. ``row_lb <= A @ z <= row_ub``, ``z`` binary."""

    pair_family: np.ndarray
    pair_city: np.ndarray
    edge_index: np.ndarray
    objective: np.ndarray
    matrix: sp.csr_matrix
    row_lb: np.ndarray
    row_ub: np.ndarray
    row_kind: np.ndarray
    row_ref: np.ndarray

    @property
    def n_pairs(self) -> int:
        return len(self.pair_family)

    @property
    def n_vars(self) -> int:
        return len(self.objective)

    def rows(self, kind: RowKind) -> np.ndarray:
        return np.flatnonzero(self.row_kind == kind)


def allowed_pairs(instance: Instance, options: PlanOptions) -> np.ndarray:
    """(F, C) mask of the family–city pairs the plan may use."""
    allowed = ~instance.excluded.copy()
    locked = instance.locked_city != NO_CITY
    if options.ties == "hard":
        # A staff lock overrides the family's tie, never its vetoes.
        tied = (instance.tie_city != NO_CITY) & ~locked
        tie_mask = np.zeros_like(allowed)
        tie_mask[np.flatnonzero(tied), instance.tie_city[tied]] = True
        allowed[tied] &= tie_mask[tied]
    # A locked family may only go to its locked city; if that is vetoed, a VETO row
    # makes the conflict explicit instead of silently dropping the lock.
    lock_mask = np.zeros_like(allowed)
    lock_mask[np.flatnonzero(locked), instance.locked_city[locked]] = True
    allowed[locked] &= lock_mask[locked]
    return allowed


def placement_values(instance: Instance, options: PlanOptions) -> np.ndarray:
    """(F, C) objective points of sending a family to a city, jobs aside."""
    pref_w, vuln_w = options.weights(instance)
    value = instance.family_city_score + pref_w * instance.preference
    value = value + vuln_w * instance.vulnerability[:, None]
    if options.ties == "soft":
        tied = np.flatnonzero(instance.tie_city != NO_CITY)
        value = value.copy()
        value[tied, instance.tie_city[tied]] += options.tie_weight
    if options.capacity_price is not None:
        finite_use = np.where(np.isfinite(instance.capacity), 1.0, 0.0)
        price = np.asarray(options.capacity_price, dtype=np.float64) * finite_use
        value = value - instance.use @ price.T
    return value


def placement_values_with_best_jobs(instance: Instance, options: PlanOptions) -> np.ndarray:
    """(F, C) the most a family could bring to each city: its placement value plus, for
    each working member, the best vacancy score there (competition for positions aside)."""
    value = placement_values(instance, options)
    if len(instance.edge_member):
        n_c = instance.n_cities
        best = np.zeros(instance.n_members * n_c)
        np.maximum.at(best, instance.edge_member * n_c + instance.edge_city, instance.edge_score)
        per_member = best.reshape(instance.n_members, n_c)
        jobs = np.zeros_like(value)
        np.add.at(jobs, instance.member_family, per_member)
        value = value + jobs
    return value


def build_formulation(instance: Instance, options: PlanOptions | None = None) -> Formulation:
    """The sparse 0-1 program of the plan (see module docstring)."""
    options = options or PlanOptions()
    n_f, n_c = instance.n_families, instance.n_cities
    allowed = allowed_pairs(instance, options)
    locked = instance.locked_city != NO_CITY
    forced_pair = np.zeros((n_f, n_c), dtype=bool)
    forced_pair[np.flatnonzero(locked), instance.locked_city[locked]] = True
    # Vetoed locked pairs still get a variable so the VETO row can contradict the lock.
    has_var = allowed | forced_pair
    pair_family, pair_city = np.nonzero(has_var)
    n_pairs = len(pair_family)
    pair_of = np.full((n_f, n_c), -1, dtype=np.int64)
    pair_of[pair_family, pair_city] = np.arange(n_pairs)

    # Edges survive only where the family may go to the vacancy's city.
    edge_pair = pair_of[instance.edge_family, instance.edge_city]
    edge_ok = edge_pair >= 0
    edge_ok &= allowed[instance.edge_family, instance.edge_city]
    edge_index = np.flatnonzero(edge_ok)
    edge_pair = edge_pair[edge_index]
    n_edges = len(edge_index)
    y0 = n_pairs
    n_vars = n_pairs + n_edges

    edge_value = instance.edge_score[edge_index]
    if options.position_price is not None:
        edge_value = (
            edge_value - np.asarray(options.position_price)[instance.edge_vacancy[edge_index]]
        )
    pair_value = placement_values(instance, options)[pair_family, pair_city]
    objective = np.concatenate([pair_value, edge_value])

    blocks = _RowBlocks(n_vars)

    # Each family to at most one city.
    blocks.add(
        RowKind.ONE_CITY, rows=pair_family, cols=np.arange(n_pairs), vals=np.ones(n_pairs),
        n_rows=n_f, lb=-np.inf, ub=np.ones(n_f), ref=np.c_[np.arange(n_f), np.full(n_f, -1)],
    )  # fmt: skip

    # Capacity per city and limited resource.
    cap_city, cap_res = np.nonzero(np.isfinite(instance.capacity))
    cap_row = np.full(instance.capacity.shape, -1, dtype=np.int64)
    cap_row[cap_city, cap_res] = np.arange(len(cap_city))
    entry_pair, entry_res = np.nonzero(instance.use[pair_family] > 0)
    entry_row = cap_row[pair_city[entry_pair], entry_res]
    keep = entry_row >= 0
    blocks.add(
        RowKind.CAPACITY, rows=entry_row[keep], cols=entry_pair[keep],
        vals=instance.use[pair_family[entry_pair[keep]], entry_res[keep]].astype(np.float64),
        n_rows=len(cap_city), lb=-np.inf, ub=instance.capacity[cap_city, cap_res],
        ref=np.c_[cap_city, cap_res],
    )  # fmt: skip

    # Link: a member's vacancies in a city need the family in that city.
    members = instance.edge_member[edge_index]
    cities = instance.edge_city[edge_index]
    link_keys, link_row = np.unique(members * n_c + cities, return_inverse=True)
    link_member, link_city = np.divmod(link_keys, n_c)
    link_pair = pair_of[instance.member_family[link_member], link_city]
    n_links = len(link_keys)
    blocks.add(
        RowKind.LINK,
        rows=np.concatenate([link_row, np.arange(n_links)]),
        cols=np.concatenate([y0 + np.arange(n_edges), link_pair]),
        vals=np.concatenate([np.ones(n_edges), -np.ones(n_links)]),
        n_rows=n_links, lb=-np.inf, ub=np.zeros(n_links), ref=np.c_[link_member, link_city],
    )  # fmt: skip

    # Positions per vacancy.
    vacancies = instance.edge_vacancy[edge_index]
    used_vacancies, pos_row = np.unique(vacancies, return_inverse=True)
    blocks.add(
        RowKind.POSITIONS, rows=pos_row, cols=y0 + np.arange(n_edges), vals=np.ones(n_edges),
        n_rows=len(used_vacancies), lb=-np.inf,
        ub=instance.positions[used_vacancies].astype(np.float64),
        ref=np.c_[used_vacancies, np.full(len(used_vacancies), -1)],
    )  # fmt: skip

    # Staff locks, and vetoes that contradict them.
    lock_f = np.flatnonzero(locked)
    lock_c = instance.locked_city[lock_f]
    n_locks = len(lock_f)
    blocks.add(
        RowKind.LOCK, rows=np.arange(n_locks), cols=pair_of[lock_f, lock_c],
        vals=np.ones(n_locks), n_rows=n_locks, lb=np.ones(n_locks), ub=np.inf,
        ref=np.c_[lock_f, lock_c],
    )  # fmt: skip
    vetoed = ~allowed[lock_f, lock_c]
    veto_f, veto_c = lock_f[vetoed], lock_c[vetoed]
    n_vetoes = len(veto_f)
    blocks.add(
        RowKind.VETO, rows=np.arange(n_vetoes), cols=pair_of[veto_f, veto_c],
        vals=np.ones(n_vetoes), n_rows=n_vetoes, lb=-np.inf, ub=np.zeros(n_vetoes),
        ref=np.c_[veto_f, veto_c],
    )  # fmt: skip

    # Intake limit per city and batch.
    city_index = {str(name): i for i, name in enumerate(instance.city_names)}
    unknown = sorted(set(options.intake_limit) - set(city_index))
    if unknown:
        raise ValueError(f"intake_limit names cities not in the batch: {unknown}")
    limit_city = np.array([city_index[c] for c in options.intake_limit], dtype=np.int64)
    limit = np.array(list(options.intake_limit.values()), dtype=np.float64)
    limit_row = np.full(n_c, -1, dtype=np.int64)
    limit_row[limit_city] = np.arange(len(limit_city))
    in_limited = limit_row[pair_city] >= 0
    blocks.add(
        RowKind.INTAKE, rows=limit_row[pair_city[in_limited]],
        cols=np.flatnonzero(in_limited), vals=np.ones(int(in_limited.sum())),
        n_rows=len(limit_city), lb=-np.inf, ub=limit,
        ref=np.c_[limit_city, np.full(len(limit_city), -1)],
    )  # fmt: skip

    # Fairness: (1 - s) * relocated_in_group - s * relocated_outside >= 0.
    for g, group in enumerate(options.fairness):
        in_group = np.asarray(group.mask, dtype=bool)[pair_family]
        share = float(group.min_share)
        blocks.add(
            RowKind.FAIRNESS, rows=np.zeros(n_pairs, dtype=np.int64), cols=np.arange(n_pairs),
            vals=np.where(in_group, 1.0 - share, -share), n_rows=1, lb=np.zeros(1),
            ub=np.inf, ref=np.array([[g, -1]]),
        )  # fmt: skip

    matrix, row_lb, row_ub, row_kind, row_ref = blocks.stack()
    return Formulation(
        pair_family=pair_family,
        pair_city=pair_city,
        edge_index=edge_index,
        objective=objective,
        matrix=matrix,
        row_lb=row_lb,
        row_ub=row_ub,
        row_kind=row_kind,
        row_ref=row_ref,
    )


class _RowBlocks:
    """Collects blocks of rows in COO form and stacks them into one CSR matrix."""

    def __init__(self, n_vars: int) -> None:
        self.n_vars = n_vars
        self.n_rows = 0
        self.rows: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []
        self.lb: list[np.ndarray] = []
        self.ub: list[np.ndarray] = []
        self.kind: list[np.ndarray] = []
        self.ref: list[np.ndarray] = []

    def add(self, kind, *, rows, cols, vals, n_rows, lb, ub, ref) -> None:
        self.rows.append(np.asarray(rows, dtype=np.int64) + self.n_rows)
        self.cols.append(np.asarray(cols, dtype=np.int64))
        self.vals.append(np.asarray(vals, dtype=np.float64))
        self.lb.append(np.broadcast_to(np.asarray(lb, dtype=np.float64), (n_rows,)))
        self.ub.append(np.broadcast_to(np.asarray(ub, dtype=np.float64), (n_rows,)))
        self.kind.append(np.full(n_rows, int(kind), dtype=np.int8))
        self.ref.append(np.asarray(ref, dtype=np.int64).reshape(n_rows, 2))
        self.n_rows += n_rows

    def stack(self):
        matrix = sp.csr_matrix(
            (np.concatenate(self.vals), (np.concatenate(self.rows), np.concatenate(self.cols))),
            shape=(self.n_rows, self.n_vars),
        )
        matrix.sum_duplicates()
        return (
            matrix,
            np.concatenate(self.lb),
            np.concatenate(self.ub),
            np.concatenate(self.kind),
            np.concatenate(self.ref),
        )
