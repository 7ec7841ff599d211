"""The JSON API (`/api/v1`), the contract in shared/API.md.

Endpoints are thin: parse, check the permission, call the same service as the
console, shape the response. Every error is `{"error": {"code", "message",
"details"}}`; the handlers that map domain errors live at the bottom.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urlencode

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import Field, NinjaAPI, Query, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer
from pydantic import ConfigDict

from agents import auth, runtime, selectors, services
from agents import config as schema
from agents.exceptions import (
    AgentConsoleError,
    AgentNotPublished,
    DraftConflict,
    InvalidInput,
    NoChanges,
)
from agents.middleware import error_response
from agents.models import (
    Agent,
    Conversation,
    Draft,
    IdempotencyRecord,
    PublishedVersion,
    ReleaseEvent,
)
from agents.permissions import (
    CHANGE_AGENT,
    CREATE_AGENT,
    EDIT_DRAFT,
    RELEASE,
    SAVE_VERSION,
    VIEW_AGENT,
)

MAX_PAGE = 200
MAX_OFFSET = 10_000_000  # beyond this, databases overflow rather than page


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> auth.Principal | None:
        # On the resolve path, the token and the released pointer come in one round trip.
        match = request.resolver_match
        ref = match.kwargs.get("ref") if match else None
        principal, request.prefetched = auth.authenticate_with(token, runtime.prefetch_keys(ref))
        return principal


api = NinjaAPI(
    title="Agent Console API",
    version="1",
    description="Drafts, versions, releases and runtime binding of AI agents. "
    "Authenticate with `Authorization: Bearer <token>`.",
    auth=BearerToken(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


# ------------------------------------------------------------------ schemas


class ErrorBody(Schema):
    code: str
    message: str
    details: Any = None


class ErrorOut(Schema):
    error: ErrorBody


ERRORS_READ = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
ERRORS_WRITE = {400: ErrorOut, 413: ErrorOut, 422: ErrorOut, **ERRORS_READ}


class DraftInfo(Schema):
    revision: int
    content_hash: str
    updated_at: datetime


class AgentOut(Schema):
    id: str
    name: str
    description: str
    status: Literal["unpublished", "published", "unpublished_changes"]
    released_version: int | None
    latest_version: int | None
    draft: DraftInfo
    created_at: datetime
    archived: bool
    require_passing_eval: bool = Field(
        description="Releasing needs a passing eval run of every suite (a Releaser may override)."
    )


class AgentList(Schema):
    data: list[AgentOut]
    next: str | None


Name = Field(..., min_length=1, max_length=200)


class AgentCreate(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str = Name
    description: str = ""
    config: dict[str, Any] | None = None


class AgentPatch(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    require_passing_eval: bool | None = Field(
        None, description="The release gate; changing it needs the Releaser role."
    )


class DraftOut(Schema):
    revision: int
    config: dict[str, Any]
    content_hash: str
    updated_at: datetime
    updated_by: str | None
    restored_from: int | None


class DraftIn(Schema):
    model_config = ConfigDict(extra="forbid")
    config: dict[str, Any]


class VersionSummary(Schema):
    number: int
    label: str
    name: str
    description: str
    created_by: str | None
    created_at: datetime
    content_hash: str
    is_released: bool


class VersionOut(VersionSummary):
    config: dict[str, Any]
    parent: int | None
    schema_version: int


class VersionList(Schema):
    data: list[VersionSummary]
    next: str | None


class VersionCreate(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str = Name
    description: str = ""
    expected_draft_revision: int | None = None


class ReleaseIn(Schema):
    model_config = ConfigDict(extra="forbid")
    version: int
    note: str = Field("", max_length=2000)
    gate_override_note: str | None = Field(
        None,
        max_length=2000,
        description="Release even though the eval gate fails, saying why (recorded on the event).",
    )


class ReleaseEventOut(Schema):
    version: int
    previous_version: int | None
    kind: Literal["release", "rollback"]
    released_by: str | None
    released_at: datetime
    note: str
    gate_findings: list[str] = Field(
        description="What the eval gate found missing or failing at release time."
    )
    gate_override_note: str


class ReleaseOut(Schema):
    released_version: int
    previous_version: int | None
    event: ReleaseEventOut | None


class ReleaseList(Schema):
    data: list[ReleaseEventOut]


class RestoreIn(Schema):
    model_config = ConfigDict(extra="forbid")
    version: int
    expected_draft_revision: int | None = None


class ChangeOut(Schema):
    path: str
    op: Literal["added", "removed", "changed", "moved"]
    old: Any = None
    new: Any = None


class DiffSummary(Schema):
    added: int
    removed: int
    changed: int
    moved: int


class DiffOut(Schema):
    from_: str = Field(..., alias="from")
    to: str
    changes: list[ChangeOut]
    summary: DiffSummary


class ResolveOut(Schema):
    agent: str
    version: int | Literal["draft"]
    content_hash: str
    config: dict[str, Any]


class ConversationIn(Schema):
    model_config = ConfigDict(extra="forbid")
    agent: str | None = None
    channel: str | None = None
    key: str | None = Field(None, max_length=200)


class ConversationOut(Schema):
    id: str
    agent: str
    channel: str | None
    version: int | Literal["draft"]
    variant: str | None
    content_hash: str
    config: dict[str, Any]
    started_at: datetime
    ended_at: datetime | None
    outcome: str | None
    duration_s: float | None
    sentiment: float | None
    automated: bool | None
    analysis: dict[str, Any]
    playground: bool = Field(
        False, description="Started by an operator in the console's playground."
    )


class ConversationEnd(Schema):
    model_config = ConfigDict(extra="forbid")
    outcome: Literal["completed", "transferred", "abandoned", "failed"]
    duration_s: float | None = Field(None, ge=0)
    sentiment: float | None = Field(None, ge=-1, le=1)
    automated: bool | None = None
    analysis: dict[str, Any] | None = None


class ConversationList(Schema):
    data: list[ConversationOut]
    next: str | None


# ------------------------------------------------------------------ helpers


def _require(request: HttpRequest, perm: str) -> auth.Principal:
    principal: auth.Principal = request.auth
    if not principal.has_perm(perm):
        raise PermissionDenied(f"Your role lacks the permission {perm}.")
    return principal


def _agent(public_id: str) -> Agent:
    agent = (
        Agent.objects.select_related(
            "draft", "draft__updated_by", "draft__restored_from", "released_version"
        )
        .annotate(latest_number=Max("versions__number"))
        .filter(public_id=public_id)
        .first()
    )
    if agent is None:
        raise Http404(f"No agent {public_id}.")
    return agent


def _version(agent: Agent, number: int) -> PublishedVersion:
    version = (
        PublishedVersion.objects.select_related("created_by", "parent")
        .filter(agent=agent, number=number)
        .first()
    )
    if version is None:
        raise Http404(f"{agent.public_id} has no version v{number}.")
    return version


def _username(user) -> str | None:
    return user.get_username() if user else None


def agent_out(agent: Agent) -> dict[str, Any]:
    draft = agent.draft
    released = agent.released_version
    return {
        "id": agent.public_id,
        "name": agent.name,
        "description": agent.description,
        "status": agent.status,
        "released_version": released.number if released else None,
        "latest_version": getattr(agent, "latest_number", None),
        "draft": {
            "revision": draft.revision,
            "content_hash": draft.content_hash,
            "updated_at": draft.updated_at,
        },
        "created_at": agent.created_at,
        "archived": agent.archived_at is not None,
        "require_passing_eval": agent.require_passing_eval,
    }


def draft_out(draft) -> dict[str, Any]:
    return {
        "revision": draft.revision,
        "config": draft.config,
        "content_hash": draft.content_hash,
        "updated_at": draft.updated_at,
        "updated_by": _username(draft.updated_by),
        "restored_from": draft.restored_from.number if draft.restored_from else None,
    }


def version_summary(version: PublishedVersion, released_id: int | None) -> dict[str, Any]:
    return {
        "number": version.number,
        "label": version.label,
        "name": version.name,
        "description": version.description,
        "created_by": _username(version.created_by),
        "created_at": version.created_at,
        "content_hash": version.content_hash,
        "is_released": version.pk == released_id,
    }


def version_out(version: PublishedVersion, released_id: int | None) -> dict[str, Any]:
    return {
        **version_summary(version, released_id),
        "config": version.config,
        "parent": version.parent.number if version.parent_id else None,
        "schema_version": version.schema_version,
    }


def event_out(event: ReleaseEvent) -> dict[str, Any]:
    return {
        "version": event.version.number,
        "previous_version": event.previous_version.number if event.previous_version else None,
        "kind": event.kind,
        "released_by": _username(event.released_by),
        "released_at": event.released_at,
        "note": event.note,
        "gate_findings": event.gate_findings,
        "gate_override_note": event.gate_override_note,
    }


def conversation_out(conversation: Conversation, agent: str, resolved=None):
    """The conversation's binding; `resolved` (when just started) spares loading it again."""
    return {
        "id": conversation.public_id,
        "agent": agent,
        "channel": conversation.channel_ref or None,
        "version": resolved.version if resolved else conversation.bound_version,
        "variant": conversation.variant or None,
        "content_hash": conversation.content_hash,
        "config": resolved.config if resolved else conversation.config,
        "started_at": conversation.started_at,
        "ended_at": conversation.ended_at,
        "outcome": conversation.outcome or None,
        "duration_s": conversation.duration_s,
        "sentiment": conversation.sentiment,
        "automated": conversation.automated,
        "analysis": conversation.analysis,
        "playground": conversation.playground,
    }


