import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from arraigo.matching import MATCH_COLUMNS, Matcher
from arraigo.matching._matcher import SIGNALS

VACANCIES = pd.DataFrame(
    {
        "vacancy_id": ["V1", "V2", "V3", "V4"],
        "employer": [
            "Metalmecánica del Norte",
            "Constructora Saltillo",
            "Comedores Bajío",
            "Fletes GDL",
        ],
        "title": [
            "Soldador MIG/TIG",
            "Albañil con experiencia",
            "Cocinero para comedor industrial",
            "Chofer de tractocamión",
        ],
        "description": [
            "Soldadura MIG y TIG en estructuras metálicas, lectura de planos",
            "Obra negra, mezcla de concreto, colocación de block",
            "Preparación de alimentos para 300 comensales",
            "Licencia federal tipo E, rutas nacionales",
        ],
        "city": ["Saltillo", "Saltillo", "León", "Guadalajara"],
        "positions": [3, 5, 2, 1],
        "education_min": ["secundaria", "primaria", "secundaria", "bachillerato"],
        "requires": ["curp;rfc", "curp", "curp", "curp;rfc"],
        "isco": ["7212", "7112", "5120", "8332"],
    }
)
PEOPLE = pd.DataFrame(
    {
        "person_id": ["ht1", "fr1", "es1", "en1"],
        "skills_text": [
            "Mwen se soudè, mwen travay 6 lane nan yon faktori",
            "J'ai travaillé comme maçon pendant 10 ans",
            "Cociné en un restaurante en Honduras, también limpieza",
            "Long-haul truck driver, forklift",
        ],
        "languages": ["ht;fr", "fr;es", "es", "en;es"],
        "education": ["secundaria", "primaria", "secundaria", "bachillerato"],
        "documents": ["constancia;curp", "curp", "curp", "curp;rfc"],
    }
)
EXPECTED = {"ht1": "V1", "fr1": "V2", "es1": "V3", "en1": "V4"}


@pytest.fixture(scope="module")
def matcher(encoder, taxonomy) -> Matcher:
    return Matcher(encoder=encoder, taxonomy=taxonomy).fit(VACANCIES)


@pytest.fixture(scope="module")
def ranked(matcher) -> pd.DataFrame:
    return matcher.rank_vacancies(PEOPLE, top_k=3)


def test_each_profile_in_its_language_finds_its_trade_first(ranked):
    best = ranked[ranked["rank"] == 1].set_index("person_id")["vacancy_id"].to_dict()
    assert best == EXPECTED


def test_table_has_the_documented_columns_ranks_and_score_breakdown(ranked):
    assert tuple(ranked.columns) == MATCH_COLUMNS
    assert ranked.groupby("person_id")["rank"].apply(list).map(lambda r: r == [1, 2, 3]).all()
    assert ranked.groupby("person_id")["score"].apply(lambda s: s.is_monotonic_decreasing).all()
    assert ranked[list(SIGNALS)].apply(lambda c: c.between(0, 1)).all().all()


def test_creole_welder_reason_says_the_trade_in_words_and_the_missing_rfc(ranked):
    row = ranked[(ranked["person_id"] == "ht1") & (ranked["vacancy_id"] == "V1")].iloc[0]
    assert row["reason"].startswith("Afinidad ")
    assert "el oficio de soldador, el mismo que pide la vacante" in row["reason"]
    assert "Aún no cumple: necesita RFC." in row["reason"]
    assert "ISCO" not in row["reason"] and "0." not in row["reason"]  # codes and raw scores apart
    assert "soudè" in row["evidence"] and "soudè" not in row["reason"]
    assert "ESCO soldador (7aedaa07-3884-4c5b-88f9-80997b2aa54b), ISCO 7212" in row["details"]
    assert not row["eligible"] and row["eligibility"] == 0
    assert row["blockers"] == "necesita RFC"


def test_taxonomy_signal_rewards_the_same_isco_group(ranked):
    welder = ranked[ranked["person_id"] == "ht1"].set_index("vacancy_id")
    assert welder.loc["V1", "taxonomy"] > 0.4
    assert (welder.drop(index="V1")["taxonomy"] < welder.loc["V1", "taxonomy"] / 2).all()


def test_gaps_are_esco_skills_the_posting_asks_for_that_the_profile_does_not_show(matcher):
    # V1 asks "Soldadura MIG y TIG en estructuras metálicas": ESCO's "soldar metales".
    assert [label for _, label in matcher.reasons_.asked(np.array([0]))[0]] == ["soldar metales"]
    people = pd.DataFrame(
        {"person_id": ["cook", "welder"], "skills_text": ["Cocinero", "Soldador de estructuras"]}
    )
    pairs = matcher.rank_vacancies(people, top_k=4).set_index(["person_id", "vacancy_id"])
    assert pairs.loc[("cook", "V1"), "gaps"] == "soldar metales"
    assert "Le falta mostrar: soldar metales." in pairs.loc[("cook", "V1"), "reason"]
    assert pairs.loc[("welder", "V1"), "gaps"] == ""


