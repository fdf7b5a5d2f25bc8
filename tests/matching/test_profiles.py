import pandas as pd

from arraigo.matching import CreoleBridge, Glossary
from arraigo.matching._profiles import clause_support, profile_clauses


def test_the_first_clause_wins_a_near_tie_and_agreeing_clauses_add_support():
    person = pd.Series([0, 0, 0, 1, 1])
    isco = pd.Series([8211, 7115, 8212, 7212, -1])
    confidence = pd.Series([0.75, 0.77, 0.70, 0.60, 0.90])
    support = clause_support(person, isco, confidence)
    # Profile 0: the assembly clause (first, and 8212 shares its minor group 821)
    # overtakes a slightly more confident clause about doors.
    assert support[0] > support[1]
    assert support[2] > confidence[2]  # agrees with clause 0
    # A clause that named nothing gains no agreement.
    assert support[4] == confidence[4]


def test_filler_words_are_dropped_before_the_creole_bridge_glosses_them():
    texts = pd.Series(["m te travay kòm bòs mason", "Trabajé 5 años como soldador"])
    clauses = profile_clauses(texts, pd.Series([True, False]), CreoleBridge(), Glossary())
    creole = clauses.loc[clauses["person"] == 0, "core"].iloc[0]
    assert "albañil" in creole and "trabajar" not in creole and "maestro" not in creole
    assert clauses.loc[clauses["person"] == 1, "core"].iloc[0] == "soldador"
    assert clauses["segment"].iloc[0] == "m te travay kòm bòs mason"
