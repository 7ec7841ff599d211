"""The audit log, workspaces and members in the admin: read-only; a superuser sees
every workspace's entries there."""

import pytest
from django.urls import reverse

from agents.models import AuditEntry, Workspace

pytestmark = pytest.mark.django_db


def test_read_only_and_across_workspaces_for_a_superuser(client, make_user, agent):
    elsewhere = Workspace.objects.create(name="Shop")
    AuditEntry.objects.create(via="job", action="probe.shop", workspace=elsewhere)
    client.force_login(make_user(superuser=True))
    page = client.get(reverse("admin:agents_auditentry_changelist")).content.decode()
    assert "agent.create" in page
    assert "probe.shop" in page
    row = AuditEntry.objects.get(action="probe.shop")
    change = reverse("admin:agents_auditentry_change", args=[row.pk])
    assert client.post(change, {"detail": "edited"}).status_code == 403
    delete = reverse("admin:agents_auditentry_delete", args=[row.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:agents_auditentry_add")).status_code == 403
    assert client.get(reverse("admin:agents_workspace_changelist")).status_code == 200
    assert client.get(reverse("admin:agents_membership_changelist")).status_code == 200