def test_blocked_pair_sinks_but_stays_visible(matcher):
    needs_rfc = PEOPLE.assign(documents="constancia;curp")
    has_rfc = PEOPLE.assign(documents="constancia;curp;rfc")
    pairs = pd.DataFrame({"person_id": ["en1"], "vacancy_id": ["V4"]})
    blocked = matcher.score_pairs(needs_rfc, pairs).iloc[0]
    clear = matcher.score_pairs(has_rfc, pairs).iloc[0]
    assert not blocked["eligible"] and clear["eligible"]
    assert blocked["score"] == pytest.approx(matcher.blocked_factor * clear["score"], rel=1e-4)


def test_lexical_signal_is_higher_for_shared_words(matcher):
    people = pd.DataFrame(
        {
            "person_id": ["a", "b"],
            "skills_text": ["soldadura MIG TIG estructuras metálicas", "panadero"],
        }
    )
    pairs = pd.DataFrame({"person_id": ["a", "b"], "vacancy_id": ["V1", "V1"]})
    lexical = matcher.score_pairs(people, pairs)["lexical"].to_numpy()
    assert lexical[0] > 0.3 > lexical[1]


def test_minimal_files_work_title_only_and_text_only(encoder, taxonomy):
    vacancies = VACANCIES[["vacancy_id", "title"]]
    people = PEOPLE[["person_id", "skills_text"]]
    ranked = Matcher(encoder=encoder, taxonomy=taxonomy).fit(vacancies).rank_vacancies(people, 2)
    assert len(ranked) == 8 and ranked["eligible"].all()
    best = ranked[ranked["rank"] == 1].set_index("person_id")["vacancy_id"]
    assert best["ht1"] == "V1" and best["es1"] == "V3"


def test_rank_people_for_a_vacancy(matcher):
    ranked = matcher.rank_people(PEOPLE, top_k=2, vacancy_ids=["V3"])
    assert ranked["vacancy_id"].tolist() == ["V3", "V3"]
    assert ranked.iloc[0]["person_id"] == "es1"
    assert tuple(ranked.columns[:3]) == ("vacancy_id", "rank", "person_id")


def test_weights_change_the_score(matcher):
    params = {
        **matcher.get_params(deep=False),
        "weights": {"embedding": 0, "lexical": 0, "taxonomy": 1},
    }
    only_taxonomy = Matcher(**params).fit(VACANCIES)
    pairs = pd.DataFrame({"person_id": ["es1"], "vacancy_id": ["V3"]})
    row = only_taxonomy.score_pairs(PEOPLE, pairs).iloc[0]
    assert row["score"] == pytest.approx(row["taxonomy"] * row["eligibility"], rel=1e-4)
    assert matcher.score_pairs(PEOPLE, pairs).iloc[0]["score"] != pytest.approx(row["score"])


def test_matcher_follows_the_estimator_contract(encoder):
    encoder.encode(["carga el modelo"])
    twin = clone(Matcher(encoder=encoder, n_candidates=7))
    assert twin.get_params()["n_candidates"] == 7
    assert twin.get_params()["encoder"].model_id == encoder.model_id
    assert not hasattr(twin, "vacancy_ids_")


def test_person_without_skills_text_still_gets_ranked_and_says_so(matcher):
    people = pd.DataFrame({"person_id": ["blank"], "skills_text": [""]})
    ranked = matcher.rank_vacancies(people, top_k=2)
    assert len(ranked) == 2
    assert ranked["reason"].str.contains("el perfil no nombra un oficio reconocido").all()
    assert (ranked["taxonomy"] == 0).all()


def test_chunked_ranking_equals_one_pass_and_reports_progress(matcher, ranked):
    calls = []
    params = {
        **matcher.get_params(deep=False),
        "chunk_size": 1,
        "progress": lambda d, t: calls.append((d, t)),
    }
    chunked = Matcher(**params).fit(VACANCIES).rank_vacancies(PEOPLE, top_k=3)
    pd.testing.assert_frame_equal(chunked, ranked)
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_no_people_gives_an_empty_table_with_the_columns(matcher):
    empty = matcher.rank_vacancies(PEOPLE.iloc[:0], top_k=3)
    assert empty.empty and tuple(empty.columns) == MATCH_COLUMNS


def test_postings_with_only_short_words_still_rank(encoder, taxonomy):
    vacancies = pd.DataFrame({"vacancy_id": ["a", "b"], "title": ["TI", "Aux"]})
    ranked = Matcher(encoder=encoder, taxonomy=taxonomy).fit(vacancies).rank_vacancies(PEOPLE, 1)
    assert len(ranked) == 4 and (ranked["gaps"] == "").all()


