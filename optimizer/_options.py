"""The modelling choices of a plan: objective weights, ties, intake limits, group shares
and capacity prices."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from ._instance import Instance

DEFAULT_PREFERENCE_WEIGHT = 0.05
"""Objective points for a family's first-choice city (in units of expected jobs)."""
DEFAULT_VULNERABILITY_WEIGHT = 0.05
"""Objective points per unit of vulnerability priority when a family is relocated."""
DEFAULT_TIE_WEIGHT = 1.0
"""Objective points for honouring a family's ties_city when ties are soft."""


@dataclass(frozen=True)
class GroupShare:
    """At least ``min_share`` of relocated families must belong to the group ``mask``."""

    name: str
    mask: np.ndarray
    min_share: float


@dataclass(frozen=True)
class PlanOptions:
    """Modelling choices of a plan; ``None`` weights take defaults (0 in exact-score mode).

    ``capacity_price[c, r]`` and ``position_price[v]`` (optional) charge each unit of
    resource and each position used, in objective points: the dynamic method passes LP
    duals here to keep capacity and jobs for later arrivals.
    """

    preference_weight: float | None = None
    vulnerability_weight: float | None = None
    ties: Literal["hard", "soft"] = "hard"
    tie_weight: float = DEFAULT_TIE_WEIGHT
    intake_limit: Mapping[str, int] = field(default_factory=dict)
    fairness: Sequence[GroupShare] = ()
    capacity_price: np.ndarray | None = None
    position_price: np.ndarray | None = None

    def weights(self, instance: Instance) -> tuple[float, float]:
        """Preference and vulnerability weights in force for this instance."""
        default_pref = 0.0 if instance.exact_scores else DEFAULT_PREFERENCE_WEIGHT
        default_vuln = 0.0 if instance.exact_scores else DEFAULT_VULNERABILITY_WEIGHT
        pref = default_pref if self.preference_weight is None else self.preference_weight
        vuln = default_vuln if self.vulnerability_weight is None else self.vulnerability_weight
        return float(pref), float(vuln)
