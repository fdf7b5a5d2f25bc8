"""The ``arraigo match`` command as a user runs it, on small files."""

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from arraigo.api.cli.match import OUTPUT_COLUMNS, match_command
from arraigo.matching import TaxonomyNormaliser, esco_labels

from .conftest import TEST_EMBED_KINDS
from .test_matcher import PEOPLE, VACANCIES


@pytest.fixture(autouse=True)
def small_taxonomy(monkeypatch, occupations):
    # The shipped taxonomy indexes 59,000 labels on a machine's first run (seconds, then
    # read from the cache); these tests use the same code on a few trades.
    monkeypatch.setattr(
        "arraigo.api.services.matchers.default_taxonomy",
        lambda encoder, directory: TaxonomyNormaliser(
            encoder=encoder, embed_kinds=TEST_EMBED_KINDS
        ).fit(esco_labels(occupations)),
    )


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()
    app.command("match")(match_command)
    app.command("noop")(lambda: None)  # two commands, so "match" is a subcommand as in arraigo
    return app


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("embeddings")


def _run(app, tmp_path, cache_dir, people: pd.DataFrame, vacancies: pd.DataFrame, *extra):
    people_csv, vacancies_csv, out = (
        tmp_path / "people.csv",
        tmp_path / "vacancies.csv",
        tmp_path / "matches.csv",
    )
    people.to_csv(people_csv, index=False)
    vacancies.to_csv(vacancies_csv, index=False)
    result = CliRunner().invoke(
        app,
        [
            "match",
            "--people",
            str(people_csv),
            "--vacancies",
            str(vacancies_csv),
            "--out",
            str(out),
            "--cache-dir",
            str(cache_dir),
            *extra,
        ],
    )
    return result, out


def test_minimal_files_give_ranked_rows_with_reasons_and_the_second_run_encodes_nothing(
    app, tmp_path, cache_dir
):
    people = PEOPLE[["person_id", "skills_text"]]
    vacancies = VACANCIES[["vacancy_id", "title"]]
    first, out = _run(app, tmp_path, cache_dir, people, vacancies, "--top-k", "2")
    assert first.exit_code == 0, first.output
    matches = pd.read_csv(out, dtype={"person_id": str, "vacancy_id": str})
    assert tuple(matches.columns) == OUTPUT_COLUMNS
    assert len(matches) == 8 and matches["rank"].tolist() == [1, 2] * 4
    best = matches[matches["rank"] == 1].set_index("person_id")["vacancy_id"]
    assert best["ht1"] == "V1" and best["es1"] == "V3"
    assert matches["reason"].str.startswith("Afinidad ").all()
    assert matches["details"].str.contains("ISCO").all()  # the codes, apart from the sentence

    second, _ = _run(app, tmp_path, cache_dir, people, vacancies, "--top-k", "2")
    assert second.exit_code == 0, second.output
    assert "codificados: 0 nuevos" in second.output
    pd.testing.assert_frame_equal(
        pd.read_csv(out, dtype={"person_id": str, "vacancy_id": str}), matches
    )


def test_full_files_with_details_show_the_missing_rfc_and_skip_children(app, tmp_path, cache_dir):
    child = PEOPLE.iloc[[0]].assign(person_id="kid", skills_text="", age=8)
    people = pd.concat([PEOPLE.assign(age=[30, 41, 25, 52]), child], ignore_index=True)
    people = people.assign(family_id=people["person_id"])
    result, out = _run(app, tmp_path, cache_dir, people, VACANCIES, "--top-k", "1", "--details")
    assert result.exit_code == 0, result.output
    matches = pd.read_csv(out, dtype=str, keep_default_na=False)
    welder = matches[matches["person_id"] == "ht1"].iloc[0]
    assert welder["vacancy_id"] == "V1" and welder["blockers"] == "necesita RFC"
    assert {"embedding", "taxonomy", "lexical", "eligibility", "gaps"} <= set(matches.columns)
    assert "kid" not in set(matches["person_id"]) and "1 personas fuera" in result.output


def test_missing_column_is_reported_in_plain_words(app, tmp_path, cache_dir):
    result, _ = _run(app, tmp_path, cache_dir, PEOPLE[["person_id"]], VACANCIES)
    assert result.exit_code == 2
    assert "skills_text" in result.output


def test_reasons_and_blockers_are_written_in_english_when_asked(
    app, tmp_path, cache_dir, monkeypatch
):
    monkeypatch.setenv("ARRAIGO_LANG", "en")
    people = PEOPLE.assign(age=[30, 41, 25, 52])
    result, out = _run(app, tmp_path, cache_dir, people, VACANCIES, "--top-k", "1", "--details")
    assert result.exit_code == 0, result.output
    welder = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("person_id").loc["ht1"]
    assert welder["blockers"] == "needs RFC"
    assert " affinity (" in welder["reason"] and "Not yet eligible: needs RFC." in welder["reason"]
    assert "the trade of welder, the one the vacancy asks for" in welder["reason"]
    assert welder["details"].startswith("profile: ESCO welder (")
