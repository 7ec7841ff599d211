"""Sending webhook deliveries: by the job worker, after the change commits, signed,
in order per agent, retried with backoff, every try logged.

A change writes its deliveries, and a job for each, in its own transaction
(`emit`): the worker sees them once it commits, so a receiver that is down costs a release
one insert, never a wait. A job claims its delivery with a compare-and-set and a
lease, sends it outside any transaction (5 s timeout, redirects not followed,
the address checked and pinned), then records the try. Several workers may run:
a delivery is sent by whoever claims it, and a delivery whose worker died comes
back when its lease ends (`run_due_deliveries`, from the worker's sweep).
"""

from __future__ import annotations

import http.client
import json
import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from agents.domain.moments import iso_z
from agents.domain.network import first_private
from agents.domain.webhooks import SIGNATURE_HEADER, backoff_seconds, signature
from agents.models import Delivery, DeliveryAttempt, Webhook, new_event_id

logger = logging.getLogger(__name__)
Status = Delivery.Status
LEASE = timedelta(seconds=60)  # well above the 5 s timeout: a live worker has finished
OVERDUE = timedelta(seconds=60)  # a due delivery no job picked up in this long is re-enqueued
USER_AGENT = "AgentConsole-Webhooks/1"


def body(event_id: str, event: str, data: dict[str, Any]) -> dict[str, Any]:
    """What a delivery POSTs: `{"id", "event", "created_at", "data"}` (API.md)."""
    return {
        "id": event_id,
        "event": event,
        "created_at": iso_z(timezone.now()),
        "data": data,
    }


def emit(
    event: str, data: Callable[[], dict[str, Any]], *, workspace_id: int, subject: str = ""
) -> list[Delivery]:
    """Announce `event` to every active webhook of workspace `workspace_id` subscribed to
    it: one Delivery each, in the caller's transaction; sent by the worker once that
    transaction commits. `data` is built only when someone listens (one query when
    nobody does)."""
    hooks = [
        w
        for w in Webhook._base_manager.filter(active=True, workspace_id=workspace_id).only(
            "pk", "events"
        )
        if event in w.events
    ]
    if not hooks:
        return []
    payload = body(new_event_id(), event, data())
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(
                webhook=hook, event=event, event_id=payload["id"], subject=subject, payload=payload
            )
            for hook in hooks
        ]
    )
    pks = [d.pk for d in deliveries] if all(d.pk for d in deliveries) else None
    if pks is None:  # a backend that does not return ids from bulk inserts
        pks = list(
            Delivery.objects.filter(event_id=payload["id"], redelivery_of=None).values_list(
                "pk", flat=True
            )
        )
    enqueue(pks)
    return deliveries


def enqueue(pks: list[int]) -> None:
    """A job per delivery. The jobs are rows of the same database, written in the
    caller's transaction: the worker sees them once the change commits, and never
    when it rolls back."""
    for pk in pks:
        deliver_webhook.enqueue(pk)


@task()
def deliver_webhook(delivery_id: int) -> str:
    """The job: one try at one delivery (if it is due and first in its chain)."""
    return deliver(delivery_id)


@dataclass(frozen=True)
class Outcome:
    code: int | None
    duration_ms: int
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.code is not None and 200 <= self.code < 300


def deliver(delivery_id: int, *, now: datetime | None = None) -> str:
    """Claim, send, record. Returns what happened ("delivered", "retry at …", "failed",
    or why nothing was sent)."""
    delivery = _claim(delivery_id, now or timezone.now())
    if isinstance(delivery, str):
        return delivery
    outcome = send(delivery)
    return _record(delivery, outcome)


def _claim(delivery_id: int, now: datetime) -> Delivery | str:
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    found = (
        Delivery.objects.filter(pk=delivery_id, status=Status.PENDING, next_attempt_at__lte=now)
        .filter(free)
        .select_related("webhook")
        .first()
    )
    if found is None:
        return "not due, taken or done"
    if not found.webhook.active:
        Delivery.objects.filter(pk=found.pk, status=Status.PENDING).update(
            status=Status.FAILED, error="The webhook was disabled before this was sent."
        )
        _next_in_chain(found)
        return "webhook disabled"
    earlier = Delivery.objects.filter(
        webhook_id=found.webhook_id, subject=found.subject, status=Status.PENDING, pk__lt=found.pk
    )
    if found.subject and earlier.exists():
        return "waiting for an earlier delivery of its agent"
    claimed = (
        Delivery.objects.filter(pk=found.pk, status=Status.PENDING, attempts=found.attempts)
        .filter(free)
        .update(lease_until=now + LEASE, attempts=F("attempts") + 1)
    )
    if not claimed:
        return "claimed by another worker"
    if found.lease_until is not None and found.attempts:
        # The lease ran out with no try recorded: its worker stopped mid-send. The
        # receiver may have had it (this is at-least-once); the log says so.
        DeliveryAttempt.objects.bulk_create(
            [
                DeliveryAttempt(
                    delivery=found,
                    number=found.attempts,
                    at=found.lease_until - LEASE,
                    error="interrupted: the worker stopped before the answer was recorded "
                    "(the receiver may have had it); sent again",
                )
            ],
            ignore_conflicts=True,
        )
    found.attempts += 1
    return found


