"""Alerts: regressions flagged automatically, until a Releaser acknowledges them.

Two things raise one: a rollout rolled back by its rule (services/rollouts.py),
and a release whose version does worse than the one it replaced. The second is
checked as conversations end (at most every REGRESSION_CHECK_DEBOUNCE_S per agent)
and by the worker's timer, for REGRESSION_WATCH_DAYS after each release, with the
rule rollouts' guards use (domain/metrics) on every metric with data: the
completion rate, latency, satisfaction, cost and each score. A partial unique
index keeps it to one alert per release, however many checks race to raise it.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils import timezone

from agents.domain import metrics
from agents.domain.exceptions import InvalidState
from agents.models import Alert, ReleaseEvent
from agents.selectors.alerts import release_evidence, releases_to_watch
from agents.services.audit import audited
from agents.services.base import User, actor, debounced
from agents.services.conversations import conversation_ended
from agents.services.gate import can_release

REGRESSION_METRIC = "completion_rate"


@audited("alert.ack", subject_arg="alert")
def ack_alert(*, alert: Alert, user: User) -> Alert:
    """A Releaser has seen it: it leaves the open alerts (once)."""
    if not can_release(user, alert):
        raise PermissionDenied("Releasers acknowledge alerts.")
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.acked_at is not None:
            raise InvalidState(f"{locked.public_id} was acknowledged already.")
        locked.acked_by = actor(user)
        locked.acked_at = timezone.now()
        locked.save(update_fields=["acked_by", "acked_at"])
        return locked


def regression_guards(old, new) -> list[metrics.Guard]:
    """Every metric both sides have data on, with the allowance the settings give."""
    guards = [metrics.Guard(REGRESSION_METRIC, settings.REGRESSION_MAX_DROP)]
    allowed = {
        "latency_ms": settings.REGRESSION_MAX_LATENCY_MS,
        "satisfaction": settings.REGRESSION_MAX_SATISFACTION_DROP,
        "cost": settings.REGRESSION_MAX_COST_INCREASE,
    }
    for name, allowance in allowed.items():
        if old.sample(name).n and new.sample(name).n:
            guards.append(metrics.Guard(name, allowance))
    for name in sorted(set(old.scores) & set(new.scores)):
        guards.append(metrics.Guard(f"score:{name}", settings.REGRESSION_MAX_SCORE_DROP))
    return guards


@audited("alert.raise", when=lambda found: found is not None)
def check_release(release: ReleaseEvent) -> Alert | None:
    """Compare the released version with the one it replaced on every metric with
    data; raise a `version_regression` alert naming each one significantly worse
    (once per release)."""
    old, new = release_evidence(release, baseline_days=settings.REGRESSION_BASELINE_DAYS)
    if old is None or new is None:
        return None
    if min(old.ended, new.ended) < settings.REGRESSION_MIN_CONVERSATIONS:
        return None
    worse = []
    for guard in regression_guards(old, new):
        if metrics.metric(guard.metric).kind == "proportion":
            sides = old.arm(guard.metric), new.arm(guard.metric)
        else:
            sides = old.sample(guard.metric), new.sample(guard.metric)
        verdict = metrics.check_guard(guard, *sides)
        if verdict.worse:
            worse.append(verdict)
    if not worse:
        return None
    new_version, old_version = release.version, release.previous_version
    detail = (
        f"{new_version.label} “{new_version.name}” against {old_version.label}: "
        + "; ".join(v.reason for v in worse)
        + f". {new.completed} of {new.ended} conversations since the release; "
        f"{old.completed} of {old.ended} on {old_version.label} in the "
        f"{settings.REGRESSION_BASELINE_DAYS} days before (completed of ended)."
    )
    try:
        with transaction.atomic():
            return Alert.objects.create(
                agent_id=release.agent_id,
                kind=Alert.Kind.VERSION_REGRESSION,
                version=new_version,
                baseline_version=old_version,
                release=release,
                metric=worse[0].metric,
                detail=detail,
            )
    except IntegrityError:
        return None  # another check raised it first


def check_agent_releases(agent_id: int | None, *, now: datetime | None = None) -> list[Alert]:
    """The regression check for one agent's live release (or every agent's: None)."""
    now = now or timezone.now()
    watched = releases_to_watch(now=now, watch_days=settings.REGRESSION_WATCH_DAYS)
    if agent_id is not None:
        watched = watched.filter(agent_id=agent_id)
    return [alert for alert in map(check_release, watched[:500]) if alert is not None]


def run_regression_checks(*, now: datetime | None = None) -> list[str]:
    """The worker's timer: every release still watched."""
    return [
        f"{alert.public_id} {alert.version.label} regressed"
        for alert in check_agent_releases(None, now=now)
    ]


@receiver(conversation_ended)
def _conversation_ended(sender, agent_id: int, **kwargs) -> None:
    if debounced(f"regression:{agent_id}", settings.REGRESSION_CHECK_DEBOUNCE_S):
        check_agent_releases(agent_id)
