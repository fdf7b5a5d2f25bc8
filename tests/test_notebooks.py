"""The walkthrough notebook runs top to bottom, so it never rots, and its plan beats
first come, first served as it says."""

import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = Path(__file__).parents[1] / "notebooks" / "walkthrough.ipynb"


def test_the_walkthrough_runs_and_its_plan_beats_first_come_first_served(tmp_path):
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    )
    client.execute()  # raises CellExecutionError, with the cell, if any cell fails
    printed = "".join(
        output.get("text", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "stream"
    )
    found = re.search(r"this plan: (\d+) expected jobs; first come first served: (\d+)", printed)
    assert found, printed
    assert int(found[1]) >= int(found[2])
    assert "held-out pairs" in printed
