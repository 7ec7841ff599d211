"""`manage.py rebuild_metrics`: the per-day metrics recomputed from the conversations."""

import pytest
from django.core.management import CommandError, call_command

from agents.models import MetricDay
from tests.helpers import ended

pytestmark = pytest.mark.django_db


def test_rebuilds_what_was_lost(agent, make_version, capsys):
    v1 = make_version(agent)
    ended(v1, [{"latency_ms": 100.0}] * 3)
    MetricDay.objects.all().delete()
    call_command("rebuild_metrics")
    assert "1 agent(s): 1 day rows" in capsys.readouterr().out
    assert MetricDay.objects.get().conversations == 3
    call_command("rebuild_metrics", "--agent", agent.public_id)
    assert MetricDay.objects.get().latency_n == 3


def test_an_unknown_agent_is_refused():
    with pytest.raises(CommandError, match="no agent"):
        call_command("rebuild_metrics", "--agent", "ag_nothing")
