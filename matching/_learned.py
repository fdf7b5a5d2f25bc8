"""The unit group learned from profiles that people labelled by hand: a multinomial
logistic regression over a whole profile's embedding, which seconds the taxonomy's vote
(``profile_groups``) with what profiles written the same way were coded as.

The taxonomy knows ESCO's labels, which are titles; people write tasks, places and
trade slang ("salia en lancha con red", "m vann fritay nan lari"). The shipped
``labelled_profiles.csv`` holds 1,408 profiles in Spanish, French, English and Haitian
Creole, each coded to its ISCO-08 unit group by hand (see ``labelled_profiles.md``),
and the skill phrases of ``trades.csv`` add a few per trade. Each is read as the
matcher reads a person's profile (Creole bridged for a Creole speaker) and embedded
with the taxonomy's encoder. The default model's fit ships in the package; any other is
made when the taxonomy is fitted, and kept in its index. Profiles coded by the
programme's own staff can be added to the file (then rebuild the shipped files, see
``_build_shipped``); the benchmark shows the learned group gaining with every set added.
"""

import hashlib

import numpy as np
import pandas as pd
from scipy.special import softmax

from arraigo.data import read_reference, reference_path

from ._creole import CreoleBridge
from ._encoders import Encoder
from ._shipped import shipped_label_vectors

LABELLED_FILE = "labelled_profiles.csv"
# The default model's fit on every labelled profile, built by ``_build_shipped``.
SHIPPED_FIT = "learned_groups.npz"
TRADES_FILE = "trades.csv"
LANGS = ("es", "fr", "en", "ht")
# Inverse regularisation. Chosen by training on every labelled set but one and scoring
# the one left out (independent 2 and 3 in turn): 100 and 1,000 scored alike, 10 about
# four points lower, 1 gave little; see benchmarks/RESULTS.md.
LEARNED_C = 100.0


def trade_phrases() -> pd.DataFrame:
    """The skill phrases of ``trades.csv`` as labelled profiles: set ``trades.csv``,
    lang, isco, style ``dev``, text (one row per phrase and language)."""
    trades = read_reference(TRADES_FILE)
    frames = [
        trades[["isco", f"skills_{lang}"]]
        .assign(text=trades[f"skills_{lang}"].str.split("|"), lang=lang, style="dev")
        .explode("text")[["lang", "isco", "style", "text"]]
        for lang in LANGS
    ]
    phrases = pd.concat(frames, ignore_index=True).assign(set=TRADES_FILE)
    return phrases[phrases["text"].str.strip() != ""].reset_index(drop=True)


def labelled_profiles() -> pd.DataFrame:
    """Every profile the learned model trains on: set, lang, isco, style, text."""
    profiles = read_reference(LABELLED_FILE)
    return pd.concat([profiles, trade_phrases()], ignore_index=True)[
        ["set", "lang", "isco", "style", "text"]
    ]


def training_texts(profiles: pd.DataFrame, bridge: CreoleBridge | None = None) -> list[str]:
    """Each profile's text as the matcher embeds a person's: bridged from Creole when it is
    a Creole speaker's (lang ``ht``) or reads as Creole."""
    bridge = bridge or CreoleBridge()
    texts = profiles["text"].reset_index(drop=True)
    creole = bridge.is_creole(texts, (profiles["lang"] == "ht").reset_index(drop=True))
    return bridge.bridge(texts, creole).tolist()


def training_set(
    groups: np.ndarray | None = None, profiles: pd.DataFrame | None = None
) -> tuple[list[str], np.ndarray]:
    """The texts (as :func:`training_texts` reads them) and unit groups (int) of the
    ``profiles`` (default :func:`labelled_profiles`) whose group is in ``groups`` (all
    when None): what a fit learns from."""
    profiles = labelled_profiles() if profiles is None else profiles
    isco = profiles["isco"].astype(np.int64).to_numpy()
    keep = np.ones(len(isco), bool) if groups is None else np.isin(isco, groups)
    texts = [t for t, k in zip(training_texts(profiles), keep, strict=True) if k]
    return texts, isco[keep]


def fit_learned_groups(
    encoder: Encoder,
    groups: np.ndarray | None = None,
    profiles: pd.DataFrame | None = None,
    shipped: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The logistic regression of unit group on profile embedding, as arrays: ``coef``
    ``(n_classes, dim)``, ``intercept`` and ``classes`` (ISCO-08 unit groups, int);
    trained on :func:`training_set`. None when it holds fewer than two groups. The
    default model's fit on every labelled profile ships in the package
    (:data:`SHIPPED_FIT`), so a fresh machine fits nothing; any other fit (or
    ``shipped`` False) is made here, in seconds."""
    texts, isco = training_set(groups, profiles)
    if len(np.unique(isco)) < 2:
        return None
    if shipped:
        found = shipped_learned_groups(learned_key(encoder.model_id, texts, isco))
        if found is not None:
            return found
    return fit_training_set(encoder, texts, isco)


def fit_training_set(
    encoder: Encoder, texts: list[str], isco: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`fit_learned_groups` on a given training set (two groups or more), always
    fitted here: the texts' vectors are the shipped ones when they are the encoder's."""
    from sklearn.linear_model import LogisticRegression  # only to fit: the import is slow

    vectors = shipped_label_vectors(encoder.model_id, texts)
    vectors = encoder.encode(texts) if vectors is None else vectors
    model = LogisticRegression(C=LEARNED_C, max_iter=1000).fit(vectors, isco)
    coef, intercept = model.coef_, model.intercept_
    if len(model.classes_) == 2:  # scikit-learn keeps one row for two classes
        coef, intercept = np.vstack([-coef, coef]) / 2, np.r_[-intercept, intercept] / 2
    return coef.astype(np.float32), intercept.astype(np.float32), model.classes_.astype(np.int64)


def learned_key(model_id: str, texts: list[str], isco: np.ndarray) -> str:
    """What a fit depends on: the model, the regularisation, each text and its group."""
    digest = hashlib.blake2b(f"{model_id}\n{LEARNED_C!r}".encode(), digest_size=16)
    for text, group in zip(texts, isco.tolist(), strict=True):
        digest.update(f"\n{group}\t{text}".encode())
    return digest.hexdigest()


def shipped_learned_groups(key: str) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The shipped fit (coef, intercept, classes) when it was made for ``key``."""
    path = reference_path(SHIPPED_FIT)
    if not path.is_file():
        return None
    with path.open("rb") as handle, np.load(handle, allow_pickle=False) as stored:
        if str(stored["key"]) != key:
            return None
        return stored["coef"], stored["intercept"], stored["classes"]


def learned_probabilities(
    coef: np.ndarray, intercept: np.ndarray, vectors: np.ndarray
) -> np.ndarray:
    """Each profile's probability of each class, ``(len(vectors), n_classes)``."""
    return softmax(vectors @ coef.T + intercept, axis=1)
