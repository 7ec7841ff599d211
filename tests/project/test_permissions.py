"""What each role may do in the console, and the one check views make."""

import pytest
from django.core.exceptions import PermissionDenied

from agents.domain.permissions import EDIT_DRAFT, RELEASE, VIEW_AGENT
from agents.permissions import Abilities, require

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "edit", "release", "manage_channels"),
    [
        ("Viewer", False, False, False),
        ("Editor", True, False, False),
        ("Releaser", False, True, True),
    ],
)
def test_each_role_has_its_abilities(make_user, role, edit, release, manage_channels):
    can = Abilities.of(make_user(role))
    assert can.view
    assert (can.edit, can.release, can.manage_channels) == (edit, release, manage_channels)


def test_require_refuses_without_the_permission_or_an_alternative(make_user):
    editor = make_user("Editor")
    require(editor, VIEW_AGENT)
    require(editor, RELEASE, EDIT_DRAFT)  # either will do
    with pytest.raises(PermissionDenied):
        require(make_user("Viewer"), RELEASE, EDIT_DRAFT)
