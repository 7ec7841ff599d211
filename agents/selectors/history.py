"""An agent's history: versions page by page, the release log, draft activity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import OuterRef, Subquery

from agents.domain.routing import usage
from agents.models import (
    Agent,
    Channel,
    EvalRun,
    Label,
    PromptUse,
    PublishedVersion,
    ReleaseEvent,
    ReleaseRequest,
    ScheduledRelease,
)
from agents.selectors.base import where

HISTORY_PAGE_SIZE = 20


@dataclass(frozen=True)
class HistoryRow:
    """One version in the history panel. The actions a user may take on it are the
    edge's to decide (views.history.with_actions fills `can_restore`/`can_release`)."""

    version: PublishedVersion
    is_released: bool
    release_label: str  # "Release" or "Roll back to vN"
    # channels serving this version ("Main line", "AB 20%"); for a library prompt, the
    # agents linking it (pinned to it, or following it while it is released)
    used_by: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()  # labels pointing at it (`staging`), `released` excluded
    requests: tuple[tuple[str, str, str], ...] = ()  # (id, label, status) of requests in flight
    eval_passed: int | None = None  # the latest finished eval run on this configuration
    eval_total: int | None = None
    can_restore: bool = False
    can_release: bool = False
    can_request: bool = False  # an Editor may ask a Releaser to release it
    can_label: bool = False  # Editors and Releasers move labels

    @property
    def eval_rate(self) -> int | None:
        if not self.eval_total:
            return None
        return round(100 * (self.eval_passed or 0) / self.eval_total)


@dataclass(frozen=True)
class HistoryPage:
    rows: list[HistoryRow]
    next_page: int | None


def history_page(*, agent: Agent, page: int = 1) -> HistoryPage:
    """Versions newest first, one page at a time: one query however many versions."""
    page = max(page, 1)
    start = (page - 1) * HISTORY_PAGE_SIZE
    last_run = EvalRun.objects.filter(
        agent_id=agent.pk, content_hash=OuterRef("content_hash"), status__in=EvalRun.FINISHED
    ).order_by("-finished_at", "-id")
    versions = list(
        PublishedVersion.objects.filter(agent_id=agent.pk)
        .select_related("created_by")
        .defer("config")
        .annotate(
            eval_passed=Subquery(last_run.values("passed_count")[:1]),
            eval_total=Subquery(last_run.values("case_count")[:1]),
        )
        .order_by("-number")[start : start + HISTORY_PAGE_SIZE + 1]
    )
    more = len(versions) > HISTORY_PAGE_SIZE
    released = agent.released_version
    channels = list(Channel.objects.filter(agent_id=agent.pk).only("name", "target", "variants"))
    label_numbers = dict(
        Label.objects.filter(agent_id=agent.pk)
        .order_by("name")
        .values_list("name", "version__number")
    )
    in_flight: dict[int, list[tuple[str, str, str]]] = {}
    for version_id, public_id, label, status in (
        ReleaseRequest.objects.filter(agent_id=agent.pk, status__in=["open", "approved"])
        .order_by("created_at")
        .values_list("version_id", "public_id", "label", "status")
    ):
        in_flight.setdefault(version_id, []).append((public_id, label, status))
    linked = _prompt_users(agent) if agent.kind == Agent.Kind.PROMPT else None
    rows = []
    for version in versions[:HISTORY_PAGE_SIZE]:
        is_released = released is not None and version.pk == released.pk
        if linked is not None:
            pinned, following = linked
            used = sorted(pinned.get(version.number, set()) | (following if is_released else set()))
        else:
            used = usage(
                channels,
                version_number=version.number,
                released_number=released.number if released else None,
                labels=label_numbers,
            )
        rollback = released is not None and version.number < released.number
        rows.append(
            HistoryRow(
                version=version,
                is_released=is_released,
                release_label=f"Roll back to {version.label}" if rollback else "Release",
                used_by=tuple(used),
                labels=tuple(n for n, number in label_numbers.items() if number == version.number),
                requests=tuple(in_flight.get(version.pk, ())),
                eval_passed=version.eval_passed,
                eval_total=version.eval_total,
            )
        )
    return HistoryPage(rows=rows, next_page=page + 1 if more else None)


def _prompt_users(prompt: Agent) -> tuple[dict[int, set[str]], set[str]]:
    """Who links a library prompt: agents pinning each version number, and agents
    following the released one (from their drafts and versions; one query)."""
    pinned: dict[int, set[str]] = {}
    following: set[str] = set()
    for name, number in PromptUse.objects.filter(prompt=prompt).values_list(
        "agent__name", "pinned"
    ):
        if number is None:
            following.add(name)
        else:
            pinned.setdefault(number, set()).add(name)
    return pinned, following


def draft_in_some_version(agent: Agent) -> bool:
    """Whether the draft's content is saved in at least one version (safe to overwrite)."""
    return PublishedVersion.objects.filter(
        agent_id=agent.pk, content_hash=agent.draft.content_hash
    ).exists()


@dataclass(frozen=True)
class ScheduleEntry:
    """A line of the release log about a schedule: made, cancelled or failed."""

    schedule: ScheduledRelease
    kind: str  # "scheduled" | "cancelled" | "failed"
    at: datetime
    by: Any  # the user, or None for the worker

    @property
    def label(self) -> str:
        return self.schedule.label


def release_activity(
    agent: Agent, limit: int = 10, *, label: str | None = None
) -> list[ReleaseEvent | ScheduleEntry]:
    """The release log with schedules in it: each move of a pointer, and each
    schedule made, cancelled or failed, newest first (two queries)."""
    entries: list[tuple[datetime, ReleaseEvent | ScheduleEntry]] = [
        (event.released_at, event) for event in release_log(agent, limit, label=label)
    ]
    schedules = ScheduledRelease.objects.filter(agent_id=agent.pk)
    schedules = where(schedules, label=label)
    for schedule in (
        schedules.select_related("version", "created_by", "cancelled_by", "request")
        .defer("version__config")
        .order_by("-created_at", "-id")[:limit]
    ):
        entries.append(
            (
                schedule.created_at,
                ScheduleEntry(schedule, "scheduled", schedule.created_at, schedule.created_by),
            )
        )
        if schedule.status == ScheduledRelease.Status.CANCELLED and schedule.cancelled_at:
            entries.append(
                (
                    schedule.cancelled_at,
                    ScheduleEntry(
                        schedule, "cancelled", schedule.cancelled_at, schedule.cancelled_by
                    ),
                )
            )
        if schedule.status == ScheduledRelease.Status.FAILED and schedule.executed_at:
            entries.append(
                (
                    schedule.executed_at,
                    ScheduleEntry(schedule, "failed", schedule.executed_at, None),
                )
            )
    entries.sort(key=lambda pair: pair[0], reverse=True)
    return [entry for _at, entry in entries[:limit]]


def release_log(agent: Agent, limit: int = 10, *, label: str | None = None) -> list[ReleaseEvent]:
    """The newest moves of `released` and the labels (or of one `label`)."""
    rows = ReleaseEvent.objects.filter(agent_id=agent.pk)
    rows = where(rows, label=label)
    return list(
        rows.select_related("version", "previous_version", "released_by", "request")
        .defer("version__config", "previous_version__config")
        .order_by("-released_at", "-id")[:limit]
    )
