"""A versioned document's endpoints, one implementation for agents and prompts: its
draft (get, put, merge-patch), its versions (list, save, get) and restore. Each kind
says how it is looked up, read from a body and shaped; the paths, operation ids and
schemas it registers are the ones clients know (`/agents/{agent_id}/draft`,
`agents_api_get_draft`; `/prompts/{prompt_id}/draft`, `agents_api_prompts_get_draft`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ninja import Query, Status
from pydantic import BaseModel

from agents.api.common import Router, expected_revision, if_match, page, require
from agents.api.idempotency import idempotent
from agents.api.schemas import ERRORS_READ, ERRORS_WRITE, ErrorOut, Paging, RestoreIn, VersionCreate
from agents.api.shapes import version_summary
from agents.models import Agent, PublishedVersion
from agents.permissions import EDIT_DRAFT, SAVE_VERSION, VIEW_AGENT
from agents.selectors import agents, versions
from agents.services import drafts, revisions
from agents.services import versions as versions_services

DRAFT_WRITE_ERRORS = {409: ErrorOut, 412: ErrorOut, **ERRORS_WRITE}


@dataclass(frozen=True)
class DocumentKind:
    """What differs between agents and prompts in these endpoints."""

    kind: str  # Agent.Kind
    id_param: str  # the path parameter: agent_id, prompt_id
    operation_prefix: str  # agents_api_, agents_api_prompts_
    draft_in: type[BaseModel]
    draft_out_schema: type[BaseModel]
    version_list_schema: type[BaseModel]
    version_out_schema: type[BaseModel]
    read_draft_body: Callable[[Any], dict]  # the body of PUT/PATCH …/draft as a document
    draft_out: Callable[[Any], dict]
    version_out: Callable[[PublishedVersion, int | None], dict]
    summaries: dict[str, str]
    descriptions: dict[str, str] = field(default_factory=dict)

    def find(self, document_id: str) -> Agent:
        return agents.agent_for_page(document_id, kind=self.kind)


def save_version_from(request, document: Agent, payload: VersionCreate) -> PublishedVersion:
    """Save an agent's (or a prompt's) draft as a version, for POST …/versions."""
    principal = require(request, SAVE_VERSION)
    version = versions_services.save_version(
        agent=document,
        name=payload.name,
        description=payload.description,
        user=principal.user,
        expected_revision=expected_revision(request, payload.expected_draft_revision),
    )
    document.refresh_from_db(fields=["released_version"])
    return versions.get_version(document, version.number)


def restore_from(request, document: Agent, payload: RestoreIn):
    """Restore a version or a revision into an agent's (or a prompt's) draft."""
    principal = require(request, EDIT_DRAFT)
    expected = expected_revision(request, payload.expected_draft_revision)
    if payload.revision is not None:
        return revisions.restore_revision(
            agent=document, number=payload.revision, user=principal.user, expected_revision=expected
        )
    version = versions.get_version(document, payload.version)
    return versions_services.restore_version(
        version=version, user=principal.user, expected_revision=expected
    )


# ------------------------------------------------------------------ the endpoints
# Each takes the document's kind and id, then what its path and body carry.


def get_draft(request, kind: DocumentKind, document_id: str):
    require(request, VIEW_AGENT)
    return kind.draft_out(kind.find(document_id).draft)


def put_draft(request, kind: DocumentKind, document_id: str, payload):
    return _write_draft(request, kind, document_id, payload, merge=False)


def patch_draft(request, kind: DocumentKind, document_id: str, payload):
    return _write_draft(request, kind, document_id, payload, merge=True)


def _write_draft(request, kind: DocumentKind, document_id: str, payload, *, merge: bool):
    """PUT replaces the draft, PATCH merges into it (RFC 7386); both honour If-Match."""
    principal = require(request, EDIT_DRAFT)
    document = kind.find(document_id)
    body = kind.read_draft_body(payload)
    revision = if_match(request)
    if merge:
        draft = drafts.patch_draft(
            agent=document, patch=body, user=principal.user, expected_revision=revision
        )
    else:
        draft = drafts.update_draft(
            agent=document, config=body, user=principal.user, expected_revision=revision
        )
    return kind.draft_out(draft)


def list_versions(request, kind: DocumentKind, document_id: str, paging: Paging):
    require(request, VIEW_AGENT)
    document = kind.find(document_id)
    rows = versions.version_list(document)
    return page(request, rows, paging, lambda v: version_summary(v, document.released_version_id))


def create_version(request, kind: DocumentKind, document_id: str, payload: VersionCreate):
    document = kind.find(document_id)
    version = save_version_from(request, document, payload)
    return Status(201, kind.version_out(version, document.released_version_id))


def get_version(request, kind: DocumentKind, document_id: str, number: int):
    require(request, VIEW_AGENT)
    document = kind.find(document_id)
    return kind.version_out(versions.get_version(document, number), document.released_version_id)


def restore(request, kind: DocumentKind, document_id: str, payload: RestoreIn):
    return Status(200, kind.draft_out(restore_from(request, kind.find(document_id), payload)))


# ------------------------------------------------------------------ registration


def _endpoint(kind: DocumentKind, implementation, **params: Any):
    """A view named like `implementation` whose signature names the kind's path
    parameter (what django-ninja reads to build the operation), calling it with the
    kind and the document's id."""

    def view(request, **arguments):
        return implementation(request, kind, arguments.pop(kind.id_param), **arguments)

    view.__name__ = view.__qualname__ = implementation.__name__
    view.__doc__ = kind.descriptions.get(implementation.__name__)
    keyword = inspect.Parameter.POSITIONAL_OR_KEYWORD
    view.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("request", keyword)]
        + [inspect.Parameter(name, keyword, annotation=hint) for name, hint in params.items()]
    )
    return view


