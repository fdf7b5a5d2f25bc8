from arraigo.data import DOCUMENTS
from arraigo.matching._reasons import DOCUMENT_NAMES, blockers, shorten


def test_every_document_a_posting_may_require_has_a_spanish_name():
    assert set(DOCUMENT_NAMES) == set(DOCUMENTS)
    missing_all = (1 << len(DOCUMENTS)) - 1
    assert blockers(False, missing_all, -1) == [f"necesita {DOCUMENT_NAMES[d]}" for d in DOCUMENTS]


def test_long_texts_are_cut_on_one_line_with_an_ellipsis():
    assert shorten("Soldador\n  MIG/TIG") == "Soldador MIG/TIG"
    assert shorten("x" * 50, 10) == "x" * 9 + "…"