class Paging(Schema):
    """`?limit=&offset=` on every list endpoint."""

    limit: int = Field(50, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


def _page(request: HttpRequest, rows, paging: Paging, shape) -> dict[str, Any]:
    """One page of `rows` as `{"data": [...], "next": url|null}` (one query: limit + 1 rows)."""
    offset, limit = paging.offset, paging.limit
    found = list(rows[offset : offset + limit + 1])
    return {
        "data": [shape(row) for row in found[:limit]],
        "next": _next_url(request, offset, limit, len(found) > limit),
    }


def _next_url(request: HttpRequest, offset: int, limit: int, more: bool) -> str | None:
    if not more:
        return None
    params = request.GET.copy()
    params["offset"] = str(offset + limit)
    params["limit"] = str(limit)
    return request.build_absolute_uri(f"{request.path}?{urlencode(params, doseq=True)}")


def _if_match(request: HttpRequest) -> int | None:
    header = request.headers.get("If-Match")
    if header is None:
        return None
    value = header.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise HttpError(400, 'If-Match must be a draft revision in quotes, e.g. "3".')
    return int(value)


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
        encoded = json.loads(
            api.renderer.render(request, result.value, response_status=result.status_code)
        )
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            status=result.status_code, body=encoded
        )
        return result

    wrapper.__name__ = handler.__name__
    wrapper.__doc__ = handler.__doc__
    wrapper.__signature__ = inspect.signature(handler, eval_str=True)
    return wrapper


