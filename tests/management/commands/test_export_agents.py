"""`manage.py export_agents DIR`: one YAML bundle per agent, named readably and uniquely."""

import pytest
import yaml
from django.core.management import call_command

from agents.management.commands.export_agents import file_name

pytestmark = pytest.mark.django_db


def test_files_are_named_by_a_slug_of_the_name_and_the_id(agent, make_agent):
    odd = make_agent("  Ünïcode / Line!! ")
    nameless = make_agent("***")
    assert file_name(agent) == f"support-line.{agent.public_id}.yaml"
    assert file_name(odd) == f"n-code-line.{odd.public_id}.yaml"
    assert file_name(nameless) == f"agent.{nameless.public_id}.yaml"


def test_every_agent_is_written_and_prompts_are_not(agent, user, tmp_path, capsys):
    from agents.services import agents

    agents.create_agent(name="Shared wording", user=user, kind="prompt")
    call_command("export_agents", str(tmp_path / "out"))
    files = list((tmp_path / "out").iterdir())
    assert [f.name for f in files] == [file_name(agent)]
    assert yaml.safe_load(files[0].read_text())["agent"]["name"] == "Support line"
    assert "Exported 1 agent(s)" in capsys.readouterr().out
