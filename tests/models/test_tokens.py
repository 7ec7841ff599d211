"""API tokens and idempotency records: what they show of themselves and what the
database holds them to (one record per user and key)."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from agents.models import ApiToken, IdempotencyRecord
from agents.services import tokens

pytestmark = pytest.mark.django_db


def test_a_token_shows_its_prefix_and_name_never_its_secret(user):
    token, secret = tokens.create_api_token(user=user, name="runtime")
    assert str(token) == f"{token.prefix}… (runtime)"
    assert secret not in str(token)
    assert secret not in token.token_hash
    assert token.active
    token.revoked_at = timezone.now()
    assert not token.active


def test_an_unnamed_token_says_so(user):
    token, _ = tokens.create_api_token(user=user)
    assert str(token).endswith("(unnamed)")


def test_two_tokens_never_share_a_hash(user):
    first, _ = tokens.create_api_token(user=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiToken.objects.create(user=user, prefix="x", token_hash=first.token_hash)


def test_one_idempotency_record_per_user_and_key(user, make_user):
    IdempotencyRecord.objects.create(user=user, key="k-1", request_hash="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        IdempotencyRecord.objects.create(user=user, key="k-1", request_hash="b")
    other = IdempotencyRecord.objects.create(user=make_user("Editor"), key="k-1", request_hash="c")
    assert str(other) == "k-1 (in progress)"
    other.status = 201
    assert str(other) == "k-1 (201)"
