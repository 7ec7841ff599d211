"""Config as code: an agent as a bundle (export), a bundle as a new agent (import),
and a configuration — this console's or another platform's — into a draft."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpResponse
from ninja import Body, Field, Query, Schema, Status

from agents.api.common import Router, if_match, require
from agents.api.schemas import (
    ERRORS_READ,
    ERRORS_WRITE,
    AgentOut,
    ChangeOut,
    DiffSummary,
    DraftOut,
    ErrorOut,
)
from agents.api.shapes import agent_out, draft_out
from agents.domain.bundles import to_yaml
from agents.permissions import CREATE_AGENT, EDIT_DRAFT, VIEW_AGENT
from agents.selectors import agents
from agents.selectors import bundles as bundles_selectors
from agents.services import bundles as bundles_services
from agents.services import draft_import

bundles = Router(tags=["agents"])

BUNDLE_BODY = Body(..., description="An export's bundle, as JSON or as YAML.")
IMPORT_BODY = Body(
    ...,
    description='`{"config": {...}}`, or with `source` the file that platform gives you '
    "(JSON, or YAML).",
)


class DraftImportOut(Schema):
    dry_run: bool
    changes: list[ChangeOut] = Field(..., description="What the import changes in the draft.")
    summary: DiffSummary
    unmapped: list[str] = Field(
        ..., description="Paths of the imported file that were not carried over."
    )
    draft: DraftOut | None = Field(None, description="The written draft (null on a dry run).")


class DraftImportQuery(Schema):
    dry_run: bool = Field(False, description="Answer the diff; write nothing.")
    source: Literal["vapi", "retell", "elevenlabs"] | None = Field(
        None, description="The platform whose file the body is."
    )


@bundles.get(
    "/{agent_id}/export",
    response={200: dict[str, Any], **ERRORS_READ},
    openapi_extra={
        "responses": {
            200: {
                "description": "The bundle as JSON; with `format=yaml`, the same bundle as "
                "a YAML document (`application/yaml; charset=utf-8`).",
                "content": {
                    "application/json": {
                        "schema": {
                            "additionalProperties": True,
                            "title": "Response",
                            "type": "object",
                        }
                    },
                    "application/yaml": {
                        "schema": {
                            "additionalProperties": True,
                            "description": "The same bundle, as a YAML document.",
                            "type": "object",
                        }
                    },
                },
            }
        }
    },
)
def export(request, agent_id: str, format: Literal["json", "yaml"] = "json"):
    """The agent as a bundle: metadata, draft, versions, labels, release log

    `?format=yaml` gives the same bundle as YAML (keys in bundle order, multi-line
    texts as block scalars), for keeping agents in git."""
    require(request, VIEW_AGENT)
    bundle = bundles_selectors.export_bundle(agents.agent_for_page(agent_id))
    if format == "yaml":
        return HttpResponse(to_yaml(bundle), content_type="application/yaml; charset=utf-8")
    return bundle


@bundles.post("/import", response={201: AgentOut, **ERRORS_WRITE})
def import_agent(request, payload: dict[str, Any] = BUNDLE_BODY):
    """Create an agent from an exported bundle (JSON or YAML body)

    The new agent has the bundle's version numbers and content hashes, its labels
    and its draft. A tampered content hash, an unknown format or an invalid
    configuration is a 422 naming the path, and nothing is created. The body may be
    the YAML an export wrote (`Content-Type: application/yaml`)."""
    principal = require(request, CREATE_AGENT)
    agent = bundles_services.import_bundle(bundle=payload, user=principal.user)
    return Status(201, agent_out(agents.agent_for_page(agent.public_id)))


@bundles.post(
    "/{agent_id}/draft/import",
    response={200: DraftImportOut, 409: ErrorOut, 412: ErrorOut, **ERRORS_WRITE},
)
def import_draft(
    request,
    agent_id: str,
    query: Query[DraftImportQuery],
    payload: dict[str, Any] = IMPORT_BODY,
):
    """Import a configuration (or a Vapi, Retell or ElevenLabs file) into the draft

    With `dry_run=1` nothing is written: the answer is the diff against the draft and
    the paths the file had that this configuration cannot hold. Without it the draft
    becomes the imported configuration (sections the file does not set take their
    defaults, as with PUT); `If-Match` is honoured on both."""
    principal = require(request, EDIT_DRAFT)
    agent = agents.agent_for_page(agent_id)
    result = draft_import.import_draft(
        agent=agent,
        data=payload,
        user=principal.user,
        source=query.source or "console",
        dry_run=query.dry_run,
        expected_revision=if_match(request),
    )
    return {
        "dry_run": query.dry_run,
        "changes": [change.as_json() for change in result.changes.changes],
        "summary": result.changes.summary,
        "unmapped": result.unmapped,
        "draft": draft_out(result.draft) if result.draft else None,
    }
