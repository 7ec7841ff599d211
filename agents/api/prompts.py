"""The prompt library: prompts versioned like agents, where they are linked, and what a
release changes (`affected`)."""

from __future__ import annotations

from typing import Literal

from ninja import Query, Router, Status

from agents import selectors, services
from agents.api.agents import release_body, restore_from, save_version_from
from agents.api.common import if_match, page, require
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
    RestoreIn,
    VersionCreate,
)
from agents.api.shapes import agent_out, username, version_summary
from agents.domain.exceptions import InvalidInput
from agents.permissions import (
    CHANGE_AGENT,
    CREATE_AGENT,
    EDIT_DRAFT,
    RELEASE,
    VIEW_AGENT,
)

prompts = Router(tags=["prompts"])
PROMPT = "prompt"
DRAFT_WRITE = {409: ErrorOut, 412: ErrorOut, **ERRORS_WRITE}


def _prompt(prompt_id: str):
    return selectors.agent_for_page(prompt_id, kind=PROMPT)


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


@prompts.get("", response={200: PromptList, **ERRORS_READ}, summary="List prompts")
def list_prompts(
    request,
    paging: Query[Paging],
    search: str = "",
    status: Literal["", "unpublished", "published", "unpublished_changes"] = "",
):
    require(request, VIEW_AGENT)
    rows = selectors.agent_list(search=search, status=status, kind=PROMPT)
    return page(request, rows, paging, prompt_out)


@prompts.post("", response={201: PromptOut, **ERRORS_WRITE}, summary="Create a prompt")
def create_prompt(request, payload: PromptCreate):
    principal = require(request, CREATE_AGENT)
    created = services.create_agent(
        name=payload.name,
        description=payload.description,
        config={"text": payload.text, "variables": payload.variables},
        user=principal.user,
        kind=PROMPT,
    )
    return Status(201, prompt_out(_prompt(created.public_id)))


@prompts.get("/{prompt_id}", response={200: PromptOut, **ERRORS_READ}, summary="Get a prompt")
def get_prompt(request, prompt_id: str):
    require(request, VIEW_AGENT)
    return prompt_out(_prompt(prompt_id))


@prompts.patch(
    "/{prompt_id}", response={200: PromptOut, **ERRORS_WRITE}, summary="Rename or describe"
)
def patch_prompt(request, prompt_id: str, payload: PromptPatch):
    if payload.name is not None or payload.description is not None:
        require(request, CHANGE_AGENT)
    principal = require(request, RELEASE if payload.approvals_required is not None else VIEW_AGENT)
    services.update_agent(
        agent=_prompt(prompt_id),
        user=principal.user,
        name=payload.name,
        description=payload.description,
        approvals_required=payload.approvals_required,
    )
    return prompt_out(_prompt(prompt_id))


# ------------------------------------------------------------------ draft


@prompts.get(
    "/{prompt_id}/draft", response={200: PromptDraftOut, **ERRORS_READ}, summary="The draft"
)
def get_draft(request, prompt_id: str):
    require(request, VIEW_AGENT)
    return draft_out(_prompt(prompt_id).draft)


@prompts.put(
    "/{prompt_id}/draft",
    response={200: PromptDraftOut, **DRAFT_WRITE},
    summary="Replace the draft's text and variables",
)
def put_draft(request, prompt_id: str, payload: PromptDraftIn):
    """`If-Match: "<revision>"` refuses a stale write with 412, as for agents."""
    principal = require(request, EDIT_DRAFT)
    document = payload.model_dump(exclude_none=True)
    draft = services.update_draft(
        agent=_prompt(prompt_id),
        config=document,
        user=principal.user,
        expected_revision=if_match(request),
    )
    return draft_out(draft)


