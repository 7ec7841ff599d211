"""The audit log: one row per write anyone made (console, API, admin, jobs), written
in the transaction of the change it records (agents/services/audit.py).

Append-only: the model and its QuerySet refuse updates and deletes, and database
triggers reject UPDATE always and DELETE of a row younger than a day, whatever
issues it. Only the retention sweep removes rows, once they are older than
AUDIT_RETENTION_DAYS.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from agents.domain.exceptions import VersionImmutable
from agents.models.base import one_of
from agents.models.scoping import ScopedManager

VIA = ("console", "api", "admin", "job")


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise VersionImmutable("Audit entries cannot be changed.")

    def delete(self):
        raise VersionImmutable("Audit entries are removed only by the retention sweep.")

    def sweep(self, before) -> int:
        """Delete the entries made before `before` (the retention sweep's own way)."""
        return models.QuerySet.delete(self.filter(at__lt=before))[0]


class AuditEntry(models.Model):
    """Who did what to which object, when, through what, from where."""

    WORKSPACE = "workspace"

    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)  # kept if the user goes
    via = models.CharField(max_length=8, choices=[(v, v) for v in VIA])
    action = models.CharField(max_length=60)
    object = models.CharField(max_length=120, blank=True)
    workspace = models.ForeignKey(
        "Workspace", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    detail = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    objects = ScopedManager.from_queryset(AuditQuerySet)()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["workspace", "at"], name="audit_workspace_time"),
            models.Index(fields=["at"], name="audit_time"),
            models.Index(fields=["object", "at"], name="audit_object_time"),
        ]
        constraints = [one_of("via", list(VIA), "audit_via_valid")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or 'system'} {self.action} {self.object}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise VersionImmutable("Audit entries cannot be changed.")
        kwargs["force_insert"] = True
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise VersionImmutable("Audit entries are removed only by the retention sweep.")
