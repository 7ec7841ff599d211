"""Idempotency keys: a claim written in the caller's transaction, then its response.

The API's `idempotent` decorator opens one transaction around the claim and the
work, so a claim is never visible without its finished response.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from agents.domain.exceptions import InvalidInput
from agents.models import IdempotencyRecord


def claim_idempotency_key(user_id: int, key: str, fingerprint: str) -> IdempotencyRecord:
    """This request's new claim on `key`, or the finished record to replay."""
    for _ in range(2):
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(
                    user_id=user_id, key=key, request_hash=fingerprint
                )
        except IntegrityError:
            record = IdempotencyRecord.objects.filter(user_id=user_id, key=key).first()
        if record is None:  # the other request rolled back: claim again
            continue
        if record.request_hash != fingerprint:
            raise InvalidInput(
                [
                    {
                        "path": "Idempotency-Key",
                        "message": "this key was used for a different request",
                    }
                ]
            )
        if record.status is not None:
            return record
        # Unfinished claims are never committed; one can only be left by a version of
        # this code that committed claims before the work. It is abandoned: take it over.
        record.delete()
    return IdempotencyRecord.objects.create(user_id=user_id, key=key, request_hash=fingerprint)


def record_idempotent_response(record: IdempotencyRecord, status: int, body: Any) -> None:
    record.status, record.body = status, body
    record.save(update_fields=["status", "body"])
