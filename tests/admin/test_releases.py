"""Release management in the admin: requests, reviews, schedules and labels, read-only."""

import pytest
from django.urls import reverse

from agents.services import approvals, labels

pytestmark = pytest.mark.django_db


def test_release_management_is_visible_read_only_in_the_admin(
    admin_client, agent, make_version, user
):
    from agents.models import ReleaseRequest

    v1 = make_version(agent)
    labels.move_label(agent=agent, name="staging", version=v1, user=user)
    request = approvals.request_release(agent=agent, version=v1, user=user)
    for name in ("label", "releaserequest", "scheduledrelease"):
        page = admin_client.get(reverse(f"admin:agents_{name}_changelist"))
        assert page.status_code == 200
    change = reverse("admin:agents_releaserequest_change", args=[request.pk])
    assert admin_client.post(change, {"status": "approved"}).status_code == 403
    assert ReleaseRequest.objects.get().status == "open"
