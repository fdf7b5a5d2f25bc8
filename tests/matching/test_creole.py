import pandas as pd

from arraigo.data import fold
from arraigo.matching import CreoleBridge
from arraigo.matching._creole import load_creole_lexicon


def test_lexicon_is_shipped_with_french_and_spanish_for_every_word():
    lexicon = load_creole_lexicon()
    assert {"ht", "fr", "es", "en"} <= set(lexicon.columns)
    assert len(lexicon) >= 100
    assert (lexicon[["ht", "fr", "es"]] != "").all().all()
    assert lexicon["ht"].is_unique
    # Words are matched folded: two entries folding alike would shadow one another.
    assert lexicon["ht"].map(fold).is_unique


def test_creole_profile_gets_french_and_spanish_glosses():
    bridged = CreoleBridge().bridge(pd.Series(["Mwen se soudè, mwen travay nan yon faktori"]))
    assert "soldador" in bridged[0] and "soudeur" in bridged[0] and "fábrica" in bridged[0]
    assert bridged[0].startswith("Mwen se soudè")


def test_words_match_without_accents_and_multiword_entries_win():
    found = CreoleBridge().find(pd.Series(["mwen konn itilize machin a koud, mwen se koutirye"]))
    assert found[0] == ["machin a koud", "koutirye"]


def test_spanish_and_french_profiles_are_left_alone():
    texts = pd.Series(
        [
            "Trabajé cinco años como soldador en una fábrica de autopartes",
            "J'ai travaillé comme maçon et peintre en bâtiment",
            "",
        ]
    )
    assert CreoleBridge().bridge(texts).tolist() == texts.tolist()


def test_one_creole_word_is_bridged_only_for_a_creole_speaker():
    texts = pd.Series(["soudè", "soudè"])
    bridged = CreoleBridge().bridge(texts, creole=pd.Series([True, False]))
    assert "soldador" in bridged[0]
    assert bridged[1] == "soudè"
