"""Judges score sampled production conversations in the worker's sweep: once per
conversation and judge, whatever the number of workers or a worker killed on the
way; provider failures are retried, then recorded."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from agents.domain.exceptions import InvalidInput
from agents.models import Conversation, Judgement
from agents.providers import Completion, ProviderError
from agents.services import conversations, judges, releases

pytestmark = pytest.mark.django_db

TURNS = [
    {"role": "user", "content": "Can I book Tuesday?"},
    {"role": "assistant", "content": "Certainly, please hold while I check.", "latency_ms": 640},
]


@pytest.fixture
def live(agent, make_version, user):
    releases.release_version(version=make_version(agent), user=user)
    return agent


def talk(agent, user, count=3, turns=TURNS):
    found = []
    for _ in range(count):
        conversation, _ = conversations.start_conversation(ref=agent.public_id, user=user)
        found.append(
            conversations.end_conversation(
                conversation=conversation, user=user, outcome="completed", turns=turns
            )
        )
    return found


class Failing:
    name = "failing"

    def __init__(self, times):
        self.left = times

    def complete(self, *, config, messages):
        if self.left:
            self.left -= 1
            raise ProviderError("timeout", "the model did not answer in 30 s")
        return Completion(
            text='{"score": 0.7, "reason": "polite"}',
            provider="x",
            model="m",
            latency_ms=5,
            prompt_tokens=1,
            completion_tokens=1,
        )


def test_a_check_judge_scores_each_conversation_once(live, user):
    judge = judges.create_judge(
        agent=live, user=user, name="polite", check={"type": "contains", "value": "please"}
    )
    talk(live, user, 3)
    talk(live, user, 1, turns=[{"role": "assistant", "content": "No."}])
    quiet, _ = conversations.start_conversation(ref=live.public_id, user=user)
    conversations.end_conversation(conversation=quiet, user=user, outcome="completed")
    done = judges.run_due_judgements()
    assert len(done) == 4  # the one without a transcript is not judged
    scores = sorted(c.scores.get("polite") for c in Conversation.objects.exclude(pk=quiet.pk))
    assert scores == [0.0, 1.0, 1.0, 1.0]
    assert judges.run_due_judgements() == []  # never twice
    assert Judgement.objects.filter(judge=judge).count() == 4


def test_sampling_is_deterministic_and_follows_the_rate(live, user):
    judges.create_judge(
        agent=live,
        user=user,
        name="half",
        check={"type": "contains", "value": "please"},
        sample_rate=0.5,
    )
    talk(live, user, 40)
    judges.run_due_judgements()
    judged = Judgement.objects.count()
    assert 10 <= judged <= 30
    judges.run_due_judgements()
    assert Judgement.objects.count() == judged


def test_a_rubric_judge_asks_the_provider_and_retries_then_records(live, user, settings):
    settings.JUDGE_MAX_ATTEMPTS = 2
    judges.create_judge(agent=live, user=user, name="warmth", rubric="Is the agent warm?")
    (first,) = talk(live, user, 1)
    flaky = Failing(times=1)
    assert "will retry" in judges.run_due_judgements(provider=flaky)[0]
    assert "scored" in judges.run_due_judgements(provider=flaky)[0]
    first.refresh_from_db()
    assert first.scores["warmth"] == 0.7
    (second,) = talk(live, user, 1)
    judges.run_due_judgements(provider=Failing(times=5))
    judges.run_due_judgements(provider=Failing(times=5))
    failed = Judgement.objects.get(conversation=second)
    assert (failed.status, failed.attempts) == ("failed", 2)
    assert failed.error == "timeout: the model did not answer in 30 s"
    second.refresh_from_db()
    assert "warmth" not in second.scores


def test_the_echo_provider_gives_rubric_judges_a_steady_score(live, user):
    judges.create_judge(agent=live, user=user, name="warmth", rubric="Is the agent warm?")
    talk(live, user, 2)
    judges.run_due_judgements()
    scores = [c.scores["warmth"] for c in Conversation.objects.all()]
    assert all(0 <= s <= 1 for s in scores)
    assert len(set(scores)) == 1  # the same transcript, the same score


def test_a_judgement_left_by_a_killed_worker_is_taken_over_after_its_lease(live, user, settings):
    judges.create_judge(
        agent=live, user=user, name="polite", check={"type": "contains", "value": "please"}
    )
    talk(live, user, 1)
    judges.sample_new_conversations(now=timezone.now())
    claimed = judges.claim(now=timezone.now())  # a worker claims it, then dies
    assert len(claimed) == 1
    assert judges.claim(now=timezone.now()) == []  # held: nobody else takes it
    later = timezone.now() + timedelta(seconds=settings.JUDGE_LEASE_SECONDS + 1)
    assert judges.run_due_judgements(now=later)[0].startswith("polite scored")
    judgement = Judgement.objects.get()
    assert (judgement.status, judgement.score) == ("scored", 1.0)
    # the first worker wakes up and carries on: judged already, nothing is written
    assert judges.judge_one(judgement.pk) is None
    assert Judgement.objects.get().attempts == judgement.attempts


def test_judges_are_checked_and_editors_only(live, user, make_user):
    with pytest.raises(InvalidInput) as refused:
        judges.create_judge(agent=live, user=user, name="Bad Name", sample_rate=2)
    assert [e["path"] for e in refused.value.errors] == ["name", "sample_rate", "check"]
    with pytest.raises(PermissionDenied):
        judges.create_judge(agent=live, user=make_user("Viewer"), name="x", rubric="r")
    judge = judges.create_judge(agent=live, user=user, name="polite", rubric="Polite?")
    with pytest.raises(InvalidInput):
        judges.create_judge(agent=live, user=user, name="polite", rubric="Again?")
    changed = judges.update_judge(
        judge=judge, user=user, check={"type": "regex", "value": "please"}
    )
    assert (changed.eval_check, changed.rubric) == ({"type": "regex", "value": "please"}, "")
    judges.delete_judge(judge=changed, user=user)
    judges.create_judge(agent=live, user=user, name="polite", rubric="A new one")


@pytest.mark.postgres
def test_several_workers_judge_each_conversation_once(transactional_db, agent, make_version, user):
    from tests.services.test_base_concurrency import run_at_once

    releases.release_version(version=make_version(agent), user=user)
    judges.create_judge(
        agent=agent, user=user, name="polite", check={"type": "contains", "value": "please"}
    )
    talk(agent, user, 120)
    results, errors = run_at_once(lambda i: judges.run_due_judgements(), count=6)
    assert errors == []
    assert sum(len(done) for done in results) == 120
    assert Judgement.objects.filter(status="scored").count() == 120
    assert all(c.scores == {"polite": 1.0} for c in Conversation.objects.all())
