import numpy as np
import pandas as pd

from arraigo.matching import CreoleBridge, Glossary
from arraigo.matching._profiles import clause_support, profile_clauses, profile_groups
from arraigo.matching._text import clause_core, segments


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


def test_glossary_terms_are_found_in_the_clause_as_written_before_filler_is_dropped():
    texts = pd.Series(["Ayudante de obra, cargaba material", "GUARDIA DE SEGURIDAD"])
    clauses = profile_clauses(texts, pd.Series([False, False]), CreoleBridge(), Glossary())
    # "de" is filler, so the cores read "ayudante obra" and "guardia seguridad".
    assert clauses["core"].iloc[0] == "Ayudante obra obrero de la construcción"
    assert clauses["core"].iloc[2] == "guardia seguridad vigilante de seguridad"


def test_the_whole_profile_votes_for_the_unit_group_more_of_it_names():
    # Occupations 0 (artist, 2651), 1 and 2 (building painters, 7131), 3 (cleaner, 9112).
    isco = np.array([2651, 7131, 7131, 9112])
    person = pd.Series([0, 0, 1])
    positions = np.array([[0, 1, 2], [1, 3, 0], [3, 0, 1]])
    scores = np.array([[0.80, 0.79, 0.70], [0.60, 0.20, 0.10], [0.90, 0.10, 0.05]])
    groups = profile_groups(person, positions, scores, isco)
    lead = groups.drop_duplicates("person").set_index("person")
    # "Pintor de casas, pinto paredes": the artist wins the first clause alone, but two
    # painter labels and the second clause carry the building painter's group.
    assert lead.loc[0, "isco"] == 7131 and lead.loc[0, "esco"] == 1
    assert lead.loc[0, "clause"] == 0 and lead.loc[0, "confidence"] == np.float64(0.79)
    assert lead.loc[1, "isco"] == 9112 and lead.loc[1, "clause"] == 2
    assert list(groups.loc[groups["person"] == 0, "isco"]) == [7131, 2651, 9112]


def test_the_unit_groups_own_labels_settle_a_close_vote_but_not_a_clear_one():
    # Occupations 0 (livestock farmer, 6121) and 1 (livestock farm labourer, 9212), 2
    # (welder, 7212). Profile 0: "cuidaba ganado, ordeñaba vacas", a near tie on ESCO's
    # labels; profile 1: a welder whose clause is a little closer to the farm labourers.
    isco = np.array([6121, 9212, 7212])
    person = pd.Series([0, 0, 1])
    positions = np.array([[0, 1], [0, 1], [2, 1]])
    scores = np.array([[0.70, 0.66], [0.40, 0.38], [0.90, 0.30]])
    labels = np.array([[0.84, 0.88], [0.83, 0.86], [0.85, 0.86]])
    voted = profile_groups(person, positions, scores, isco).drop_duplicates("person")
    assert list(voted["isco"]) == [6121, 7212]
    read = profile_groups(person, positions, scores, isco, labels)
    lead = read.drop_duplicates("person").set_index("person")
    assert list(lead["isco"]) == [9212, 7212]
    # The group's occupation and clause are still those the vote found for it.
    assert lead.loc[0, "esco"] == 1 and lead.loc[0, "clause"] == 0


def test_the_taxonomy_reads_creole_words_as_their_french_and_spanish_equivalents():
    texts = pd.Series(["mwen se soudè", "soldador de estructuras"])
    read = CreoleBridge().translate(texts, pd.Series([True, False]))
    assert "soldador" in read[0] and "soudeur" in read[0] and "soud" not in read[0].split()
    assert read[1] == "soldador de estructuras"


def test_an_official_title_is_one_job_whatever_its_y_o_joins_and_is_read_in_lower_case():
    clauses = segments("AUXILIAR DE LIMPIEZA Y/O INTENDENCIA (TURNO MIXTO)")
    assert clauses == ["AUXILIAR DE LIMPIEZA Y/O INTENDENCIA"]
    assert clause_core(clauses[0]) == "auxiliar limpieza intendencia"
    assert segments("fui cocinera y mesera") == ["fui cocinera", "mesera"]
    assert clause_core("Refiere experiencia como soldador") == "soldador"
