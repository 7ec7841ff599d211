"""The workspace switcher and the members page."""

import pytest
from django.urls import reverse

from agents.models import Membership, Workspace
from tests.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(make_user, make_agent, user):
    ours = make_agent("Ours")
    shop = Workspace.objects.create(name="Shop")
    theirs = make_agent("Theirs", workspace=shop, by=make_user(superuser=True))
    ann = make_user("Editor", username="ann")
    Membership.objects.create(workspace=shop, user=ann, role="admin")
    return ours, theirs, shop, ann


def test_the_switcher_changes_what_the_console_shows(client, two):
    ours, theirs, shop, ann = two
    login(client, ann)
    page = client.get(reverse("agents:list")).content.decode()
    assert "Ours" in page
    assert "Theirs" not in page
    assert 'data-testid="workspace-switch"' in page
    assert client.get(reverse("agents:detail", args=[theirs.public_id])).status_code == 404
    response = client.post(reverse("agents:choose-workspace"), {"workspace": shop.public_id})
    assert response.status_code == 302
    page = client.get(reverse("agents:list")).content.decode()
    assert "Theirs" in page
    assert "Ours" not in page
    assert client.get(reverse("agents:detail", args=[ours.public_id])).status_code == 404
    other = Workspace.objects.create(name="Collections")
    assert (
        client.post(reverse("agents:choose-workspace"), {"workspace": other.public_id}).status_code
        == 404
    )


def test_an_admin_manages_members_and_nobody_else(client, two, make_user):
    _, _, shop, ann = two
    make_user(username="lee")
    url = reverse("agents:workspace-members", args=[shop.public_id])
    login(client, ann)
    assert client.get(url).status_code == 200
    assert client.post(url, {"username": "lee", "role": "viewer"}).status_code == 302
    assert Membership.objects.get(user__username="lee").role == "viewer"
    page = client.post(url, {"username": "nobody", "role": "viewer"})
    assert page.status_code == 422
    assert "no active user" in page.content.decode()
    remove = reverse("agents:remove-member", args=[shop.public_id, "lee"])
    assert "Remove lee from Shop?" in client.get(remove).content.decode()
    assert client.post(remove).status_code == 302
    assert not Membership.objects.filter(user__username="lee").exists()
    lee = make_user("Viewer", username="lee2", workspace=shop)
    login(client, lee)
    assert client.get(url).status_code == 403
    assert (
        client.get(reverse("agents:workspace-members", args=["ws_aaaaaaaaaa"])).status_code == 404
    )
