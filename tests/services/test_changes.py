"""Every change of what runtimes are served is recorded in its own transaction, numbered
without gaps in commit order; old ones are pruned by the sweep."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from agents.models import Change
from agents.services import agents, changes, channels, labels, releases, rollouts
from tests.helpers import edit

pytestmark = pytest.mark.django_db


def kinds(**about):
    return list(
        Change.objects.filter(**about).order_by("seq").values_list("kind", "ref", "version")
    )


def test_releases_rollbacks_and_label_moves_are_recorded(agent, make_version, user):
    v1, v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v2, user=user)
    releases.release_version(version=v1, user=user)
    labels.move_label(agent=agent, name="staging", version=v2, user=user)
    labels.delete_label(agent=agent, name="staging", user=user)
    assert kinds(agent=agent) == [
        ("release", "released", 2),
        ("rollback", "released", 1),
        ("label.moved", "staging", 2),
        ("label.moved", "staging", None),
    ]
    seqs = list(Change.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))


def test_channel_routing_and_rollout_steps_are_recorded(agent, make_version, user):
    v1, v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)
    line = channels.create_channel(user=user, name="Main line", kind="phone", agent=agent)
    channels.update_channel(channel=line, user=user, name="Renamed")  # not routing
    rollouts.start_rollout(channel=line, candidate=v2, user=user, steps=[20, 100])
    assert kinds(channel=line) == [("channel.updated", "", None), ("rollout", "", None)]


def test_a_prompt_release_reaches_the_agents_following_it(agent, user):
    prompt = agents.create_agent(
        name="Greeting", user=user, kind="prompt", config={"text": "Hello."}
    )
    from agents.services import versions

    first = versions.save_version(agent=prompt, name="One", user=user)
    releases.release_version(version=first, user=user)
    edit(agent, {"prompt_links": [{"prompt": prompt.public_id}]}, user=user)
    edit(prompt, {"text": "Hi."}, user=user)
    second = versions.save_version(agent=prompt, name="Two", user=user)
    releases.release_version(version=second, user=user)
    last = Change.objects.filter(kind="prompt.release").order_by("seq")
    assert [(c.prompt_id, c.agent_id, c.version) for c in last][-2:] == [
        (prompt.pk, None, 2),
        (prompt.pk, agent.pk, 2),
    ]


def test_archiving_is_recorded_both_ways(agent, user):
    agents.archive_agent(agent=agent, user=user)
    agents.archive_agent(agent=agent, user=user, archived=False)
    assert list(Change.objects.values_list("kind", "archived")) == [
        ("agent.archived", True),
        ("agent.archived", False),
    ]


def test_a_refused_change_leaves_no_number_behind(agent, make_version, user):
    version = make_version(agent)
    releases.release_version(version=version, user=user)

    def fails_after_recording():
        with transaction.atomic():
            changes.record("release", agent=agent, ref="released", version=1)
            raise RuntimeError("the release failed after recording")

    with pytest.raises(RuntimeError, match="failed after recording"):
        fails_after_recording()
    releases.release_version(version=make_version(agent), user=user)
    assert list(Change.objects.values_list("seq", flat=True)) == [1, 2]


def test_a_change_is_only_recorded_inside_its_transaction(transactional_db, user):
    agent = agents.create_agent(name="Outside", user=user)
    with pytest.raises(RuntimeError, match="in the transaction"):
        changes.record("release", agent=agent)


def test_the_sweep_prunes_what_is_older_than_kept_but_the_latest(agent, released, user, settings):
    settings.CHANGES_KEEP_HOURS = 24
    releases.release_version(version=released[0], user=user)  # no change: already released
    labels.move_label(agent=agent, name="eu", version=released[0], user=user)
    Change.objects.update(at=timezone.now() - timedelta(hours=30))
    assert changes.prune_changes() == ["1 changes pruned"]
    assert list(Change.objects.values_list("seq", flat=True)) == [2]


@pytest.mark.postgres
def test_numbers_follow_commit_order_under_concurrent_writers(transactional_db, user):
    """A writer that took a number holds back the next until it commits: a reader that
    has seen seq N has seen every change below it."""
    agent = agents.create_agent(name="Busy", user=user)
    first_recorded, committed = threading.Event(), []

    def slow():
        try:
            with transaction.atomic():
                change = changes.record("label.moved", agent=agent, ref="a")
                first_recorded.set()
                time.sleep(0.5)
            committed.append(("slow", change.seq, time.monotonic()))
        finally:
            connection.close()

    def fast():
        try:
            first_recorded.wait(5)
            with transaction.atomic():
                change = changes.record("label.moved", agent=agent, ref="b")
            committed.append(("fast", change.seq, time.monotonic()))
        finally:
            connection.close()

    threads = [threading.Thread(target=slow), threading.Thread(target=fast)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    (first, first_seq, _), (second, second_seq, _) = sorted(committed, key=lambda row: row[2])
    assert (first, second) == ("slow", "fast")
    assert second_seq == first_seq + 1
