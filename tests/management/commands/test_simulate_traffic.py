"""`manage.py simulate_traffic`: real conversations through a channel with a completion
rate per version, so a rollout can be watched advancing or rolling back."""

import pytest
from django.core.management import CommandError, call_command

from agents.management.commands.simulate_traffic import parse_outcomes
from agents.models import Conversation, Rollout
from agents.services import agents, channels, releases, rollouts

pytestmark = pytest.mark.django_db


def test_outcomes_are_read_per_version():
    assert parse_outcomes("v2=0.8, V3=0.6,") == {"v2": 0.8, "v3": 0.6}
    for bad in ("v2", "v2=1.5", "=0.5"):
        with pytest.raises(CommandError):
            parse_outcomes(bad)


def test_simulate_traffic_drives_a_rollout_to_its_rollback(
    capsys, user, make_version, settings, django_capture_on_commit_callbacks
):
    settings.ROLLOUT_EVAL_DEBOUNCE_S = 0
    agent = agents.create_agent(name="Line", user=user)
    v1, v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)
    channel = channels.create_channel(user=user, name="Line", kind="phone", agent=agent)
    rollout = rollouts.start_rollout(
        channel=channel, candidate=v2, user=user, steps=[50, 100], min_conversations=500
    )
    args = ["simulate_traffic", "--channel", channel.public_id, "--user", user.username]
    with django_capture_on_commit_callbacks(execute=True):  # each end commits, as it runs
        call_command(*args, "--conversations", "400", "--outcomes", "v1=0.9,v2=0.4", "--seed", "7")
    out = capsys.readouterr().out
    assert "v1: " in out
    assert "v2: " in out
    assert Conversation.objects.filter(ended_at__isnull=False).count() == 400
    assert Rollout.objects.get(pk=rollout.pk).status == "rolled_back"
    with pytest.raises(CommandError, match="is not like v2"):
        call_command(*args, "--outcomes", "v2=lots")
