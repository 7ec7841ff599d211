"""The audit log's one way in: each audited service call that returns writes one entry
in its own transaction, attributed to where it came from; nested calls add nothing."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from agents.domain.exceptions import InvalidInput
from agents.models import AuditEntry, Workspace
from agents.services import audit, tokens, versions
from tests.helpers import edit

pytestmark = pytest.mark.django_db


def test_a_service_call_writes_one_entry_naming_who_what_and_where(agent, user):
    edit(agent, {"prompt": {"welcome_message": "Hi"}}, user=user)
    with audit.from_origin(audit.Origin(via="console", request_id="req-1", ip="10.0.0.5")):
        version = versions.save_version(agent=agent, name="Warmer", user=user)
    row = AuditEntry.objects.latest("id")
    assert (row.action, row.object, row.workspace_id) == (
        "version.save",
        f"{agent.public_id}/v{version.number}",
        agent.workspace_id,
    )
    assert (row.actor, row.actor_name, row.via, row.request_id, row.ip) == (
        user,
        "operator",
        "console",
        "req-1",
        "10.0.0.5",
    )
    assert row.detail == "name=Warmer"


def test_a_refused_call_writes_nothing_and_a_nested_one_adds_nothing(agent, user):
    before = AuditEntry.objects.order_by("id").values_list("id", flat=True).last()
    with pytest.raises(InvalidInput):
        versions.save_version(agent=agent, name="", user=user)
    assert AuditEntry.objects.order_by("id").values_list("id", flat=True).last() == before
    versions.save_draft_and_version(
        agent=agent,
        config={
            **agent.draft.config,
            "prompt": {**agent.draft.config["prompt"], "welcome_message": "Yo"},
        },
        expected_revision=agent.draft.revision,
        name="Both",
        user=user,
    )
    assert list(AuditEntry.objects.filter(id__gt=before).values_list("action", flat=True)) == [
        "version.save"
    ]  # the draft's save inside it is part of the one action


def test_an_entry_rolls_back_with_the_change(agent, user):
    before = AuditEntry.objects.count()

    def edit_then_fail():
        with transaction.atomic():
            edit(agent, {"prompt": {"welcome_message": "Gone"}}, user=user)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        edit_then_fail()
    assert AuditEntry.objects.count() == before


def test_secrets_never_reach_the_detail(user):
    with audit.from_origin(audit.Origin(via="api")):
        token, secret = tokens.create_api_token(user=user, name="ci")
    row = AuditEntry.objects.latest("id")
    assert row.object == f"token {token.prefix}…"
    assert secret not in f"{row.object} {row.detail}"
    assert row.via == "api"


def test_outside_a_request_it_is_a_job_and_when_decides(user):
    calls = []

    @audit.audited("probe", when=lambda result: result is not None)
    def probe(value):
        calls.append(Workspace.objects.create(name=f"Probe {len(calls)}"))
        return value

    probe(None)
    assert not AuditEntry.objects.filter(action="probe").exists()
    probe(user)
    row = AuditEntry.objects.get(action="probe")
    assert (row.via, row.actor, row.object) == ("job", None, f"user {user.pk}")
    assert audit.subject(None) == ("", None)
    assert audit.subject((user, "secret"))[0] == f"user {user.pk}"


def test_the_sweep_keeps_what_retention_keeps(settings):
    settings.AUDIT_RETENTION_DAYS = 30
    old = AuditEntry.objects.create(via="job", action="x", at=timezone.now() - timedelta(days=31))
    AuditEntry.objects.create(via="job", action="x", at=timezone.now() - timedelta(days=29))
    assert audit.sweep_audit() == ["1 audit entries past retention removed"]
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert audit.sweep_audit() == []
    AuditEntry.objects.create(via="job", action="x", at=timezone.now() - timedelta(hours=2))
    settings.AUDIT_RETENTION_DAYS = 0  # never under a day: the 2-hour-old entry stays
    assert audit.sweep_audit() == ["1 audit entries past retention removed"]
    assert AuditEntry.objects.count() == 1


def test_a_call_that_changes_nothing_adds_no_entry(agent, user):
    from agents.services import drafts

    before = AuditEntry.objects.count()
    drafts.update_draft(agent=agent, config=agent.draft.config, user=user)  # as it is
    assert AuditEntry.objects.count() == before
