"""The draft editor — the main draft's and each branch's: save, add or remove list
rows, and the conflict view."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from agents.domain import documents, json_input
from agents.domain.diff import diff
from agents.domain.exceptions import DraftConflict, InvalidInput
from agents.forms import editor
from agents.models import Agent, Branch
from agents.permissions import EDIT_DRAFT, VIEW_AGENT, Abilities, require
from agents.selectors import agents
from agents.selectors import branches as branch_selectors
from agents.selectors import change_requests as change_requests_selectors
from agents.selectors.compare import compare_choices
from agents.services import drafts
from agents.views import events, routes
from agents.views.agents import PAGE, agent_url, page_context, prompt_choices
from agents.views.compare import diff_context
from agents.views.htmx import HtmxHttpRequest, int_or, refused, with_event

BRANCH_PAGE = "agents/branches/branch.html"


@routes.agent_pages.form("draft/", name="draft")
def draft_editor(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """GET: the editor with the stored draft. POST: save it, or add/remove a list row."""
    return edit(request, agents.versioned_for_page(public_id), None)


def editor_context(agent: Agent, branch: Branch | None) -> dict[str, Any]:
    """Where the editor posts and what it edits: the draft, or a branch's draft."""
    if branch is None:
        return {"editor_url": reverse("agents:draft", args=[agent.public_id]), "branch": None}
    url = reverse("agents:branch-draft", args=[agent.public_id, branch.name])
    return {"editor_url": url, "branch": branch}


def edit(request: HtmxHttpRequest, agent: Agent, branch: Branch | None) -> HttpResponse:
    """The editor of the draft (`branch` None) or of a branch's draft."""
    if request.method == "GET":
        require(request.user, VIEW_AGENT)
        if not request.htmx:
            return redirect(_page_url(agent, branch))
        return _render_editor(request, agent, branch, {})
    require(request.user, EDIT_DRAFT)
    action = request.POST.get("_action", "save")
    revision = int_or(request.POST.get("revision"))
    if action == "keep_mine":
        try:
            document = json_input.loads(request.POST.get("mine", ""))
        except (json_input.MalformedJSON, InvalidInput):
            document = None
        if not isinstance(document, dict):
            problem = {"": f"the submitted {_what(branch)} could not be read"}
            return _render_editor(request, agent, branch, problem)
        problems: dict[str, str] = {}
    else:
        document, problems = editor.parse_form(request.POST, agent.kind)
    again = {"document": document, "revision": revision}
    if action.startswith("add:"):
        again["document"] = editor.with_blank_row(document, action.removeprefix("add:"), agent.kind)
        return _render_editor(request, agent, branch, problems, **again)
    if action == "refresh":  # a link's prompt changed: offer that prompt's versions
        return _render_editor(request, agent, branch, {}, **again)
    if action.startswith("remove:"):
        again["document"] = editor.without_row(document, action.removeprefix("remove:"))
        return _render_editor(request, agent, branch, problems, **again)
    if problems:
        return _render_editor(request, agent, branch, problems, **again)
    with refused() as refusal:
        saved_target = drafts.update_draft(
            agent=agent,
            config=document,
            user=request.user,
            expected_revision=revision,
            branch=branch.name if branch else None,
        )
    if isinstance(refusal.exc, DraftConflict):
        return _render_conflict(request, agent, branch, document)
    if refusal:
        return _render_editor(request, agent, branch, refusal.errors, **again)
    saved = f"{_what(branch).capitalize()} saved (revision {saved_target.revision})."
    if not request.htmx:
        messages.success(request, saved)
        return redirect(_page_url(agent, branch))
    if branch is None:
        agent.draft = saved_target
    response = _render_editor(request, agent, saved_target if branch else None, {}, saved=True)
    event = events.BRANCH_CHANGED if branch else events.DRAFT_SAVED
    return with_event(response, event, saved, revision=saved_target.revision)


def _what(branch: Branch | None) -> str:
    return f"branch draft:{branch.name}" if branch else "draft"


