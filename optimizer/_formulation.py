"""The relocation plan as one sparse 0-1 linear program, built with NumPy.

    maximise    Σ_p value[p] · x[p] + Σ_e gain[e] · y[e]
    subject to  row_lb ≤ A · (x, y) ≤ row_ub,   x, y ∈ {0, 1}

``x[p]`` = family ``pair_family[p]`` goes to city ``pair_city[p]`` (only pairs the plan
may use have a variable); ``y[e]`` = member ``edge_member[e]`` takes vacancy
``edge_vacancy[e]`` (only scored edges in a city the family may go to); ``value`` and
``gain`` are spelled out in :func:`_objective`. Each family of rows is built by one
function below, named for its rule and stating it in its docstring, and tagged with a
:class:`RowKind` so LP duals, CP-SAT assumptions and the conflict report can find it.
CP-SAT, GLOP/PDLP and the tests' HiGHS check all read this one structure.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import scipy.sparse as sp

from ._instance import NO_CITY, Instance
from ._options import PlanOptions


class RowKind(IntEnum):
    """The family a row belongs to, in the order the rows are stacked."""

    ONE_CITY = 0
    CAPACITY = 1
    LINK = 2
    POSITIONS = 3
    LOCK = 4
    VETO = 5
    INTAKE = 6
    FAIRNESS = 7


@dataclass(frozen=True, eq=False)
class VariableLayout:
    """Where each variable sits: ``x[f, c]`` is column ``pair_of[f, c]`` (-1: no
    variable), pair ``p`` is family ``pair_family[p]`` in city ``pair_city[p]``; the
    ``y`` of instance edge ``edge_index[k]`` is column ``n_pairs + k``. ``allowed`` is
    the (F, C) mask of pairs the plan may use."""

    allowed: np.ndarray
    pair_family: np.ndarray
    pair_city: np.ndarray
    pair_of: np.ndarray
    edge_index: np.ndarray

    @property
    def n_pairs(self) -> int:
        return len(self.pair_family)

    @property
    def n_edges(self) -> int:
        return len(self.edge_index)

    @property
    def n_vars(self) -> int:
        return self.n_pairs + self.n_edges

    @property
    def y(self) -> np.ndarray:
        """Columns of the y variables, in ``edge_index`` order."""
        return self.n_pairs + np.arange(self.n_edges)


@dataclass(frozen=True, eq=False)
class Formulation(VariableLayout):
    """``max objective @ z`` s.t. ``row_lb <= matrix @ z <= row_ub``, ``z`` binary, with
    the variables laid out as in :class:`VariableLayout`.

    ``row_ref[i]`` names what row ``i`` constrains (family, city, resource, member,
    vacancy or group indices, by kind; -1 where unused).
    """

    objective: np.ndarray
    matrix: sp.csr_matrix
    row_lb: np.ndarray
    row_ub: np.ndarray
    row_kind: np.ndarray
    row_ref: np.ndarray

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
    """(F, C) objective points of sending family f to city c, jobs aside:

    value[f, c] = family_city_score[f, c] + w_pref · preference[f, c]
                  + w_vuln · vulnerability[f] + w_tie · [c = tie(f)]   (soft ties)
                  - Σ_r use[f, r] · capacity_price[c, r]               (limited r)
    """
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

    # Variables: x for the family–city pairs, then y for the member–vacancy edges.
    var = _variables(instance, allowed_pairs(instance, options))

    # Constraints: one family of rows per rule, stacked in RowKind order.
    rows = _RowBlocks(var.n_vars)
    rows.add(RowKind.ONE_CITY, _one_city_per_family(instance, var))
    rows.add(RowKind.CAPACITY, _capacity_per_city_and_resource(instance, var))
    rows.add(RowKind.LINK, _jobs_only_where_the_family_goes(instance, var))
    rows.add(RowKind.POSITIONS, _positions_per_vacancy(instance, var))
    rows.add(RowKind.LOCK, _staff_locks(instance, var))
    rows.add(RowKind.VETO, _vetoes_against_locks(instance, var))
    rows.add(RowKind.INTAKE, _intake_per_city(instance, options, var))
    rows.add(RowKind.FAIRNESS, _minimum_group_shares(instance, options, var))
    matrix, row_lb, row_ub, row_kind, row_ref = rows.stack()

    # Objective.
    objective = _objective(instance, options, var)

    return Formulation(
        allowed=var.allowed,
        pair_family=var.pair_family,
        pair_city=var.pair_city,
        pair_of=var.pair_of,
        edge_index=var.edge_index,
        objective=objective,
        matrix=matrix,
        row_lb=row_lb,
        row_ub=row_ub,
        row_kind=row_kind,
        row_ref=row_ref,
    )


def _variables(instance: Instance, allowed: np.ndarray) -> VariableLayout:
    """x for every allowed pair, and for a locked pair even when vetoed (so the VETO row
    can contradict the lock); y for every scored edge whose city the family may go to."""
    locked = np.flatnonzero(instance.locked_city != NO_CITY)
    has_var = allowed.copy()
    has_var[locked, instance.locked_city[locked]] = True
    pair_family, pair_city = np.nonzero(has_var)
    pair_of = np.full(has_var.shape, -1, dtype=np.int64)
    pair_of[pair_family, pair_city] = np.arange(len(pair_family))
    edge_index = np.flatnonzero(allowed[instance.edge_family, instance.edge_city])
    return VariableLayout(allowed, pair_family, pair_city, pair_of, edge_index)


@dataclass(frozen=True, eq=False)
class _Rows:
    """One family of rows in COO form: entry k adds ``val[k]`` at (``row[k]``,
    ``col[k]``); row i reads ``lb[i] <= A_i · z <= ub[i]`` and constrains ``ref[i]``."""

    row: np.ndarray
    col: np.ndarray
    val: np.ndarray
    n_rows: int
    lb: np.ndarray | float
    ub: np.ndarray | float
    ref: np.ndarray


def _one_city_per_family(instance: Instance, var: VariableLayout) -> _Rows:
    """For every family f:  Σ_c x[f, c] ≤ 1.

    Members follow their family through the LINK rows, so a family is never split."""
    n_f, n_pairs = instance.n_families, var.n_pairs
    return _Rows(
        row=var.pair_family, col=np.arange(n_pairs), val=np.ones(n_pairs), n_rows=n_f,
        lb=-np.inf, ub=np.ones(n_f), ref=np.c_[np.arange(n_f), np.full(n_f, -1)],
    )  # fmt: skip


def _capacity_per_city_and_resource(instance: Instance, var: VariableLayout) -> _Rows:
    """For every city c and limited resource r:  Σ_f use[f, r] · x[f, c] ≤ cap[c, r].

    An unlimited cell (``inf``) has no row; a capacity of 0 keeps its row (none)."""
    cap_city, cap_res = np.nonzero(np.isfinite(instance.capacity))
    cap_row = np.full(instance.capacity.shape, -1, dtype=np.int64)
    cap_row[cap_city, cap_res] = np.arange(len(cap_city))
    entry_pair, entry_res = np.nonzero(instance.use[var.pair_family] > 0)
    entry_row = cap_row[var.pair_city[entry_pair], entry_res]
    keep = entry_row >= 0
    return _Rows(
        row=entry_row[keep], col=entry_pair[keep],
        val=instance.use[var.pair_family[entry_pair[keep]], entry_res[keep]].astype(np.float64),
        n_rows=len(cap_city), lb=-np.inf, ub=instance.capacity[cap_city, cap_res],
        ref=np.c_[cap_city, cap_res],
    )  # fmt: skip


def _jobs_only_where_the_family_goes(instance: Instance, var: VariableLayout) -> _Rows:
    """For every member m and city c where m has a scored vacancy:
    Σ_{v in c} y[m, v] ≤ x[family(m), c].

    A member works only in the family's city and, as the family has at most one city,
    in at most one vacancy."""
    members = instance.edge_member[var.edge_index]
    cities = instance.edge_city[var.edge_index]
    n_c = instance.n_cities
    link_keys, link_row = np.unique(members * n_c + cities, return_inverse=True)
    link_member, link_city = np.divmod(link_keys, n_c)
    link_pair = var.pair_of[instance.member_family[link_member], link_city]
    n_links = len(link_keys)
    return _Rows(
        row=np.concatenate([link_row, np.arange(n_links)]),
        col=np.concatenate([var.y, link_pair]),
        val=np.concatenate([np.ones(var.n_edges), -np.ones(n_links)]),
        n_rows=n_links, lb=-np.inf, ub=np.zeros(n_links), ref=np.c_[link_member, link_city],
    )  # fmt: skip


def _positions_per_vacancy(instance: Instance, var: VariableLayout) -> _Rows:
    """For every vacancy v with a candidate:  Σ_m y[m, v] ≤ positions[v]."""
    vacancies = instance.edge_vacancy[var.edge_index]
    used_vacancies, pos_row = np.unique(vacancies, return_inverse=True)
    return _Rows(
        row=pos_row, col=var.y, val=np.ones(var.n_edges), n_rows=len(used_vacancies),
        lb=-np.inf, ub=instance.positions[used_vacancies].astype(np.float64),
        ref=np.c_[used_vacancies, np.full(len(used_vacancies), -1)],
    )  # fmt: skip


def _staff_locks(instance: Instance, var: VariableLayout) -> _Rows:
    """For every family f that staff locked to city lock(f):  x[f, lock(f)] ≥ 1."""
    lock_f = np.flatnonzero(instance.locked_city != NO_CITY)
    lock_c = instance.locked_city[lock_f]
    n_locks = len(lock_f)
    return _Rows(
        row=np.arange(n_locks), col=var.pair_of[lock_f, lock_c], val=np.ones(n_locks),
        n_rows=n_locks, lb=np.ones(n_locks), ub=np.inf, ref=np.c_[lock_f, lock_c],
    )  # fmt: skip


def _vetoes_against_locks(instance: Instance, var: VariableLayout) -> _Rows:
    """For every locked family f whose locked city is vetoed:  x[f, lock(f)] ≤ 0.

    Other vetoes need no row (their pairs have no variable); this one states the
    contradiction with the lock, so the conflict report can name it."""
    lock_f = np.flatnonzero(instance.locked_city != NO_CITY)
    lock_c = instance.locked_city[lock_f]
    vetoed = ~var.allowed[lock_f, lock_c]
    veto_f, veto_c = lock_f[vetoed], lock_c[vetoed]
    n_vetoes = len(veto_f)
    return _Rows(
        row=np.arange(n_vetoes), col=var.pair_of[veto_f, veto_c], val=np.ones(n_vetoes),
        n_rows=n_vetoes, lb=-np.inf, ub=np.zeros(n_vetoes), ref=np.c_[veto_f, veto_c],
    )  # fmt: skip


def _intake_per_city(instance: Instance, options: PlanOptions, var: VariableLayout) -> _Rows:
    """For every city c with an intake limit:  Σ_f x[f, c] ≤ limit[c] (families per batch)."""
    city_index = {str(name): i for i, name in enumerate(instance.city_names)}
    unknown = sorted(set(options.intake_limit) - set(city_index))
    if unknown:
        raise ValueError(f"intake_limit names cities not in the batch: {unknown}")
    limit_city = np.array([city_index[c] for c in options.intake_limit], dtype=np.int64)
    limit = np.array(list(options.intake_limit.values()), dtype=np.float64)
    limit_row = np.full(instance.n_cities, -1, dtype=np.int64)
    limit_row[limit_city] = np.arange(len(limit_city))
    in_limited = limit_row[var.pair_city] >= 0
    return _Rows(
        row=limit_row[var.pair_city[in_limited]], col=np.flatnonzero(in_limited),
        val=np.ones(int(in_limited.sum())), n_rows=len(limit_city), lb=-np.inf, ub=limit,
        ref=np.c_[limit_city, np.full(len(limit_city), -1)],
    )  # fmt: skip


def _minimum_group_shares(instance: Instance, options: PlanOptions, var: VariableLayout) -> _Rows:
    """For every group g with minimum share s_g:  Σ_{f in g} Σ_c x[f, c] ≥ s_g · Σ_f Σ_c x[f, c],

    written as  Σ_p ((1 - s_g) · [f_p in g] - s_g · [f_p not in g]) · x[p] ≥ 0."""
    n_groups, n_pairs = len(options.fairness), var.n_pairs
    share = np.array([float(group.min_share) for group in options.fairness])[:, None]
    masks = [np.asarray(group.mask, dtype=bool) for group in options.fairness]
    in_group = np.array(masks, dtype=bool).reshape(n_groups, instance.n_families)
    in_group = in_group[:, var.pair_family]
    return _Rows(
        row=np.repeat(np.arange(n_groups), n_pairs), col=np.tile(np.arange(n_pairs), n_groups),
        val=np.where(in_group, 1.0 - share, -share).ravel(), n_rows=n_groups,
        lb=np.zeros(n_groups), ub=np.inf, ref=np.c_[np.arange(n_groups), np.full(n_groups, -1)],
    )  # fmt: skip


def _objective(instance: Instance, options: PlanOptions, var: VariableLayout) -> np.ndarray:
    """maximise  Σ_p value[p] · x[p] + Σ_e gain[e] · y[e],  where

        value[p] = placement_values[f_p, c_p]   (see :func:`placement_values`)
        gain[e]  = score[e] - position_price[v_e]

    and ``score[e]`` is the success probability of member m_e in vacancy v_e: each
    expected job counts one point, whoever takes it."""
    edge_value = instance.edge_score[var.edge_index]
    if options.position_price is not None:
        price = np.asarray(options.position_price)
        edge_value = edge_value - price[instance.edge_vacancy[var.edge_index]]
    pair_value = placement_values(instance, options)[var.pair_family, var.pair_city]
    return np.concatenate([pair_value, edge_value])


class _RowBlocks:
    """Collects families of rows and stacks them into one CSR matrix."""

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

    def add(self, kind: RowKind, block: _Rows) -> None:
        n_rows = block.n_rows
        self.rows.append(np.asarray(block.row, dtype=np.int64) + self.n_rows)
        self.cols.append(np.asarray(block.col, dtype=np.int64))
        self.vals.append(np.asarray(block.val, dtype=np.float64))
        self.lb.append(np.broadcast_to(np.asarray(block.lb, dtype=np.float64), (n_rows,)))
        self.ub.append(np.broadcast_to(np.asarray(block.ub, dtype=np.float64), (n_rows,)))
        self.kind.append(np.full(n_rows, int(kind), dtype=np.int8))
        self.ref.append(np.asarray(block.ref, dtype=np.int64).reshape(n_rows, 2))
        self.n_rows += n_rows

    def stack(self) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
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