@prompts.patch(
    "/{prompt_id}/draft",
    response={200: PromptDraftOut, **DRAFT_WRITE},
    summary="Change the draft's text or variables",
)
def patch_draft(request, prompt_id: str, payload: PromptDraftIn):
    principal = require(request, EDIT_DRAFT)
    draft = services.patch_draft(
        agent=_prompt(prompt_id),
        patch=payload.model_dump(exclude_none=True),
        user=principal.user,
        expected_revision=if_match(request),
    )
    return draft_out(draft)


# ------------------------------------------------------------------ versions


@prompts.get(
    "/{prompt_id}/versions",
    response={200: PromptVersionList, **ERRORS_READ},
    summary="A prompt's versions, newest first",
)
def list_versions(request, paging: Query[Paging], prompt_id: str):
    require(request, VIEW_AGENT)
    prompt = _prompt(prompt_id)
    rows = selectors.version_list(prompt)
    return page(request, rows, paging, lambda v: version_summary(v, prompt.released_version_id))


@prompts.post(
    "/{prompt_id}/versions",
    response={201: PromptVersionOut, 409: ErrorOut, 412: ErrorOut, **ERRORS_WRITE},
    summary="Save the draft as the next version",
)
@idempotent
def create_version(request, prompt_id: str, payload: VersionCreate):
    prompt = _prompt(prompt_id)
    version = save_version_from(request, prompt, payload)
    return Status(201, version_out(version, prompt.released_version_id))


@prompts.get(
    "/{prompt_id}/versions/{int:number}",
    response={200: PromptVersionOut, **ERRORS_READ},
    summary="A version of a prompt",
)
def get_version(request, prompt_id: str, number: int):
    require(request, VIEW_AGENT)
    prompt = _prompt(prompt_id)
    return version_out(selectors.get_version(prompt, number), prompt.released_version_id)


@prompts.get(
    "/{prompt_id}/impact",
    response={200: PromptImpactOut, **ERRORS_READ},
    summary="What releasing a version would change, before releasing it",
)
def impact(request, prompt_id: str, version: int):
    require(request, VIEW_AGENT)
    prompt = _prompt(prompt_id)
    found = selectors.prompt_impact(prompt, selectors.get_version(prompt, version))
    return {"affected": [affected_out(a) for a in found]}


@prompts.post(
    "/{prompt_id}/release",
    response={200: PromptReleaseOut, 403: ErrorOut, 409: ErrorOut, **ERRORS_WRITE},
    summary="Release a version of a prompt",
    description="`affected` lists every agent reference following the prompt whose "
    "behaviour changes (the draft, `released`, labels), with the channels serving it and "
    "the rollouts running there. Approvals work as for agents (409 `approval_required`).",
)
@idempotent
def release(request, prompt_id: str, payload: ReleaseIn):
    principal = require(request, RELEASE)
    if payload.at is not None:
        raise InvalidInput([{"path": "at", "message": "a prompt is released now: leave `at` out"}])
    prompt = _prompt(prompt_id)
    version = selectors.get_version(prompt, payload.version)
    affected = [affected_out(a) for a in selectors.prompt_impact(prompt, version)]
    event = services.release_version(
        version=version,
        user=principal.user,
        note=payload.note,
        gate_override_note=payload.gate_override_note,
        break_glass=payload.break_glass,
    )
    return {**release_body(version, event), "affected": affected if event else []}


@prompts.post(
    "/{prompt_id}/restore",
    response={200: PromptDraftOut, 409: ErrorOut, 412: ErrorOut, **ERRORS_WRITE},
    summary="Overwrite the draft with a version or a draft revision",
)
@idempotent
def restore(request, prompt_id: str, payload: RestoreIn):
    return draft_out(restore_from(request, _prompt(prompt_id), payload))


@prompts.get(
    "/{prompt_id}/usage",
    response={200: UsageOut, **ERRORS_READ},
    summary="Where a prompt is linked: agents' drafts and versions",
)
def usage(request, prompt_id: str):
    require(request, VIEW_AGENT)
    found = selectors.prompt_usage(_prompt(prompt_id))
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
