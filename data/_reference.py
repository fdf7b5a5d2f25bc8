"""The reference files shipped in ``arraigo.data`` (data/reference/), read one way: as
text, or as the typed tables the scenario, the maps and the matcher use."""

from functools import cache
from importlib import resources

import pandas as pd


def reference_path(name: str):
    """The shipped reference file ``name`` (a Traversable: open it or read its text)."""
    return resources.files("arraigo.data") / "reference" / name


def read_reference(name: str) -> pd.DataFrame:
    """A shipped CSV (plain or .gz) with every cell as text and empty cells as ""."""
    with resources.as_file(reference_path(name)) as local:
        return pd.read_csv(local, dtype=str, keep_default_na=False)


def _with_numbers(name: str, columns: tuple[str, ...]) -> pd.DataFrame:
    """A shipped CSV whose ``columns`` are numbers."""
    frame = read_reference(name)
    frame[list(columns)] = frame[list(columns)].astype(float)
    return frame


@cache
def reference_destinations() -> pd.DataFrame:
    """The destination cities with state, coordinates, metro population and industries."""
    return _with_numbers("destinations_mx.csv", ("lat", "lon", "population_k"))


@cache
def reference_origins() -> pd.DataFrame:
    """The southern cities where claims are filed, with their share of applicants."""
    return _with_numbers("origins_mx.csv", ("lat", "lon", "share"))


@cache
def trades() -> pd.DataFrame:
    """The trades people bring, with their ISCO code, sector and skills phrases."""
    return read_reference("trades.csv")


@cache
def vacancy_templates() -> pd.DataFrame:
    """Kinds of SNE posting by industry: title, duties, ISCO code and salary range."""
    return _with_numbers("vacancy_templates.csv", ("salary_min", "salary_max"))


def base_map() -> str:
    """TopoJSON of North America (land, coasts, borders) for maps drawn offline; plotly
    reads it as ``window.PlotlyGeoAssets.topojson["north-america_110m"]``."""
    return reference_path("north-america_110m.json").read_text(encoding="utf-8")
