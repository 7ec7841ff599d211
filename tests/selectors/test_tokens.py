"""Token lookups: a secret to its principal, cached, and forgotten at once on revoke."""

import pytest

from agents.domain import permissions
from agents.domain.exceptions import UnknownReference
from agents.selectors import tokens
from agents.services import tokens as tokens_services

pytestmark = pytest.mark.django_db


def test_a_secret_finds_its_principal_until_revoked(
    user, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    token, secret = tokens_services.create_api_token(user=user, name="runtime")
    assert tokens.authenticate(secret).user_id == user.pk
    with django_assert_max_num_queries(1):
        assert tokens.authenticate(secret).user_id == user.pk
    with django_capture_on_commit_callbacks(execute=True):  # the cache forgets on commit
        tokens_services.revoke_api_token(token=token, user=user)
    assert tokens.authenticate(secret) is None
    assert tokens.authenticate("ac_not-a-token") is None


def test_a_user_sees_only_their_own_tokens(user, make_user):
    mine, _ = tokens_services.create_api_token(user=user, name="mine")
    other = make_user("Editor")
    tokens_services.create_api_token(user=other, name="theirs")
    assert [t.name for t in tokens.tokens_of(user)] == ["mine"]
    assert tokens.token_of(user, mine.pk) == mine
    with pytest.raises(UnknownReference):
        tokens.token_of(other, mine.pk)


def test_a_superuser_principal_holds_every_permission_without_listing_them(django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x")
    _token, secret = tokens_services.create_api_token(user=admin, name="ops")
    principal = tokens.authenticate(secret)
    assert principal.perms == frozenset()  # the cached entry stays small
    assert principal.has_perm(permissions.RELEASE)


def test_a_token_acts_in_its_workspace_with_at_most_its_users_role_until_it_expires(
    user, make_user
):
    from datetime import timedelta

    from django.utils import timezone

    from agents.models import ApiToken

    token, secret = tokens_services.create_api_token(user=user, role="viewer")
    found = tokens.authenticate(secret)
    assert (found.workspace_id, found.role) == (user.memberships.get().workspace_id, "viewer")
    assert found.has_perm(permissions.VIEW_AGENT)
    assert not found.has_perm(permissions.EDIT_DRAFT)  # the ceiling, below the user's role
    viewer = make_user("Viewer")
    _, raised = tokens_services.create_api_token(user=viewer, role="admin")
    assert tokens.authenticate(raised).role == "viewer"  # never above the user's own
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    tokens.forget(token.token_hash)
    assert tokens.authenticate(secret) is None  # expired: refused
