import pandas as pd

from arraigo.matching._text import HAITIAN_CREOLE, clause_core, posting_work, segments, speaks


def test_a_language_is_read_from_list_cells_in_either_iso_639_form():
    cells = pd.Series(["ht;fr", "HAT", ["es", "ht"], "fr;es", "", None, "tha"])
    assert speaks(cells, HAITIAN_CREOLE).tolist() == [True, True, True, False, False, False, False]


def test_an_official_titles_gender_mark_does_not_cut_the_trade_from_its_object():
    assert segments("OPERADOR(A) DE TORNO (CONTROL NUMERICO)") == [
        "OPERADOR DE TORNO",
        "CONTROL NUMERICO",
    ]
    assert segments("Cocinero (a) para comedor") == ["Cocinero para comedor"]


def test_a_bracketed_aside_is_read_after_the_text_around_it():
    assert segments("RECEPCIONISTA BILINGÜE (INGLÉS-ESPAÑOL) PARA HOTEL") == [
        "RECEPCIONISTA BILINGÜE PARA HOTEL",
        "INGLÉS-ESPAÑOL",
    ]


def test_what_a_posting_says_of_the_shift_or_the_hiring_is_no_clause_of_its_own():
    assert segments("AYUDANTE GENERAL (TURNO ROTATIVO), CON O SIN EXPERIENCIA") == [
        "AYUDANTE GENERAL"
    ]
    assert clause_core("SE SOLICITA SOLDADOR") == "soldador"
    assert segments("AFANADOR PARA HOSPITAL (HOMBRE O MUJER)") == ["AFANADOR PARA HOSPITAL"]


def test_an_aside_is_read_right_after_its_own_clause_so_a_long_posting_keeps_it():
    text = "OPERADOR(A) DE PRODUCCION (ENSAMBLE DE ARNESES), BONO DE ASISTENCIA, VALES"
    assert segments(text, 2) == ["OPERADOR DE PRODUCCION", "ENSAMBLE DE ARNESES"]
    assert segments("SOLDADOR (MIG, TIG)") == ["SOLDADOR", "MIG", "TIG"]


def test_a_postings_terms_are_not_what_its_work_is_read_from():
    text = (
        "Soldador. Soldadura MIG en estructuras. Horario: lunes a sábado de 8:00 a 17:00. "
        "Sueldo: $12,400 mensuales. Escolaridad: secundaria. Con experiencia comprobable. "
        "Conocimientos: lectura de planos. Documentos: CURP, RFC. Prestaciones de ley."
    )
    assert posting_work(text) == (
        "Soldador. Soldadura MIG en estructuras. Conocimientos: lectura de planos"
    )
    assert posting_work("Cook. Salary: 9,000 a month.\nBenefits: meals") == "Cook"
    # Experience in a trade is work; a posting of nothing but terms is read whole.
    assert posting_work("Experiencia: 2 años en soldadura TIG.") == (
        "Experiencia: 2 años en soldadura TIG"
    )
    terms_only = "Horaire: 8h-17h. Salaire: 1 500 €."
    assert posting_work(terms_only) == terms_only
