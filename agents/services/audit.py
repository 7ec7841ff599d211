"""The audit log's one way in: every service that writes is `@audited`, which records
one entry — who, through what, which object, what action, a short detail, the
request id and the client's address — in the transaction of the change itself.

Who and from where come from the origin the console, API and admin middleware set
for a request (agents/services/audit.Origin); a service called outside a request
(the job worker, a command) records `via: job`. The acting user is the service's
own `user` argument when it has one. A service called by another audited service
adds nothing: the outer call is the operator's action, and its entry says it.

Details never hold secrets: they are built from a few named arguments (names,
labels, notes, roles…), never from documents, bodies or tokens.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from agents.models import AuditEntry
from agents.models.scoping import workspace_id_of

F = TypeVar("F", bound=Callable[..., Any])
WRITES = re.compile(r"^\s*(?:INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
DETAIL_MAX = 300
# The arguments a detail may show (a value of another kind is never shown).
SHOWN = (
    "name",
    "title",
    "label",
    "role",
    "username",
    "verdict",
    "note",
    "reason",
    "url",
    "events",
    "target",
    "at",
    "version",
    "candidate",
    "steps",
    "branch",
    "kind",
    "active",
    "protected",
    "approvals_required",
    "reviews_required",
    "require_passing_eval",
    "expires_at",
    "break_glass",
    "gate_override_note",
)


@dataclass(frozen=True)
class Origin:
    """Where the writes of the current request or job come from."""

    via: str = "job"
    user: Any = None
    request_id: str = ""
    ip: str | None = None


JOB = Origin()  # frozen: safe to share as the default
_origin: ContextVar[Origin] = ContextVar("audit_origin", default=JOB)
_depth: ContextVar[int] = ContextVar("audit_depth", default=0)


@contextmanager
def from_origin(found: Origin) -> Iterator[Origin]:
    """Attribute the writes made inside to `found` (the middleware's, per request)."""
    token = _origin.set(found)
    try:
        yield found
    finally:
        _origin.reset(token)


def active() -> bool:
    """Whether an audited service is running (what the suite's write check asks)."""
    return _depth.get() > 0


def subject(value: Any) -> tuple[str, int | None]:
    """How an entry names `value`, and the workspace it belongs to."""
    if value is None or isinstance(value, str | int | float | bool):
        return "", None
    if isinstance(value, tuple | list) and value:
        return subject(value[0])  # (token, secret): the token, never the secret
    if not isinstance(value, models.Model):
        inner = getattr(value, "agent", None)  # a result that carries its agent
        return subject(inner) if isinstance(inner, models.Model) else ("", None)
    return _name(value), workspace_id_of(value) or getattr(value, "workspace_id", None)


def _name(value: models.Model) -> str:
    kind = type(value).__name__
    agent = getattr(value, "agent", None) if hasattr(value, "agent_id") else None
    if kind == "PublishedVersion":
        return f"{agent.public_id}/v{value.number}"
    if kind == "DraftRevision":
        return f"{agent.public_id}/r{value.number}"
    if kind == "Draft":
        return f"{agent.public_id}/draft"
    if kind == "Branch":
        return f"{agent.public_id}/draft:{value.name}"
    if kind in ("Label", "ReleaseEvent"):
        return f"{agent.public_id}@{value.label if kind == 'ReleaseEvent' else value.name}"
    if kind == "Membership":
        return f"{value.workspace.public_id}/{value.user.get_username()}"
    if kind == "ApiToken":
        return f"token {value.prefix}…"
    if kind == "Review":
        return value.change_request.public_id
    return str(getattr(value, "public_id", "") or f"{value._meta.model_name} {value.pk}")


def _shown(value: Any) -> str:
    if isinstance(value, models.Model):
        return subject(value)[0]
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, list | tuple):
        return ",".join(_shown(v) for v in value)
    if isinstance(value, dict):
        return ",".join(f"{k}:{_shown(v)}" for k, v in value.items() if not isinstance(v, dict))
    return str(value)


def detail_of(arguments: dict[str, Any]) -> str:
    parts = [
        f"{name}={_shown(arguments[name])}"
        for name in SHOWN
        if arguments.get(name) not in (None, "", [], {})
    ]
    text = " ".join(parts)
    return text if len(text) <= DETAIL_MAX else text[: DETAIL_MAX - 1] + "…"


def record(action: str, *, obj: Any = None, user: Any = None, detail: str = "") -> AuditEntry:
    """Write one entry now (inside the caller's transaction)."""
    found = _origin.get()
    actor = user if user is not None else found.user
    if not getattr(actor, "is_authenticated", False):
        actor = None
    named, workspace_id = subject(obj)
    return AuditEntry.objects.create(
        actor=actor if isinstance(actor, models.Model) else None,
        actor_name=actor.get_username() if actor is not None else "",
        via=found.via,
        action=action,
        object=named[:120],
        workspace_id=workspace_id,
        detail=detail[:DETAIL_MAX],
        request_id=found.request_id,
        ip=found.ip,
    )


def audited(
    action: str,
    *,
    subject_arg: str | None = None,
    when: Callable[[Any], bool] | None = None,
) -> Callable[[F], F]:
    """Record `action` for each call of the decorated service that returns having
    written something: one entry, in the same transaction as its writes (a call that
    raises writes nothing, entry included; one that found nothing to change adds
    none). The object is what the service returns (a model, the first of a tuple, or
    what carries an agent), else its argument `subject_arg`. With `when`, only the
    calls whose result it accepts are recorded."""

    def decorate(service: F) -> F:
        signature = inspect.signature(service)
        spread = [
            name
            for name, parameter in signature.parameters.items()
            if parameter.kind is inspect.Parameter.VAR_KEYWORD
        ]

        @functools.wraps(service)
        def run(*args: Any, **kwargs: Any) -> Any:
            if _depth.get():  # inside another audited service: that one records
                return service(*args, **kwargs)
            arguments = dict(signature.bind_partial(*args, **kwargs).arguments)
            for name in spread:  # **named: its names, as if declared
                arguments.update(arguments.pop(name, {}))
            token = _depth.set(1)
            wrote: list[bool] = []

            def note(execute, sql, params, many, context):
                if not wrote and WRITES.match(sql):
                    wrote.append(True)
                return execute(sql, params, many, context)

            try:
                with transaction.atomic(), transaction.get_connection().execute_wrapper(note):
                    result = service(*args, **kwargs)
                    if not wrote or (when is not None and not when(result)):
                        return result  # nothing written (a save of what is there already)
                    obj = result
                    if subject(result)[0] == "" and subject_arg is not None:
                        obj = arguments.get(subject_arg)
                    record(action, obj=obj, user=arguments.get("user"), detail=detail_of(arguments))
            finally:
                _depth.reset(token)
            return result

        run.audited_action = action  # type: ignore[attr-defined]
        return run  # type: ignore[return-value]

    return decorate


def sweep_audit(*, now: datetime | None = None) -> list[str]:
    """Remove entries older than AUDIT_RETENTION_DAYS (the job sweep's part)."""
    days = max(1, int(settings.AUDIT_RETENTION_DAYS))
    gone = AuditEntry.objects.sweep((now or timezone.now()) - timedelta(days=days))
    return [f"{gone} audit entries past retention removed"] if gone else []
