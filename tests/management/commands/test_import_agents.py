"""`manage.py import_agents DIR`: bundles kept in git written back as agents, once each
change; a file that diverged or was tampered with is refused, saying why."""

import json

import pytest
import yaml
from django.core.management import CommandError, call_command

from agents.models import Agent, DraftRevision, PublishedVersion
from agents.selectors import agents
from agents.services import releases
from tests.helpers import edit

pytestmark = pytest.mark.django_db


def test_import_agents_creates_then_changes_nothing_then_follows_the_files(api, history_dir, user):
    directory, agent = history_dir
    call_command(
        "import_agents", str(directory), user="operator"
    )  # the files name agents that exist
    counts = (
        Agent.objects.count(),
        PublishedVersion.objects.count(),
        DraftRevision.objects.count(),
    )
    call_command("import_agents", str(directory), user="operator")
    assert counts == (
        Agent.objects.count(),
        PublishedVersion.objects.count(),
        DraftRevision.objects.count(),
    )
    # Edited in git: the draft's prompt changes; importing writes it, once.
    path = next(directory.glob("*.yaml"))
    bundle = yaml.safe_load(path.read_text())
    bundle["draft"]["config"]["prompt"]["system_prompt"] = "Edited in git"
    path.write_text(yaml.safe_dump(bundle, sort_keys=False))
    call_command("import_agents", str(directory), user="operator")
    agent.draft.refresh_from_db()
    assert agent.draft.config["prompt"]["system_prompt"] == "Edited in git"
    revision = agent.draft.revision
    call_command("import_agents", str(directory), user="operator")
    agent.draft.refresh_from_db()
    assert agent.draft.revision == revision


def test_import_agents_creates_agents_it_does_not_know(api, history_dir):
    directory, _agent = history_dir
    path = next(directory.glob("*.yaml"))
    bundle = yaml.safe_load(path.read_text())
    bundle["agent"] = {"name": "Moved here", "description": ""}  # from elsewhere: no id
    (directory / "moved.json").write_text(json.dumps(bundle))
    call_command("import_agents", str(directory), user="operator")
    moved = Agent.objects.get(name="Moved here")
    assert list(moved.versions.values_list("content_hash", flat=True).order_by("number")) == [
        v["content_hash"] for v in bundle["versions"]
    ]
    assert moved.released_version.number == bundle["labels"]["released"]


def test_import_agents_refuses_a_diverged_or_tampered_file_and_says_why(api, history_dir, capsys):
    directory, _agent = history_dir
    path = next(directory.glob("*.yaml"))
    bundle = yaml.safe_load(path.read_text())
    bundle["versions"][0]["config"]["llm"]["temperature"] = 1.9
    path.write_text(yaml.safe_dump(bundle))
    versions = PublishedVersion.objects.count()
    with pytest.raises(CommandError):
        call_command("import_agents", str(directory), user="operator")
    assert "versions[0].content_hash" in capsys.readouterr().err
    assert PublishedVersion.objects.count() == versions


@pytest.fixture
def history_dir(agent, make_version, user, tmp_path):
    v1 = make_version(agent, {"prompt": {"system_prompt": "First\nSecond line"}})
    releases.release_version(version=v1, user=user)
    make_version(agent, {"llm": {"temperature": 0.2}})
    edit(agent, {"llm": {"temperature": 0.3}}, user=user)
    call_command("export_agents", str(tmp_path))
    assert agents.agent_for_page(agent.public_id)
    return tmp_path, agent
