"""Text helpers shared by the signals: accent folding, list cells, profile segments."""

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

_SEGMENT_SPLIT = re.compile(r"[.;,:\n\r()]+|\s+(?:y|e|et|and|ak|epi|avec|con|with)\s+", re.I)
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case ``text`` and strip accents, so "Soldadór" and "soldador" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold_all(texts: Iterable[str]) -> list[str]:
    return [fold(t) for t in texts]


def as_items(value: Any) -> tuple[str, ...]:
    """A contract list cell as a tuple: accepts a list/tuple or a ``;``-separated string."""
    if isinstance(value, list | tuple | np.ndarray):
        return tuple(str(v).strip().lower() for v in value if str(v).strip())
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ()
    return tuple(p.strip().lower() for p in str(value).split(";") if p.strip())


def column(frame: pd.DataFrame, name: str, default: Any = "") -> pd.Series:
    """``frame[name]`` with missing cells as ``default``; a constant column if absent."""
    if name not in frame.columns:
        return pd.Series([default] * len(frame), index=frame.index, dtype=object)
    return frame[name].astype(object).where(frame[name].notna(), default)


def segments(text: str, max_segments: int = 6) -> list[str]:
    """Split a free-text profile into short clauses that each may name one trade."""
    parts = [p.strip() for p in _SEGMENT_SPLIT.split(text) if p and p.strip()]
    parts = [p for p in parts if _WORD.search(p)]
    return parts[:max_segments] or ([text.strip()] if text.strip() else [])


def words(text: str) -> list[str]:
    """Folded words of three letters or more (digits and punctuation dropped)."""
    return _WORD.findall(fold(text))
