"""Gradual rollouts: ramp a candidate up on a channel step by step while the rule in
domain/stats compares both arms, and take it out by itself when it is worse.

Every transition locks the rollout row and checks its status in the same
transaction, so conversations ending in parallel, the worker's timer and people
pressing buttons never advance twice or lose a rollback. Each weight change is
a channel update, so the channel's routing history shows it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils import timezone

from agents.domain import metrics, stats
from agents.domain.exceptions import AgentConsoleError, InvalidInput, InvalidState, RolloutRunning
from agents.domain.routing import parse_routing, target_label
from agents.domain.stats import METRICS
from agents.models import (
    RELEASED,
    Alert,
    Channel,
    PublishedVersion,
    ReleaseRequest,
    Rollout,
    RolloutEvent,
)
from agents.selectors.labels import label_target
from agents.selectors.rollouts import rollouts_in_flight, step_evidence
from agents.services import gate
from agents.services.audit import audited
from agents.services.base import User, actor, debounced
from agents.services.channels import update_channel
from agents.services.conversations import conversation_ended
from agents.services.gate import can_release
from agents.services.releases import move_pointer

Status = Rollout.Status


def _check_settings(steps: Any, min_conversations: Any, min_minutes: Any, guards: Any):
    """Every problem at once; the guards as parsed."""
    problems = []
    if (
        not isinstance(steps, list)
        or not steps
        or not all(type(s) is int and 1 <= s <= 100 for s in steps)
        or steps != sorted(set(steps))
        or steps[-1] != 100
    ):
        problems.append({"path": "steps", "message": "increasing whole percentages ending at 100"})
    if type(min_conversations) is not int or not 1 <= min_conversations <= 1_000_000:
        problems.append({"path": "min_conversations", "message": "must be 1 to 1,000,000"})
    if type(min_minutes) is not int or not 0 <= min_minutes <= 60 * 24 * 30:
        problems.append({"path": "min_minutes", "message": "must be 0 to 43,200"})
    parsed, guard_problems = metrics.parse_guards(guards)
    problems.extend(guard_problems)
    if problems:
        raise InvalidInput(problems)
    return parsed


@audited("rollout.start")
def start_rollout(
    *,
    channel: Channel,
    candidate: PublishedVersion,
    user: User,
    steps: list[int] | None = None,
    min_conversations: int = stats.DEFAULT_MIN_CONVERSATIONS,
    min_minutes: int = stats.DEFAULT_MIN_MINUTES,
    metric: str = stats.DEFAULT_METRIC,
    max_drop: float = stats.DEFAULT_MAX_DROP,
    guards: list[dict] | None = None,
) -> Rollout:
    """Start ramping `candidate` up on `channel` against what it serves now. `guards`
    ([{"metric", "max_drop" | "max_increase"}], domain/metrics) are what roll it back;
    without them, `metric` and `max_drop` are the one guard."""
    steps = list(stats.DEFAULT_STEPS) if steps is None else steps
    if guards is None:
        guards = [{"metric": metric, "max_drop": max_drop}]
    parsed = _check_settings(steps, min_conversations, min_minutes, guards)
    # The step's chart shows the first guarded rate (completion when none is guarded).
    rate = next((g for g in parsed if g.metric in METRICS), None)
    metric = rate.metric if rate else stats.DEFAULT_METRIC
    max_drop = rate.allowed if rate else stats.DEFAULT_MAX_DROP
    if not can_release(user, channel):
        raise PermissionDenied("Releasers start rollouts.")
    with transaction.atomic():
        locked = Channel.objects.select_for_update().get(pk=channel.pk)
        if candidate.agent_id != locked.agent_id:
            raise InvalidInput(
                [{"path": "candidate", "message": "a version of the channel's agent"}]
            )
        if Rollout.objects.filter(channel=locked, status__in=Rollout.IN_FLIGHT).exists():
            raise RolloutRunning(f"{locked.name} already has a rollout in flight.")
        if locked.variants:
            raise InvalidInput(
                [{"path": "channel", "message": "the channel already splits traffic: clear it"}]
            )
        if _serves(locked, locked.target) == candidate.pk:
            raise InvalidInput([{"path": "candidate", "message": "the channel serves it already"}])
        gate.check_version(locked.agent, candidate, f"a rollout on {locked.name}")
        try:
            with transaction.atomic():
                rollout = Rollout.objects.create(
                    channel=locked,
                    agent_id=locked.agent_id,
                    baseline=locked.target,
                    candidate=candidate,
                    steps=steps,
                    min_conversations=min_conversations,
                    min_minutes=min_minutes,
                    metric=metric,
                    max_drop=float(max_drop),
                    guards=[g.as_dict() for g in parsed],
                    created_by=actor(user),
                )
        except IntegrityError:
            raise RolloutRunning(f"{locked.name} already has a rollout in flight.") from None
        _route(rollout, user)
        _event(rollout, "started", user, f"{candidate.label} at {rollout.weight}%")
        return rollout


def _serves(channel: Channel, target) -> int | None:
    """The id of the version a (single) target serves now, if any."""
    target = parse_routing({"target": target})["target"]
    if target == "released":
        return channel.agent.released_version_id
    if isinstance(target, dict) and "version" in target:
        version = PublishedVersion.objects.filter(
            agent_id=channel.agent_id, number=target["version"]
        ).first()
        return version.pk if version else None
    if isinstance(target, dict) and "label" in target:
        version = label_target(channel.agent, target["label"])
        return version.pk if version else None
    return None  # the draft


def _route(rollout: Rollout, user: User) -> None:
    """Point the channel at the arms for the rollout's weight: a routing change in the
    channel's history, whose reason names the rollout and the split."""
    weight = rollout.weight
    candidate = {"version": rollout.candidate.number}
    baseline, candidate_label = target_label(rollout.baseline), rollout.candidate.label
    if weight <= 0 and not _baseline_exists(rollout):
        changes = {"target": "released", "variants": None}
        split = f"released only ({baseline} no longer exists)"
    elif weight <= 0:
        changes = {"target": rollout.baseline, "variants": None}
        split = f"{baseline} only"
    elif weight >= 100 and _serves(rollout.channel, rollout.baseline) == rollout.candidate_id:
        changes = {"target": rollout.baseline, "variants": None}  # the pointer moved to it
        split = f"{candidate_label} only, as {baseline}"
    elif weight >= 100:
        changes = {"target": candidate, "variants": None}
        split = f"{candidate_label} only"
    else:
        changes = {
            "target": rollout.baseline,
            "variants": [
                {"target": rollout.baseline, "weight": 100 - weight},
                {"target": candidate, "weight": weight},
            ],
        }
        split = f"{baseline} {100 - weight}% · {candidate_label} {weight}%"
    reason = f"Rollout {rollout.public_id} {rollout.get_status_display().lower()}: {split}"
    update_channel(channel=rollout.channel, user=user, _by_rollout=reason, **changes)