def _register(router: Router, kind: DocumentKind, method: str, path: str, view, response):
    router.api_operation(
        [method],
        path.format(id=kind.id_param),
        response=response,
        summary=kind.summaries[view.__name__],
        operation_id=f"{kind.operation_prefix}{view.__name__}",
    )(view)


def add_draft_and_version_endpoints(router: Router, kind: DocumentKind) -> None:
    """GET/PUT/PATCH `/{id}/draft`, GET/POST `/{id}/versions`, GET `/{id}/versions/{n}`."""
    doc_id = {kind.id_param: str}
    draft = "/{{{id}}}/draft"
    for method, implementation, body in (
        ("GET", get_draft, {}),
        ("PUT", put_draft, {"payload": kind.draft_in}),
        ("PATCH", patch_draft, {"payload": kind.draft_in}),
    ):
        view = _endpoint(kind, implementation, **doc_id, **body)
        errors = ERRORS_READ if method == "GET" else DRAFT_WRITE_ERRORS
        _register(router, kind, method, draft, view, {200: kind.draft_out_schema, **errors})
    listed = _endpoint(kind, list_versions, paging=Query[Paging], **doc_id)
    _register(
        router,
        kind,
        "GET",
        "/{{{id}}}/versions",
        listed,
        {200: kind.version_list_schema, **ERRORS_READ},
    )
    saved = idempotent(_endpoint(kind, create_version, **doc_id, payload=VersionCreate))
    _register(
        router,
        kind,
        "POST",
        "/{{{id}}}/versions",
        saved,
        {201: kind.version_out_schema, 409: ErrorOut, 412: ErrorOut, **ERRORS_WRITE},
    )
    one = _endpoint(kind, get_version, **doc_id, number=int)
    _register(
        router,
        kind,
        "GET",
        "/{{{id}}}/versions/{{int:number}}",
        one,
        {200: kind.version_out_schema, **ERRORS_READ},
    )


def add_restore_endpoint(router: Router, kind: DocumentKind) -> None:
    """POST `/{id}/restore`: a version or a revision into the draft."""
    view = idempotent(_endpoint(kind, restore, **{kind.id_param: str}, payload=RestoreIn))
    response = {200: kind.draft_out_schema, 409: ErrorOut, 412: ErrorOut, **ERRORS_WRITE}
    _register(router, kind, "POST", "/{{{id}}}/restore", view, response)
