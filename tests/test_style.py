"""The code base stays ruff-clean (lint and format), as CONTRIBUTING asks."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")


@pytest.mark.skipif(RUFF is None, reason="ruff is installed by the test extra")
@pytest.mark.parametrize("command", [["check"], ["format", "--check"]])
def test_code_is_ruff_clean(command):
    result = subprocess.run(
        [RUFF, *command, "."], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
