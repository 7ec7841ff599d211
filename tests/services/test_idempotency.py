"""Idempotency keys: one claim per user and key, the finished response replayed, and a
key reused for another request refused."""

import pytest

from agents.domain.exceptions import InvalidInput
from agents.services import idempotency

pytestmark = pytest.mark.django_db


def test_a_finished_claim_is_replayed_and_another_request_with_it_is_refused(user, make_user):
    claim = idempotency.claim_idempotency_key(user.pk, "key-1", "hash-a")
    assert claim.status is None  # this request does the work
    idempotency.record_idempotent_response(claim, 201, {"number": 1})
    replay = idempotency.claim_idempotency_key(user.pk, "key-1", "hash-a")
    assert (replay.pk, replay.status, replay.body) == (claim.pk, 201, {"number": 1})
    with pytest.raises(InvalidInput) as refused:
        idempotency.claim_idempotency_key(user.pk, "key-1", "hash-b")
    assert refused.value.errors[0]["path"] == "Idempotency-Key"
    other = idempotency.claim_idempotency_key(make_user("Editor").pk, "key-1", "hash-b")
    assert other.status is None  # keys are per user


def test_an_unfinished_claim_left_behind_is_taken_over(user):
    abandoned = idempotency.claim_idempotency_key(user.pk, "key-2", "hash-a")
    again = idempotency.claim_idempotency_key(user.pk, "key-2", "hash-a")
    assert again.status is None
    assert again.pk != abandoned.pk
