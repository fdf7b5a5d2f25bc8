"""The architecture as the tree shows it: data -> matching / optimizer -> api, and
inside api: db and vocab below services, services below routes, pages and the command
line; no import cycles; no module over about 400 lines."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PACKAGES = {
    "data": "arraigo.data",
    "matching": "arraigo.matching",
    "optimizer": "arraigo.optimizer",
}
PACKAGES["api"] = "arraigo.api"
MAX_LINES = 400


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    parts[0] = PACKAGES[parts[0]]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    found = {}
    for folder in PACKAGES:
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" not in path.parts:
                found[_module(path)] = path
    return found


SOURCES = _sources()


def _imports(name: str, path: Path) -> set[str]:
    """The arraigo modules ``name`` imports (anywhere in the file, lazy ones too)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {t for t in targets if t in SOURCES}
    return found - {name}


GRAPH = {name: _imports(name, path) for name, path in SOURCES.items()}

# Which parts may not import which: the arrows of the architecture, never reversed.
FORBIDDEN = {
    "arraigo.data": ("arraigo.matching", "arraigo.optimizer", "arraigo.api"),
    "arraigo.matching": ("arraigo.optimizer", "arraigo.api"),
    "arraigo.optimizer": ("arraigo.matching", "arraigo.api"),
    "arraigo.api.db": (
        "arraigo.api.services",
        "arraigo.api.routes",
        "arraigo.api.web",
        "arraigo.api.cli",
        "arraigo.api.app",
    ),
    "arraigo.api.services": (
        "arraigo.api.routes",
        "arraigo.api.web",
        "arraigo.api.cli",
        "arraigo.api.deps",
        "arraigo.api.app",
    ),
    "arraigo.api.routes": ("arraigo.api.web", "arraigo.api.cli", "arraigo.api.app"),
    "arraigo.api.web": ("arraigo.api.routes", "arraigo.api.cli", "arraigo.api.app"),
    "arraigo.api.cli": ("arraigo.api.routes", "arraigo.api.app", "arraigo.api.deps"),
}


def _inside(module: str, part: str) -> bool:
    return module == part or module.startswith(part + ".")


@pytest.mark.parametrize("part", sorted(FORBIDDEN))
def test_imports_flow_one_way(part):
    wrong = sorted(
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        if _inside(name, part)
        for target in targets
        if any(_inside(target, banned) for banned in FORBIDDEN[part])
    )
    assert not wrong, "\n".join(wrong)


def test_no_module_imports_itself_back():
    seen: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles = []

    def visit(name: str, path: list[str]) -> None:
        seen[name] = 1
        for target in sorted(GRAPH[name]):
            # A package's __init__ importing its own modules is how a door is built.
            if _inside(target, name):
                continue
            if seen.get(target) == 1:
                cycles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in seen:
                visit(target, [*path, target])
        seen[name] = 2

    for name in sorted(GRAPH):
        if name not in seen:
            visit(name, [name])
    assert not cycles, "\n".join(cycles)


def test_no_module_is_over_about_400_lines():
    long = {
        str(path.relative_to(ROOT)): n
        for path in SOURCES.values()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, long
