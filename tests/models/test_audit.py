"""Audit entries are append-only: the model, its QuerySet and the database refuse
changes, and deletes of entries younger than a day; only the sweep removes older ones."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from agents.domain.exceptions import VersionImmutable
from agents.models import AuditEntry

pytestmark = pytest.mark.django_db


def entry(**kw):
    return AuditEntry.objects.create(via="job", action="agent.create", **kw)


def test_the_model_and_its_queryset_refuse_changes():
    row = entry()
    row.detail = "changed"
    with pytest.raises(VersionImmutable):
        row.save()
    with pytest.raises(VersionImmutable):
        row.delete()
    with pytest.raises(VersionImmutable):
        AuditEntry.objects.update(detail="x")
    with pytest.raises(VersionImmutable):
        AuditEntry.objects.all().delete()
    assert str(row).endswith("system agent.create ")


def test_the_database_refuses_updates_and_deleting_young_entries():
    young = entry()
    old = entry(at=timezone.now() - timedelta(days=3))
    table = AuditEntry._meta.db_table
    for statement in (f"UPDATE {table} SET detail = 'x'", f"DELETE FROM {table} WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [young.pk] if "%s" in statement else [])
    assert AuditEntry.objects.sweep(timezone.now() - timedelta(days=2)) == 1
    assert list(AuditEntry.objects.all()) == [young]
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
