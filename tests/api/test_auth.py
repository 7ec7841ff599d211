"""Bearer tokens: the API's only way in."""

import pytest

from agents.services import tokens
from tests.helpers import error

pytestmark = pytest.mark.django_db


def test_a_valid_token_acts_as_its_user_and_anything_else_is_401(api, agent):
    assert api.get("/agents").status_code == 200
    error(api.get("/agents", token=None), 401, "unauthenticated")
    error(api.get("/agents", token="ac_not_a_token"), 401, "unauthenticated")


def test_a_revoked_token_is_refused(api, user):
    _, secret = tokens.create_api_token(user=user, name="short-lived")
    revoked = user.api_tokens.get(name="short-lived")
    tokens.revoke_api_token(token=revoked, user=user)
    error(api.get("/agents", token=secret), 401, "unauthenticated")
    assert api.get("/agents").status_code == 200  # the other token still works
