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
