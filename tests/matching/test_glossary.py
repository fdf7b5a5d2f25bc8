import pandas as pd

from arraigo.matching import Glossary
from arraigo.matching._glossary import load_mx_spanish_terms


def test_mexican_words_get_the_spanish_esco_uses():
    texts = pd.Series(["Mesero en restaurante", "Operador de MONTACARGAS", "soldador", None])
    assert Glossary().annotate(texts).tolist() == [
        "Mesero en restaurante camarero",
        "Operador de MONTACARGAS carretilla elevadora",
        "soldador",
        "",
    ]


def test_glossary_is_shipped_without_duplicates():
    terms = load_mx_spanish_terms()
    assert {"term", "esco_es"} <= set(terms.columns)
    assert terms["term"].is_unique and (terms["esco_es"] != "").all()


def test_a_mexican_title_normalises_to_its_esco_occupation(taxonomy):
    titles = Glossary().annotate(pd.Series(["Chofer de tractocamión"])).tolist()
    positions, _ = taxonomy.kneighbors(titles, 1)
    assert taxonomy.occupations_["isco"].iloc[positions[0, 0]] == "8332"


def test_mexican_helper_titles_get_the_occupation_esco_names():
    texts = pd.Series(["AYUDANTE GENERAL DE OBRA", "auxiliar de almacén", "auxiliar contable"])
    assert Glossary().glosses(texts).tolist() == [
        "obrero de la construcción",
        "almacenero",
        "empleado de contabilidad",
    ]
