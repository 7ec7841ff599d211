"""Alerts: regressions flagged automatically, until a Releaser acknowledges them.

Two things raise one: a rollout rolled back by its rule (services/rollouts.py),
and a release whose version does worse than the one it replaced. The second is
checked as conversations end (debounced per agent) and by the worker's timer,
for REGRESSION_WATCH_DAYS after each release, with the rule rollouts use
(domain/stats.compare_arms) on the completion rate. A partial unique index
keeps it to one alert per release, however many checks race to raise it.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils import timezone

from agents.domain.exceptions import InvalidState
from agents.domain.stats import compare_arms
from agents.models import Alert, ReleaseEvent
from agents.selectors.alerts import release_arms, releases_to_watch
from agents.services.base import User, actor, debounced
from agents.services.conversations import conversation_ended
from agents.services.gate import can_release

REGRESSION_METRIC = "completion_rate"


def ack_alert(*, alert: Alert, user: User) -> Alert:
    """A Releaser has seen it: it leaves the open alerts (once)."""
    if not can_release(user):
        raise PermissionDenied("Releasers acknowledge alerts.")
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.acked_at is not None:
            raise InvalidState(f"{locked.public_id} was acknowledged already.")
        locked.acked_by = actor(user)
        locked.acked_at = timezone.now()
        locked.save(update_fields=["acked_by", "acked_at"])
        return locked


def check_release(release: ReleaseEvent) -> Alert | None:
    """Compare the released version with the one it replaced; raise a
    `version_regression` alert when it is significantly worse (once per release)."""
    baseline, candidate = release_arms(
        release, metric=REGRESSION_METRIC, baseline_days=settings.REGRESSION_BASELINE_DAYS
    )
    if min(baseline.total, candidate.total) < settings.REGRESSION_MIN_CONVERSATIONS:
        return None
    verdict = compare_arms(
        baseline, candidate, metric=REGRESSION_METRIC, max_drop=settings.REGRESSION_MAX_DROP
    )
    if not verdict.worse:
        return None
    new, old = release.version, release.previous_version
    detail = (
        f"{new.label} “{new.name}” against {old.label}: {verdict.reason}. "
        f"{candidate.hits} of {candidate.total} conversations since the release; "
        f"{baseline.hits} of {baseline.total} on {old.label} in the "
        f"{settings.REGRESSION_BASELINE_DAYS} days before."
    )
    try:
        with transaction.atomic():
            return Alert.objects.create(
                agent_id=release.agent_id,
                kind=Alert.Kind.VERSION_REGRESSION,
                version=new,
                baseline_version=old,
                release=release,
                metric=REGRESSION_METRIC,
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
    if debounced(f"regression:{agent_id}", settings.ROLLOUT_EVAL_DEBOUNCE_S):
        check_agent_releases(agent_id)
