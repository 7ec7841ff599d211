"""Idempotency-Key on POSTs: the first response is replayed on retries."""

from __future__ import annotations

import hashlib
import inspect
import json

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from ninja import Status
from ninja.responses import NinjaJSONEncoder

from agents.domain.exceptions import InvalidInput
from agents.selectors import tokens
from agents.services import idempotency


def idempotent(handler):
    """Replay the first response to a POST with the same Idempotency-Key.

    The key is claimed in the same transaction as the work, so a claim exists
    only with the work it stands for: a request killed mid-way rolls both back
    and a retry simply runs (no key is left "in progress"). A concurrent retry
    waits on the key's unique index until the first request commits, then
    replays its response. The same key with a different body is a 422. Only
    successful responses are kept: a failed request changed nothing and may be
    retried with the same key.
    """

    def wrapper(request: HttpRequest, *args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        if not key:
            return handler(request, *args, **kwargs)
        if len(key) > 200:
            raise InvalidInput([{"path": "Idempotency-Key", "message": "at most 200 characters"}])
        principal: tokens.Principal = request.auth
        fingerprint = hashlib.sha256(
            f"{request.method} {request.path}\n".encode() + request.body
        ).hexdigest()
        with transaction.atomic():
            record = idempotency.claim_idempotency_key(principal.user_id, key, fingerprint)
            if record.status is not None:
                response = JsonResponse(record.body, status=record.status, safe=False)
                response["Idempotent-Replayed"] = "true"
                return response
            result: Status = handler(request, *args, **kwargs)
            if result.status_code >= 400:
                transaction.set_rollback(True)
                return result
            # What the API's JSON renderer writes for this result.
            body = json.loads(json.dumps(result.value, cls=NinjaJSONEncoder))
            idempotency.record_idempotent_response(record, result.status_code, body)
        return result

    wrapper.__name__ = handler.__name__
    wrapper.__wrapped__ = handler
    wrapper.__doc__ = handler.__doc__
    wrapper.__signature__ = inspect.signature(handler, eval_str=True)
    return wrapper
