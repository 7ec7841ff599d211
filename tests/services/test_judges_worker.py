"""Judges run by real worker processes (`manage.py worker`): scored within a minute
at the default sweep, once each with two workers, and nothing lost or judged twice
when a worker is killed mid-judging.

PostgreSQL only: the workers are separate processes that must see the test's
database.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from agents.models import Conversation, Judgement
from agents.services import conversations, judges, releases
from tests.helpers import FakeOpenAI

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
TURNS = [
    {"role": "user", "content": "Tuesday at ten?"},
    {"role": "assistant", "content": "Yes, please hold while I book it."},
]


def worker(**settings: str) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "judges-worker-test",
        **settings,
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--no-reload", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop(*processes: subprocess.Popen) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def wait_for(predicate, timeout: float, what: str) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def calls(agent, user, count):
    for _ in range(count):
        conversation, _ = conversations.start_conversation(ref=agent.public_id, user=user)
        conversations.end_conversation(
            conversation=conversation, user=user, outcome="completed", turns=TURNS
        )


@pytest.fixture
def live(transactional_db, agent, make_version, user):
    releases.release_version(version=make_version(agent), user=user)
    return agent


def test_two_workers_score_each_call_once_within_a_minute_at_the_default_sweep(live, user):
    judges.create_judge(
        agent=live, user=user, name="polite", check={"type": "contains", "value": "please"}
    )
    workers = [worker(), worker()]  # JOB_SWEEP_SECONDS as shipped
    try:
        time.sleep(2)  # both up and past their first sweep
        calls(live, user, 4)
        took = wait_for(
            lambda: Judgement.objects.filter(status="scored").count() == 4, 60, "4 scores"
        )
    finally:
        stop(*workers)
    assert took < 60
    assert Judgement.objects.count() == 4
    assert all(c.scores == {"polite": 1.0} for c in Conversation.objects.all())


def test_a_worker_killed_mid_judging_loses_nothing_and_judges_nothing_twice(live, user):
    server = FakeOpenAI.serve(delay=1.0, content='{"score": 0.75, "reason": "fine"}')
    provider = {
        "AGENT_PROVIDER": "openai_compatible",
        "AGENT_PROVIDER_BASE_URL": f"http://127.0.0.1:{server.server_port}/v1",
        "JOB_SWEEP_SECONDS": "0.5",
        "JUDGE_LEASE_SECONDS": "3",
    }
    judges.create_judge(agent=live, user=user, name="helpful", rubric="Helpful?")
    calls(live, user, 5)
    first = worker(**provider)
    second = None
    try:
        in_hand = Judgement.objects.filter(status="running", attempts__gte=1)
        wait_for(in_hand.exists, 30, "a judgement in the provider's hands")
        stop(first)  # mid-judging: claimed, attempted, not scored
        second = worker(**provider)
        wait_for(lambda: Judgement.objects.filter(status="scored").count() == 5, 60, "5 scores")
    finally:
        stop(*(p for p in (first, second) if p))
        server.shutdown()
        server.server_close()
    assert Judgement.objects.count() == 5
    assert all(c.scores == {"helpful": 0.75} for c in Conversation.objects.all())
    assert max(Judgement.objects.values_list("attempts", flat=True)) == 2  # taken over