# ------------------------------------------------------------------ agents

agents = Router(tags=["agents"])


@agents.get("", response={200: AgentList, **ERRORS_READ}, summary="List agents")
def list_agents(
    request,
    paging: Query[Paging],
    search: str = "",
    status: Literal["", "unpublished", "published", "unpublished_changes"] = "",
):
    _require(request, VIEW_AGENT)
    return _page(request, selectors.agent_list(search=search, status=status), paging, agent_out)


@agents.post("", response={201: AgentOut, **ERRORS_WRITE}, summary="Create an agent")
def create_agent(request, payload: AgentCreate):
    """A partial `config` is merged over the defaults like a JSON merge patch."""
    principal = _require(request, CREATE_AGENT)
    agent = services.create_agent(
        name=payload.name,
        description=payload.description,
        config=payload.config,
        user=principal.user,
    )
    return Status(201, agent_out(_agent(agent.public_id)))


@agents.get("/{agent_id}", response={200: AgentOut, **ERRORS_READ}, summary="Get an agent")
def get_agent(request, agent_id: str):
    _require(request, VIEW_AGENT)
    return agent_out(_agent(agent_id))


@agents.patch(
    "/{agent_id}",
    response={200: AgentOut, **ERRORS_WRITE},
    summary="Rename or describe an agent (never creates a version)",
)
def patch_agent(request, agent_id: str, payload: AgentPatch):
    # Name and description are the Editor's; the release gate is the Releaser's.
    if payload.name is not None or payload.description is not None:
        _require(request, CHANGE_AGENT)
    principal = _require(
        request, RELEASE if payload.require_passing_eval is not None else VIEW_AGENT
    )
    agent = _agent(agent_id)
    services.update_agent(
        agent=agent,
        user=principal.user,
        name=payload.name,
        description=payload.description,
        require_passing_eval=payload.require_passing_eval,
    )
    return agent_out(_agent(agent_id))


# ------------------------------------------------------------------ draft


