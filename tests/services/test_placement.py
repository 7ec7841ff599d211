"""Where something new goes: the workspace named, the one acting, or one's only one."""

import pytest
from django.core.exceptions import PermissionDenied

from agents.domain.exceptions import InvalidInput
from agents.domain.permissions import MANAGE_WEBHOOKS
from agents.models import Workspace, scoping
from agents.services.placement import default_workspace, workspace_for_new

pytestmark = pytest.mark.django_db


def test_ones_only_workspace_the_acting_one_or_the_one_named(make_user):
    clinic = Workspace.objects.create(name="Clinic")
    shop = Workspace.objects.create(name="Shop")
    ann = make_user("Editor", workspace=clinic)
    assert workspace_for_new(ann) == clinic
    ann.memberships.create(workspace=shop, role="editor")
    ann = type(ann).objects.get(pk=ann.pk)
    with pytest.raises(InvalidInput, match="is required: you work in"):
        workspace_for_new(ann)
    assert workspace_for_new(ann, shop.public_id) == shop
    with scoping.within([clinic.pk], clinic.pk):
        assert workspace_for_new(ann) == clinic


def test_a_workspace_not_ones_own_or_without_the_permission_is_refused(make_user):
    clinic = Workspace.objects.create(name="Clinic")
    theirs = Workspace.objects.create(name="Shop")
    viewer = make_user("Viewer", workspace=clinic)
    with pytest.raises(InvalidInput, match=f"No workspace {theirs.public_id}"):
        workspace_for_new(viewer, theirs.public_id)  # not found: no existence leak
    with pytest.raises(PermissionDenied):
        workspace_for_new(viewer, clinic.public_id)
    with pytest.raises(PermissionDenied):
        workspace_for_new(make_user("Editor", workspace=clinic), clinic, perm=MANAGE_WEBHOOKS)
    with pytest.raises(InvalidInput, match="workspace id"):
        workspace_for_new(viewer, 7)


def test_a_system_write_goes_to_the_first_workspace_made_again_if_need_be():
    Workspace.objects.all().delete()
    assert workspace_for_new(None).name == "Default"
    assert default_workspace() == Workspace.objects.get()
