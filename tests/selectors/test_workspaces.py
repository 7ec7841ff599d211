"""Workspaces as a user has them: theirs with their role (a superuser: all), the one
chosen, and members."""

import pytest

from agents.domain.exceptions import UnknownReference
from agents.models import Workspace
from agents.selectors import workspaces

pytestmark = pytest.mark.django_db


def test_seats_are_ones_workspaces_by_name_in_one_query(make_user, django_assert_num_queries):
    shop = Workspace.objects.create(name="Shop")
    clinic = Workspace.objects.create(name="Clinic")
    Workspace.objects.create(name="Collections")
    ann = make_user("Editor", workspace=shop)
    ann.memberships.create(workspace=clinic, role="admin")
    with django_assert_num_queries(1):
        seats = workspaces.seats_of(ann)
    assert [(s.name, s.role) for s in seats] == [("Clinic", "admin"), ("Shop", "editor")]
    assert ann._workspace_roles == {clinic.pk: "admin", shop.pk: "editor"}
    assert workspaces.chosen(seats, shop.public_id).workspace == shop
    assert workspaces.chosen(seats, "ws_unknownxx").workspace == clinic  # the first
    assert workspaces.chosen([], None) is None
    root = make_user(superuser=True)
    assert {s.name for s in workspaces.seats_of(root)} >= {"Clinic", "Shop", "Collections"}


def test_a_workspace_not_ones_own_is_not_found(make_user):
    clinic = Workspace.objects.create(name="Clinic")
    shop = Workspace.objects.create(name="Shop")
    ann = make_user("Editor", username="ann", workspace=clinic)
    assert workspaces.workspace(ann, clinic.public_id) == clinic
    with pytest.raises(UnknownReference):
        workspaces.workspace(ann, shop.public_id)
    assert [m.user for m in workspaces.members(clinic)] == [ann]
    assert workspaces.member(clinic, "ann").role == "editor"
    with pytest.raises(UnknownReference, match="not a member"):
        workspaces.member(shop, "ann")


def test_the_requests_scope_names_the_workspaces_it_sees():
    from agents.models import scoping

    clinic = Workspace.objects.create(name="Clinic")
    shop = Workspace.objects.create(name="Shop")
    with scoping.within([clinic.pk], clinic.pk):
        assert list(workspaces.in_scope()) == [clinic]
        assert workspaces.in_scope_named(clinic.public_id) == clinic
        with pytest.raises(UnknownReference):
            workspaces.in_scope_named(shop.public_id)
    assert {clinic, shop} <= set(workspaces.in_scope())  # no scope: every one