@agents.get("/{agent_id}/draft", response={200: DraftOut, **ERRORS_READ}, summary="Get the draft")
def get_draft(request, agent_id: str):
    _require(request, VIEW_AGENT)
    return draft_out(_agent(agent_id).draft)


DRAFT_WRITE_ERRORS = {409: ErrorOut, 412: ErrorOut, **ERRORS_WRITE}


@agents.put(
    "/{agent_id}/draft",
    response={200: DraftOut, **DRAFT_WRITE_ERRORS},
    summary="Replace the draft (omitted sections take their defaults)",
)
def put_draft(request, agent_id: str, payload: DraftIn):
    principal = _require(request, EDIT_DRAFT)
    agent = _agent(agent_id)
    draft = services.update_draft(
        agent=agent,
        config=payload.config,
        user=principal.user,
        expected_revision=_if_match(request),
    )
    return draft_out(draft)


@agents.patch(
    "/{agent_id}/draft",
    response={200: DraftOut, **DRAFT_WRITE_ERRORS},
    summary="Merge-patch the draft (RFC 7386)",
)
def patch_draft(request, agent_id: str, payload: DraftIn):
    principal = _require(request, EDIT_DRAFT)
    agent = _agent(agent_id)
    expected = _if_match(request)
    # The patch applies to the revision it was computed on: with If-Match, the
    # caller's; without, the current one, recomputed if a writer slips in between.
    for _attempt in range(3):
        base = Draft.objects.get(agent=agent)
        if expected is not None and expected != base.revision:
            raise DraftConflict(expected_revision=expected, current_revision=base.revision)
        try:
            draft = services.update_draft(
                agent=agent,
                config=schema.merge_patch(base.config, payload.config),
                user=principal.user,
                expected_revision=base.revision,
            )
        except DraftConflict:
            if expected is not None:
                raise
            continue
        return draft_out(draft)
    raise DraftConflict(expected_revision=base.revision, current_revision=base.revision + 1)


# ------------------------------------------------------------------ versions


@agents.get(
    "/{agent_id}/versions",
    response={200: VersionList, **ERRORS_READ},
    summary="List versions, newest first",
)
def list_versions(
    request,
    paging: Query[Paging],
    agent_id: str,
):
    _require(request, VIEW_AGENT)
    agent = _agent(agent_id)
    rows = (
        PublishedVersion.objects.filter(agent=agent)
        .select_related("created_by")
        .defer("config")
        .order_by("-number")
    )
    return _page(request, rows, paging, lambda v: version_summary(v, agent.released_version_id))


@agents.post(
    "/{agent_id}/versions",
    response={201: VersionOut, 409: ErrorOut, 412: ErrorOut, **ERRORS_WRITE},
    summary="Save the draft as the next version",
)
@idempotent
def create_version(request, agent_id: str, payload: VersionCreate):
    principal = _require(request, SAVE_VERSION)
    agent = _agent(agent_id)
    version = services.save_version(
        agent=agent,
        name=payload.name,
        description=payload.description,
        user=principal.user,
        expected_revision=payload.expected_draft_revision,
    )
    agent.refresh_from_db(fields=["released_version"])
    return Status(201, version_out(_version(agent, version.number), agent.released_version_id))


@agents.get(
    "/{agent_id}/versions/{int:number}",
    response={200: VersionOut, **ERRORS_READ},
    summary="Get a version",
)
def get_version(request, agent_id: str, number: int):
    _require(request, VIEW_AGENT)
    agent = _agent(agent_id)
    return version_out(_version(agent, number), agent.released_version_id)


@agents.post(
    "/{agent_id}/release",
    response={200: ReleaseOut, 409: ErrorOut, **ERRORS_WRITE},
    summary="Release a version (a lower number is recorded as a rollback)",
    description="When the agent requires a passing eval run, a version without one is "
    "refused with 409 `eval_gate_failed` (details.findings lists what failed) unless "
    "`gate_override_note` says why it is released anyway.",
)
@idempotent
def release(request, agent_id: str, payload: ReleaseIn):
    """Releasing the version that is already released is a no-op: `event` is null."""
    principal = _require(request, RELEASE)
    agent = _agent(agent_id)
    version = _version(agent, payload.version)
    event = services.release_version(
        version=version,
        user=principal.user,
        note=payload.note,
        gate_override_note=payload.gate_override_note,
    )
    if event is None:
        return Status(
            200,
            {
                "released_version": version.number,
                "previous_version": version.number,
                "event": None,
            },
        )
    event = ReleaseEvent.objects.select_related("version", "previous_version", "released_by").get(
        pk=event.pk
    )
    return Status(
        200,
        {
            "released_version": version.number,
            "previous_version": event.previous_version.number if event.previous_version else None,
            "event": event_out(event),
        },
    )


