import pandas as pd

from arraigo.matching._text import HAITIAN_CREOLE, speaks


def test_a_language_is_read_from_list_cells_in_either_iso_639_form():
    cells = pd.Series(["ht;fr", "HAT", ["es", "ht"], "fr;es", "", None, "tha"])
    assert speaks(cells, HAITIAN_CREOLE).tolist() == [True, True, True, False, False, False, False]
