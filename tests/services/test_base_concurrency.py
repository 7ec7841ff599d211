"""Concurrent writers on PostgreSQL: real threads, real connections, real row locks."""

import threading

import pytest
from django.db import connection

from agents.domain.exceptions import DraftConflict, NoChanges
from agents.models import Agent, Draft, PublishedVersion, ReleaseEvent
from agents.services import (
    agents,
    approvals,
    channels,
    conversations,
    evals,
    playground,
    releases,
    rollouts,
    schedules,
    tokens,
    webhook_delivery,
    webhooks,
)
from agents.services import versions as versions_services
from tests.helpers import edit

pytestmark = pytest.mark.postgres

THREADS = 12


def run_at_once(work, count=THREADS):
    """Run `work(i)` in `count` threads released together; return (results, errors)."""
    barrier = threading.Barrier(count)
    results, errors = [], []
    lock = threading.Lock()

    def runner(i):
        try:
            barrier.wait()
            value = work(i)
            with lock:
                results.append(value)
        except Exception as exc:
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def test_concurrent_save_version_never_duplicates_or_skips_a_number(transactional_db, user):
    agent = agents.create_agent(name="Busy", user=user)

    def work(i):
        edit(agent, {"prompt": {"welcome_message": f"Hello from writer {i}"}}, user=user)
        return versions_services.save_version(agent=agent, name=f"Writer {i}", user=user).number

    numbers, errors = run_at_once(work)
    assert all(isinstance(e, NoChanges | DraftConflict) for e in errors), errors
    assert sorted(numbers) == list(range(1, len(numbers) + 1))
    stored = list(PublishedVersion.objects.filter(agent=agent).order_by("number"))
    assert [v.number for v in stored] == list(range(1, len(numbers) + 1))
    assert len({v.content_hash for v in stored}) == len(stored)


def test_concurrent_optimistic_edits_let_exactly_one_writer_win(transactional_db, user):
    agent = agents.create_agent(name="Contended", user=user)

    def work(i):
        return edit(
            agent, {"llm": {"temperature": 0.05 + i / 10}}, user=user, expected_revision=1
        ).revision

    revisions, errors = run_at_once(work)
    assert revisions == [2]
    assert len(errors) == THREADS - 1
    assert all(isinstance(e, DraftConflict) for e in errors)
    draft = Draft.objects.get(agent=agent)
    assert draft.revision == 2
    assert draft.history.count() == 2


def test_concurrent_releases_keep_one_consistent_pointer(transactional_db, user, make_version):
    agent = agents.create_agent(name="Releasing", user=user)
    versions = [make_version(agent) for _ in range(10)]

    def work(i):
        return releases.release_version(version=versions[i % len(versions)], user=user)

    events, errors = run_at_once(work)
    assert errors == []
    log = list(ReleaseEvent.objects.filter(agent=agent).order_by("id"))
    assert len(log) == len([e for e in events if e is not None])
    previous = None
    for event in log:
        assert event.previous_version_id == previous
        assert event.version_id != previous
        expected_kind = (
            "rollback"
            if previous and event.version.number < event.previous_version.number
            else "release"
        )
        assert event.kind == expected_kind
        previous = event.version_id
    assert Agent.objects.get(pk=agent.pk).released_version_id == previous


def test_concurrent_saves_and_releases_together_hold_every_invariant(
    transactional_db, user, make_version
):
    agent = agents.create_agent(name="Mixed", user=user)
    first = make_version(agent)

    def work(i):
        if i % 2:
            edit(agent, {"prompt": {"system_prompt": f"prompt {i}"}}, user=user)
            return versions_services.save_version(agent=agent, name=f"S{i}", user=user)
        latest = PublishedVersion.objects.filter(agent=agent).order_by("-number").first()
        return releases.release_version(version=latest or first, user=user)

    _, errors = run_at_once(work)
    assert all(isinstance(e, NoChanges | DraftConflict) for e in errors), errors
    numbers = list(
        PublishedVersion.objects.filter(agent=agent)
        .order_by("number")
        .values_list("number", flat=True)
    )
    assert numbers == list(range(1, len(numbers) + 1))
    last = ReleaseEvent.objects.filter(agent=agent).order_by("-id").first()
    assert Agent.objects.get(pk=agent.pk).released_version_id == last.version_id


