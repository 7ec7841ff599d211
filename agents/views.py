"""Console views: fetch, form, service, response. htmx requests get fragments.

Dialogs follow one pattern: GET renders the dialog (a whole page without
htmx), an invalid POST re-renders it with errors, success answers 204 with an
HX-Trigger event that the panels listen for (or redirects without htmx).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event
from django_htmx.middleware import HtmxDetails

from agents import config as schema
from agents import editor, selectors, services
from agents.diff import Diff
from agents.diff import diff as diff_documents
from agents.exceptions import AgentConsoleError, DraftConflict, InvalidInput, NoChanges
from agents.models import STATUS_LABELS, Agent, ApiToken, PublishedVersion
from agents.permissions import (
    CHANGE_AGENT,
    CREATE_AGENT,
    EDIT_DRAFT,
    RELEASE,
    SAVE_VERSION,
    VIEW_AGENT,
    Abilities,
    require,
)

PAGE = "agents/agent_detail.html"


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _int(value: Any, default: int | None = None) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _errors(exc: InvalidInput) -> dict[str, str]:
    found: dict[str, str] = {}
    for problem in exc.errors:
        found.setdefault(problem["path"], problem["message"])
    return found


def _done(request: HtmxHttpRequest, event: str, to: str, message: str) -> HttpResponse:
    """Success: 204 + HX-Trigger for htmx, else a redirect with a flash message."""
    if request.htmx:
        return trigger_client_event(HttpResponse(status=204), event, {"message": message})
    messages.success(request, message)
    return redirect(to)


def _dialog(request: HtmxHttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    if request.htmx:
        return render(request, template, context)
    return render(request, "agents/dialog_page.html", {**context, "dialog_template": template})


# ------------------------------------------------------------------ agent list


@require_http_methods(["GET"])
def agent_list(request: HtmxHttpRequest) -> HttpResponse:
    require(request.user, VIEW_AGENT)
    search = request.GET.get("q", "")
    status = request.GET.get("status", "")
    paginator = Paginator(selectors.agent_list(search=search, status=status), 25)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "page": page,
        "search": search,
        "status": status,
        "statuses": STATUS_LABELS,
        "can": Abilities.of(request.user),
    }
    template = "agents/agent_list.html#agent-table" if request.htmx else "agents/agent_list.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def agent_create(request: HtmxHttpRequest) -> HttpResponse:
    require(request.user, CREATE_AGENT)
    context: dict[str, Any] = {"errors": {}, "values": {}}
    if request.method == "POST":
        values = {
            "name": request.POST.get("name", ""),
            "description": request.POST.get("description", ""),
        }
        try:
            agent = services.create_agent(user=request.user, **values)
        except InvalidInput as exc:
            context.update(errors=_errors(exc), values=values)
        else:
            url = reverse("agents:detail", args=[agent.public_id])
            if request.htmx:
                return HttpResponseClientRedirect(url)
            return redirect(url)
    return _dialog(request, "agents/_new_agent_dialog.html", context)


# ------------------------------------------------------------------ agent page


def _page_context(request: HtmxHttpRequest, agent: Agent, **extra: Any) -> dict[str, Any]:
    can = Abilities.of(request.user)
    context: dict[str, Any] = {
        "agent": agent,
        "draft": agent.draft,
        "can": can,
        "history": selectors.history_page(agent=agent, can=can),
        "releases": selectors.release_log(agent),
        "activity": selectors.draft_activity(agent),
        "form_errors": {},
        "conflict": None,
        "saved": False,
    }
    context.update(extra)
    if "sections" not in context:
        context["sections"] = editor.editor_sections(agent.draft.config, {})
        context["form_revision"] = agent.draft.revision
    return context


@require_http_methods(["GET"])
def agent_detail(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    require(request.user, VIEW_AGENT)
    agent = selectors.agent_for_page(public_id)
    return render(request, PAGE, _page_context(request, agent))


def _panel(partial: str):
    """A view that renders one named partial of the agent page (panels refresh this way)."""

    @require_http_methods(["GET"])
    def view(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
        require(request.user, VIEW_AGENT)
        agent = selectors.agent_for_page(public_id)
        if not request.htmx:
            return redirect("agents:detail", public_id)
        can = Abilities.of(request.user)
        context = {"agent": agent, "draft": agent.draft, "can": can}
        if partial == "history-panel":
            context["history"] = selectors.history_page(agent=agent, can=can)
        elif partial == "release-log":
            context["releases"] = selectors.release_log(agent)
        elif partial == "draft-activity":
            context["activity"] = selectors.draft_activity(agent)
        return render(request, f"{PAGE}#{partial}", context)

    view.__name__ = partial.replace("-", "_")
    return view


agent_header = _panel("agent-header")
history_panel = _panel("history-panel")
release_log = _panel("release-log")
draft_activity = _panel("draft-activity")


@require_http_methods(["GET"])
def history_more(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """The next page of versions ("Load more"); without htmx, a full page of them."""
    require(request.user, VIEW_AGENT)
    agent = selectors.agent_for_page(public_id)
    can = Abilities.of(request.user)
    history = selectors.history_page(agent=agent, can=can, page=_int(request.GET.get("page"), 1))
    context = {"agent": agent, "draft": agent.draft, "can": can, "history": history}
    if request.htmx:
        return render(request, f"{PAGE}#history-rows", context)
    return render(request, "agents/history_page.html", context)


# ------------------------------------------------------------------ draft editor


@require_http_methods(["GET", "POST"])
def draft_editor(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """GET: the editor with the stored draft. POST: save it, or add/remove a list row."""
    agent = selectors.agent_for_page(public_id)
    if request.method == "GET":
        require(request.user, VIEW_AGENT)
        if not request.htmx:
            return redirect("agents:detail", public_id)
        return _render_editor(request, agent, {})
    require(request.user, EDIT_DRAFT)
    action = request.POST.get("_action", "save")
    revision = _int(request.POST.get("revision"))
    if action == "keep_mine":
        try:
            document = json.loads(request.POST.get("mine", ""))
        except json.JSONDecodeError:
            document = None
        if not isinstance(document, dict):
            return _render_editor(request, agent, {"": "the submitted draft could not be read"})
        problems: dict[str, str] = {}
    else:
        document, problems = editor.parse_form(request.POST)
    if action.startswith("add:"):
        document = editor.with_blank_row(document, action.removeprefix("add:"))
        return _render_editor(request, agent, problems, document=document, revision=revision)
    if action.startswith("remove:"):
        document = editor.without_row(document, action.removeprefix("remove:"))
        return _render_editor(request, agent, problems, document=document, revision=revision)
    if problems:
        return _render_editor(request, agent, problems, document=document, revision=revision)
    try:
        draft = services.update_draft(
            agent=agent, config=document, user=request.user, expected_revision=revision
        )
    except InvalidInput as exc:
        return _render_editor(request, agent, _errors(exc), document=document, revision=revision)
    except DraftConflict:
        return _render_conflict(request, agent, document)
    if not request.htmx:
        messages.success(request, f"Draft saved (revision {draft.revision}).")
        return redirect("agents:detail", public_id)
    agent.draft = draft
    response = _render_editor(request, agent, {}, saved=True)
    return trigger_client_event(response, "draftSaved", {"revision": draft.revision})


def _render_editor(
    request: HtmxHttpRequest,
    agent: Agent,
    errors: dict[str, str],
    *,
    document: dict[str, Any] | None = None,
    revision: int | None = None,
    saved: bool = False,
) -> HttpResponse:
    extra = {
        "sections": editor.editor_sections(
            document if document is not None else agent.draft.config, errors
        ),
        "form_errors": errors,
        "form_revision": revision if revision is not None else agent.draft.revision,
        "saved": saved,
    }
    if request.htmx:
        context = {"agent": agent, "draft": agent.draft, "can": Abilities.of(request.user), **extra}
        return render(request, f"{PAGE}#draft-editor", context)
    return render(request, PAGE, _page_context(request, agent, **extra))


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
        **_diff_context(
            diff_documents(theirs, schema.normalize(mine)), f"Theirs (revision {revision})", "Mine"
        ),
    }
    extra = {"conflict": conflict}
    if request.htmx:
        context = {"agent": agent, "draft": agent.draft, "can": Abilities.of(request.user), **extra}
        # 200 so that htmx swaps it in (it ignores error statuses by default); the
        # other panels refresh to the revision that won.
        response = render(request, f"{PAGE}#draft-editor", context)
        return trigger_client_event(response, "draftConflict", {"revision": conflict["revision"]})
    return render(request, PAGE, _page_context(request, agent, **extra), status=409)


# ------------------------------------------------------------------ agent details


@require_http_methods(["GET", "POST"])
def agent_details(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Edit name and description: metadata, never a draft change or a version."""
    require(request.user, CHANGE_AGENT)
    agent = selectors.agent_for_page(public_id)
    values = {"name": agent.name, "description": agent.description}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {
            "name": request.POST.get("name", ""),
            "description": request.POST.get("description", ""),
        }
        try:
            services.update_agent(agent=agent, user=request.user, **values)
        except InvalidInput as exc:
            errors = _errors(exc)
        else:
            return _done(request, "agentUpdated", agent_url(agent), "Details saved.")
    return _dialog(
        request, "agents/_details_dialog.html", {"agent": agent, "values": values, "errors": errors}
    )