@agents.post(
    "/{agent_id}/restore",
    response={200: DraftOut, 409: ErrorOut, 412: ErrorOut, **ERRORS_WRITE},
    summary="Overwrite the draft with a version's snapshot",
)
@idempotent
def restore(request, agent_id: str, payload: RestoreIn):
    principal = _require(request, EDIT_DRAFT)
    agent = _agent(agent_id)
    version = _version(agent, payload.version)
    draft = services.restore_version(
        version=version, user=principal.user, expected_revision=payload.expected_draft_revision
    )
    return Status(200, draft_out(draft))


@agents.get(
    "/{agent_id}/releases",
    response={200: ReleaseList, **ERRORS_READ},
    summary="The release log, newest first",
)
def releases(request, agent_id: str, limit: int = Query(100, ge=1, le=1000)):
    _require(request, VIEW_AGENT)
    agent = _agent(agent_id)
    return {"data": [event_out(e) for e in selectors.release_log(agent, limit=limit)]}


@agents.get(
    "/{agent_id}/diff",
    response={200: DiffOut, 400: ErrorOut, **ERRORS_READ},
    summary="Compare two configurations",
    by_alias=True,
    exclude_unset=True,
)
def diff(request, agent_id: str, from_: str = Query(..., alias="from"), to: str = Query(...)):
    """`from` and `to` are each `3`, `v3`, `draft` or `released`."""
    _require(request, VIEW_AGENT)
    agent = _agent(agent_id)
    old, new = selectors.compare_side(agent, from_), selectors.compare_side(agent, to)
    result = selectors.config_diff(old, new)
    summary = result.summary
    return {
        "from": _label(old),
        "to": _label(new),
        "changes": [c.as_json() for c in result.changes],
        "summary": summary,
    }


def _label(side: selectors.Side) -> str:
    return side.ref if side.ref in ("draft", "released") else f"v{side.ref}"


# ------------------------------------------------------------------ runtime

runtime_router = Router(tags=["runtime"])


@runtime_router.get(
    "/resolve/{ref}",
    response={200: ResolveOut, 304: None, 409: ErrorOut, 422: ErrorOut, **ERRORS_READ},
    summary="Resolve ag_x, ag_x@released, ag_x@draft or ag_x@v3 to its configuration",
)
def resolve(request, ref: str):
    """`ETag` is the content hash; `If-None-Match` with it answers 304."""
    _require(request, VIEW_AGENT)
    resolved = _resolve(ref, getattr(request, "prefetched", None))
    etag = f'"{resolved.content_hash}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(resolved.body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


def _resolve(ref: str, prefetched: dict | None = None) -> runtime.Resolved:
    try:
        return runtime.resolve(ref, prefetched)
    except runtime.UnknownReference as exc:
        raise Http404(str(exc)) from None


conversations = Router(tags=["runtime"])


@conversations.post(
    "",
    response={201: ConversationOut, 409: ErrorOut, **ERRORS_WRITE},
    summary="Start a conversation bound to one frozen configuration",
)
@idempotent
def start_conversation(request, payload: ConversationIn):
    principal = _require(request, VIEW_AGENT)
    if bool(payload.agent) == bool(payload.channel):
        raise InvalidInput([{"path": "agent", "message": "give exactly one of agent or channel"}])
    try:
        if payload.channel:
            conversation, resolved = services.start_conversation_on_channel(
                channel=_channel(payload.channel), key=payload.key or "", user=principal
            )
        else:
            conversation, resolved = services.start_conversation(
                ref=payload.agent, key=payload.key or "", user=principal
            )
    except runtime.UnknownReference as exc:
        raise Http404(str(exc)) from None
    return Status(201, conversation_out(conversation, resolved.agent, resolved))


def _conversation(conversation_id: str) -> Conversation:
    found = (
        Conversation.objects.select_related("agent", "version", "snapshot")
        .only(
            "agent__public_id",
            "version__number",
            "version__config",
            "snapshot__config",
            *[f.name for f in Conversation._meta.concrete_fields],
        )
        .filter(public_id=conversation_id)
        .first()
    )
    if found is None:
        raise Http404(f"No conversation {conversation_id}.")
    return found