def test_concurrent_writers_through_http_never_break_an_invariant(live_server, user):
    """Threads hammer the API: edits, versions and releases at once. No 5xx; the
    numbering and the release pointer stay consistent."""
    import json
    import urllib.error
    import urllib.request

    agent = agents.create_agent(name="Over HTTP", user=user)
    _, token = tokens.create_api_token(user=user, name="load")
    base = f"{live_server.url}/api/v1/agents/{agent.public_id}"

    def call(method, url, body):
        request = urllib.request.Request(
            url,
            method=method,
            data=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())

    def work(i):
        statuses = []
        for round_ in range(3):
            patch = {"config": {"prompt": {"welcome_message": f"writer {i} round {round_}"}}}
            statuses.append(call("PATCH", f"{base}/draft", patch)[0])
            status, body = call("POST", f"{base}/versions", {"name": f"W{i}.{round_}"})
            statuses.append(status)
            if status == 201:
                statuses.append(call("POST", f"{base}/release", {"version": body["number"]})[0])
        return statuses

    results, errors = run_at_once(work, count=10)
    assert errors == []
    statuses = [s for r in results for s in r]
    assert all(s < 500 for s in statuses), statuses
    assert set(statuses) <= {200, 201, 409, 412}
    numbers = list(
        PublishedVersion.objects.filter(agent=agent)
        .order_by("number")
        .values_list("number", flat=True)
    )
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) >= 10
    log = list(ReleaseEvent.objects.filter(agent=agent).order_by("id"))
    previous = None
    for event in log:
        assert event.previous_version_id == previous
        previous = event.version_id
    assert Agent.objects.get(pk=agent.pk).released_version_id == previous


def test_concurrent_playground_messages_keep_one_ordered_transcript(transactional_db, user):
    agent = agents.create_agent(name="Chatty", user=user)
    conversation = playground.start_playground(agent=agent, target="draft", user=user)

    def work(i):
        return playground.send_playground_message(
            conversation=conversation, text=f"message {i}", user=user
        )

    turns, errors = run_at_once(work)
    assert errors == []
    positions = list(conversation.turns.order_by("position").values_list("position", flat=True))
    assert positions == list(range(1, 2 * THREADS + 2))  # the welcome, then pairs
    for asked, answered in turns:  # each reply follows its own question
        assert answered.position == asked.position + 1
        assert answered.content.startswith(f"You said: {asked.content}")


def test_concurrent_eval_edits_and_runs_never_lose_a_revision(transactional_db, user):
    agent = agents.create_agent(name="Evaluated", user=user)
    suite = evals.create_eval_suite(agent=agent, name="Suite", user=user)
    case = {"messages": [{"role": "user", "content": "hi"}], "checks": []}

    def work(i):
        evals.add_eval_case(suite=suite, name=f"case {i}", user=user, **case)
        return evals.start_eval_run(suite=suite, target="draft", user=user)

    runs, errors = run_at_once(work)
    assert errors == []
    suite.refresh_from_db()
    assert suite.revision == 1 + THREADS
    assert suite.cases.count() == THREADS
    # Each run froze the cases that existed when it started, and says which revision.
    for run in runs:
        assert run.case_count == len(run.cases) == run.suite_revision - 1


def test_approvers_and_a_scheduled_job_racing_release_a_request_once(
    transactional_db, user, make_user
):
    from datetime import timedelta

    from django.utils import timezone

    from agents.domain.exceptions import InvalidState
    from agents.models import ReleaseEvent, ReleaseRequest, ScheduledRelease

    agent = agents.create_agent(name="Guarded", user=user)
    edit(agent, {"prompt": {"welcome_message": "one"}}, user=user)
    v1 = versions_services.save_version(agent=agent, name="One", user=user)
    releases.release_version(version=v1, user=user)
    edit(agent, {"prompt": {"welcome_message": "two"}}, user=user)
    v2 = versions_services.save_version(agent=agent, name="Two", user=user)
    agents.update_agent(agent=agent, user=user, approvals_required=1)
    request = approvals.request_release(agent=agent, version=v2, user=user)
    reviewers = [make_user("Releaser") for _ in range(2)]
    schedule = approvals.schedule_request(
        request=approvals.approve_request(request=request, user=reviewers[0]),
        user=user,
        at=timezone.now() + timedelta(hours=1),
    )
    due = schedule.at + timedelta(seconds=1)

    def work(i):
        if i % 3 == 0:
            return schedules.execute_schedule(schedule.pk, now=due).status
        return approvals.release_request(request=request, user=reviewers[i % 2])

    _results, errors = run_at_once(work)
    assert all(isinstance(e, InvalidState) for e in errors), errors
    assert ReleaseEvent.objects.filter(agent=agent, version=v2).count() == 1
    assert ReleaseRequest.objects.get(pk=request.pk).status == "released"
    assert ScheduledRelease.objects.get(pk=schedule.pk).status in ("done", "failed")


