"""The code's shape: no import cycles, modules of a readable size, the schema and the
API contract unchanged unless a migration or the committed document says so."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import grimp
import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 500


def test_no_two_modules_import_each_other_directly_or_in_a_loop():
    graph = grimp.build_graph("agents", "console")
    modules = sorted(m for m in graph.modules if not m.endswith("__init__"))
    loops = []
    for module in modules:
        for imported in graph.find_modules_directly_imported_by(module):
            # A package's __init__ re-exporting its submodules is not a loop.
            if module.startswith(imported + ".") or imported.startswith(module + "."):
                continue
            if graph.chain_exists(importer=imported, imported=module):
                loops.append((module, imported))
    assert loops == []


def test_no_hand_written_module_is_over_500_lines():
    long = {
        str(path.relative_to(ROOT)): n
        for folder in ("agents", "console")
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts
        and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


@pytest.mark.django_db
def test_the_models_match_the_migrations():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_the_openapi_document_is_the_committed_one(client):
    """Extending the API is deliberate: regenerate tests/fixtures/openapi.json with
    `make openapi` and review the diff (renaming or dropping anything is not allowed)."""
    served = client.get("/api/v1/openapi.json").content
    assert served == (ROOT / "tests" / "fixtures" / "openapi.json").read_bytes()


def test_templates_listen_only_for_events_the_views_name():
    """Event names live in agents/views/htmx.py; templates use `{{ events.NAME }}`."""
    import re

    from agents.views.events import EVENTS

    used = set()
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"\{\{ events\.(\w+) \}\}", text))
        assert not re.search(r'hx-trigger="[^"]*\b[a-z]+[A-Z]\w* from:body', text), path
    assert used <= set(EVENTS)
    assert "Saved" not in (ROOT / "static" / "js" / "console.js").read_text()
