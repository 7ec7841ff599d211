"""What every service shares: who acts, how history records it, which rows they lock.

Each service is one transaction. Whatever moves a shared counter or pointer
(version numbers, the released version, the draft revision) locks the row it
changes first — `SELECT … FOR UPDATE` on PostgreSQL; on SQLite the connection
opens transactions with BEGIN IMMEDIATE, which serializes writers — so
concurrent callers never produce a duplicate number, a gap, two released
versions or a silently overwritten draft. Input is validated before anything
is written: a service that raises has changed nothing.
"""

from __future__ import annotations

from typing import TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.cache import cache
from django.db import models

from agents.domain.exceptions import AgentArchived, DraftConflict, InvalidState
from agents.models import Agent, Branch, Draft
from agents.selectors import branches as branch_selectors

User = AbstractBaseUser | AnonymousUser | None
Tracked = TypeVar("Tracked", bound=models.Model)


def actor(user: User) -> AbstractBaseUser | None:
    """The user to record, or None for anonymous/system writes."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user  # type: ignore[return-value]


REASON_MAX = 100  # simple-history's change-reason column


def record(instance: Tracked, user: User, reason: str | None) -> Tracked:
    """Tell simple-history who makes the next save of `instance`, and why (a reason
    naming something long is shortened to fit its column)."""
    if reason is not None and len(reason) > REASON_MAX:
        reason = reason[: REASON_MAX - 1] + "…"
    instance._history_user = actor(user)
    instance._change_reason = reason
    return instance


def check_revision(draft: Draft | Branch, expected_revision: int | None) -> None:
    if expected_revision is not None and draft.revision != expected_revision:
        raise DraftConflict(expected_revision=expected_revision, current_revision=draft.revision)


def check_active(agent: Agent) -> None:
    if agent.archived_at is not None:
        raise AgentArchived(f"{agent.name} is archived; unarchive it to change it.")


def locked_agent(agent: Agent) -> Agent:
    """Lock the agent row for the writers of one agent. `FOR NO KEY UPDATE` (on
    PostgreSQL): rows that reference the agent (revisions, conversations, events)
    can still be inserted meanwhile, so a draft save holding the draft row never
    waits on an agent lock held by someone waiting for that draft row."""
    return Agent.objects.select_for_update(no_key=True).get(pk=agent.pk)


def locked_draft(agent: Agent) -> Draft:
    """Lock the draft row only. Lock order is always agent, then draft, so writers
    that need both (save_version) and writers that need the draft alone never
    wait on each other in a cycle."""
    return (
        Draft.objects.select_for_update(of=("self",)).select_related("agent").get(agent_id=agent.pk)
    )


def locked_branch(agent: Agent, name: str) -> Branch:
    """Lock branch `name`'s row (after the agent's draft row: the lock order is agent,
    draft, branch). UnknownReference when there is no such branch; InvalidState when
    it was merged (read-only from then on)."""
    found = branch_selectors.branch(agent, name, lock=True)
    if found.merged_at is not None:
        raise InvalidState(f"draft:{name} was merged; it is read-only.")
    return found


def debounced(key: str, seconds: float) -> bool:
    """True at most once per `seconds` for `key` across processes (the shared cache):
    work triggered by every request that only needs doing now and then."""
    return seconds <= 0 or cache.add(f"debounce:{key}", 1, seconds)
