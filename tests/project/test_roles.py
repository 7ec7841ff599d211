"""The role groups hold exactly the permissions the domain names for them."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from agents.domain.permissions import ROLES
from agents.roles import sync_roles

pytestmark = pytest.mark.django_db


def held(role):
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=role).permissions.select_related("content_type")
    }


def test_each_role_group_holds_exactly_its_permissions_and_a_sync_restores_them():
    for role, perms in ROLES.items():
        assert held(role) == set(perms)
    Group.objects.get(name="Viewer").permissions.clear()
    sync_roles(apps)
    sync_roles(apps)  # idempotent
    assert held("Viewer") == set(ROLES["Viewer"])
