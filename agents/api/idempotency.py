"""Idempotency-Key on POSTs: the first response is replayed on retries."""

from __future__ import annotations

import hashlib
import inspect
import json

from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from ninja import Status
from ninja.responses import NinjaJSONEncoder

from agents.domain.exceptions import InvalidInput
from agents.models import IdempotencyRecord
from agents.selectors import tokens as auth
from console.middleware import error_response


def idempotent(handler):
    """Replay the first response to a POST with the same Idempotency-Key.

    The key is claimed before the work starts (unique per user), so concurrent
    retries cannot both act; the same key with a different body is a 422.
    Only successful responses are kept: a failed request changed nothing and
    may be retried with the same key.
    """

    def wrapper(request: HttpRequest, *args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        if not key:
            return handler(request, *args, **kwargs)
        if len(key) > 200:
            raise InvalidInput([{"path": "Idempotency-Key", "message": "at most 200 characters"}])
        principal: auth.Principal = request.auth
        fingerprint = hashlib.sha256(
            f"{request.method} {request.path}\n".encode() + request.body
        ).hexdigest()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user_id=principal.user_id, key=key, request_hash=fingerprint
                )
        except IntegrityError:
            record = IdempotencyRecord.objects.get(user_id=principal.user_id, key=key)
            if record.request_hash != fingerprint:
                raise InvalidInput(
                    [
                        {
                            "path": "Idempotency-Key",
                            "message": "this key was used for a different request",
                        }
                    ]
                ) from None
            if record.status is None:
                return error_response(
                    409, "request_in_progress", "A request with this key is still running."
                )
            response = JsonResponse(record.body, status=record.status, safe=False)
            response["Idempotent-Replayed"] = "true"
            return response
        try:
            result: Status = handler(request, *args, **kwargs)
        except BaseException:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            raise
        # What the API's JSON renderer writes for this result.
        encoded = json.loads(json.dumps(result.value, cls=NinjaJSONEncoder))
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            status=result.status_code, body=encoded
        )
        return result

    wrapper.__name__ = handler.__name__
    wrapper.__doc__ = handler.__doc__
    wrapper.__signature__ = inspect.signature(handler, eval_str=True)
    return wrapper
