"""The role groups of before workspaces: made by migration 0003 for 0030 to turn into
workspace roles, and granting nothing since."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from agents.domain.permissions import VIEW_AGENT
from agents.models import Workspace, scoping
from agents.roles import GROUP_ROLES, LEGACY_GROUPS, sync_roles

pytestmark = pytest.mark.django_db


def held(role):
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=role).permissions.select_related("content_type")
    }


def test_the_legacy_groups_are_made_with_their_permissions_and_grant_nothing(make_user):
    assert not Group.objects.filter(name__in=GROUP_ROLES).exists()  # 0030 removed them
    sync_roles(apps)
    sync_roles(apps)  # idempotent
    for role, perms in LEGACY_GROUPS.items():
        assert held(role) == set(perms)
    user = make_user()
    user.groups.add(Group.objects.get(name="Viewer"))
    home = Workspace.objects.create(name="Clinic")
    with scoping.within([home.pk], home.pk):
        assert not user.has_perm(VIEW_AGENT)
    assert set(GROUP_ROLES.values()) == {"viewer", "editor", "releaser"}
