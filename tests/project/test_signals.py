"""Cached API principals follow users and their workspace roles, however they change."""

import pytest

from agents.models import Membership
from agents.selectors import tokens
from agents.services import tokens as tokens_services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("change", ["deactivate", "leave_workspace", "demoted"])
def test_a_change_to_the_user_or_their_role_reaches_the_cached_token(
    make_user, django_capture_on_commit_callbacks, change
):
    user = make_user("Releaser")
    _, secret = tokens_services.create_api_token(user=user, name="runtime")
    assert tokens.authenticate(secret).has_perm("agents.release_version")
    membership = Membership.objects.get(user=user)
    with django_capture_on_commit_callbacks(execute=True):
        if change == "deactivate":
            user.is_active = False
            user.save()
        elif change == "leave_workspace":
            membership.delete()
        else:
            membership.role = "viewer"
            membership.save()
    found = tokens.authenticate(secret)
    assert found is None or not found.has_perm("agents.release_version")
