"""Change requests in the console: the list across agents ("waiting for my review"),
one change request's page (its diff with comments on fields and lines, threads,
suggestions applied in one click, reviews, the merge with its conflicts resolved
one by one), and the dialogs and buttons that act on it."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import register_converter, reverse
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from agents.domain import paths
from agents.domain.exceptions import InvalidInput, MergeConflict
from agents.models import ChangeRequest
from agents.permissions import EDIT_DRAFT, VIEW_AGENT, Abilities, require
from agents.selectors import agents as agents_selectors
from agents.selectors import change_requests as selectors
from agents.services import change_requests as services
from agents.views import events, routes
from agents.views.compare import diff_context
from agents.views.htmx import HtmxHttpRequest, dialog, done, int_or, refused

register_converter(routes.words("resolve|apply|reply"), "comment_action")
register_converter(routes.words("close|reopen"), "cr_state")

SHOWN = ("review", "open", "merged", "closed", "all")


@routes.pages.get("change-requests/", name="change-requests")
def change_requests_page(request: HtmxHttpRequest) -> HttpResponse:
    """Every agent's change requests (or one agent's, `?agent=`); first those waiting
    for my review."""
    require(request.user, VIEW_AGENT)
    show = request.GET.get("show", "review")
    if show not in SHOWN:
        show = "review"
    if show == "review":
        rows = selectors.waiting_for(request.user)
    else:
        rows = selectors.everything("" if show == "all" else show)
    agent = None
    if request.GET.get("agent"):
        agent = agents_selectors.agent_for_page(request.GET["agent"])
        rows = rows.filter(agent=agent)
    rows = list(rows[:200])
    context = {"rows": rows, "show": show, "shown": SHOWN, "agent": agent, "open_count": 0}
    if show == "review" and not rows:  # say where the open ones are
        others = selectors.everything(ChangeRequest.Status.OPEN)
        context["open_count"] = (others.filter(agent=agent) if agent else others).count()
    return render(request, "agents/change_requests/list.html", context)


def _page_context(request: HtmxHttpRequest, cr: ChangeRequest, **extra: Any) -> dict[str, Any]:
    preview = selectors.preview(cr)
    branch = cr.branch
    threads = [{"comment": c, "outdated": selectors.is_outdated(c, branch)} for c in cr.threads]
    conflicts = []
    for i, conflict in enumerate(preview.merged.conflicts):
        texts = all(isinstance(v, str) for v in (conflict.draft, conflict.branch))
        conflicts.append(
            {
                "i": i,
                "conflict": conflict,
                "text": texts,
                "editable": conflict.merged
                if conflict.merged is not None
                else _shown(conflict.draft),
            }
        )
    context = {
        "cr": cr,
        "agent": cr.agent,
        "branch": branch,
        "can": Abilities.of(request.user),
        "mine": cr.author_id == request.user.pk,
        "preview": preview,
        "standing": selectors.standing(cr),
        "threads": threads,
        "reviews": [(r, selectors.is_stale(r, cr)) for r in cr.all_reviews],
        "conflicts": conflicts,
        "comment_url": reverse("agents:cr-comment", args=[cr.public_id]),
        "draft_revision": cr.agent.draft.revision,
        **diff_context(preview.changes, f"Base ({branch.base_ref})", f"draft:{branch.name}"),
        "errors": {},
    }
    context.update(extra)
    return context


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) if value is not None else "null"


@routes.pages.get("change-requests/<str:cr_id>/", name="change-request")
def change_request_page(request: HtmxHttpRequest, cr_id: str) -> HttpResponse:
    require(request.user, VIEW_AGENT)
    cr = selectors.change_request(cr_id)
    return render(request, "agents/change_requests/page.html", _page_context(request, cr))


def _changed(request: HtmxHttpRequest, cr: ChangeRequest, message: str) -> HttpResponse:
    page = reverse("agents:change-request", args=[cr.public_id])
    return done(request, events.CHANGE_REQUEST_CHANGED, page, message)


def _refused(request: HtmxHttpRequest, cr: ChangeRequest, message: str) -> HttpResponse:
    messages.error(request, message)
    page = reverse("agents:change-request", args=[cr.public_id])
    if request.htmx:
        return HttpResponseClientRedirect(page)
    return redirect(page)


@routes.pages.post("change-requests/<str:cr_id>/<cr_state:action>/", name="cr-state")
def change_state(request: HtmxHttpRequest, cr_id: str, action: str) -> HttpResponse:
    """Close or reopen."""
    require(request.user, EDIT_DRAFT)
    cr = selectors.change_request(cr_id)
    act = services.close_change_request if action == "close" else services.reopen_change_request
    with refused() as refusal:
        act(cr=cr, user=request.user)
    if refusal:
        return _refused(request, cr, refusal.message)
    return _changed(request, cr, f"{'Closed' if action == 'close' else 'Reopened'} {cr.public_id}.")


@routes.pages.form("change-requests/<str:cr_id>/comment/", name="cr-comment")
def add_comment(request: HtmxHttpRequest, cr_id: str) -> HttpResponse:
    """Comment on the change request, a field (`path`) or a line of a text (`line`),
    optionally suggesting what it should say."""
    require(request.user, EDIT_DRAFT)
    cr = selectors.change_request(cr_id)
    data = request.POST if request.method == "POST" else request.GET
    path, line = data.get("path", ""), int_or(data.get("line"))
    try:
        current = selectors.spot(cr.branch.config, path, line) if path else None
    except paths.NoSuchPath:  # refused, with its reason, when posted
        current = None
    text = isinstance(current, str)
    values = {
        "body": request.POST.get("body", ""),
        "suggest": bool(request.POST.get("suggest")),
        "suggestion": request.POST.get(
            "suggestion", current if text else (_shown(current) if path else "")
        ),
    }
    context: dict[str, Any] = {
        "cr": cr,
        "path": path,
        "line": line,
        "current": current,
        "text": text or line is not None,
        "values": values,
        "errors": {},
    }
    if request.method == "POST":
        suggestion: Any = values["suggestion"]
        with refused() as refusal:
            if values["suggest"] and not context["text"]:
                try:
                    suggestion = json.loads(suggestion)
                except ValueError:
                    raise InvalidInput(
                        [{"path": "suggestion", "message": 'not JSON (a number, true, "text"…)'}]
                    ) from None
            services.comment(
                cr=cr,
                user=request.user,
                body=values["body"],
                path=path,
                line=line,
                suggestion=suggestion,
                has_suggestion=values["suggest"],
            )
        context["errors"] = refusal.errors
        if not refusal:
            return _changed(request, cr, "Comment added.")
    return dialog(request, "agents/change_requests/_comment_dialog.html", context)


@routes.pages.post(
    "change-requests/<str:cr_id>/comments/<str:comment_id>/<comment_action:action>/",
    name="cr-comment-act",
)
def act_on_comment(request: HtmxHttpRequest, cr_id: str, comment_id: str, action: str):
    """Reply to, resolve, or apply the suggestion of a comment."""
    require(request.user, EDIT_DRAFT)
    cr = selectors.change_request(cr_id)
    comment = selectors.comment(cr, comment_id)
    with refused() as refusal:
        if action == "reply":
            services.reply(to=comment, user=request.user, body=request.POST.get("body", ""))
            message = "Replied."
        elif action == "resolve":
            services.resolve_comment(comment=comment, user=request.user)
            message = "Resolved."
        else:
            saved = services.apply_suggestion(comment=comment, user=request.user)
            message = f"Applied the suggestion to draft:{cr.branch.name} (r{saved.revision})."
    if refusal:
        return _refused(request, cr, refusal.message)
    response = _changed(request, cr, message)
    if action == "apply" and request.htmx:
        trigger_client_event(response, events.BRANCH_CHANGED, {})
    return response


@routes.pages.form("change-requests/<str:cr_id>/review/", name="cr-review")
def add_review(request: HtmxHttpRequest, cr_id: str) -> HttpResponse:
    """Approve, request changes, or comment."""
    require(request.user, EDIT_DRAFT)
    cr = selectors.change_request(cr_id)
    values = {
        "verdict": request.POST.get("verdict", "approve"),
        "body": request.POST.get("body", ""),
    }
    context: dict[str, Any] = {"cr": cr, "values": values, "errors": {}}
    if request.method == "POST":
        with refused() as refusal:
            services.review(
                cr=cr, user=request.user, verdict=values["verdict"], body=values["body"]
            )
        context["errors"] = refusal.errors
        if not refusal:
            said = {"approve": "Approved", "request_changes": "Requested changes on"}
            return _changed(
                request, cr, f"{said.get(values['verdict'], 'Reviewed')} {cr.public_id}."
            )
    return dialog(request, "agents/change_requests/_review_dialog.html", context)


@routes.pages.post(
    "change-requests/<str:cr_id>/reviews/<int:review_id>/dismiss/", name="cr-dismiss"
)
def dismiss_review(request: HtmxHttpRequest, cr_id: str, review_id: int) -> HttpResponse:
    require(request.user, VIEW_AGENT)
    cr = selectors.change_request(cr_id)
    review = selectors.review(cr, review_id)
    with refused() as refusal:
        services.dismiss_review(
            review=review, user=request.user, reason=request.POST.get("reason", "")
        )
    if refusal:
        return _refused(request, cr, refusal.message)
    return _changed(request, cr, f"Dismissed {review.reviewer.get_username()}'s review.")


@routes.pages.post("change-requests/<str:cr_id>/merge/", name="cr-merge")
def merge(request: HtmxHttpRequest, cr_id: str) -> HttpResponse:
    """Merge, with each conflict resolved as chosen (take draft, take branch, or the
    edited text), against the draft revision the page showed."""
    require(request.user, EDIT_DRAFT)
    cr = selectors.change_request(cr_id)
    resolutions: dict[str, Any] = {}
    problems = []
    for key, path in request.POST.items():
        if not key.startswith("path-"):
            continue
        i = key.removeprefix("path-")
        choice = request.POST.get(f"take-{i}", "")
        if choice in ("draft", "branch"):
            resolutions[path] = choice
        elif choice == "edit":
            edited = request.POST.get(f"value-{i}", "")
            if request.POST.get(f"text-{i}"):
                resolutions[path] = {"value": edited.replace("\r\n", "\n")}
            else:
                try:
                    resolutions[path] = {"value": json.loads(edited)}
                except ValueError:
                    problems.append(f"{path}: the edited value is not JSON")
    if problems:
        return _refused(request, cr, "; ".join(problems))
    with refused() as refusal:
        draft, version = services.merge_change_request(
            cr=cr,
            user=request.user,
            resolutions=resolutions,
            expected_revision=int_or(request.POST.get("revision")),
            save_as=request.POST.get("save_as", "").strip() or None,
        )
    if refusal:
        message = refusal.message
        if isinstance(refusal.exc, MergeConflict):
            message = f"{message} Choose a side (or edit) for each conflict below."
        return _refused(request, cr, message)
    message = f"Merged {cr.public_id} into the draft (r{draft.revision})"
    message += f" and saved {version.label}." if version else "."
    messages.success(request, message)
    url = reverse("agents:detail", args=[cr.agent.public_id])
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)
