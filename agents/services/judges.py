"""Judges: create, change and delete them; and judging, which the worker's sweep does.

Judging, every sweep (`manage.py worker`, JOB_SWEEP_SECONDS, 15 s by default, so a
conversation is scored well within a minute of its end):

1. **Sample.** Every live judge looks at its agent's ended production conversations
   with a transcript that ended in the last JUDGE_LOOKBACK_HOURS and have no
   Judgement from it yet; the sampled ones get one (`pending`). The unique
   (judge, conversation) constraint keeps it to one, however many workers race.
2. **Claim.** A batch of pending Judgements — and running ones whose worker went
   quiet for JUDGE_LEASE_SECONDS (killed mid-judging) — is claimed with
   `SELECT … FOR UPDATE SKIP LOCKED`, so two workers never take the same one.
3. **Judge.** A check is applied to the transcript; a rubric goes to the model
   provider. A provider failure is retried on later sweeps, up to
   JUDGE_MAX_ATTEMPTS in all, then the Judgement is `failed` with the error:
   recorded, never silently dropped. A score is written to the Judgement and to
   `Conversation.scores[name]` in one transaction, only if the Judgement is still
   the claimer's (a stale worker that wakes up late writes nothing).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from agents.domain import judges as judges_domain
from agents.domain.exceptions import InvalidInput
from agents.domain.permissions import EDIT_DRAFT
from agents.models import Agent, Conversation, Judge, Judgement, Turn
from agents.providers import Message, Provider, ProviderError, get_provider
from agents.services import metrics
from agents.services.audit import audited
from agents.services.base import User, actor

logger = logging.getLogger(__name__)
Status = Judgement.Status
BATCH = 50


def _editor(user: User, obj) -> None:
    if user is None or not user.has_perm(EDIT_DRAFT, obj):
        raise PermissionDenied("Editors manage judges.")


def _taken(agent_id: int, name: str, exclude: int | None = None) -> None:
    rows = Judge.objects.filter(agent_id=agent_id, name=name, deleted_at__isnull=True)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    if rows.exists():
        raise InvalidInput([{"path": "name", "message": f"a judge named {name} exists"}])


@audited("judge.create")
def create_judge(
    *,
    agent: Agent,
    user: User,
    name: str,
    check: dict | None = None,
    rubric: str = "",
    sample_rate: float = 1.0,
) -> Judge:
    """A judge for `agent`'s production conversations (a check or a rubric)."""
    _editor(user, agent)
    fields, problems = judges_domain.clean_judge(
        name=name, check=check, rubric=rubric, sample_rate=sample_rate
    )
    if problems:
        raise InvalidInput(problems)
    with transaction.atomic():
        _taken(agent.pk, fields["name"])
        try:
            with transaction.atomic():
                return Judge.objects.create(agent=agent, created_by=actor(user), **fields)
        except IntegrityError:  # a concurrent create took the name
            raise InvalidInput(
                [{"path": "name", "message": f"a judge named {name} exists"}]
            ) from None


@audited("judge.update", subject_arg="judge")
def update_judge(*, judge: Judge, user: User, **changes) -> Judge:
    """Change a judge's name, check or rubric, or sample rate; conversations already
    judged keep their scores (a judge scores each conversation once)."""
    _editor(user, judge)
    current = {
        "name": judge.name,
        "check": judge.eval_check,
        "rubric": judge.rubric,
        "sample_rate": judge.sample_rate,
    }
    if "check" in changes and changes["check"] is not None:
        current["rubric"] = ""
    if changes.get("rubric"):
        current["check"] = None
    current.update(changes)
    fields, problems = judges_domain.clean_judge(**current)
    if problems:
        raise InvalidInput(problems)
    with transaction.atomic():
        locked = Judge.objects.select_for_update().get(pk=judge.pk, deleted_at__isnull=True)
        _taken(locked.agent_id, fields["name"], exclude=locked.pk)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.updated_at = timezone.now()
        locked.save()
        return locked


@audited("judge.delete", subject_arg="judge")
def delete_judge(*, judge: Judge, user: User) -> None:
    """It stops judging; the scores it gave stay on their conversations."""
    _editor(user, judge)
    Judge.objects.filter(pk=judge.pk, deleted_at__isnull=True).update(deleted_at=timezone.now())


# ------------------------------------------------------------------ judging


def run_due_judgements(
    *, now: datetime | None = None, provider: Provider | None = None
) -> list[str]:
    """One sweep: sample, claim, judge (see the module's docstring)."""
    now = now or timezone.now()
    sample_new_conversations(now=now)
    done = []
    for judgement_id in claim(now=now):
        outcome = judge_one(judgement_id, provider=provider)
        if outcome:
            done.append(outcome)
    return done


