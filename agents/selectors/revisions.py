"""Draft revisions: one revision with its configuration, or pages of them without."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from agents.models import Agent, DraftRevision, PublishedVersion
from agents.selectors.base import one

REVISIONS_PAGE_SIZE = 10


def revision(agent: Agent, number: int) -> DraftRevision:
    """Revision `rN` of the agent's draft with its configuration (`.snapshot.config`)."""
    return one(
        DraftRevision.objects.filter(agent_id=agent.pk, number=number).select_related(
            "snapshot", "created_by", "restored_from_version"
        ),
        f"“{agent.name}” has no revision r{number}.",
    )


def revision_list(agent: Agent) -> QuerySet[DraftRevision]:
    """Newest first, without configurations: listing reads only the revision rows."""
    return (
        DraftRevision.objects.filter(agent_id=agent.pk)
        .select_related("created_by", "restored_from_version")
        .only(
            "number",
            "content_hash",
            "created_at",
            "reason",
            "changed",
            "restored_from_revision",
            "branch",
            "agent_id",
            "created_by__username",
            "restored_from_version__number",
        )
        .order_by("-number")
    )


@dataclass(frozen=True)
class RevisionRow:
    revision: DraftRevision
    is_current: bool  # what the draft holds now
    versions: tuple[str, ...]  # versions with exactly this configuration ("v3")
    previous: str | None = None  # the revision before it ("r11"), to show what it changed


@dataclass(frozen=True)
class RevisionPage:
    rows: list[RevisionRow]
    next_page: int | None


def revision_rows(agent: Agent, *, start: int, count: int) -> tuple[list[RevisionRow], bool]:
    """Revisions `start`…`start + count` newest first, and whether more follow: two
    queries however many revisions (the rows, and the versions sharing their content)."""
    found = list(revision_list(agent)[start : start + count + 1])
    shown = found[:count]
    labels: dict[str, list[str]] = {}
    if shown:
        for content_hash, number in (
            PublishedVersion.objects.filter(
                agent_id=agent.pk, content_hash__in={r.content_hash for r in shown}
            )
            .order_by("number")
            .values_list("content_hash", "number")
        ):
            labels.setdefault(content_hash, []).append(f"v{number}")
    current = agent.draft.revision
    rows = [
        RevisionRow(
            r,
            r.number == current,
            tuple(labels.get(r.content_hash, ())),
            _previous(found, i),
        )
        for i, r in enumerate(shown)
    ]
    return rows, len(found) > count


def _previous(found: list[DraftRevision], i: int) -> str | None:
    """The revision before found[i] on the same draft (the main one or its branch)
    among those read, else simply the one before it."""
    older = found[i + 1 :]
    before = next((r for r in older if r.branch == found[i].branch), None)
    if before is None and older:
        before = older[0]
    return before.label if before else None


def revisions_page(agent: Agent, *, page: int = 1) -> RevisionPage:
    """One page of the console's timeline, newest first."""
    page = max(page, 1)
    rows, more = revision_rows(
        agent, start=(page - 1) * REVISIONS_PAGE_SIZE, count=REVISIONS_PAGE_SIZE
    )
    return RevisionPage(rows, page + 1 if more else None)


def versions_with_content(agent: Agent, content_hash: str) -> list[int]:
    """Numbers of the agent's versions holding exactly this configuration."""
    return list(
        PublishedVersion.objects.filter(agent_id=agent.pk, content_hash=content_hash)
        .order_by("number")
        .values_list("number", flat=True)
    )


def recent_revisions(agent: Agent, limit: int = 10) -> list[int]:
    """The newest revision numbers, for pickers."""
    return list(
        DraftRevision.objects.filter(agent_id=agent.pk)
        .order_by("-number")
        .values_list("number", flat=True)[:limit]
    )
