"""People's skills profiles as the matcher reads them: bridged from Creole, embedded, and
cut into clauses that each may name an occupation, the one staff confirmed first, then
the one the whole profile points to (``profile_groups``)."""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from ._creole import CreoleBridge
from ._eligibility import PeopleFacts, people_facts
from ._encoders import Encoder
from ._glossary import Glossary
from ._taxonomy import isco_int, per_group_value
from ._text import HAITIAN_CREOLE, clause_core, column, fold_all, segments, speaks

# A person's occupation as staff corrected it (ISCO-08 unit group, and the ESCO
# occupation when staff named one), if any: it counts ahead of what the engine reads in
# the profile, and the reason says it came from staff.
CORRECTED_COLUMN = "occupation_isco"
CORRECTED_ESCO_COLUMN = "occupation_esco"
CORRECTED_SEGMENT = "corregido por el personal"


@dataclass(frozen=True)
class Profiles:
    """People prepared for scoring, arrays aligned with the people table."""

    ids: np.ndarray
    texts: pd.Series  # skills text, Creole bridged
    vectors: np.ndarray
    occ_esco: np.ndarray  # (n, slots) positions in the taxonomy, -1 padding
    occ_isco: np.ndarray  # (n, slots) ISCO-08 unit group as int, -1 padding
    occ_confidence: np.ndarray  # (n, slots)
    occ_segment: np.ndarray  # (n, slots) the profile clause each occupation came from
    lexical: sparse.csr_matrix
    facts: PeopleFacts


def read_profiles(
    people: pd.DataFrame,
    *,
    encoder: Encoder,
    bridge: CreoleBridge,
    glossary: Glossary,
    neighbours: Callable[[list[str]], tuple[np.ndarray, np.ndarray]],
    taxonomy_isco: np.ndarray,
    taxonomy_ids: np.ndarray,
    lexical: TfidfVectorizer,
    max_slots: int = 4,
    learned: Callable[[list[str], np.ndarray], tuple[np.ndarray, np.ndarray] | None] | None = None,
) -> Profiles:
    """``people`` read with a fitted matcher's parts: ``neighbours`` gives each text's
    best taxonomy occupations, best first, and their scores (``(n, k)`` arrays, ``k`` at
    least 1; :data:`CLAUSE_NEIGHBOURS` lets the whole profile vote), optionally followed
    by the text's similarity to each one's unit-group labels (``profile_groups``' last
    argument; :meth:`BestOccupation.neighbours` gives all three), ``taxonomy_isco`` and
    ``taxonomy_ids`` are each taxonomy occupation's ISCO-08 unit group and ESCO id,
    ``lexical`` the fitted n-gram vectorizer; up to ``max_slots`` clauses of a profile
    each name an occupation; ``learned`` gives, from the bridged texts and their
    vectors, each profile's probability of the unit groups learned from labelled
    profiles (:meth:`TaxonomyNormaliser.learned_groups`), which the vote then counts."""
    raw = column(people, "skills_text").astype(str).reset_index(drop=True)
    languages = column(people, "languages").reset_index(drop=True)
    creole = bridge.is_creole(raw, pd.Series(speaks(languages, HAITIAN_CREOLE)))
    texts = bridge.bridge(raw, creole)
    vectors = encoder.encode(texts.tolist())
    clauses = profile_clauses(raw, creole, bridge, glossary, max_slots)
    learned_groups = learned(texts.tolist(), vectors) if learned is not None else None

    # Each clause of a profile names at most one occupation; the slots are ordered by
    # the evidence for it (see ``clause_support``). The first is the profile's
    # occupation, the one the whole profile points to (``profile_groups``), named by
    # the clause that scored it best.
    positions, scores, *group_labels = map(np.atleast_2d, neighbours(clauses["core"].tolist()))
    found = clauses.assign(esco=positions[:, 0], confidence=scores[:, 0])
    found["support"] = clause_support(
        found["person"], pd.Series(taxonomy_isco[positions[:, 0]]), found["confidence"]
    ).to_numpy()
    if len(found):
        lead = profile_groups(
            found["person"], positions, scores, taxonomy_isco, *group_labels, learned=learned_groups
        )
        lead = lead.drop_duplicates("person")
        found.loc[lead["clause"], "esco"] = lead["esco"].to_numpy()
        found.loc[lead["clause"], "confidence"] = lead["confidence"].to_numpy()
        found.loc[lead["clause"], "support"] = np.inf
    found = found.sort_values(["person", "support"], ascending=[True, False], kind="stable")
    found["slot"] = found.groupby("person").cumcount()
    n = len(texts)
    slots = max(1, int(found["slot"].max()) + 1 if len(found) else 1)
    grid = {
        name: np.full((n, slots), fill, dtype=dtype)
        for name, fill, dtype in (
            ("esco", -1, np.int64),
            ("confidence", 0.0, np.float32),
            ("segment", "", object),
        )
    }
    for name, values in grid.items():
        values[found["person"].to_numpy(), found["slot"].to_numpy()] = found[name].to_numpy()
    grid = _corrected(people, grid, taxonomy_isco, taxonomy_ids)
    return Profiles(
        ids=column(people, "person_id").astype(str).to_numpy(),
        texts=texts,
        vectors=vectors,
        occ_esco=grid["esco"],
        occ_isco=np.where(grid["esco"] >= 0, taxonomy_isco[grid["esco"]], -1),
        occ_confidence=grid["confidence"],
        occ_segment=grid["segment"],
        lexical=lexical.transform(fold_all(texts)).tocsr(),
        facts=people_facts(people),
    )


