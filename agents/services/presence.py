"""Presence: a viewer's heartbeat on an agent's draft or a branch (models: Presence)."""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from agents.domain import references
from agents.domain.exceptions import InvalidInput
from agents.models import Agent, Presence
from agents.services.base import User, actor, debounced

KEPT = timedelta(minutes=10)  # rows older than this are removed now and then


def heartbeat(*, agent: Agent, user: User, where: str = "draft", editing: bool = False) -> None:
    """`user` is looking at `where` (`draft` or `draft:NAME`) now, editing or not."""
    reference = references.try_parse(where)
    if reference is None or reference.kind not in ("draft", "branch"):
        raise InvalidInput([{"path": "where", "message": "draft or draft:NAME"}])
    who = actor(user)
    if who is None:
        return
    now = timezone.now()
    values = {"editing": bool(editing), "seen_at": now}
    updated = Presence.objects.filter(agent=agent, user=who, where=reference.label).update(**values)
    if not updated:
        try:
            with transaction.atomic():
                Presence.objects.create(agent=agent, user=who, where=reference.label, **values)
        except IntegrityError:  # a heartbeat of another tab came first
            Presence.objects.filter(agent=agent, user=who, where=reference.label).update(**values)
    if debounced("presence-prune", 60):
        Presence.objects.filter(seen_at__lt=now - KEPT).delete()
