"""Where library prompts are linked: an index of the links in agents' documents."""

from __future__ import annotations

from django.db import models

from agents.models.agents import Agent
from agents.models.scoping import ScopedManager
from agents.models.versions import PublishedVersion


class PromptUse(models.Model):
    """One link of a prompt in an agent's draft (version null: rewritten with every draft
    save) or in one of its versions (written with the version, like it never changed).
    The links themselves live in the documents; this is what finds them by prompt (the
    usage list, the impact of a release) without reading every document. It also keeps
    a linked prompt from ever being deleted (PROTECT)."""

    WORKSPACE = "agent__workspace"

    prompt = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="uses")
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="prompt_uses")
    version = models.ForeignKey(
        PublishedVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=64)
    sort_order = models.PositiveIntegerField(default=0)
    pinned = models.PositiveIntegerField(null=True, blank=True)  # null: follows released

    objects = ScopedManager()

    class Meta:
        indexes = [
            models.Index(fields=["prompt", "agent"], name="prompt_use_prompt"),
            models.Index(fields=["agent", "version"], name="prompt_use_agent"),
        ]

    def __str__(self) -> str:
        return f"{self.prompt_id} in {self.agent_id} ({self.role})"
