"""The Save Version and Restore dialogs (Restore serves revisions too)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django_htmx.http import trigger_client_event

from agents.domain.diff import diff
from agents.domain.exceptions import InvalidInput
from agents.forms import editor
from agents.models import Agent, PublishedVersion
from agents.permissions import EDIT_DRAFT, SAVE_VERSION, require
from agents.selectors import agents, history
from agents.selectors import versions as versions_selectors
from agents.services import versions
from agents.views import events, routes
from agents.views.agents import agent_url
from agents.views.compare import diff_context
from agents.views.htmx import HtmxHttpRequest, dialog, done, int_or, refused


@routes.agent_pages.form("versions/new/", name="save-version")
def save_version(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    require(request.user, SAVE_VERSION)
    agent = agents.versioned_for_page(public_id)
    latest = versions_selectors.latest_version(agent)
    context: dict[str, Any] = {
        "agent": agent,
        "draft": agent.draft,
        "errors": {},
        "values": {},
        "revision": agent.draft.revision,
        "latest": latest,
        "next_number": (latest.number if latest else 0) + 1,
    }
    if latest is not None:
        context.update(diff_context(diff(latest.config, agent.draft.config), latest.label, "Draft"))
    if request.method == "POST":
        values = {
            "name": request.POST.get("name", ""),
            "description": request.POST.get("description", ""),
        }
        context.update(values=values, revision=int_or(request.POST.get("revision")))
        with_draft = request.POST.get("_action") == "save_draft"
        with refused() as refusal:
            if with_draft:  # the editor's unsaved form came along: save it first
                version = _save_form_and_version(request, agent, values, context["revision"])
            else:
                version = versions.save_version(
                    agent=agent, user=request.user, expected_revision=context["revision"], **values
                )
        if refusal:
            context["errors"] = _dialog_errors(refusal.errors)
            if not isinstance(refusal.exc, InvalidInput):  # try again against the draft now
                context["revision"] = getattr(refusal.exc, "current_revision", agent.draft.revision)
        else:
            return done(
                request,
                events.VERSION_SAVED,
                agent_url(agent),
                f"Saved {version.label} “{version.name}”"
                + (" with the draft's edits." if with_draft else "."),
                *([events.DRAFT_REPLACED] if with_draft else []),
            )
    return dialog(request, "agents/versions/_save_version_dialog.html", context)


def _save_form_and_version(
    request: HtmxHttpRequest, agent: Agent, values: dict[str, str], revision: int | None
) -> PublishedVersion:
    """Save Version with the editor's unsaved form: saved as the draft, then snapshot."""
    require(request.user, EDIT_DRAFT)
    document, problems = editor.parse_form(request.POST, agent.kind)
    if problems:
        raise InvalidInput(_as_errors(problems))
    return versions.save_draft_and_version(
        agent=agent, config=document, user=request.user, expected_revision=revision, **values
    )


def _as_errors(problems: dict[str, str]) -> list[dict[str, str]]:
    return [{"path": path, "message": message} for path, message in problems.items()]


def _dialog_errors(errors: dict[str, str]) -> dict[str, str]:
    """The dialog's own fields keep their errors; a problem of the draft's form is one
    line pointing back to the editor, where Save draft shows it beside its field."""
    own = {key: value for key, value in errors.items() if key in ("", "name", "description")}
    others = [key for key in errors if key not in own]
    if others:
        own[""] = (
            f"The draft's form has {len(others)} problem{'s' if len(others) > 1 else ''} "
            f"({', '.join(others[:3])}{'…' if len(others) > 3 else ''}): nothing was saved. "
            "Close this dialog and press Save draft to see each beside its field."
        )
    return own


@dataclass(frozen=True)
class RestoreSource:
    """What a Restore dialog puts into the draft: a version or a draft revision."""

    label: str  # "v3" or "r12"
    name: str  # the version's name, or what the revision was ("Edited by ann")
    config: dict[str, Any]
    action: str  # where the dialog posts
    restore: Callable[..., Any]  # the service call, given user/expected_revision/save_first_as


@routes.agent_pages.form("versions/<int:number>/restore/", name="restore")
def restore(request: HtmxHttpRequest, public_id: str, number: int) -> HttpResponse:
    require(request.user, EDIT_DRAFT)
    agent = agents.versioned_for_page(public_id)
    version = versions_selectors.get_version(agent, number)
    source = RestoreSource(
        label=version.label,
        name=f"“{version.name}”",
        config=version.config,
        action=reverse("agents:restore", args=[agent.public_id, version.number]),
        restore=lambda **kw: versions.restore_version(version=version, **kw),
    )
    return restore_dialog(request, agent, source)


def restore_dialog(request: HtmxHttpRequest, agent, source: RestoreSource) -> HttpResponse:
    """The Restore dialog, the same for versions and revisions: what the draft will
    lose, a warning about unsaved edits and unversioned changes, save-first."""
    context: dict[str, Any] = {
        "agent": agent,
        "source": source,
        "draft": agent.draft,
        "unsaved": not history.draft_in_some_version(agent),
        "revision": agent.draft.revision,
        "errors": {},
        "values": {"save_first": False, "save_name": ""},
        # What the draft will lose: from the draft as it is to the source.
        **diff_context(diff(agent.draft.config, source.config), "Draft now", source.label),
    }
    if request.method == "POST":
        revision = int_or(request.POST.get("revision"))
        save_first = request.POST.get("save_first") == "on"
        save_name = request.POST.get("save_name", "")
        context.update(revision=revision, values={"save_first": save_first, "save_name": save_name})
        if save_first:
            require(request.user, SAVE_VERSION)
        with refused() as refusal:
            source.restore(
                user=request.user,
                expected_revision=revision,
                save_first_as=save_name if save_first else None,
            )
        if refusal:
            context["errors"] = {f"save_{k}" if k else k: v for k, v in refusal.errors.items()}
        else:
            response = done(
                request,
                events.DRAFT_RESTORED,
                agent_url(agent),
                f"Restored {source.label} into the draft.",
            )
            if save_first and request.htmx:
                # The history panel refreshes too; the restore's message is the one shown.
                trigger_client_event(response, events.VERSION_SAVED)
            return response
    return dialog(request, "agents/versions/_restore_dialog.html", context)
