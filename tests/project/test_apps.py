"""The app's start-up: after a migrate (or a flush), the immutability triggers and the
role groups are there again."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from agents.domain.permissions import ROLES

pytestmark = pytest.mark.django_db


def test_migrate_gives_back_the_role_groups_with_their_permissions():
    Group.objects.filter(name__in=ROLES).delete()
    call_command("migrate", verbosity=0)
    for role, perms in ROLES.items():
        held = {
            f"{app}.{code}"
            for app, code in Group.objects.get(name=role).permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert held == set(perms)