def sample_new_conversations(*, now: datetime) -> int:
    since = now - timedelta(hours=settings.JUDGE_LOOKBACK_HOURS)
    chosen = []
    for judge in Judge.objects.filter(deleted_at__isnull=True).only(
        "pk", "public_id", "agent_id", "sample_rate", "created_at"
    ):
        judged = Judgement.objects.filter(judge_id=judge.pk, conversation_id=OuterRef("pk"))
        turns = Turn.objects.filter(conversation_id=OuterRef("pk"))
        candidates = (
            Conversation.objects.filter(
                agent_id=judge.agent_id,
                playground=False,
                ended_at__gte=max(since, judge.created_at - timedelta(hours=1)),
            )
            .filter(Exists(turns), ~Exists(judged))
            .values_list("pk", "public_id")[:2000]
        )
        chosen += [
            Judgement(judge_id=judge.pk, conversation_id=pk, created_at=now)
            for pk, public_id in candidates
            if judges_domain.sampled(judge.public_id, public_id, judge.sample_rate)
        ]
    return len(Judgement.objects.bulk_create(chosen, ignore_conflicts=True))


def claim(*, now: datetime) -> list[int]:
    """Take a batch no other worker holds: pending, or running past its lease."""
    lease = now - timedelta(seconds=settings.JUDGE_LEASE_SECONDS)
    with transaction.atomic():
        ids = list(
            Judgement.objects.select_for_update(skip_locked=True)
            .filter(Q(status=Status.PENDING) | Q(status=Status.RUNNING, claimed_at__lt=lease))
            .order_by("created_at", "id")
            .values_list("pk", flat=True)[:BATCH]
        )
        Judgement.objects.filter(pk__in=ids).update(status=Status.RUNNING, claimed_at=now)
    return ids


def judge_one(judgement_id: int, *, provider: Provider | None = None) -> str | None:
    judgement = Judgement.objects.select_related("judge", "conversation__version").get(
        pk=judgement_id
    )
    if judgement.status != Status.RUNNING:
        return None  # judged (or given up) meanwhile: another worker took it over
    claimed_at = judgement.claimed_at
    attempts = judgement.attempts + 1
    Judgement.objects.filter(pk=judgement.pk, claimed_at=claimed_at).update(attempts=attempts)
    judge, conversation = judgement.judge, judgement.conversation
    turns = [
        judges_domain.Turn(t.role, t.content, t.latency_ms)
        for t in conversation.turns.order_by("position")
    ]
    try:
        if judge.eval_check is not None:
            scored = judges_domain.check_score(
                judge.eval_check, turns, conversation.latency_ms, conversation.config
            )
        else:
            scored = _ask(judge, turns, conversation, provider or get_provider())
    except (ProviderError, judges_domain.BadReply) as exc:
        error = f"{exc.code}: {exc.message}" if isinstance(exc, ProviderError) else str(exc)
        return _failed(judgement, claimed_at, attempts, error)
    with transaction.atomic():
        mine = Judgement.objects.filter(
            pk=judgement.pk, claimed_at=claimed_at, status=Status.RUNNING
        ).update(
            status=Status.SCORED,
            score=scored.score,
            detail=scored.detail,
            error="",
            finished_at=timezone.now(),
        )
        if not mine:
            return None  # the lease ran out and another worker has it
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        before = metrics.tally(locked)
        locked.scores = {**locked.scores, judge.name: scored.score}
        locked.save(update_fields=["scores"])
        metrics.record(locked, before)
    return f"{judge.name} scored {conversation.public_id}: {scored.score:g}"


def _ask(judge: Judge, turns, conversation: Conversation, provider: Provider):
    config, text = judges_domain.rubric_request(
        judge.rubric, turns, conversation.config.get("llm", {})
    )
    completion = provider.complete(config=config, messages=[Message("user", text)])
    return judges_domain.parse_rubric_reply(completion.text)


def _failed(judgement: Judgement, claimed_at, attempts: int, error: str) -> str | None:
    """Retried on a later sweep, or failed for good after the last attempt."""
    final = attempts >= settings.JUDGE_MAX_ATTEMPTS
    updated = Judgement.objects.filter(
        pk=judgement.pk, claimed_at=claimed_at, status=Status.RUNNING
    ).update(
        status=Status.FAILED if final else Status.PENDING,
        error=error[:2000],
        finished_at=timezone.now() if final else None,
    )
    if not updated:
        return None
    logger.warning("judge %s on %s: %s", judgement.judge.name, judgement.conversation_id, error)
    how = "failed" if final else f"will retry (attempt {attempts})"
    return f"{judgement.judge.name} {how} on {judgement.conversation.public_id}: {error}"