@conversations.get(
    "/{conversation_id}",
    response={200: ConversationOut, **ERRORS_READ},
    summary="A conversation and its binding (it never changes)",
)
def get_conversation(request, conversation_id: str):
    _require(request, VIEW_AGENT)
    conversation = _conversation(conversation_id)
    return conversation_out(conversation, conversation.agent.public_id)


@conversations.post(
    "/{conversation_id}/end",
    response={200: ConversationOut, 409: ErrorOut, **ERRORS_WRITE},
    summary="Record how a conversation ended (once)",
)
def end_conversation(request, conversation_id: str, payload: ConversationEnd):
    principal = _require(request, VIEW_AGENT)
    conversation = _conversation(conversation_id)
    ended = services.end_conversation(
        conversation=conversation, user=principal, **payload.model_dump()
    )
    ended.agent, ended.version, ended.snapshot = (
        conversation.agent,
        conversation.version,
        conversation.snapshot,
    )
    return conversation_out(ended, conversation.agent.public_id)


@conversations.get(
    "", response={200: ConversationList, **ERRORS_READ}, summary="Conversations, newest first"
)
def list_conversations(
    request,
    paging: Query[Paging],
    agent: str | None = None,
    version: str | None = None,
    channel: str | None = None,
    outcome: Literal["completed", "transferred", "abandoned", "failed"] | None = None,
):
    """`version` is a number (`3` or `v3`) or `draft`."""
    _require(request, VIEW_AGENT)
    rows = Conversation.objects.select_related("agent", "version", "snapshot").order_by(
        "-started_at", "-id"
    )
    if agent:
        rows = rows.filter(agent__public_id=agent)
    if version:
        if version == "draft":
            rows = rows.filter(version__isnull=True)
        elif version.removeprefix("v").isdigit():
            rows = rows.filter(version__number=int(version.removeprefix("v")))
        else:
            raise InvalidInput([{"path": "version", "message": "a number, vN or draft"}])
    if channel:
        rows = rows.filter(channel_ref=channel)
    if outcome:
        rows = rows.filter(outcome=outcome)
    return _page(request, rows, paging, lambda c: conversation_out(c, c.agent.public_id))


runtime_router.add_router("/conversations", conversations)
# Runtime routes first: Django tries URL patterns in order, and these are the hot ones.
api.add_router("", runtime_router)
api.add_router("/agents", agents)


# ------------------------------------------------------------------ channels

MANAGE_CHANNELS = "agents.manage_channels"


class VersionTargetIO(Schema):
    model_config = ConfigDict(extra="forbid")
    version: int = Field(..., ge=1)


TargetIO = Literal["released", "draft"] | VersionTargetIO


class VariantIO(Schema):
    model_config = ConfigDict(extra="forbid")
    target: TargetIO
    weight: int = Field(..., ge=1, le=100)


class ChannelIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str = Name
    kind: Literal["phone", "web", "api"]
    address: str = Field("", max_length=300)
    agent: str
    target: TargetIO = "released"
    variants: list[VariantIO] | None = None


