"""Alerts, and the evidence a regression alert weighs after a release."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from agents.models import RELEASED, Alert, Conversation, ReleaseEvent
from agents.selectors import metrics
from agents.selectors.base import one, where


def alerts(*, agent: str | None = None, open_only: bool = False) -> QuerySet[Alert]:
    rows = Alert.objects.select_related(
        "agent", "version", "baseline_version", "rollout__channel", "acked_by"
    ).order_by("-created_at", "-id")
    rows = where(rows, agent__public_id=agent, acked_at__isnull=open_only)
    return rows


def alert(public_id: str) -> Alert:
    return one(alerts().filter(public_id=public_id), f"No alert {public_id}.")


def open_alert_count() -> int:
    """The global badge: one count on the open-alerts index."""
    return Alert.objects.filter(acked_at__isnull=True).count()


def releases_to_watch(*, now: datetime, watch_days: int) -> QuerySet[ReleaseEvent]:
    """Each agent's latest move of `released` in the last `watch_days`, while what it
    released is still live, when it replaced a version and has no regression alert
    yet: the releases whose outcomes are still worth comparing."""
    later = ReleaseEvent.objects.filter(
        agent_id=OuterRef("agent_id"), label=RELEASED, released_at__gt=OuterRef("released_at")
    )
    alerted = Alert.objects.filter(release_id=OuterRef("pk"), kind=Alert.Kind.VERSION_REGRESSION)
    return (
        ReleaseEvent.objects.filter(
            label=RELEASED,
            released_at__gte=now - timedelta(days=watch_days),
            previous_version__isnull=False,
            version_id=F("agent__released_version_id"),
        )
        .exclude(version_id=F("previous_version_id"))
        .filter(~Exists(later), ~Exists(alerted))
        .select_related("agent", "version", "previous_version")
    )


def release_evidence(release: ReleaseEvent, *, baseline_days: int):
    """The replaced version over the `baseline_days` before the release, and the released
    version since: ended, non-playground conversations, with every metric (the
    queries of selectors/metrics, on the (agent, version, start) index). A pair of
    VersionMetrics (either None without conversations)."""
    before = release.released_at - timedelta(days=baseline_days)
    old = Q(version_id=release.previous_version_id, started_at__gte=before) & Q(
        started_at__lt=release.released_at
    )
    new = Q(version_id=release.version_id, started_at__gte=release.released_at)
    rows = Conversation.objects.filter(
        agent_id=release.agent_id, ended_at__isnull=False, playground=False
    ).filter(old | new)
    found = {entry.version_id: entry for entry in metrics.metrics_of(rows)}
    return found.get(release.previous_version_id), found.get(release.version_id)
