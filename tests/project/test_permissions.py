"""What each role may do in the console, and the one check views make: in the
workspace the request acts in, and nowhere else."""

import pytest
from django.core.exceptions import PermissionDenied

from agents.domain.permissions import EDIT_DRAFT, RELEASE, VIEW_AGENT
from agents.models import Workspace, scoping
from agents.permissions import Abilities, require

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    return Workspace.objects.create(name="Clinic")


@pytest.mark.parametrize(
    ("role", "edit", "release", "manage_channels"),
    [
        ("Viewer", False, False, False),
        ("Editor", True, False, False),
        ("Releaser", True, True, True),
    ],
)
def test_each_role_has_its_abilities(make_user, home, role, edit, release, manage_channels):
    user = make_user(role, workspace=home)
    with scoping.within([home.pk], home.pk):
        can = Abilities.of(user)
    assert can.view
    assert (can.edit, can.release, can.manage_channels) == (edit, release, manage_channels)


def test_a_role_holds_in_its_workspace_only(make_user, home):
    elsewhere = Workspace.objects.create(name="Shop")
    user = make_user("Releaser", workspace=home)
    assert not Abilities.of(user).view  # acting nowhere: nothing (fails closed)
    with scoping.within([elsewhere.pk], elsewhere.pk):
        assert not Abilities.of(user).view
    assert user.has_perm(RELEASE, home)
    assert not user.has_perm(VIEW_AGENT, elsewhere)


def test_require_refuses_without_the_permission_or_an_alternative(make_user, home):
    editor = make_user("Editor", workspace=home)
    viewer = make_user("Viewer", workspace=home)
    with scoping.within([home.pk], home.pk):
        require(editor, VIEW_AGENT)
        require(editor, RELEASE, EDIT_DRAFT)  # either will do
        with pytest.raises(PermissionDenied):
            require(viewer, RELEASE, EDIT_DRAFT)
