"""Branches, change requests, comments and reviews in the admin: read-only records."""

import pytest
from django.urls import reverse

from agents.services import branches, change_requests

pytestmark = pytest.mark.django_db


def test_support_reads_but_never_changes_them(admin_client, agent, user, make_user):
    branches.create_branch(agent=agent, name="audit", user=user)
    cr = change_requests.open_change_request(agent=agent, branch="audit", title="Audit", user=user)
    note = change_requests.comment(cr=cr, user=user, body="Kept forever")
    change_requests.review(cr=cr, user=make_user("Editor"), verdict="comment", body="Seen")
    for model, needle in (
        ("branch", "audit"),
        ("changerequest", cr.public_id),
        ("comment", note.public_id),
        ("review", cr.public_id),
    ):
        listing = admin_client.get(reverse(f"admin:agents_{model}_changelist"))
        assert needle in listing.content.decode(), model
        assert admin_client.get(reverse(f"admin:agents_{model}_add")).status_code == 403
    page = admin_client.get(reverse("admin:agents_comment_change", args=[note.pk]))
    assert "Kept forever" in page.content.decode()
    deleted = admin_client.post(
        reverse("admin:agents_comment_delete", args=[note.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 403
