"""Every fault in the broken-file corpus is reported exactly, and nothing is loaded."""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from arraigo.data import DataValidationError, kind_of, load_dataset, validate_paths

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(p.name for p in (CORPUS / "broken").iterdir())


def assemble(case: str, target: Path) -> Path:
    """The good dataset with the case's files in place of the good ones of their kind."""
    target.mkdir()
    broken = [p for p in (CORPUS / "broken" / case).iterdir() if p.name != "expected.csv"]
    replaced = {kind_of(p) for p in broken}
    for path in (CORPUS / "good").iterdir():
        if kind_of(path) not in replaced:
            shutil.copy(path, target)
    for path in broken:
        shutil.copy(path, target)
    return target


def test_corpus_has_at_least_25_distinct_faults():
    codes = {
        code
        for case in CASES
        for code in pd.read_csv(CORPUS / "broken" / case / "expected.csv")["code"]
    }
    assert len(CASES) >= 25
    assert len(codes) >= 25


def test_good_dataset_is_valid():
    dataset, problems = validate_paths([CORPUS / "good"])
    assert dataset is not None
    assert [p for p in problems if p.severity == "error"] == []


@pytest.mark.parametrize("case", CASES)
def test_each_fault_is_reported_with_file_row_and_column(case, tmp_path):
    folder = assemble(case, tmp_path / case)
    dataset, problems = validate_paths(sorted(folder.iterdir()))
    expected = pd.read_csv(CORPUS / "broken" / case / "expected.csv", keep_default_na=False)
    want = {(r.file, int(r.row), r.column, r.code) for r in expected.itertuples()}
    got = {(Path(p.file).name, p.row, p.column, p.code) for p in problems if p.severity == "error"}
    assert dataset is None
    assert got == want
    for problem in problems:  # every message reads in both languages
        assert problem.message_es and problem.message_en
        assert problem.message_es != problem.message_en


@pytest.mark.parametrize("case", ["age_too_high", "unknown_family", "excel_age_too_high"])
def test_a_broken_dataset_loads_nothing(case, tmp_path):
    folder = assemble(case, tmp_path / case)
    with pytest.raises(DataValidationError) as raised:
        load_dataset(folder)
    assert raised.value.problems


def test_an_unknown_table_in_a_folder_is_a_warning(good_dir):
    (good_dir / "scores.csv").write_text("family_id,city,score\nF1,Saltillo,0.5\n")
    dataset, problems = validate_paths([good_dir])
    assert dataset is not None
    assert [(p.code, p.severity) for p in problems] == [("file_kind_unknown", "warning")]
