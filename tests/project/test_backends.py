"""Permissions by workspace role: asked of the object's workspace, or the scope's acting
one; nothing anywhere else (a check that forgets its workspace fails closed)."""

import pytest

from agents.domain.permissions import EDIT_DRAFT, MANAGE_MEMBERS, RELEASE, VIEW, VIEW_AGENT
from agents.models import Workspace, scoping

pytestmark = pytest.mark.django_db


@pytest.fixture
def both(make_user):
    clinic = Workspace.objects.create(name="Clinic")
    shop = Workspace.objects.create(name="Shop")
    kim = make_user("Admin", workspace=clinic)
    kim.memberships.create(workspace=shop, role="viewer")
    return clinic, shop, kim


def test_the_role_of_the_objects_workspace_answers(both, make_agent, user):
    clinic, shop, kim = both
    assert kim.has_perm(MANAGE_MEMBERS, clinic)
    assert kim.has_perm(VIEW_AGENT, shop)
    assert not kim.has_perm(EDIT_DRAFT, shop)
    theirs = make_agent("Elsewhere")  # in the installation's first workspace
    assert not kim.has_perm(VIEW_AGENT, theirs)


def test_without_an_object_the_acting_workspace_answers_and_outside_nothing(both):
    clinic, shop, kim = both
    assert not kim.has_perm(VIEW_AGENT)  # no workspace acting: fails closed
    with scoping.within([clinic.pk], clinic.pk):
        assert kim.has_perm(RELEASE)
    with scoping.within([shop.pk], shop.pk):
        assert kim.has_perm(VIEW_AGENT)
        assert not kim.has_perm(RELEASE)
        assert kim.get_all_permissions() == set(VIEW)


def test_superusers_hold_everything_and_inactive_users_nothing(both, make_user):
    clinic, _, kim = both
    assert make_user(superuser=True).has_perm(RELEASE)
    kim.is_active = False
    assert not kim.has_perm(VIEW_AGENT, clinic)


def test_groups_grant_nothing_but_direct_permissions_hold_where_one_has_a_role(both, make_user):
    from django.contrib.auth.models import Permission

    clinic, _, _ = both
    support = make_user("Viewer", workspace=clinic)
    support.user_permissions.add(Permission.objects.get(codename="view_alert"))
    support = type(support).objects.get(pk=support.pk)
    assert support.has_perm("agents.view_alert", clinic)
    outsider = make_user()
    outsider.user_permissions.add(Permission.objects.get(codename="view_alert"))
    outsider = type(outsider).objects.get(pk=outsider.pk)
    assert not outsider.has_perm("agents.view_alert", clinic)
