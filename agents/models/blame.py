"""What each revision introduced, line by line: the index behind search ("which
version introduced `refund`?") and blame (each line of a prompt with the revision
that wrote it). Written with the revision, in its transaction (services/blame.py);
rebuilt from the revisions by `manage.py rebuild_blame`.

A row is one line a revision added to a text field, or the new value of a shorter
field, compared with what the same draft (the main one, or a branch) held before.
"""

from __future__ import annotations

from django.db import models

from agents.models.agents import Agent
from agents.models.scoping import ScopedManager


class IntroducedLine(models.Model):
    WORKSPACE = "agent__workspace"

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="+")
    revision = models.PositiveIntegerField()
    branch = models.CharField(max_length=40, blank=True)
    path = models.CharField(max_length=300)
    text = models.TextField()
    text_hash = models.CharField(max_length=16)  # of `text`, for blame's lookups

    objects = ScopedManager()

    class Meta:
        indexes = [
            models.Index(fields=["agent", "path", "text_hash"], name="introduced_line_blame"),
            models.Index(fields=["agent", "revision"], name="introduced_line_revision"),
        ]

    def __str__(self) -> str:
        return f"r{self.revision} {self.path}: {self.text[:40]}"