def send(delivery: Delivery) -> Outcome:
    """POST the delivery's body, signed; never raises."""
    data = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
    stamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Console-Event": delivery.event,
        "X-Console-Delivery": delivery.public_id,
        SIGNATURE_HEADER: signature(delivery.webhook.secret, stamp, data),
    }
    started = time.monotonic()
    try:
        code = post(delivery.webhook.url, data, headers)
        error = "" if 200 <= code < 300 else f"answered {code}"
        if 300 <= code < 400:
            error = f"answered {code}: redirects are not followed"
        return Outcome(code=code, duration_ms=_ms(started), error=error)
    except Refused as exc:
        return Outcome(code=None, duration_ms=_ms(started), error=str(exc))
    except (OSError, http.client.HTTPException) as exc:
        reason = "timed out" if isinstance(exc, TimeoutError | socket.timeout) else str(exc)
        return Outcome(code=None, duration_ms=_ms(started), error=reason or type(exc).__name__)


class Refused(Exception):
    """The target is not one deliveries may go to."""


def resolve(host: str, port: int) -> list[str]:
    """The addresses a name resolves to, in the resolver's order (none when it does
    not resolve)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return list(dict.fromkeys(info[4][0] for info in infos))


def post(url: str, data: bytes, headers: dict[str, str]) -> int:
    """One POST, to an address checked now and connected to as checked (a name that
    resolves elsewhere between check and connect cannot redirect it); the status
    code, without following redirects."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = resolve(host, port)
    if not addresses:
        raise Refused(f"{host} does not resolve")
    if not settings.WEBHOOK_ALLOW_PRIVATE and (found := first_private(addresses)):
        raise Refused(f"{host} resolves to {found[0]}, {found[1]}: refused")
    address = addresses[0]
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(host, port, timeout=timeout)
    connection._create_connection = lambda _address, *args, **kwargs: socket.create_connection(  # type: ignore[attr-defined]
        (address, port), *args, **kwargs
    )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body=data, headers=headers)
        response = connection.getresponse()
        response.read(65_536)
        return response.status
    finally:
        connection.close()


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _record(delivery: Delivery, outcome: Outcome) -> str:
    now = timezone.now()
    with transaction.atomic():
        if not Delivery.objects.select_for_update().filter(pk=delivery.pk).exists():
            return "the webhook was deleted while this was being sent"
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            at=now,
            response_code=outcome.code,
            duration_ms=outcome.duration_ms,
            error=outcome.error[:2_000],
        )
        update: dict[str, Any] = {
            "lease_until": None,
            "response_code": outcome.code,
            "duration_ms": outcome.duration_ms,
            "error": outcome.error[:2_000],
        }
        if outcome.ok:
            update.update(status=Status.DELIVERED, delivered_at=now)
            result = "delivered"
        elif delivery.attempts >= settings.WEBHOOK_MAX_TRIES:
            update["status"] = Status.FAILED
            result = f"failed after {delivery.attempts} tries"
        else:
            wait = backoff_seconds(delivery.attempts, settings.WEBHOOK_BACKOFF_SECONDS)
            update["next_attempt_at"] = now + timedelta(seconds=wait)
            result = f"retry in {wait:g} s"
        Delivery.objects.filter(pk=delivery.pk).update(**update)
        if "next_attempt_at" in update:
            at = update["next_attempt_at"]
            deliver_webhook.using(run_after=at).enqueue(delivery.pk)
        else:
            _next_in_chain(delivery)
    logger.info("webhook delivery %s: %s", delivery.public_id, result)
    return result


def _next_in_chain(delivery: Delivery) -> None:
    """A delivery is done: the next of its agent's deliveries to that webhook may go."""
    if not delivery.subject:
        return
    following = (
        Delivery.objects.filter(
            webhook_id=delivery.webhook_id,
            subject=delivery.subject,
            status=Status.PENDING,
            pk__gt=delivery.pk,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if following is not None:
        enqueue([following])


def run_due_deliveries(*, now: datetime | None = None) -> list[str]:
    """The sweep: deliveries due for a while that no live job holds (their worker died
    mid-send, or their job was lost) get a new job. Safe from any number of workers:
    sending still needs the claim. Finished deliveries older than WEBHOOK_LOG_DAYS
    leave the log, a thousand at a time."""
    now = now or timezone.now()
    stuck = (
        Delivery.objects.filter(status=Status.PENDING, next_attempt_at__lte=now - OVERDUE)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .order_by("pk")
        .values_list("pk", "public_id")[:500]
    )
    done = []
    for pk, public_id in stuck:
        deliver_webhook.enqueue(pk)
        done.append(f"{public_id} re-enqueued")
    kept_since = now - timedelta(days=settings.WEBHOOK_LOG_DAYS)
    old = list(
        Delivery.objects.filter(
            status__in=(Status.DELIVERED, Status.FAILED), created_at__lt=kept_since
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:1_000]
    )
    if old:
        Delivery.objects.filter(pk__in=old).delete()
        done.append(f"{len(old)} deliveries older than {settings.WEBHOOK_LOG_DAYS} days pruned")
    return done
