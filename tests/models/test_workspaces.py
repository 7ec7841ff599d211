"""Workspaces and memberships: one role per member, from the four there are."""

import pytest
from django.db import IntegrityError, transaction

from agents.models import Membership, Workspace

pytestmark = pytest.mark.django_db


def test_a_workspace_gets_a_public_id_and_a_unique_name():
    clinic = Workspace.objects.create(name="Clinic")
    assert clinic.public_id.startswith("ws_")
    assert len(clinic.public_id) == 13
    assert str(clinic) == "Clinic"
    with pytest.raises(IntegrityError), transaction.atomic():
        Workspace.objects.create(name="Clinic")


def test_one_role_per_member_and_only_the_four(make_user):
    clinic = Workspace.objects.create(name="Clinic")
    user = make_user()
    Membership.objects.create(workspace=clinic, user=user, role="editor")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(workspace=clinic, user=user, role="viewer")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            workspace=Workspace.objects.create(name="Shop"), user=user, role="owner"
        )
    assert "editor in Clinic" in str(Membership.objects.get(user=user))
