"""The planning instance: one batch of families, destinations and vacancies as NumPy arrays.

Everything the model needs is here, already indexed (family, city, resource, member,
vacancy), so the model builder works on arrays and never on DataFrames or files.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

NO_CITY = -1
"""Index used for "not relocated" / "no tie" / "not locked"."""


@dataclass(frozen=True, eq=False)
class Instance:
    """One batch to plan.

    Shapes: F families, C cities, R resources, M members, V vacancies, E member–vacancy
    edges (pairs the outcome model scored; a missing pair is incompatible).

    ``capacity[c, r]`` is ``inf`` where the resource is unlimited. ``excluded[f, c]``
    holds every hard veto known before the plan (excluded_cities, language or other
    compatibility rules). ``family_city_score[f, c]`` is the expected success of the
    family in the city that does not come through a vacancy (member–city scores, or a
    ``--scores`` file); ``edge_score`` is the success probability of a member in a
    vacancy. ``exact_scores`` is True when every family's score came from a score file,
    which switches the default weights off so the objective is exactly their sum.
    """

    family_ids: np.ndarray
    city_names: np.ndarray
    resources: tuple[str, ...]
    capacity: np.ndarray
    use: np.ndarray
    excluded: np.ndarray
    family_city_score: np.ndarray
    member_ids: np.ndarray = field(default_factory=lambda: np.array([], dtype=object))
    member_family: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    vacancy_ids: np.ndarray = field(default_factory=lambda: np.array([], dtype=object))
    vacancy_city: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    positions: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    edge_member: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    edge_vacancy: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    edge_score: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))
    preference: np.ndarray | None = None
    vulnerability: np.ndarray | None = None
    tie_city: np.ndarray | None = None
    locked_city: np.ndarray | None = None
    arrival_order: np.ndarray | None = None
    exact_scores: bool = False

    def __post_init__(self) -> None:
        n_f, n_c = len(self.family_ids), len(self.city_names)
        defaults = {
            "preference": np.zeros((n_f, n_c)),
            "vulnerability": np.zeros(n_f),
            "tie_city": np.full(n_f, NO_CITY, dtype=np.int64),
            "locked_city": np.full(n_f, NO_CITY, dtype=np.int64),
            "arrival_order": np.arange(n_f, dtype=np.int64),
        }
        for name, value in defaults.items():
            if getattr(self, name) is None:
                object.__setattr__(self, name, value)
        self._check_shapes()

    def _check_shapes(self) -> None:
        n_f, n_c, n_r = self.n_families, self.n_cities, len(self.resources)
        expected = {
            "capacity": (n_c, n_r),
            "use": (n_f, n_r),
            "excluded": (n_f, n_c),
            "family_city_score": (n_f, n_c),
            "preference": (n_f, n_c),
            "vulnerability": (n_f,),
            "tie_city": (n_f,),
            "locked_city": (n_f,),
            "arrival_order": (n_f,),
            "member_family": (len(self.member_ids),),
            "vacancy_city": (len(self.vacancy_ids),),
            "positions": (len(self.vacancy_ids),),
            "edge_vacancy": (len(self.edge_member),),
            "edge_score": (len(self.edge_member),),
        }
        for name, shape in expected.items():
            actual = np.shape(getattr(self, name))
            if actual != shape:
                raise ValueError(f"Instance.{name} has shape {actual}, expected {shape}")
        if np.any(self.use < 0):
            raise ValueError("Instance.use must be non-negative")
        if np.any(self.capacity < 0):
            raise ValueError("Instance.capacity must be non-negative (inf for unlimited)")

    @property
    def n_families(self) -> int:
        return len(self.family_ids)

    @property
    def n_cities(self) -> int:
        return len(self.city_names)

    @property
    def n_members(self) -> int:
        return len(self.member_ids)

    @property
    def edge_city(self) -> np.ndarray:
        """City of each member–vacancy edge."""
        return self.vacancy_city[self.edge_vacancy]

    @property
    def edge_family(self) -> np.ndarray:
        """Family of each member–vacancy edge."""
        return self.member_family[self.edge_member]

    def subset(self, families: np.ndarray) -> Instance:
        """The same cities and vacancies with only the given families (indices, in order).

        Members and edges follow their families; used by the dynamic simulation and by
        the infeasibility report.
        """
        families = np.asarray(families, dtype=np.int64)
        new_index = np.full(self.n_families, -1, dtype=np.int64)
        new_index[families] = np.arange(len(families))
        keep_member = new_index[self.member_family] >= 0
        member_index = np.full(self.n_members, -1, dtype=np.int64)
        member_index[keep_member] = np.arange(int(keep_member.sum()))
        keep_edge = keep_member[self.edge_member]
        return Instance(
            family_ids=self.family_ids[families],
            city_names=self.city_names,
            resources=self.resources,
            capacity=self.capacity,
            use=self.use[families],
            excluded=self.excluded[families],
            family_city_score=self.family_city_score[families],
            member_ids=self.member_ids[keep_member],
            member_family=new_index[self.member_family[keep_member]],
            vacancy_ids=self.vacancy_ids,
            vacancy_city=self.vacancy_city,
            positions=self.positions,
            edge_member=member_index[self.edge_member[keep_edge]],
            edge_vacancy=self.edge_vacancy[keep_edge],
            edge_score=self.edge_score[keep_edge],
            preference=self.preference[families],
            vulnerability=self.vulnerability[families],
            tie_city=self.tie_city[families],
            locked_city=self.locked_city[families],
            arrival_order=self.arrival_order[families],
            exact_scores=self.exact_scores,
        )

    def with_capacity(self, capacity: np.ndarray, positions: np.ndarray | None = None) -> Instance:
        """The same batch against other capacities (and optionally other open positions)."""
        return replace(
            self, capacity=capacity, positions=self.positions if positions is None else positions
        )
