"""Tests mirror the code: `tests/<layer>/test_<module>.py` tests `agents/<layer>/<module>.py`
(`tests/services/test_releases.py` tests `agents/services/releases.py`), so a reader goes
from a module to its tests, and back, by file name. A test file about one aspect of a
module adds it after the name (`test_releases_gate.py`). `tests/project/` tests the
app's root modules (`agents/triggers.py`), the `console` package and the project as a
whole; `tests/browser/` goes by journey."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("admin", "api", "domain", "forms", "management", "models", "providers")
LAYERS += ("selectors", "services", "templatetags", "views")
# About the project, not one module.
PROJECT_WIDE = {"layout", "mirror", "readme", "deploy", "cache_restart"}


def _modules() -> dict[str, Path]:
    """`services/releases` → its file; the app's root modules by their bare name."""
    found = {}
    for path in (ROOT / "agents").rglob("*.py"):
        if "migrations" in path.parts or path.name == "__init__.py":
            continue
        found[str(path.relative_to(ROOT / "agents").with_suffix(""))] = path
    for path in (ROOT / "console").glob("*.py"):
        if path.name != "__init__.py":
            found[f"console/{path.stem}"] = path
    return found


def _test_file(module: str) -> Path:
    """`domain/peers/vapi` → tests/domain/peers/test_vapi.py; `triggers` and
    `console/health` → tests/project/test_triggers.py, tests/project/test_health.py."""
    parts = module.split("/")
    if len(parts) == 1 or parts[0] == "console":  # a root module of the app, or the project
        return ROOT / "tests" / "project" / f"test_{parts[-1]}.py"
    return ROOT / "tests" / Path(*parts[:-1]) / f"test_{parts[-1]}.py"


def _names_in(folder: Path) -> set[str]:
    """The module names a test file in `folder` (below tests/) may be named after: the
    modules of the same folder below agents/, and its subpackages (`test_peers.py`)."""
    modules = _modules()
    if folder == Path("project"):
        return {m.split("/")[-1] for m in modules if "/" not in m or m.startswith("console/")}
    names = set()
    for module in modules:
        parts = Path(module)
        if parts.parent == folder:
            names.add(parts.name)
        elif parts.parent.parent == folder:
            names.add(parts.parent.name)  # a subpackage: domain/peers/ → test_peers.py
    return names


def _missing() -> set[str]:
    return {module for module in _modules() if not _test_file(module).exists()}


def test_every_test_file_is_named_after_a_module_of_its_layer():
    strays = []
    for folder in sorted((ROOT / "tests").iterdir()):
        if not folder.is_dir() or folder.name in ("browser", "fixtures", "__pycache__"):
            continue
        for path in sorted(folder.rglob("test_*.py")):
            where = path.parent.relative_to(ROOT / "tests")
            names = _names_in(where) | (PROJECT_WIDE if folder.name == "project" else set())
            stem = path.stem.removeprefix("test_")
            if not any(stem == name or stem.startswith(name + "_") for name in names):
                strays.append(str(path.relative_to(ROOT)))
    assert strays == [], "test files that name no module of their layer"


def test_every_module_has_a_test_file_of_its_own_name():
    assert sorted(_missing()) == [], "modules without tests/<layer>/test_<module>.py"