def _page_url(agent: Agent, branch: Branch | None) -> str:
    if branch is None:
        return agent_url(agent)
    return reverse("agents:branch", args=[agent.public_id, branch.name])


def _render_editor(
    request: HtmxHttpRequest,
    agent: Agent,
    branch: Branch | None,
    errors: dict[str, str],
    *,
    document: dict[str, Any] | None = None,
    revision: int | None = None,
    saved: bool = False,
) -> HttpResponse:
    target = branch or agent.draft
    sections = editor.editor_sections(
        document if document is not None else target.config,
        errors,
        agent.kind,
        prompt_choices(agent),
    )
    extra = {
        "sections": sections,
        "form_errors": errors,
        "problems": editor.error_summary(sections) if errors else [],
        "form_revision": revision if revision is not None else target.revision,
        "saved": saved,
        **editor_context(agent, branch),
    }
    if request.htmx:
        context = {"agent": agent, "draft": agent.draft, "can": Abilities.of(request.user), **extra}
        return render(request, f"{BRANCH_PAGE if branch else PAGE}#draft-editor", context)
    if branch is not None:
        return render(request, BRANCH_PAGE, branch_context(request, agent, branch, **extra))
    return render(request, PAGE, page_context(request, agent, **extra))


def _render_conflict(
    request: HtmxHttpRequest, agent: Agent, branch: Branch | None, mine: dict[str, Any]
) -> HttpResponse:
    """Someone saved in between: show theirs and mine, field by field; nothing is saved.

    `mine` was validated by update_draft before it found the conflict.
    """
    if branch is None:
        agent.draft.refresh_from_db()
        target = agent.draft
    else:
        target = Branch.objects.select_related("updated_by").get(pk=branch.pk)
    revision = target.revision
    conflict = {
        "theirs_by": target.updated_by,
        "theirs_at": target.updated_at,
        "revision": revision,
        "mine_json": json.dumps(mine, ensure_ascii=False),
        **diff_context(
            diff(target.config, documents.of(agent.kind).normalize(mine)),
            f"Theirs (revision {revision})",
            "Mine",
        ),
    }
    extra = {"conflict": conflict, **editor_context(agent, branch and target)}
    if request.htmx:
        context = {"agent": agent, "draft": agent.draft, "can": Abilities.of(request.user), **extra}
        # 200 so that htmx swaps it in (it ignores error statuses by default); the
        # other panels refresh to the revision that won.
        response = render(request, f"{BRANCH_PAGE if branch else PAGE}#draft-editor", context)
        return with_event(
            response,
            events.DRAFT_CONFLICT,
            f"Someone else saved revision {revision}: nothing was saved.",
            revision=revision,
        )
    if branch is not None:
        page = render(request, BRANCH_PAGE, branch_context(request, agent, target, **extra))
        page.status_code = 409
        return page
    return render(request, PAGE, page_context(request, agent, **extra), status=409)


def branch_context(
    request: HtmxHttpRequest, agent: Agent, branch: Branch, **extra: Any
) -> dict[str, Any]:
    """Everything a branch's page shows; `extra` overrides (the editor's state)."""
    context: dict[str, Any] = {
        "agent": agent,
        "draft": agent.draft,
        "branch": branch,
        "can": Abilities.of(request.user),
        "form_errors": {},
        "conflict": None,
        "saved": False,
        "change_request": branch_selectors.open_change_request(branch),
        "merged_request": (
            change_requests_selectors.of_agent(agent, "merged").filter(branch=branch).first()
            if branch.merged_at
            else None
        ),
        "choices": [group for group in compare_choices(agent) if group[0] != "Draft and labels"],
        **editor_context(agent, branch),
    }
    context.update(extra)
    if "sections" not in context:
        context["sections"] = editor.editor_sections(
            branch.config, {}, agent.kind, prompt_choices(agent)
        )
        context["form_revision"] = branch.revision
    return context