# How much a clause's occupation gains from being named first (people and caseworkers
# write the trade first, then its tasks; official titles put qualifiers after it) and
# from each other clause of the profile whose occupation shares its ISCO-08 minor group
# (three digits). Chosen on the skill phrases of data/reference/trades.csv, never on
# the held-out profiles of benchmarks/profiles/ (see benchmarks/RESULTS.md).
FIRST_CLAUSE_BONUS = 0.05
AGREEMENT_BONUS = 0.05


def clause_support(person: pd.Series, isco: pd.Series, confidence: pd.Series) -> pd.Series:
    """Evidence for each clause's occupation: its confidence, plus a bonus for the first
    clause of a profile and for each other clause agreeing on the ISCO minor group.

    Clauses come in profile order; ``isco`` is each clause's unit group (int, -1 none).
    """
    person = person.reset_index(drop=True)
    minor = pd.Series(np.where(isco.to_numpy() >= 0, isco.to_numpy() // 10, -1))
    first = person.groupby(person).cumcount() == 0
    agreeing = minor.groupby([person, minor]).transform("size") - 1
    agreeing = agreeing.where(minor >= 0, 0)
    return (
        confidence.reset_index(drop=True) + FIRST_CLAUSE_BONUS * first + AGREEMENT_BONUS * agreeing
    )


# How the whole profile votes for its occupation, over each clause's
# ``CLAUSE_NEIGHBOURS`` best occupations: an occupation scores its best clause (the
# first clause with ``FIRST_CLAUSE_BONUS``) plus ``OTHER_CLAUSES_WEIGHT`` times its
# scores in the other clauses; among the profile's ``GROUP_CANDIDATES`` best
# occupations, an ISCO-08 unit group scores its best one plus ``GROUP_WEIGHT`` times the
# mean of its next ``GROUP_DEPTH - 1``. So "pintor de casas, pinto paredes" lands on the
# building painter (several of its labels match) rather than the artist (one label),
# and a clause about a hospital does not outvote a nursing clause with one general word.
# Chosen on the development profiles (set "dev" of data/reference/labelled_profiles.csv)
# and the phrases of trades.csv (the middle of a plateau: every setting within 0.05 of
# these scored within a point or two), never on the held-out profiles (see
# benchmarks/RESULTS.md).
CLAUSE_NEIGHBOURS = 20
OTHER_CLAUSES_WEIGHT = 0.2
GROUP_CANDIDATES = 20
GROUP_WEIGHT = 0.2
GROUP_DEPTH = 3
# A second opinion on the unit group: the best cosine of any clause of the profile with
# the group's own ISCO-08 labels (es, fr, en: "Peones de explotaciones agrícolas",
# "Trabajadores de los cuidados personales a domicilio"), counted this many times
# above the profile's best such cosine, among the groups its clauses' occupations fall
# in. It tells a labourer from a farmer, a home carer from a social worker, where
# ESCO's occupation labels share words ("ganado", "personas mayores"). Chosen on the
# same development sets (top-1 flat within a point for 4 to 8; 0 is the vote alone).
GROUP_LABEL_WEIGHT = 6.0
# A third opinion: the group's probability learned from hand-labelled profiles
# (``_learned``), counted this many times. It knows how people write what titles do not
# say: a fisherman with a small boat fishes coastal waters (6222, not 6223), a
# dishwasher is a kitchen helper, a stall at the market is not a shop. Chosen by
# training on all labelled sets but one and scoring the one left out (independent 2,
# then 3): top-1 within a point from 0.9 to 3.6, best at 1.8 (0.3 of the label weight).
LEARNED_WEIGHT = 1.8


def profile_groups(
    person: pd.Series,
    positions: np.ndarray,
    scores: np.ndarray,
    taxonomy_isco: np.ndarray,
    group_labels: np.ndarray | None = None,
    learned: tuple[np.ndarray, np.ndarray] | None = None,
) -> pd.DataFrame:
    """ISCO-08 unit groups each profile points to, best first: columns ``person``,
    ``isco``, ``score`` (the group's vote), ``esco`` (its best occupation), ``clause``
    (row of that occupation's best clause) and ``confidence`` (the occupation's score
    there, on the taxonomy's scale).

    ``person`` gives each clause's profile, clauses in profile order; ``positions`` and
    ``scores`` each clause's best occupations, ``(n_clauses, k)``; ``group_labels``, if
    given, each clause's similarity to those occupations' unit-group labels (same shape;
    see :data:`GROUP_LABEL_WEIGHT`); ``learned``, if given, each profile's probability of
    each learned unit group and those groups (rows by ``person``; see
    :data:`LEARNED_WEIGHT`).
    """
    person = person.to_numpy()
    n, k = positions.shape
    first = np.r_[True, person[1:] != person[:-1]] if n else np.zeros(0, bool)
    votes = pd.DataFrame(
        {
            "person": np.repeat(person, k),
            "clause": np.repeat(np.arange(n), k),
            "esco": positions.ravel(),
            "confidence": scores.ravel(),
            "label": 0.0 if group_labels is None else group_labels.ravel(),
        }
    )
    votes = votes[votes["esco"] >= 0]
    votes["vote"] = votes["confidence"] + FIRST_CLAUSE_BONUS * np.repeat(first, k)[votes.index]
    # An occupation: its best clause, plus a share of what the other clauses give it.
    votes = votes.sort_values(["person", "esco", "vote"], ascending=[True, True, False])
    occupations = votes.groupby(["person", "esco"], sort=False).agg(
        best=("vote", "first"),
        total=("vote", "sum"),
        clause=("clause", "first"),
        confidence=("confidence", "first"),
    )
    occupations["score"] = occupations["best"] + OTHER_CLAUSES_WEIGHT * (
        occupations["total"] - occupations["best"]
    )
    occupations = (
        occupations.reset_index()
        .sort_values(["person", "score"], ascending=[True, False], kind="stable")
        .groupby("person", sort=False)
        .head(GROUP_CANDIDATES)
    )
    # A unit group: its best occupation, plus a share of its next ones.
    occupations["isco"] = taxonomy_isco[occupations["esco"].to_numpy()]
    rank = occupations.groupby(["person", "isco"], sort=False).cumcount()
    depth = max(GROUP_DEPTH - 1, 1)
    occupations["weight"] = np.where(
        rank == 0, 1.0, np.where(rank < GROUP_DEPTH, GROUP_WEIGHT / depth, 0.0)
    )
    occupations["part"] = occupations["weight"] * occupations["score"]
    groups = occupations.groupby(["person", "isco"], sort=False).agg(
        score=("part", "sum"),
        esco=("esco", "first"),
        clause=("clause", "first"),
        confidence=("confidence", "first"),
    )
    if group_labels is not None:
        # A group's label similarity: its best clause's, over every clause's occupations.
        isco = taxonomy_isco[votes["esco"].to_numpy()]
        label = votes["label"].groupby([votes["person"].to_numpy(), isco]).max()
        label = label.reindex(groups.index).to_numpy()
        best = pd.Series(label).groupby(groups.index.get_level_values(0)).transform("max")
        groups["score"] += GROUP_LABEL_WEIGHT * (label - best.to_numpy())
    if learned is not None:
        probabilities, classes = learned
        owner, isco = (groups.index.get_level_values(i).to_numpy() for i in (0, 1))
        found = per_group_value(probabilities, owner, classes, isco).astype(np.float64)
        groups["score"] += LEARNED_WEIGHT * found
    return (
        groups.reset_index()
        .sort_values(["person", "score"], ascending=[True, False], kind="stable")
        .reset_index(drop=True)[["person", "isco", "score", "esco", "clause", "confidence"]]
    )


def profile_clauses(
    raw: pd.Series,
    creole: pd.Series,
    bridge: CreoleBridge,
    glossary: Glossary,
    max_slots: int = 4,
) -> pd.DataFrame:
    """The clauses of each profile that may name an occupation: columns ``person``
    (position in ``raw``), ``segment`` (as written) and ``core`` (what the taxonomy
    reads: filler words dropped, Creole words replaced by their French and Spanish
    equivalents where ``creole`` says so, Mexican Spanish terms glossed)."""
    raw = raw.reset_index(drop=True)
    # Clauses are cut from the raw text, stripped of filler, then translated one by one,
    # so a Creole trade word's equivalents stay in the clause that names it and a
    # filler word ("travay") brings none ("travailler trabajar") of its own.
    clauses = raw.map(lambda t: segments(t, max_slots)).explode().dropna()
    owners = clauses.index.to_numpy()
    cores = bridge.translate(
        clauses.map(clause_core).reset_index(drop=True),
        creole.reset_index(drop=True).loc[owners].reset_index(drop=True),
    )
    # Glossary terms are looked for in the clause as written too: "ayudante de obra"
    # loses its "de" with the filler.
    segment = pd.Series(clauses.to_numpy())
    return pd.DataFrame(
        {
            "person": owners,
            "segment": segment.to_numpy(),
            "core": glossary.annotate(cores, segment).to_numpy(),
        }
    )


def _corrected(
    people: pd.DataFrame,
    grid: dict[str, np.ndarray],
    taxonomy_isco: np.ndarray,
    taxonomy_ids: np.ndarray,
) -> dict[str, np.ndarray]:
    """Put the occupation staff confirmed (column ``occupation_esco``, an ESCO id, else
    ``occupation_isco``, an ISCO-08 unit group) in a slot of its own, ahead of what the
    engine read in the text."""
    corrected = column(people, CORRECTED_COLUMN, "").astype(str).str.strip().to_numpy()
    named = column(people, CORRECTED_ESCO_COLUMN, "").astype(str).str.strip().to_numpy()
    has = (corrected != "") | (named != "")
    if not has.any():
        return grid
    # The ESCO occupation staff named, else the first of that unit group in the taxonomy.
    by_id = pd.Series(np.arange(len(taxonomy_ids)), index=taxonomy_ids)
    first = pd.Series(np.arange(len(taxonomy_isco)), index=taxonomy_isco).groupby(level=0).first()
    from_id = by_id.reindex(named).fillna(-1).to_numpy(np.int64)
    from_group = first.reindex(isco_int(pd.Series(corrected))).fillna(-1).to_numpy(np.int64)
    esco = np.where(from_id >= 0, from_id, from_group)
    lead = {
        "esco": esco,
        "confidence": np.where(esco >= 0, 1.0, 0.0).astype(np.float32),
        "segment": np.where(has, CORRECTED_SEGMENT, "").astype(object),
    }
    return {name: np.column_stack([lead[name], values]) for name, values in grid.items()}
