"""What every model of the app shares: public ids, append-only rows, frozen bindings."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q

from agents.domain.exceptions import VersionImmutable
from agents.models.scoping import ScopedManager

_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"


def new_public_id(prefix: str) -> str:
    """`prefix_` + 10 random lowercase base32 characters (50 bits)."""
    return f"{prefix}_" + "".join(secrets.choice(_BASE32) for _ in range(10))


# What each kind of row's public id starts with, as field defaults. Migrations name each
# maker where its model is (`agents.models.evals.new_suite_id`): those modules import it.


def new_agent_id() -> str:
    return new_public_id("ag")


def new_workspace_id() -> str:
    return new_public_id("ws")


def new_alert_id() -> str:
    return new_public_id("al")


def new_channel_id() -> str:
    return new_public_id("ch")


def new_conversation_id() -> str:
    return new_public_id("cv")


def new_suite_id() -> str:
    return new_public_id("es")


def new_case_id() -> str:
    return new_public_id("ec")


def new_run_id() -> str:
    return new_public_id("er")


def new_judge_id() -> str:
    return new_public_id("jd")


def new_change_request_id() -> str:
    return new_public_id("cr")


def new_comment_id() -> str:
    return new_public_id("cm")


def new_request_id() -> str:
    return new_public_id("rr")


def new_schedule_id() -> str:
    return new_public_id("sr")


def new_rollout_id() -> str:
    return new_public_id("ro")


def new_webhook_id() -> str:
    return new_public_id("wh")


def new_delivery_id() -> str:
    return new_public_id("dl")


def new_event_id() -> str:
    return new_public_id("ev")


def public_id_format(prefix: str, name: str) -> models.CheckConstraint:
    """The database's check that a `public_id` is what new_public_id(prefix) makes."""
    return models.CheckConstraint(
        condition=Q(public_id__regex=rf"^{prefix}_[a-z2-7]{{10}}$"), name=name
    )


def one_of(field: str, values: list[str], name: str) -> models.CheckConstraint:
    """The database's check that `field` holds one of `values` (its choices)."""
    return models.CheckConstraint(condition=Q(**{f"{field}__in": values}), name=name)


def numbered_per_agent(model: str) -> list[models.BaseConstraint]:
    """Numbers count 1, 2, 3… per agent, never twice."""
    return [
        models.UniqueConstraint(fields=["agent", "number"], name=f"{model}_number_unique"),
        models.CheckConstraint(condition=Q(number__gte=1), name=f"{model}_number_positive"),
    ]


class ImmutableQuerySet(models.QuerySet):
    """Bulk writes are refused: rows of these tables are only ever inserted."""

    def update(self, **kwargs):
        raise VersionImmutable(f"{self.model._meta.verbose_name_plural} cannot be updated.")

    def delete(self):
        raise VersionImmutable(f"{self.model._meta.verbose_name_plural} cannot be deleted.")

    def _raw_delete(self, using):
        raise VersionImmutable(f"{self.model._meta.verbose_name_plural} cannot be deleted.")


class ImmutableModel(models.Model):
    """Insert once; `save()` on an existing row and `delete()` raise VersionImmutable.

    A database trigger (migration 0002) rejects UPDATE and DELETE as well, so raw
    SQL cannot get around this either.
    """

    objects = ScopedManager.from_queryset(ImmutableQuerySet)()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise VersionImmutable(f"This {self._meta.verbose_name} cannot be changed.")
        kwargs["force_insert"] = True
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise VersionImmutable(f"This {self._meta.verbose_name} cannot be deleted.")


class BoundConfiguration(models.Model):
    """Bound at creation to exactly one frozen configuration: a published version, or
    the draft frozen as a snapshot stored once per content hash (Conversation, EvalRun)."""

    version = models.ForeignKey(
        "PublishedVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    snapshot = models.ForeignKey(
        "ConfigSnapshot", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    content_hash = models.CharField(max_length=64)

    class Meta:
        abstract = True

    @staticmethod
    def bound_once(name: str) -> models.CheckConstraint:
        """The database's check that exactly one of version and snapshot is set."""
        return models.CheckConstraint(
            condition=Q(version__isnull=False, snapshot__isnull=True)
            | Q(version__isnull=True, snapshot__isnull=False),
            name=name,
        )

    @property
    def config(self) -> dict:
        return self.version.config if self.version_id else self.snapshot.config
