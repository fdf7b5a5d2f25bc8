"""Reference files shipped in ``arraigo.data`` (data/reference/): one way to read them."""

from importlib import resources

import pandas as pd


def reference_path(name: str):
    """The shipped reference file ``name`` (a Traversable: open it or read its text)."""
    return resources.files("arraigo.data") / "reference" / name


def read_reference(name: str) -> pd.DataFrame:
    """A shipped CSV (plain or .gz) with every cell as text and empty cells as ""."""
    with resources.as_file(reference_path(name)) as local:
        return pd.read_csv(local, dtype=str, keep_default_na=False)