def _event(rollout: Rollout, kind: str, user: User, detail: str = "") -> None:
    RolloutEvent.objects.create(
        rollout=rollout, kind=kind, weight=rollout.weight, by=actor(user), detail=detail
    )


def _locked(rollout: Rollout) -> Rollout:
    return (
        Rollout.objects.select_for_update(of=("self",))
        .select_related("channel", "candidate")
        .get(pk=rollout.pk)
    )


@audited("rollout.pause", subject_arg="rollout")
def pause_rollout(*, rollout: Rollout, user: User) -> Rollout:
    return _set_status(rollout, user, Status.RUNNING, Status.PAUSED, "paused")


@audited("rollout.resume", subject_arg="rollout")
def resume_rollout(*, rollout: Rollout, user: User) -> Rollout:
    """Resume; the step's clock and counts start again (what happened while paused is
    not this step's evidence)."""
    return _set_status(rollout, user, Status.PAUSED, Status.RUNNING, "resumed")


@contextmanager
def _steered(rollout: Rollout, user: User, expected: Iterable[str]) -> Iterator[Rollout]:
    """A Releaser's hand on a rollout: one transaction, the row locked and in one of
    the `expected` states (InvalidState otherwise)."""
    if not can_release(user, rollout):
        raise PermissionDenied("Releasers steer rollouts.")
    with transaction.atomic():
        locked = _locked(rollout)
        if locked.status not in expected:
            raise InvalidState(f"{locked.public_id} is {locked.status}.")
        yield locked


def _set_status(rollout, user, expected: str, status: str, kind: str) -> Rollout:
    with _steered(rollout, user, (expected,)) as locked:
        locked.status = status
        if status == Status.RUNNING:
            locked.step_started_at = timezone.now()
        locked.save(update_fields=["status", "step_started_at"])
        _event(locked, kind, user)
    return locked


@audited("rollout.abort", subject_arg="rollout")
def abort_rollout(*, rollout: Rollout, user: User, reason: str = "") -> Rollout:
    """Stop and give the baseline all traffic again."""
    with _steered(rollout, user, Rollout.IN_FLIGHT) as locked:
        _finish(locked, Status.ABORTED, user, reason or "aborted")
    return locked


@audited("rollout.advance", subject_arg="rollout")
def advance_rollout(*, rollout: Rollout, user: User) -> Rollout:
    """Move to the next step now (a person's call, recorded as theirs)."""
    with _steered(rollout, user, Rollout.IN_FLIGHT) as locked:
        _next_step(locked, user, "advanced by hand")
    return locked


@audited("rollout.step", subject_arg="rollout")
def _next_step(rollout: Rollout, user: User, why: str) -> None:
    if rollout.step + 2 >= len(rollout.steps):  # the next step is 100%: done
        _finish(rollout, Status.COMPLETED, user, why)
        return
    rollout.step += 1
    rollout.step_started_at = timezone.now()
    rollout.save(update_fields=["step", "step_started_at"])
    _route(rollout, user)
    _event(rollout, "advanced", user, why)


