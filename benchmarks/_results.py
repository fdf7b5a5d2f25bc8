"""Shared plumbing for benchmark scripts: machine facts and RESULTS.md sections.

Each benchmark owns one section of benchmarks/RESULTS.md, delimited by
``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->``; writing a section leaves every
other section as it was.
"""

import os
import platform
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).with_name("RESULTS.md")


def machine() -> str:
    """One line on what the numbers were measured on (cores, Python, NumPy, BLAS)."""
    from threadpoolctl import threadpool_info

    blas = "; ".join(
        f"{i.get('internal_api')} {i.get('version')} ({i.get('architecture')}, "
        f"{i.get('num_threads')} threads)"
        for i in threadpool_info()
        if i.get("user_api") == "blas"
    )
    unset = not (os.environ.get("OPENBLAS_CORETYPE") or os.environ.get("OPENBLAS_L2_SIZE"))
    return (
        f"{os.cpu_count()} cores, Python {platform.python_version()}, NumPy {np.__version__}, "
        f"BLAS {blas or 'unknown'}; OPENBLAS_CORETYPE/L2_SIZE "
        f"{'unset' if unset else 'set (slower NumPy)'}."
    )


def write_section(name: str, body: str) -> None:
    """Replace (or append) the ``bench:NAME`` section of RESULTS.md with ``body``."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    block = f"{start}\n{body.strip()}\n{end}"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        tail = rest.split(end, 1)[1]
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS.write_text(text, encoding="utf-8")


def markdown_table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
