"""Reading the audit log: filters, pages newest first in one query, exports whole."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from agents.models import AuditEntry, Workspace, scoping
from agents.selectors import audit

pytestmark = pytest.mark.django_db


@pytest.fixture
def log():
    clinic = Workspace.objects.create(name="Clinic")
    shop = Workspace.objects.create(name="Shop")
    now = timezone.now()
    rows = [
        ("ann", "release", "ag_aaaaaaaaaa", clinic, now - timedelta(days=2)),
        ("ann", "release_request.approve", "rr_aaaaaaaaaa", clinic, now - timedelta(hours=1)),
        ("bob", "member.set", "ws_x/ann", clinic, now),
        ("bob", "release", "ag_bbbbbbbbbb", shop, now),
    ]
    for actor, action, obj, workspace, at in rows:
        AuditEntry.objects.create(
            via="console", actor_name=actor, action=action, object=obj, workspace=workspace, at=at
        )
    return clinic, shop


def test_filters_narrow_and_the_scope_keeps_other_workspaces_out(log):
    clinic, shop = log
    everything = audit.AuditFilters()
    assert audit.entries(everything).count() == 4
    assert audit.entries(audit.AuditFilters(actor="ann")).count() == 2
    assert audit.entries(audit.AuditFilters(action="release")).count() == 2
    assert audit.entries(audit.AuditFilters(action="release_request")).count() == 1
    assert audit.entries(audit.AuditFilters(object="ag_bbbbbbbbbb")).count() == 1
    since = audit.AuditFilters(since=timezone.now() - timedelta(days=1))
    assert audit.entries(since).count() == 3
    assert audit.entries(audit.AuditFilters(workspace=shop.pk)).count() == 1
    with scoping.within([clinic.pk], clinic.pk):
        assert {e.object for e in audit.entries(everything)} == {
            "ag_aaaaaaaaaa",
            "rr_aaaaaaaaaa",
            "ws_x/ann",
        }


def test_pages_newest_first_in_one_query(log, django_assert_num_queries):
    with django_assert_num_queries(1):
        first, before = audit.page(audit.AuditFilters(), before=None, limit=3)
    assert [row["action"] for row in first] == [
        "release",
        "member.set",
        "release_request.approve",
    ]
    assert set(first[0]) == set(audit.COLUMNS)
    rest, after = audit.page(audit.AuditFilters(), before=before, limit=3)
    assert [row["object"] for row in rest] == ["ag_aaaaaaaaaa"]
    assert after is None


def test_the_export_is_every_entry_oldest_first(log):
    lines = b"".join(audit.export(audit.AuditFilters(), "jsonl")).decode().splitlines()
    assert [json.loads(line)["action"] for line in lines] == [
        "release",
        "release_request.approve",
        "member.set",
        "release",
    ]
    csv = b"".join(audit.export(audit.AuditFilters(actor="bob"), "csv")).decode().splitlines()
    assert csv[0] == ",".join(audit.COLUMNS)
    assert len(csv) == 3