def agent_url(agent: Agent) -> str:
    return reverse("agents:detail", args=[agent.public_id])


# ------------------------------------------------------------------ versions


@require_http_methods(["GET", "POST"])
def save_version(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    require(request.user, SAVE_VERSION)
    agent = selectors.agent_for_page(public_id)
    latest = agent.versions.order_by("-number").first()
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
        context.update(
            _diff_context(diff_documents(latest.config, agent.draft.config), latest.label, "Draft")
        )
    if request.method == "POST":
        values = {
            "name": request.POST.get("name", ""),
            "description": request.POST.get("description", ""),
        }
        context.update(values=values, revision=_int(request.POST.get("revision")))
        try:
            version = services.save_version(
                agent=agent, user=request.user, expected_revision=context["revision"], **values
            )
        except InvalidInput as exc:
            context["errors"] = _errors(exc)
        except (NoChanges, DraftConflict) as exc:
            context["errors"] = {"": exc.message}
            context["revision"] = agent.draft.revision
            if isinstance(exc, DraftConflict):
                context["revision"] = exc.current_revision
        else:
            return _done(
                request,
                "versionSaved",
                agent_url(agent),
                f"Saved {version.label} “{version.name}”.",
            )
    return _dialog(request, "agents/_save_version_dialog.html", context)


def _version(agent: Agent, number: int) -> PublishedVersion:
    return get_object_or_404(
        PublishedVersion.objects.select_related("created_by"), agent=agent, number=number
    )


@require_http_methods(["GET", "POST"])
def release(request: HtmxHttpRequest, public_id: str, number: int) -> HttpResponse:
    require(request.user, RELEASE)
    agent = selectors.agent_for_page(public_id)
    version = _version(agent, number)
    current = agent.released_version
    context: dict[str, Any] = {
        "agent": agent,
        "version": version,
        "current": current,
        "rollback": current is not None and version.number < current.number,
        "errors": {},
        "note": "",
        "override": "",
        "gate_on": agent.require_passing_eval and agent.released_version_id != version.pk,
    }
    if context["gate_on"]:
        context["gate"] = selectors.gate_findings(agent=agent, version=version)
    if current is not None:
        old_side = selectors.compare_side(agent, "released")
        new_side = selectors.compare_side(agent, str(version.number))
        context.update(
            _diff_context(selectors.config_diff(old_side, new_side), old_side.label, version.label)
        )
    if request.method == "POST":
        context["note"] = request.POST.get("note", "")
        context["override"] = request.POST.get("gate_override_note", "")
        try:
            event = services.release_version(
                version=version,
                user=request.user,
                note=context["note"],
                gate_override_note=context["override"].strip() or None,
            )
        except AgentConsoleError as exc:
            context["errors"] = _errors(exc) if isinstance(exc, InvalidInput) else {"": exc.message}
        else:
            verb = "Rolled back to" if event and event.kind == "rollback" else "Released"
            return _done(
                request,
                "versionReleased",
                agent_url(agent),
                f"{verb} {version.label}." if event else f"{version.label} was already released.",
            )
    return _dialog(request, "agents/_release_dialog.html", context)


@require_http_methods(["GET", "POST"])
def restore(request: HtmxHttpRequest, public_id: str, number: int) -> HttpResponse:
    require(request.user, EDIT_DRAFT)
    agent = selectors.agent_for_page(public_id)
    version = _version(agent, number)
    context: dict[str, Any] = {
        "agent": agent,
        "version": version,
        "draft": agent.draft,
        "unsaved": not selectors.draft_in_some_version(agent),
        "revision": agent.draft.revision,
        "errors": {},
        "values": {"save_first": False, "save_name": ""},
        # What the draft will lose: from the draft as it is to the version.
        **_diff_context(
            diff_documents(agent.draft.config, version.config), "Draft now", version.label
        ),
    }
    if request.method == "POST":
        revision = _int(request.POST.get("revision"))
        save_first = request.POST.get("save_first") == "on"
        save_name = request.POST.get("save_name", "")
        context.update(revision=revision, values={"save_first": save_first, "save_name": save_name})
        try:
            if save_first:
                require(request.user, SAVE_VERSION)
                services.save_version(
                    agent=agent, user=request.user, name=save_name, expected_revision=revision
                )
            services.restore_version(version=version, user=request.user, expected_revision=revision)
        except InvalidInput as exc:
            context["errors"] = {f"save_{k}" if k else k: v for k, v in _errors(exc).items()}
        except (NoChanges, DraftConflict) as exc:
            context["errors"] = {"": exc.message}
        else:
            response = _done(
                request,
                "draftRestored",
                agent_url(agent),
                f"Restored {version.label} into the draft.",
            )
            if save_first and request.htmx:
                trigger_client_event(response, "versionSaved")
            return response
    return _dialog(request, "agents/_restore_dialog.html", context)


# ------------------------------------------------------------------ compare


def _diff_context(diff: Diff, old_label: str, new_label: str) -> dict[str, Any]:
    """What `agents/_changes.html` renders: changes grouped under the editor's section titles."""
    groups: dict[str, list] = {}
    for section, changes in diff.by_section(schema.SECTIONS):
        groups.setdefault(editor.SECTION_TITLES.get(section, section), []).extend(changes)
    return {
        "diff": diff,
        "groups": list(groups.items()),
        "old_label": old_label,
        "new_label": new_label,
    }


def _compare(request: HtmxHttpRequest, agent: Agent, a: str, b: str) -> HttpResponse:
    recent = agent.versions.order_by("-number").values_list("number", flat=True)[:50]
    try:
        old, new = selectors.compare_side(agent, a), selectors.compare_side(agent, b)
    except Http404 as exc:
        if not request.htmx:
            raise
        # htmx does not swap error responses: answer with the reason in the panel.
        context = {"agent": agent, "error": str(exc), "recent": recent}
        return render(request, "agents/compare.html#compare-view", context)
    context = {
        "agent": agent,
        "old": old,
        "new": new,
        "recent": recent,
        **_diff_context(selectors.config_diff(old, new), old.label, new.label),
    }
    if request.htmx:
        return render(request, "agents/compare.html#compare-view", context)
    return render(request, "agents/compare.html", context)


@require_http_methods(["GET"])
def compare(request: HtmxHttpRequest, public_id: str, a: str, b: str) -> HttpResponse:
    """`/agents/<id>/compare/<a>...<b>/` with a, b in draft | released | <number>."""
    require(request.user, VIEW_AGENT)
    return _compare(request, selectors.agent_for_page(public_id), a, b)


@require_http_methods(["GET"])
def compare_pick(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """The compare picker's form target: `?from=…&to=…`."""
    require(request.user, VIEW_AGENT)
    agent = selectors.agent_for_page(public_id)
    a = request.GET.get("from", "").strip() or "released"
    b = request.GET.get("to", "").strip() or "draft"
    if request.htmx:
        return _compare(request, agent, a, b)
    return redirect("agents:compare", public_id, a.removeprefix("v"), b.removeprefix("v"))


# ------------------------------------------------------------------ API tokens


@require_http_methods(["GET", "POST"])
def api_tokens(request: HtmxHttpRequest) -> HttpResponse:
    """The user's API tokens: create one (its secret is shown once), see when each was used."""
    created_secret = ""
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            _, created_secret = services.create_api_token(
                user=request.user, name=request.POST.get("name", "")
            )
        except InvalidInput as exc:
            errors = _errors(exc)
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(
        request,
        "agents/api_tokens.html",
        {"tokens": tokens, "created_secret": created_secret, "errors": errors},
    )


@require_http_methods(["POST"])
def revoke_api_token(request: HtmxHttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    services.revoke_api_token(token=token, user=request.user)
    messages.success(request, f"Revoked {token.prefix}… — it is refused from now on.")
    return redirect("agents:api-tokens")


# ------------------------------------------------------------------ channels

VARIANT_ROWS = 4
MANAGE_CHANNELS = "agents.manage_channels"


def _channel_form_values(post) -> dict[str, Any]:
    """The channel form as typed (targets as `released`, `draft` or `v3`)."""
    rows = [
        {
            "target": post.get(f"variant-{i}-target", "").strip(),
            "weight": post.get(f"variant-{i}-weight", "").strip(),
        }
        for i in range(VARIANT_ROWS)
    ]
    return {
        "name": post.get("name", ""),
        "kind": post.get("kind", ""),
        "address": post.get("address", ""),
        "agent": post.get("agent", ""),
        "target": post.get("target", "released").strip() or "released",
        "rows": rows,
    }


def _channel_changes(values: dict[str, Any]) -> dict[str, Any]:
    from agents.channels import parse_target_label

    agent = Agent.objects.filter(public_id=values["agent"]).first()
    if agent is None:
        raise InvalidInput([{"path": "agent", "message": "choose an agent"}])
    variants = [
        {"target": parse_target_label(row["target"]), "weight": _int(row["weight"], row["weight"])}
        for row in values["rows"]
        if row["target"]
    ]
    return {
        "name": values["name"],
        "kind": values["kind"],
        "address": values["address"],
        "agent": agent,
        "target": parse_target_label(values["target"]),
        "variants": variants or None,
    }


def _channel_values(channel) -> dict[str, Any]:
    from agents.channels import target_label

    variants = channel.variants or []
    rows = [{"target": target_label(v["target"]), "weight": str(v["weight"])} for v in variants]
    rows += [{"target": "", "weight": ""}] * (VARIANT_ROWS - len(rows))
    return {
        "name": channel.name,
        "kind": channel.kind,
        "address": channel.address,
        "agent": channel.agent.public_id,
        "target": target_label(channel.target),
        "rows": rows,
    }


@require_http_methods(["GET"])
def channel_list(request: HtmxHttpRequest) -> HttpResponse:
    from agents.channels import describe
    from agents.models import Channel

    require(request.user, VIEW_AGENT)
    rows = [
        (channel, describe(channel.target, channel.variants))
        for channel in Channel.objects.select_related("agent").order_by("name", "id")
    ]
    return render(
        request,
        "agents/channels.html",
        {
            "rows": rows,
            "can_manage": request.user.has_perm(MANAGE_CHANNELS),
        },
    )


@require_http_methods(["GET", "POST"])
def channel_edit(request: HtmxHttpRequest, public_id: str | None = None) -> HttpResponse:
    """Create (no id) or edit a channel: target picker, variants and weights."""
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    from agents.models import Channel

    require(request.user, VIEW_AGENT)
    channel = (
        get_object_or_404(Channel.objects.select_related("agent"), public_id=public_id)
        if public_id
        else None
    )
    errors: dict[str, str] = {}
    at_text = request.GET.get("at", "").strip()
    at = parse_datetime(at_text) if at_text else None
    if at is not None and timezone.is_naive(at):
        at = timezone.make_aware(at)
    if request.method == "POST":
        require(request.user, MANAGE_CHANNELS)
        values = _channel_form_values(request.POST)
        try:
            changes = _channel_changes(values)
            if channel is None:
                channel = services.create_channel(user=request.user, **changes)
            else:
                channel = services.update_channel(channel=channel, user=request.user, **changes)
        except InvalidInput as exc:
            errors = _errors(exc)
        else:
            messages.success(request, f"Saved {channel.name}.")
            return redirect("agents:channel", channel.public_id)
    elif channel is not None:
        values = _channel_values(channel)
    else:
        require(request.user, MANAGE_CHANNELS)
        values = _channel_form_values({})
    context = {
        "channel": channel,
        "values": values,
        "errors": errors,
        "kinds": Channel.Kind.choices,
        "agents": Agent.objects.filter(archived_at__isnull=True).order_by("name"),
        "can_manage": request.user.has_perm(MANAGE_CHANNELS),
        "serving": selectors.channel_as_of(channel, timezone.now()) if channel else None,
        "at": at_text,
        "served": selectors.channel_as_of(channel, at) if channel and at else None,
        "changes": channel.history.select_related("history_user")[:10] if channel else [],
    }
    return render(request, "agents/channel_form.html", context)


# ------------------------------------------------------------------ monitoring


@require_http_methods(["GET"])
def agent_conversations(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Conversations of one agent: filter by version, channel, outcome and dates."""
    from datetime import date

    from agents.models import Channel, Conversation

    require(request.user, VIEW_AGENT)
    agent = selectors.agent_for_page(public_id)
    filters = {
        key: request.GET.get(key, "").strip()
        for key in ("version", "channel", "outcome", "since", "until")
    }

    def day(value: str):
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            return None

    rows = selectors.conversations_page(
        agent,
        version=filters["version"],
        channel=filters["channel"],
        outcome=filters["outcome"],
        since=day(filters["since"]),
        until=day(filters["until"]),
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    context = {
        "agent": agent,
        "page": page,
        "filters": filters,
        "query": query,
        "outcomes": Conversation.Outcome.values,
        "channels": Channel.objects.filter(agent=agent).only("public_id", "name"),
        "versions": agent.versions.order_by("-number").values_list("number", flat=True)[:100],
    }
    template = (
        "agents/conversations.html#conversation-table"
        if request.htmx
        else "agents/conversations.html"
    )
    return render(request, template, context)


@dataclass
class Bar:
    x: float
    y: float
    height: float
    label: str
    value: str
    css: str
    low_y: float | None = None
    high_y: float | None = None


def _chart(a, b) -> dict[str, Any]:
    """Grouped bars (completion with its 95% interval, automation) for two versions."""
    top, height, width, group = 20, 180, 90, 230
    bars: list[Bar] = []
    metrics = [("Completion", "completion_rate"), ("Automation", "automation_rate")]
    for m, (title, attribute) in enumerate(metrics):
        for i, stats in enumerate((a, b)):
            value = getattr(stats, attribute) if stats else None
            share = value or 0.0
            x = 50 + m * group + i * (width + 10)
            bar = Bar(
                x=x,
                y=top + height * (1 - share),
                height=height * share,
                label=f"{title} {stats.label if stats else ''}",
                value="—" if value is None else f"{100 * value:.0f}%",
                css="bar-a" if i == 0 else "bar-b",
            )
            if attribute == "completion_rate" and stats and stats.completion_low is not None:
                bar.low_y = top + height * (1 - stats.completion_low)
                bar.high_y = top + height * (1 - stats.completion_high)
            bars.append(bar)
    ticks = [{"y": top + height * (1 - t / 100), "label": f"{t}%"} for t in (0, 50, 100)]
    return {
        "bars": bars,
        "ticks": ticks,
        "width": 50 + 2 * group + 20,
        "height": top + height + 40,
        "base": top + height,
        "bar_width": width,
        "titles": [(50 + m * group + width + 5, t) for m, (t, _) in enumerate(metrics)],
    }


@require_http_methods(["GET"])
def agent_analytics(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Per-version outcomes, and any two versions side by side with a chart."""
    require(request.user, VIEW_AGENT)
    agent = selectors.agent_for_page(public_id)
    stats = selectors.version_stats(agent)
    by_label = {s.label: s for s in stats}
    released = agent.released_version.label if agent.released_version else None
    default_a = released if released in by_label else (stats[-1].label if stats else "")
    default_b = next((s.label for s in stats if s.label != default_a), default_a)
    a_label = request.GET.get("a", default_a)
    b_label = request.GET.get("b", default_b)
    a, b = by_label.get(a_label), by_label.get(b_label)
    context = {
        "agent": agent,
        "stats": stats,
        "a": a,
        "b": b,
        "a_label": a_label,
        "b_label": b_label,
        "chart": _chart(a, b),
    }
    template = "agents/analytics.html#comparison" if request.htmx else "agents/analytics.html"
    return render(request, template, context)