def test_conversations_ending_in_parallel_advance_a_rollout_once_per_step(
    transactional_db, user, settings
):
    from agents.models import Channel, Conversation, Rollout

    settings.ROLLOUT_EVAL_DEBOUNCE_S = 0  # every end evaluates: the most contention
    agent = agents.create_agent(name="Ramping", user=user)
    edit(agent, {"prompt": {"welcome_message": "one"}}, user=user)
    v1 = versions_services.save_version(agent=agent, name="One", user=user)
    releases.release_version(version=v1, user=user)
    edit(agent, {"prompt": {"welcome_message": "two"}}, user=user)
    v2 = versions_services.save_version(agent=agent, name="Two", user=user)
    channel = channels.create_channel(user=user, name="Line", kind="phone", agent=agent)
    rollout = rollouts.start_rollout(
        channel=channel,
        candidate=v2,
        user=user,
        steps=[30, 60, 100],
        min_conversations=5,
        min_minutes=0,
    )
    started = []
    for i in range(THREADS * 10):
        fresh = Channel.objects.get(pk=channel.pk)
        conversation, _ = channels.start_conversation_on_channel(
            channel=fresh, user=user, key=f"caller-{i}"
        )
        started.append(conversation.pk)

    def work(i):
        for pk in started[i::THREADS]:
            conversations.end_conversation(
                conversation=Conversation.objects.get(pk=pk), user=user, outcome="completed"
            )

    _results, errors = run_at_once(work)
    assert errors == []
    rollout = Rollout.objects.get(pk=rollout.pk)
    kinds = [e.kind for e in rollout.events.order_by("id")]
    assert kinds.count("advanced") <= 1  # steps 30 → 60 once; then 100 completes
    assert kinds.count("completed") <= 1
    assert kinds[0] == "started"
    assert rollout.status in ("running", "completed")


def test_a_link_being_written_holds_off_a_prompt_release_that_would_break_it(
    transactional_db, user
):
    """A draft save checking its link locks the prompt's row; a release of a version
    needing a new variable waits, then sees the new link and is refused."""
    from django.db import transaction

    from agents.domain import config
    from agents.domain.exceptions import InvalidInput
    from agents.services.prompt_links import check_links, record_uses

    prompt = agents.create_agent(name="Notice", user=user, kind="prompt")
    releases.release_version(
        version=versions_services.save_version(agent=prompt, name="Plain", user=user), user=user
    )
    edit(prompt, {"text": "{{who}}", "variables": [{"name": "who"}]}, user=user)
    needs_who = versions_services.save_version(agent=prompt, name="Needs who", user=user)
    agent = agents.create_agent(name="Follower", user=user)
    document = config.normalize({"prompt_links": [{"prompt": prompt.public_id}]})
    checked, release_done = threading.Event(), threading.Event()
    outcome = {}

    def writer():
        try:
            with transaction.atomic():
                check_links(document, agent.workspace_id)  # passes against v1; locks the prompt
                checked.set()
                release_done.wait(timeout=2)  # the release must not get through meanwhile
                outcome["release_finished_first"] = release_done.is_set()
                record_uses(agent, None, document)
        finally:
            connection.close()

    def releaser():
        checked.wait(timeout=10)
        try:
            releases.release_version(version=needs_who, user=user)
            outcome["release"] = "released"
        except InvalidInput as exc:
            outcome["release"] = exc.errors[0]["path"]
        finally:
            release_done.set()
            connection.close()

    threads = [threading.Thread(target=writer), threading.Thread(target=releaser)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcome["release_finished_first"] is False
    assert outcome["release"] == f"{agent.public_id}@draft.variables.who"
    prompt.refresh_from_db()
    assert prompt.released_version.number == 1


def test_workers_racing_for_one_webhook_delivery_send_it_once(transactional_db, user, settings):
    from agents.models import Delivery
    from tests.webhook_receiver import Receiver

    settings.WEBHOOK_ALLOW_PRIVATE = True
    receiver = Receiver()
    try:
        hook = webhooks.create_webhook(url=receiver.url, events=["draft.updated"], user=user)
        delivery = webhooks.send_test_event(webhook=hook, user=user)
        outcomes, errors = run_at_once(lambda i: webhook_delivery.deliver(delivery.pk))
        assert errors == []
        assert outcomes.count("delivered") == 1
        assert len(receiver.requests) == 1
        assert Delivery.objects.get(pk=delivery.pk).attempts == 1
    finally:
        receiver.close()
