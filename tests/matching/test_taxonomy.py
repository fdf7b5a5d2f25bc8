import pytest

from arraigo.matching import ATTRIBUTION, TaxonomyNormaliser, esco_labels, load_esco_occupations
from arraigo.matching._taxonomy import head_complement


def _isco_of(taxonomy, texts):
    positions, _ = taxonomy.kneighbors(texts, 1)
    return taxonomy.occupations_["isco"].to_numpy()[positions[:, 0]].tolist()


def test_trades_in_spanish_french_and_english_map_to_their_isco_group(taxonomy):
    texts = ["soldador", "soudeur", "welder", "albañil", "maçon", "cocinero", "cuisinier"]
    assert _isco_of(taxonomy, texts) == ["7212", "7212", "7212", "7112", "7112", "5120", "5120"]


def test_lexical_only_normaliser_has_no_vectors_and_a_kitchen_phrase_maps_to_cooks(
    taxonomy, occupations
):
    lexical = TaxonomyNormaliser(encoder=None, embedding_weight=0.0).fit(esco_labels(occupations))
    assert lexical.label_vectors_ is None
    assert _isco_of(taxonomy, ["chef de cocina en restaurante"]) == ["5120"]


def test_esco_labels_split_gender_forms_and_alternatives(occupations):
    labels = esco_labels(occupations)
    welder = labels[
        labels["label"].isin(["soldador", "soldadora"])
        & labels["kind"].isin(["preferred", "variant"])
    ]
    assert set(welder["label"]) == {"soldador", "soldadora"}
    assert set(labels["lang"]) == {"es", "fr", "en"}


def test_predict_returns_esco_ids(taxonomy):
    ids = taxonomy.predict(["soldador"])
    assert ids[0] in set(taxonomy.occupations_["esco_id"])
    assert "ESCO" in ATTRIBUTION


def test_label_containment_favours_the_trade_a_long_clause_names(occupations):
    labels = esco_labels(occupations)
    clause = ["soldador de estructuras metálicas en planta"]
    top = {}
    for weight in (0.0, 1.0):
        model = TaxonomyNormaliser(encoder=None, embedding_weight=0.0, containment_weight=weight)
        positions, scores = model.fit(labels).kneighbors(clause, 1)
        top[weight] = (model.occupations_["isco"].iloc[positions[0, 0]], float(scores[0, 0]))
    # The label "soldador" lies whole inside the clause: full containment, ISCO 7212.
    assert top[1.0] == ("7212", pytest.approx(1.0))
    assert top[0.0][1] < 0.8


def test_each_found_occupation_comes_with_the_texts_similarity_to_its_unit_group(
    taxonomy, occupations
):
    texts = ["cocinera", "ouvrier agricole"]
    positions, scores, groups = taxonomy.kneighbors_groups(texts, 8)
    expected_positions, expected_scores = taxonomy.kneighbors(texts, 8)
    assert (positions == expected_positions).all()
    assert scores == pytest.approx(expected_scores)
    isco = taxonomy.occupations_["isco"].to_numpy()[positions]
    # Occupations of one unit group share its similarity; the text's own group is closest.
    for row, own in ((0, "5120"), (1, "9211")):
        assert len(set(groups[row][isco[row] == own])) == 1
        assert groups[row][isco[row] == own][0] == groups[row].max() > 0.8
    lexical = TaxonomyNormaliser(encoder=None, embedding_weight=0.0).fit(esco_labels(occupations))
    assert not lexical.kneighbors_groups(texts, 3)[2].any()  # nothing embedded, no opinion


def test_a_generic_head_word_is_read_with_what_it_heads():
    assert head_complement("AUXILIAR DE ALMACÉN") == "almacen"
    assert head_complement("ayudante general de obra") == "obra"
    assert head_complement("auxiliar") == head_complement("soldador de estructuras") == ""
    # ESCO gives the lone word "auxiliar" to the flight attendant (5111): alone it still
    # lands there, but "auxiliar de limpieza" must also match "limpieza" (9112).
    occupations = load_esco_occupations()
    occupations = occupations[occupations["isco"].isin(["5111", "9112", "9333"])]
    model = TaxonomyNormaliser(encoder=None, embedding_weight=0.0).fit(esco_labels(occupations))
    isco = model.occupations_["isco"].to_numpy()
    texts = ["auxiliar", "auxiliar de limpieza", "auxiliar de almacén"]
    assert isco[model._fused(texts, None).argmax(axis=1)].tolist() == ["5111"] * 3
    assert _isco_of(model, texts) == ["5111", "9112", "9333"]
