"""API tokens: created with a secret shown once, revoked by their owner, forgotten with
their user's access."""

import pytest

from agents.domain.tokens import hash_secret
from agents.models import ApiToken
from agents.selectors import tokens as tokens_selectors
from agents.services import tokens

pytestmark = pytest.mark.django_db


def test_a_token_stores_only_the_hash_of_its_secret(user):
    token, secret = tokens.create_api_token(user=user, name="runtime")
    assert ApiToken.objects.get().token_hash == hash_secret(secret)
    assert secret not in str(ApiToken.objects.values().get())
    assert token.name == "runtime"


def test_a_revoked_token_stops_working_once_and_for_all(user, django_capture_on_commit_callbacks):
    """Whose token it is, the edges check (`selectors.tokens.token_of`)."""
    token, secret = tokens.create_api_token(user=user, name="runtime")
    assert tokens_selectors.authenticate(secret) is not None
    with django_capture_on_commit_callbacks(execute=True):  # the cache forgets on commit
        revoked = tokens.revoke_api_token(token=token, user=user)
    assert tokens_selectors.authenticate(secret) is None
    assert tokens.revoke_api_token(token=token, user=user).revoked_at == revoked.revoked_at
