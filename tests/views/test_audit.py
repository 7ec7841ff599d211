"""The audit log page: console writes recorded with who, from where and the request
id; filters; export; workspace admins only."""

import pytest
from django.urls import reverse

from agents.models import AuditEntry
from tests.helpers import login

pytestmark = pytest.mark.django_db


def test_a_console_write_is_on_the_page_with_its_request(client, make_user, agent):
    kim = make_user("Admin", username="kim")
    login(client, kim)
    response = client.post(
        reverse("agents:details", args=[agent.public_id]),
        {"name": "Renamed", "description": ""},
        HTTP_X_REQUEST_ID="req-42",
    )
    assert response.status_code in (200, 302)
    row = AuditEntry.objects.get(action="agent.update")
    assert (row.actor, row.via, row.request_id, row.ip) == (kim, "console", "req-42", "127.0.0.1")
    page = client.get(reverse("agents:audit"), {"action": "agent.update"}).content.decode()
    assert "agent.update" in page
    assert "req-42" in page
    assert "agent.create" not in page
    export = client.get(reverse("agents:audit-export"), {"format": "csv", "actor": "kim"})
    lines = b"".join(export.streaming_content).decode().splitlines()
    assert len(lines) == 2
    assert "agent.update" in lines[1]


def test_only_a_workspace_admin_reads_it(client, user):
    login(client, user)  # a releaser
    assert client.get(reverse("agents:audit")).status_code == 403
    assert client.get(reverse("agents:audit-export")).status_code == 403