def _baseline_exists(rollout: Rollout) -> bool:
    """A label baseline deleted meanwhile (possible before the gate kept followed labels)
    leaves `released` to fall back on: an abort or a rollback always works."""
    target = rollout.baseline
    if isinstance(target, dict) and "label" in target:
        return label_target(rollout.channel.agent, target["label"]) is not None
    return True


def _finish(rollout: Rollout, status: str, user: User, why: str) -> None:
    rollout.status = status
    rollout.finished_at = timezone.now()
    rollout.save(update_fields=["status", "finished_at"])
    if status == Status.COMPLETED:
        why = _promote(rollout, user, why)
    _route(rollout, user)
    _event(rollout, status, user, why)


def _promote(rollout: Rollout, user: User, why: str) -> str:
    """On completion, a baseline that is a pointer (`released`, a label) moves to the
    candidate, so the channel keeps following it and `released` says what production
    serves. The move is a release-log event naming the rollout (and the approved
    request for it, if any); the gate cleared the candidate when the rollout started.
    When the move is refused (a prompt it links moved on, say), the channel pins the
    candidate instead and the timeline says why."""
    target = parse_routing({"target": rollout.baseline})["target"]
    if target == RELEASED:
        pointer = RELEASED
    elif isinstance(target, dict) and "label" in target:
        pointer = target["label"]
    else:
        return why
    current = label_target(rollout.channel.agent, pointer)
    request = ReleaseRequest.objects.filter(
        agent_id=rollout.agent_id,
        version=rollout.candidate,
        label=pointer,
        base_version=current,
        status=ReleaseRequest.Status.APPROVED,
    ).first()
    try:
        with transaction.atomic():
            move_pointer(
                version=rollout.candidate,
                label=pointer,
                user=user,
                note=f"Rollout {rollout.public_id} completed on {rollout.channel.name}",
                request=request,
                rollout=rollout.public_id,
            )
    except AgentConsoleError as exc:
        return f"{why}; {pointer} stays where it was ({exc.message})"
    rollout.channel.agent.refresh_from_db()
    return f"{why}; {pointer} moved to {rollout.candidate.label}"


def evaluate_rollout(rollout_id: int, *, now: datetime | None = None) -> Rollout:
    """Apply the rule to a running rollout: roll back when the candidate is worse,
    advance when the step has its conversations and minutes, else nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        rollout = _locked(Rollout(pk=rollout_id))
        if rollout.status != Status.RUNNING:
            return rollout
        evidence = step_evidence(rollout)
        rollout.last_evaluated_at = now
        rollout.save(update_fields=["last_evaluated_at"])
        worse = evidence.worse
        if worse:
            _roll_back(rollout, worse)
            return rollout
        smaller = min(evidence.ended)
        enough = smaller >= rollout.min_conversations
        waited = now >= rollout.step_started_at + timedelta(minutes=rollout.min_minutes)
        if enough and waited:
            reasons = "; ".join(v.reason for v in evidence.verdicts)
            _next_step(rollout, None, f"{smaller} conversations a side; {reasons}")
        return rollout


@audited("rollout.roll_back", subject_arg="rollout")
def _roll_back(rollout: Rollout, worse: list) -> None:
    """The rule found the candidate worse: back to the baseline, and an alert naming
    the metric and the numbers."""
    reason = "; ".join(v.reason for v in worse)
    _finish(rollout, Status.ROLLED_BACK, None, reason)
    Alert.objects.create(
        agent_id=rollout.agent_id,
        kind=Alert.Kind.ROLLOUT_ROLLED_BACK,
        version=rollout.candidate,
        baseline_version_id=_serves(rollout.channel, rollout.baseline),
        rollout=rollout,
        metric=worse[0].metric,
        detail=f"{rollout.channel.name}: {reason}",
    )


def evaluate_channel(channel_ref: str) -> None:
    """As a conversation on `channel_ref` ends: evaluate its running rollout, at most
    once per ROLLOUT_EVAL_DEBOUNCE_S (the worker's timer catches up on the rest)."""
    if not channel_ref:
        return
    found = Rollout.objects.filter(
        channel__public_id=channel_ref, status=Status.RUNNING
    ).values_list("pk", flat=True)
    for pk in found[:1]:
        if debounced(f"rollout:{pk}", settings.ROLLOUT_EVAL_DEBOUNCE_S):
            evaluate_rollout(pk)


@receiver(conversation_ended)
def _conversation_ended(sender, channel_ref: str, **kwargs) -> None:
    evaluate_channel(channel_ref)


def run_due_rollouts(*, now: datetime | None = None) -> list[str]:
    """The worker's timer: every running rollout, so none waits for the next call to
    notice that time passed."""
    done = []
    for rollout in rollouts_in_flight().filter(status=Status.RUNNING)[:200]:
        before = (rollout.status, rollout.step)
        after = evaluate_rollout(rollout.pk, now=now)
        if (after.status, after.step) != before:
            done.append(f"{after.public_id} {after.status} at {after.weight}%")
    return done
