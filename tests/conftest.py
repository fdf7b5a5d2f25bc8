"""Shared fixtures: the small good dataset the project ships for tests."""

import shutil
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "data" / "corpus"


@pytest.fixture
def good_dir(tmp_path: Path) -> Path:
    """A copy of the small, valid dataset (people, families, destinations, vacancies)."""
    target = tmp_path / "good"
    shutil.copytree(CORPUS / "good", target)
    return target


@pytest.fixture
def override_dir(good_dir: Path) -> Path:
    """The small dataset with a ``use_housing_units`` column: family F1 uses 2 housing
    units, the other families (blank) what the rules derive."""
    families = good_dir / "families.csv"
    lines = families.read_text(encoding="utf-8").splitlines()
    overrides = ["use_housing_units", "2", "", "", ""]
    families.write_text(
        "\n".join(f"{line},{value}" for line, value in zip(lines, overrides, strict=True)),
        encoding="utf-8",
    )
    return good_dir