def test_embedding_signal_rewards_a_paraphrase_over_an_unrelated_posting(matcher):
    people = pd.DataFrame(
        {"person_id": ["p"], "skills_text": ["preparo comida para muchas personas"]}
    )
    pairs = pd.DataFrame({"person_id": ["p", "p"], "vacancy_id": ["V3", "V4"]})
    embedding = matcher.score_pairs(people, pairs)["embedding"].to_numpy()
    assert embedding[0] > embedding[1] and embedding.min() >= 0 and embedding.max() <= 1


def test_an_occupation_corrected_by_staff_counts_and_is_named_in_the_reason(matcher):
    vague = pd.DataFrame(
        {
            "person_id": ["p1", "p1-corrected"],
            "skills_text": ["Trabajé varios años en una fábrica"] * 2,
            "occupation_isco": [None, "7212"],
        }
    )
    ranked = matcher.rank_vacancies(vague, top_k=4).set_index(["person_id", "vacancy_id"])
    before = ranked.loc[("p1", "V1")]
    after = ranked.loc[("p1-corrected", "V1")]
    assert after["taxonomy"] >= 0.8  # the same ISCO unit group as the posting
    assert after["taxonomy"] > before["taxonomy"]
    assert after["rank"] == 1
    assert "(corregido por el personal)" in after["reason"]
    assert "ISCO 7212" in after["details"]


def test_an_esco_occupation_named_by_staff_is_used_itself_not_the_first_of_its_group(matcher):
    welder = "7aedaa07-3884-4c5b-88f9-80997b2aa54b"  # "soldador", not first of ISCO 7212
    people = pd.DataFrame(
        {
            "person_id": ["by-group", "by-occupation"],
            "skills_text": ["Trabajé varios años en una fábrica"] * 2,
            "occupation_isco": ["7212", "7212"],
            "occupation_esco": [None, welder],
        }
    )
    ranked = matcher.rank_vacancies(people, top_k=1).set_index("person_id")
    assert "el oficio de soldador (corregido" in ranked.loc["by-occupation", "reason"]
    assert "el oficio de soldador (corregido" not in ranked.loc["by-group", "reason"]
    assert ranked.loc["by-occupation", "taxonomy"] >= ranked.loc["by-group", "taxonomy"]


def test_a_corrected_occupation_brings_in_a_vacancy_the_embedding_missed(encoder, taxonomy):
    matcher = Matcher(encoder=encoder, taxonomy=taxonomy, n_candidates=1).fit(VACANCIES)
    person = pd.DataFrame({"person_id": ["p"], "skills_text": ["Limpieza de oficinas"]})
    pairs = pd.DataFrame({"person_id": ["p"] * 4, "vacancy_id": VACANCIES["vacancy_id"]})
    nearest = matcher.score_pairs(person, pairs)["embedding"].to_numpy().argmax()
    assert VACANCIES["vacancy_id"][nearest] != "V1"  # the embedding's one neighbour
    assert "V1" not in set(matcher.rank_vacancies(person, top_k=2)["vacancy_id"])
    corrected = person.assign(occupation_isco="7212")  # staff learned she welds
    assert matcher.rank_vacancies(corrected, top_k=2)["vacancy_id"].tolist()[0] == "V1"
    ranked = matcher.rank_people(corrected, top_k=1, vacancy_ids=["V1"])
    assert ranked["person_id"].tolist() == ["p"]


def test_a_postings_pay_and_hours_do_not_move_its_embedding_score(encoder, taxonomy):
    duties = "Cocinero. Preparación de alimentos para comedor industrial."
    vacancies = pd.DataFrame(
        {
            "vacancy_id": ["day", "night", "other"],
            "title": ["Cocinero", "Cocinero", "Cocinero"],
            "description": [
                "Preparación de alimentos para comedor industrial. Horario: lunes a viernes "
                "de 7:00 a 16:00. Sueldo: $9,000 mensuales. Prestaciones de ley.",
                "Preparación de alimentos para comedor industrial. Horario: turno nocturno. "
                "Sueldo: $11,500 mensuales. Documentos: CURP, RFC.",
                "Preparación de alimentos y limpieza de cámaras frigoríficas.",
            ],
        }
    )
    matcher = Matcher(encoder=encoder, taxonomy=taxonomy).fit(vacancies)
    people = pd.DataFrame({"person_id": ["p"], "skills_text": [duties]})
    pairs = pd.DataFrame({"person_id": ["p"] * 3, "vacancy_id": ["day", "night", "other"]})
    embedding = matcher.score_pairs(people, pairs)["embedding"].to_numpy()
    assert embedding[0] == embedding[1] != embedding[2]
