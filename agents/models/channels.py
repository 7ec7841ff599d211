"""Channels: phone numbers, web widgets and API channels routed to versions."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from agents.models.agents import Agent
from agents.models.base import new_channel_id, one_of, public_id_format
from agents.models.scoping import ScopedManager


def released_target() -> str:
    return "released"


class Channel(models.Model):
    """A phone number, web widget or API channel, routed to a target or split between variants.

    `target` is "released", "draft" or {"version": N}; `variants` is null or
    [{"target", "weight"}] with weights summing to 100 (agents/channels.py).
    History is kept so "what served this channel at time T" can be answered.
    """

    WORKSPACE = "agent__workspace"

    class Kind(models.TextChoices):
        PHONE = "phone", "Phone number"
        WEB = "web", "Web widget"
        API = "api", "API"

    public_id = models.CharField(max_length=16, unique=True, default=new_channel_id, editable=False)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    address = models.CharField(max_length=300, blank=True)
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="channels")
    target = models.JSONField(default=released_target)
    variants = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        permissions = [("manage_channels", "Can create and route channels")]
        constraints = [
            public_id_format("ch", "channel_public_id_format"),
            models.CheckConstraint(condition=~Q(name=""), name="channel_name_not_empty"),
            one_of("kind", ["phone", "web", "api"], "channel_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.public_id})"
