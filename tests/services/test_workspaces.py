"""Workspaces and their members: superusers make workspaces, a workspace's admins set
roles there and nowhere else, and a workspace never loses its last admin."""

import pytest
from django.core.exceptions import PermissionDenied

from agents.domain.exceptions import InvalidInput, InvalidState, UnknownReference
from agents.models import Membership, Workspace
from agents.selectors import tokens
from agents.services import workspaces
from agents.services.tokens import create_api_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(make_user):
    home = Workspace.objects.create(name="Clinic")
    make_user("Admin", username="kim", workspace=home)
    return home


def kim():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="kim")


def test_only_superusers_create_workspaces_with_a_fresh_name(make_user, clinic):
    with pytest.raises(PermissionDenied):
        workspaces.create_workspace(name="Shop", user=kim())
    root = make_user(superuser=True)
    shop = workspaces.create_workspace(name="  Shop ", user=root)
    assert shop.name == "Shop"
    with pytest.raises(InvalidInput, match="taken"):
        workspaces.create_workspace(name="shop", user=root)
    with pytest.raises(InvalidInput):
        workspaces.create_workspace(name="", user=root)


def test_an_admin_adds_and_changes_members_and_their_tokens_follow(
    make_user, clinic, django_capture_on_commit_callbacks
):
    ann = make_user(username="ann")
    workspaces.set_member(workspace=clinic, username="ann", role="viewer", user=kim())
    _, secret = create_api_token(user=ann, workspace=clinic)
    assert not tokens.authenticate(secret).has_perm("agents.edit_draft")
    with django_capture_on_commit_callbacks(execute=True):
        workspaces.set_member(workspace=clinic, username="ann", role="editor", user=kim())
    assert tokens.authenticate(secret).has_perm("agents.edit_draft")
    with django_capture_on_commit_callbacks(execute=True):
        workspaces.remove_member(workspace=clinic, username="ann", user=kim())
    assert tokens.authenticate(secret) is None  # no longer a member: the token is refused
    with pytest.raises(InvalidInput, match="role"):
        workspaces.set_member(workspace=clinic, username="ann", role="owner", user=kim())
    with pytest.raises(InvalidInput, match="no active user"):
        workspaces.set_member(workspace=clinic, username="nobody", role="viewer", user=kim())
    with pytest.raises(UnknownReference):
        workspaces.remove_member(workspace=clinic, username="ann", user=kim())


def test_an_admin_of_one_workspace_cannot_promote_themselves_in_another(make_user, clinic):
    shop = Workspace.objects.create(name="Shop")
    Membership.objects.create(workspace=shop, user=kim(), role="viewer")
    with pytest.raises(PermissionDenied):
        workspaces.set_member(workspace=shop, username="kim", role="admin", user=kim())
    editor = make_user("Editor", workspace=clinic)
    with pytest.raises(PermissionDenied):
        workspaces.set_member(workspace=clinic, username=editor.username, role="admin", user=editor)
    assert Membership.objects.get(workspace=shop, user=kim()).role == "viewer"


def test_the_last_admin_stays(make_user, clinic):
    with pytest.raises(InvalidState, match="no admin"):
        workspaces.set_member(workspace=clinic, username="kim", role="editor", user=kim())
    with pytest.raises(InvalidState, match="no admin"):
        workspaces.remove_member(workspace=clinic, username="kim", user=kim())
    make_user(username="lee")
    workspaces.set_member(workspace=clinic, username="lee", role="admin", user=kim())
    workspaces.remove_member(workspace=clinic, username="kim", user=kim())
    assert not Membership.objects.filter(user__username="kim").exists()
