"""The prompt library: prompts versioned like agents, where they are linked, and what a
release changes (`affected`)."""

from __future__ import annotations

from ninja import Query, Status

from agents.api import documents
from agents.api.agents import release_body
from agents.api.common import Router, page, require
from agents.api.documents import DocumentKind
from agents.api.idempotency import idempotent
from agents.api.prompt_schemas import (
    PromptCreate,
    PromptDraftIn,
    PromptDraftOut,
    PromptImpactOut,
    PromptList,
    PromptOut,
    PromptPatch,
    PromptReleaseOut,
    PromptVersionList,
    PromptVersionOut,
    UsageOut,
)
from agents.api.schemas import (
    ERRORS_READ,
    ERRORS_WRITE,
    ErrorOut,
    Paging,
    ReleaseIn,
    StatusFilter,
)
from agents.api.shapes import agent_out, username, version_summary
from agents.domain.exceptions import InvalidInput
from agents.permissions import CHANGE_AGENT, CREATE_AGENT, RELEASE, VIEW_AGENT
from agents.selectors import agents as agents_selectors
from agents.selectors import prompts as prompts_selectors
from agents.selectors import versions
from agents.services import agents, releases

prompts = Router(tags=["prompts"])
PROMPT = "prompt"
DRAFT_WRITE = {409: ErrorOut, 412: ErrorOut, **ERRORS_WRITE}


def _prompt(prompt_id: str):
    return agents_selectors.agent_for_page(prompt_id, kind=PROMPT)


def prompt_out(prompt) -> dict:
    shaped = agent_out(prompt)
    shaped.pop("require_passing_eval")
    return shaped


def draft_out(draft) -> dict:
    return {
        "revision": draft.revision,
        **draft.config,
        "content_hash": draft.content_hash,
        "updated_at": draft.updated_at,
        "updated_by": username(draft.updated_by),
        "restored_from": draft.restored_from.number if draft.restored_from else None,
    }


def version_out(version, released_id) -> dict:
    return {
        **version_summary(version, released_id),
        **version.config,
        "parent": version.parent.number if version.parent_id else None,
    }


def affected_out(found) -> dict:
    return {
        "agent": found.agent.public_id,
        "ref": found.ref,
        "role": found.role,
        "channels": [channel.public_id for channel in found.channels],
        "rollouts": [rollout.public_id for rollout in found.rollouts],
        "before": found.before,
        "after": found.after,
    }


@prompts.get("", response={200: PromptList, **ERRORS_READ})
def list_prompts(request, paging: Query[Paging], search: str = "", status: StatusFilter = ""):
    """List prompts"""
    require(request, VIEW_AGENT)
    rows = agents_selectors.agent_list(search=search, status=status, kind=PROMPT)
    return page(request, rows, paging, prompt_out)


@prompts.post("", response={201: PromptOut, **ERRORS_WRITE})
def create_prompt(request, payload: PromptCreate):
    """Create a prompt"""
    principal = require(request, CREATE_AGENT)
    created = agents.create_agent(
        name=payload.name,
        description=payload.description,
        config={"text": payload.text, "variables": payload.variables},
        user=principal.user,
        kind=PROMPT,
        workspace=payload.workspace,
    )
    return Status(201, prompt_out(_prompt(created.public_id)))


@prompts.get("/{prompt_id}", response={200: PromptOut, **ERRORS_READ})
def get_prompt(request, prompt_id: str):
    """Get a prompt"""
    require(request, VIEW_AGENT)
    return prompt_out(_prompt(prompt_id))


@prompts.patch("/{prompt_id}", response={200: PromptOut, **ERRORS_WRITE})
def patch_prompt(request, prompt_id: str, payload: PromptPatch):
    """Rename or describe"""
    if payload.name is not None or payload.description is not None:
        require(request, CHANGE_AGENT)
    principal = require(request, RELEASE if payload.approvals_required is not None else VIEW_AGENT)
    agents.update_agent(
        agent=_prompt(prompt_id),
        user=principal.user,
        name=payload.name,
        description=payload.description,
        approvals_required=payload.approvals_required,
    )
    return prompt_out(_prompt(prompt_id))


# ------------------------------------------------------------------ draft and versions

PROMPT_KIND = DocumentKind(
    kind=PROMPT,
    id_param="prompt_id",
    operation_prefix="agents_api_prompts_",
    draft_in=PromptDraftIn,
    draft_out_schema=PromptDraftOut,
    version_list_schema=PromptVersionList,
    version_out_schema=PromptVersionOut,
    read_draft_body=lambda payload: payload.model_dump(exclude_none=True),
    draft_out=draft_out,
    version_out=version_out,
    summaries={
        "get_draft": "The draft",
        "put_draft": "Replace the draft's text and variables",
        "patch_draft": "Change the draft's text or variables",
        "list_versions": "A prompt's versions, newest first",
        "create_version": "Save the draft as the next version",
        "get_version": "A version of a prompt",
        "restore": "Overwrite the draft with a version or a draft revision",
    },
    descriptions={
        "put_draft": """`If-Match: "<revision>"` refuses a stale write with 412, as for agents.""",
    },
)
documents.add_draft_and_version_endpoints(prompts, PROMPT_KIND)


@prompts.get("/{prompt_id}/impact", response={200: PromptImpactOut, **ERRORS_READ})
def impact(request, prompt_id: str, version: int):
    """What releasing a version would change, before releasing it"""
    require(request, VIEW_AGENT)
    prompt = _prompt(prompt_id)
    found = prompts_selectors.impact(prompt, versions.get_version(prompt, version))
    return {"affected": [affected_out(a) for a in found]}


@prompts.post(
    "/{prompt_id}/release",
    response={200: PromptReleaseOut, 403: ErrorOut, 409: ErrorOut, **ERRORS_WRITE},
    operation_id="agents_api_prompts_release",
    description="`affected` lists every agent reference following the prompt whose "
    "behaviour changes (the draft, `released`, labels), with the channels serving it and "
    "the rollouts running there. Approvals work as for agents (409 `approval_required`).",
)
@idempotent
def release(request, prompt_id: str, payload: ReleaseIn):
    """Release a version of a prompt"""
    principal = require(request, RELEASE)
    if payload.at is not None:
        raise InvalidInput([{"path": "at", "message": "a prompt is released now: leave `at` out"}])
    prompt = _prompt(prompt_id)
    version = versions.get_version(prompt, payload.version)
    affected = [affected_out(a) for a in prompts_selectors.impact(prompt, version)]
    event = releases.release_version(
        version=version,
        user=principal.user,
        note=payload.note,
        gate_override_note=payload.gate_override_note,
        break_glass=payload.break_glass,
    )
    return {**release_body(version, event), "affected": affected if event else []}


documents.add_restore_endpoint(prompts, PROMPT_KIND)


@prompts.get("/{prompt_id}/usage", response={200: UsageOut, **ERRORS_READ})
def usage(request, prompt_id: str):
    """Where a prompt is linked: agents' drafts and versions"""
    require(request, VIEW_AGENT)
    found = prompts_selectors.usage(_prompt(prompt_id))
    return {
        "data": [
            {
                "agent": use.agent.public_id,
                "ref": use.ref,
                "mode": use.mode,
                "role": use.role,
                "version": use.pinned,
            }
            for use in found
        ]
    }
