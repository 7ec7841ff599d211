"""`manage.py rebuild_blame`: the search and blame index recomputed from revisions."""

import pytest
from django.core.management import CommandError, call_command

from agents.models import IntroducedLine
from tests.helpers import edit

pytestmark = pytest.mark.django_db


def test_rebuilds_what_was_lost(agent, user, capsys):
    edit(agent, {"prompt": {"system_prompt": "One.\nTwo."}}, user=user)
    before = set(IntroducedLine.objects.values_list("revision", "path", "text"))
    IntroducedLine.objects.all().delete()
    call_command("rebuild_blame")
    assert "1 agent(s)" in capsys.readouterr().out
    assert set(IntroducedLine.objects.values_list("revision", "path", "text")) == before
    call_command("rebuild_blame", "--agent", agent.public_id)
    with pytest.raises(CommandError):
        call_command("rebuild_blame", "--agent", "ag_nothing")