class ChannelPatch(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: Literal["phone", "web", "api"] | None = None
    address: str | None = Field(None, max_length=300)
    agent: str | None = None
    target: TargetIO | None = None
    variants: list[VariantIO] | None = None


class ChannelOut(Schema):
    id: str
    name: str
    kind: Literal["phone", "web", "api"]
    address: str
    agent: str
    target: TargetIO
    variants: list[VariantIO] | None


class ChannelList(Schema):
    data: list[ChannelOut]
    next: str | None


class ServedOut(Schema):
    variant: str
    weight: int
    version: int | Literal["draft"] | None
    content_hash: str | None
    draft_revision: int | None


class ChannelAsOfOut(Schema):
    channel: str
    at: datetime
    existed: bool
    target: TargetIO | None
    variants: list[VariantIO] | None
    serves: list[ServedOut]


def channel_out(channel) -> dict[str, Any]:
    return {
        "id": channel.public_id,
        "name": channel.name,
        "kind": channel.kind,
        "address": channel.address,
        "agent": channel.agent.public_id,
        "target": channel.target,
        "variants": channel.variants,
    }


def _channel(channel_id: str):
    from agents.models import Channel

    channel = Channel.objects.select_related("agent").filter(public_id=channel_id).first()
    if channel is None:
        raise Http404(f"No channel {channel_id}.")
    return channel


def _agent_by_id(agent_id: str) -> Agent:
    agent = Agent.objects.filter(public_id=agent_id).first()
    if agent is None:
        raise InvalidInput([{"path": "agent", "message": f"no agent {agent_id}"}])
    return agent


channels = Router(tags=["channels"])


@channels.get("", response={200: ChannelList, **ERRORS_READ}, summary="List channels")
def list_channels(
    request,
    paging: Query[Paging],
    agent: str | None = None,
):
    from agents.models import Channel

    _require(request, VIEW_AGENT)
    rows = Channel.objects.select_related("agent").order_by("name", "id")
    if agent:
        rows = rows.filter(agent__public_id=agent)
    return _page(request, rows, paging, channel_out)


@channels.post("", response={201: ChannelOut, **ERRORS_WRITE}, summary="Create a channel")
def create_channel(request, payload: ChannelIn):
    """A pinned version must belong to the channel's agent; variant weights sum to 100."""
    principal = _require(request, MANAGE_CHANNELS)
    values = payload.model_dump(exclude_none=False)
    values["agent"] = _agent_by_id(values["agent"])
    channel = services.create_channel(user=principal.user, **values)
    return Status(201, channel_out(channel))


@channels.get("/{channel_id}", response={200: ChannelOut, **ERRORS_READ}, summary="Get a channel")
def get_channel(request, channel_id: str):
    _require(request, VIEW_AGENT)
    return channel_out(_channel(channel_id))


@channels.patch(
    "/{channel_id}",
    response={200: ChannelOut, **ERRORS_WRITE},
    summary="Rename, repoint or re-split a channel",
)
def patch_channel(request, channel_id: str, payload: ChannelPatch):
    """Send `"variants": null` to stop splitting traffic."""
    principal = _require(request, MANAGE_CHANNELS)
    changes = payload.model_dump(exclude_unset=True)
    if "agent" in changes:
        changes["agent"] = _agent_by_id(changes["agent"])
    channel = services.update_channel(channel=_channel(channel_id), user=principal.user, **changes)
    return channel_out(channel)


@channels.get(
    "/{channel_id}/as-of",
    response={200: ChannelAsOfOut, **ERRORS_READ},
    summary="Which version served the channel at a moment",
)
def channel_as_of(request, channel_id: str, at: datetime):
    _require(request, VIEW_AGENT)
    channel = _channel(channel_id)
    return {"channel": channel.public_id, "at": at, **selectors.channel_as_of(channel, at)}


api.add_router("/channels", channels)

# Eval suites, cases and runs (agents/api_evals.py uses the helpers above).
from agents.api_evals import agent_suites, runs, suites  # noqa: E402

api.add_router("", agent_suites)
api.add_router("/suites", suites)
api.add_router("/runs", runs)


# ------------------------------------------------------------------ errors


@api.exception_handler(AgentConsoleError)
def _domain_error(request, exc: AgentConsoleError):
    status = {
        DraftConflict: 412,
        NoChanges: 409,
        AgentNotPublished: 409,
        InvalidInput: 422,
    }
    code = (
        422
        if isinstance(exc, InvalidInput)
        else next((s for cls, s in status.items() if isinstance(exc, cls)), 409)
    )
    return error_response(code, exc.code, exc.message, exc.details)


def _validation_path(loc) -> str:
    parts = [p for p in loc if p not in ("body", "query", "path", "header", "payload")]
    return schema.error_path(parts)


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    problems = [
        {"path": _validation_path(e.get("loc", ())), "message": e.get("msg", "invalid")}
        for e in exc.errors
    ]
    if any(e.get("type") == "json_invalid" for e in exc.errors):
        return error_response(400, "bad_request", "The body is not valid JSON.", problems)
    return error_response(422, "validation_error", "The request is not valid.", problems)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return error_response(401, "unauthenticated", "A valid bearer token is required.")


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return error_response(403, "permission_denied", str(exc) or "Permission denied.")


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error_response(404, "not_found", str(exc) or "Not found.")


@api.exception_handler(ObjectDoesNotExist)
def _missing(request, exc):
    return error_response(404, "not_found", str(exc) or "Not found.")


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    return error_response(413, "payload_too_large", "The request body is too large.")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    codes = {400: "bad_request", 405: "method_not_allowed", 413: "payload_too_large"}
    return error_response(exc.status_code, codes.get(exc.status_code, "error"), str(exc))
