"""Gradual rollouts end to end: conversations start on the channel and end with
outcomes; the rule advances, completes or rolls back by itself."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from agents.domain.exceptions import InvalidInput, InvalidState, RolloutRunning
from agents.models import Alert, Channel, Rollout
from agents.services import channels, conversations, labels, releases, rollouts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def every_end_evaluates(settings):
    settings.ROLLOUT_EVAL_DEBOUNCE_S = 0


@pytest.fixture
def line(agent, make_version, user):
    v1, v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)
    channel = channels.create_channel(user=user, name="Main line", kind="phone", agent=agent)
    return channel, v1, v2


def traffic(channel, user, outcomes: dict[str, float], count: int, commits=None):
    """`count` callers; each ends `completed` with the probability its arm's rate
    says (deterministic: the first share of each arm's calls completes). With
    `commits` (django_capture_on_commit_callbacks), each end commits as in
    production, so the rollout looks at every ended conversation."""
    seen: dict[str, int] = {}
    for i in range(count):
        channel.refresh_from_db()
        conversation, _ = channels.start_conversation_on_channel(
            channel=channel, user=user, key=f"caller-{i}"
        )
        arm = conversation.variant or "released"
        n = seen[arm] = seen.get(arm, 0) + 1
        completed = (n % 10) < outcomes.get(arm, 0.8) * 10
        outcome = "completed" if completed else "abandoned"
        if commits is None:
            conversations.end_conversation(conversation=conversation, user=user, outcome=outcome)
            continue
        with commits(execute=True):
            conversations.end_conversation(conversation=conversation, user=user, outcome=outcome)


def start(channel, v2, user, **kw):
    defaults = {"steps": [20, 50, 100], "min_conversations": 30, "min_minutes": 0}
    return rollouts.start_rollout(channel=channel, candidate=v2, user=user, **{**defaults, **kw})


def test_an_equal_candidate_is_ramped_up_to_completion(
    line, user, django_capture_on_commit_callbacks
):
    channel, _, v2 = line
    rollout = start(channel, v2, user)
    channel.refresh_from_db()
    assert [v["weight"] for v in channel.variants] == [80, 20]
    traffic(channel, user, {"released": 0.8, "v2": 0.8}, 400, django_capture_on_commit_callbacks)
    rollout.refresh_from_db()
    assert rollout.status == "completed"
    channel.refresh_from_db()
    # The baseline was `released`: it moved to the candidate, which the channel
    # keeps following, so `released` says what production serves.
    assert (channel.target, channel.variants) == ("released", None)
    assert channel.agent.released_version == v2
    event = channel.agent.release_events.first()
    assert (event.version, event.approval_bypass) == (v2, "rollout")
    assert event.note == f"Rollout {rollout.public_id} completed on {channel.name}"
    kinds = [e.kind for e in rollout.events.all()]
    assert kinds == ["started", "advanced", "completed"]
    weights = [
        h.variants and [v["weight"] for v in h.variants]
        for h in channel.history.order_by("history_id")
    ]
    assert [80, 20] in weights
    assert [50, 50] in weights


def test_a_worse_candidate_is_rolled_back_at_once_with_an_alert(
    line, user, django_capture_on_commit_callbacks
):
    channel, _, v2 = line
    rollout = start(channel, v2, user, min_conversations=1000)
    traffic(channel, user, {"released": 0.9, "v2": 0.3}, 300, django_capture_on_commit_callbacks)
    rollout.refresh_from_db()
    assert rollout.status == "rolled_back"
    assert rollout.weight == 0
    channel.refresh_from_db()
    assert (channel.target, channel.variants) == ("released", None)
    alert = Alert.objects.get()
    assert (alert.kind, alert.version, alert.rollout) == ("rollout_rolled_back", v2, rollout)
    assert alert.baseline_version == channel.agent.versions.get(number=1)  # what "released" served
    assert "worse by" in alert.detail


def test_time_passing_is_noticed_by_the_worker_timer(line, user):
    channel, _, v2 = line
    rollout = start(channel, v2, user, min_conversations=5, min_minutes=30)
    traffic(channel, user, {"released": 0.8, "v2": 0.8}, 80)
    assert rollouts.evaluate_rollout(rollout.pk).step == 0  # minutes not passed yet
    later = timezone.now() + timedelta(minutes=31)
    assert rollouts.run_due_rollouts(now=later) == [f"{rollout.public_id} running at 50%"]


def test_pause_stops_the_rule_resume_restarts_the_step_abort_restores(line, user):
    channel, _, v2 = line
    rollout = start(channel, v2, user, min_conversations=1)
    rollouts.pause_rollout(rollout=rollout, user=user)
    traffic(channel, user, {"released": 0.8, "v2": 0.8}, 60)
    assert rollouts.evaluate_rollout(rollout.pk).step == 0
    with pytest.raises(InvalidState):
        rollouts.pause_rollout(rollout=rollout, user=user)
    resumed = rollouts.resume_rollout(rollout=rollout, user=user)
    assert resumed.step_started_at > rollout.step_started_at
    advanced = rollouts.advance_rollout(rollout=rollout, user=user)
    assert advanced.weight == 50
    aborted = rollouts.abort_rollout(rollout=rollout, user=user, reason="calls sound odd")
    assert aborted.status == "aborted"
    channel.refresh_from_db()
    assert (channel.target, channel.variants) == ("released", None)
    assert [e.kind for e in aborted.events.all()] == [
        "started",
        "paused",
        "resumed",
        "advanced",
        "aborted",
    ]


def test_one_rollout_per_channel_and_its_routing_is_its_own(line, user, make_user):
    channel, _v1, v2 = line
    start(channel, v2, user)
    with pytest.raises(RolloutRunning):
        start(channel, v2, user)
    with pytest.raises(RolloutRunning):
        channels.update_channel(channel=channel, user=user, target={"version": 1})
    assert Rollout.objects.count() == 1
    with pytest.raises(PermissionDenied):
        rollouts.pause_rollout(rollout=Rollout.objects.get(), user=make_user("Editor"))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("steps", [50, 20, 100]),
        ("steps", [10, 50]),
        ("steps", []),
        ("min_conversations", 0),
        ("min_minutes", -1),
        ("metric", "happiness"),
        ("max_drop", 2),
    ],
)
def test_bad_settings_are_refused_and_start_nothing(line, user, field, value):
    channel, _, v2 = line
    with pytest.raises(InvalidInput):
        start(channel, v2, user, **{field: value})
    assert not Rollout.objects.exists()
    assert Channel.objects.get(pk=channel.pk).variants is None


def test_stickiness_holds_while_the_candidate_grows(line, user):
    channel, _, v2 = line
    rollout = start(channel, v2, user)
    channel.refresh_from_db()
    first = {}
    for i in range(300):
        c, _ = channels.start_conversation_on_channel(channel=channel, user=user, key=f"k{i}")
        first[i] = c.variant
    rollouts.advance_rollout(rollout=rollout, user=user)
    channel.refresh_from_db()
    for i in range(300):
        c, _ = channels.start_conversation_on_channel(channel=channel, user=user, key=f"k{i}")
        if first[i] == "v2":
            assert c.variant == "v2"  # moved to the candidate: stays there


def test_the_channel_routing_history_names_each_weight_change(line, user):
    channel, _, v2 = line
    rollout = start(channel, v2, user)
    rollouts.advance_rollout(rollout=rollout, user=user)
    rollouts.abort_rollout(rollout=rollout, user=user)
    reasons = [h.history_change_reason for h in channel.history.order_by("history_id")]
    assert reasons[-3:] == [
        f"Rollout {rollout.public_id} running: released 80% · v2 20%",
        f"Rollout {rollout.public_id} running: released 50% · v2 50%",
        f"Rollout {rollout.public_id} aborted: released only",
    ]


def test_a_rollout_whose_baseline_label_is_gone_can_still_be_aborted(line, user):
    """Labels a channel follows cannot be deleted any more; one deleted before that
    rule (or by hand in the database) must not trap the channel in the rollout."""
    channel, v1, v2 = line
    agent = channel.agent
    labels.move_label(agent=agent, name="stable", version=v1, user=user)
    channels.update_channel(channel=channel, user=user, target={"label": "stable"})
    rollout = start(channel, v2, user)
    agent.labels.filter(name="stable").delete()  # around the services
    aborted = rollouts.abort_rollout(rollout=rollout, user=user, reason="baseline gone")
    assert aborted.status == "aborted"
    channel.refresh_from_db()
    assert (channel.target, channel.variants) == ("released", None)
    reason = channel.history.first().history_change_reason
    assert "released only (stable no longer exists)" in reason
    channels.update_channel(channel=channel, user=user, target={"version": 1})
