"""The draft editor: save, add or remove list rows, and the conflict view."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from agents.domain import documents, json_input
from agents.domain.diff import diff
from agents.domain.exceptions import DraftConflict, InvalidInput
from agents.forms import editor
from agents.models import Agent
from agents.permissions import EDIT_DRAFT, VIEW_AGENT, Abilities, require
from agents.selectors import agents
from agents.services import drafts
from agents.views import events, routes
from agents.views.agents import PAGE, agent_url, page_context, prompt_choices
from agents.views.compare import diff_context
from agents.views.htmx import HtmxHttpRequest, int_or, refused, with_event


@routes.agent_pages.form("draft/", name="draft")
def draft_editor(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """GET: the editor with the stored draft. POST: save it, or add/remove a list row."""
    agent = agents.versioned_for_page(public_id)
    if request.method == "GET":
        require(request.user, VIEW_AGENT)
        if not request.htmx:
            return redirect(agent_url(agent))
        return _render_editor(request, agent, {})
    require(request.user, EDIT_DRAFT)
    action = request.POST.get("_action", "save")
    revision = int_or(request.POST.get("revision"))
    if action == "keep_mine":
        try:
            document = json_input.loads(request.POST.get("mine", ""))
        except (json_input.MalformedJSON, InvalidInput):
            document = None
        if not isinstance(document, dict):
            return _render_editor(request, agent, {"": "the submitted draft could not be read"})
        problems: dict[str, str] = {}
    else:
        document, problems = editor.parse_form(request.POST, agent.kind)
    if action.startswith("add:"):
        document = editor.with_blank_row(document, action.removeprefix("add:"), agent.kind)
        return _render_editor(request, agent, problems, document=document, revision=revision)
    if action == "refresh":  # a link's prompt changed: offer that prompt's versions
        return _render_editor(request, agent, {}, document=document, revision=revision)
    if action.startswith("remove:"):
        document = editor.without_row(document, action.removeprefix("remove:"))
        return _render_editor(request, agent, problems, document=document, revision=revision)
    if problems:
        return _render_editor(request, agent, problems, document=document, revision=revision)
    with refused() as refusal:
        draft = drafts.update_draft(
            agent=agent, config=document, user=request.user, expected_revision=revision
        )
    if isinstance(refusal.exc, DraftConflict):
        return _render_conflict(request, agent, document)
    if refusal:
        return _render_editor(request, agent, refusal.errors, document=document, revision=revision)
    saved = f"Draft saved (revision {draft.revision})."
    if not request.htmx:
        messages.success(request, saved)
        return redirect(agent_url(agent))
    agent.draft = draft
    response = _render_editor(request, agent, {}, saved=True)
    return with_event(response, events.DRAFT_SAVED, saved, revision=draft.revision)


def _render_editor(
    request: HtmxHttpRequest,
    agent: Agent,
    errors: dict[str, str],
    *,
    document: dict[str, Any] | None = None,
    revision: int | None = None,
    saved: bool = False,
) -> HttpResponse:
    sections = editor.editor_sections(
        document if document is not None else agent.draft.config,
        errors,
        agent.kind,
        prompt_choices(agent),
    )
    extra = {
        "sections": sections,
        "form_errors": errors,
        "problems": editor.error_summary(sections) if errors else [],
        "form_revision": revision if revision is not None else agent.draft.revision,
        "saved": saved,
    }
    if request.htmx:
        context = {
            "agent": agent,
            "draft": agent.draft,
            "can": Abilities.of(request.user),
            **extra,
        }
        return render(request, f"{PAGE}#draft-editor", context)
    return render(request, PAGE, page_context(request, agent, **extra))


def _render_conflict(request: HtmxHttpRequest, agent: Agent, mine: dict[str, Any]) -> HttpResponse:
    """Someone saved in between: show theirs and mine, field by field; nothing is saved.

    `mine` was validated by update_draft before it found the conflict.
    """
    agent.draft.refresh_from_db()
    theirs = agent.draft.config
    revision = agent.draft.revision
    conflict = {
        "theirs_by": agent.draft.updated_by,
        "theirs_at": agent.draft.updated_at,
        "revision": revision,
        "mine_json": json.dumps(mine, ensure_ascii=False),
        **diff_context(
            diff(theirs, documents.of(agent.kind).normalize(mine)),
            f"Theirs (revision {revision})",
            "Mine",
        ),
    }
    extra = {"conflict": conflict}
    if request.htmx:
        context = {"agent": agent, "draft": agent.draft, "can": Abilities.of(request.user), **extra}
        # 200 so that htmx swaps it in (it ignores error statuses by default); the
        # other panels refresh to the revision that won.
        response = render(request, f"{PAGE}#draft-editor", context)
        return with_event(
            response,
            events.DRAFT_CONFLICT,
            f"Someone else saved revision {revision}: nothing was saved.",
            revision=revision,
        )
    return render(request, PAGE, page_context(request, agent, **extra), status=409)
