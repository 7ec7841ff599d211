"""Webhooks in the console (Releasers): the list with a create form, and each
webhook's page — edit, rotate the secret, send a test event, the deliveries log
with Redeliver. A secret is shown on the page that made it, never again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from agents.models import EVENTS, Delivery, Webhook
from agents.permissions import MANAGE_WEBHOOKS, require
from agents.selectors import webhooks as webhooks_selectors
from agents.services import webhooks
from agents.views import routes
from agents.views.htmx import HtmxHttpRequest, dialog, fragment_or_page, int_or, refused

PAGE_SIZE = 25
EVENT_HELP = {
    "version.saved": "a version is saved",
    "release": "a version is released",
    "rollback": "released goes back to an earlier version",
    "label.moved": "a label (staging, eu…) moves",
    "draft.updated": "the draft (or a branch's) is edited, restored or imported",
    "rollout": "a rollout starts, steps, pauses, completes or rolls back",
    "alert": "a regression alert is raised",
    "change_request.opened": "a change request is opened",
    "change_request.reviewed": "a change request is reviewed",
    "change_request.merged": "a change request is merged into the draft",
}


def _values(data) -> dict[str, Any]:
    return {
        "url": data.get("url", "").strip(),
        "events": [e for e in data.getlist("events") if e in EVENTS] if data else [],
        "description": data.get("description", ""),
    }


@routes.pages.form("webhooks/", name="webhooks")
def webhook_list(request: HtmxHttpRequest) -> HttpResponse:
    require(request.user, MANAGE_WEBHOOKS)
    values: dict[str, Any] = {"url": "", "events": ["release", "rollback"], "description": ""}
    errors: dict[str, str] = {}
    created: Webhook | None = None
    if request.method == "POST":
        values = _values(request.POST)
        with refused() as refusal:
            created = webhooks.create_webhook(user=request.user, **values)
        errors = refusal.errors
    context = {
        "rows": list(webhooks_selectors.webhook_list()),
        "values": values if created is None else {"url": "", "events": [], "description": ""},
        "errors": errors,
        "created": created,
        "events": [(event, EVENT_HELP[event]) for event in EVENTS],
    }
    return render(request, "agents/webhooks/list.html", context, status=201 if created else 200)


@routes.pages.form("webhooks/<str:webhook_id>/", name="webhook")
def webhook_detail(request: HtmxHttpRequest, webhook_id: str) -> HttpResponse:
    require(request.user, MANAGE_WEBHOOKS)
    hook = webhooks_selectors.webhook(webhook_id)
    errors: dict[str, str] = {}
    values = {"url": hook.url, "events": hook.events, "description": hook.description}
    if request.method == "POST":
        values = _values(request.POST)
        with refused() as refusal:
            hook = webhooks.update_webhook(
                webhook=hook, user=request.user, active="active" in request.POST, **values
            )
        errors = refusal.errors
        if not refusal:
            messages.success(request, "Saved the webhook.")
            return redirect("agents:webhook", hook.public_id)
    return _page(request, hook, values=values, errors=errors)


def _page(request, hook: Webhook, **extra: Any) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in Delivery.Status.values else ""
    paginator = Paginator(webhooks_selectors.deliveries(hook, status=status), PAGE_SIZE)
    page = paginator.get_page(int_or(request.GET.get("page"), 1))
    soon = timezone.now() + timedelta(seconds=15)
    context = {
        "hook": hook,
        "values": {"url": hook.url, "events": hook.events, "description": hook.description},
        "errors": {},
        "events": [(event, EVENT_HELP[event]) for event in EVENTS],
        "page": page,
        "status": status,
        "statuses": Delivery.Status.choices,
        # The log refreshes itself while a delivery is about to be tried.
        "pending": any(
            d.status == "pending" and d.next_attempt_at <= soon for d in page.object_list
        ),
        **extra,
    }
    return fragment_or_page(request, "agents/webhooks/detail.html", "deliveries", context)


CONFIRM = {
    "rotate": (
        "Rotate the secret?",
        "Deliveries from now on are signed with a new secret, shown once; receivers "
        "checking the old one refuse them until they are given the new one.",
        "Rotate secret",
    ),
    "delete": (
        "Delete this webhook?",
        "Nothing more is sent to it, and its delivery log goes with it.",
        "Delete webhook",
    ),
}


@routes.pages.form("webhooks/<str:webhook_id>/<hook_action:action>/", name="webhook-action")
def webhook_action(request: HtmxHttpRequest, webhook_id: str, action: str) -> HttpResponse:
    """The buttons of a webhook's page: test; rotate and delete (GET asks to confirm)."""
    require(request.user, MANAGE_WEBHOOKS)
    hook = webhooks_selectors.webhook(webhook_id)
    if request.method == "GET":
        if action not in CONFIRM:
            return redirect("agents:webhook", hook.public_id)
        title, message, label = CONFIRM[action]
        context = {
            "title": title,
            "message": message,
            "action": request.path,
            "confirm_label": label,
        }
        return dialog(request, "agents/shared/_confirm_dialog.html", context)
    if action == "test":
        delivery = webhooks.send_test_event(webhook=hook, user=request.user)
        messages.success(request, f"Test event queued ({delivery.public_id}).")
    elif action == "rotate":
        hook = webhooks.update_webhook(webhook=hook, user=request.user, rotate_secret=True)
        return _page(request, hook, secret=hook.secret)
    elif action == "delete":
        webhooks.delete_webhook(webhook=hook, user=request.user)
        messages.success(request, f"Deleted the webhook to {hook.url}.")
        return redirect("agents:webhooks")
    return redirect("agents:webhook", hook.public_id)


@routes.pages.post(
    "webhooks/<str:webhook_id>/deliveries/<str:delivery_id>/redeliver/", name="redeliver"
)
def redeliver(request: HtmxHttpRequest, webhook_id: str, delivery_id: str) -> HttpResponse:
    require(request.user, MANAGE_WEBHOOKS)
    hook = webhooks_selectors.webhook(webhook_id)
    again = webhooks.redeliver(
        delivery=webhooks_selectors.delivery(hook, delivery_id), user=request.user
    )
    messages.success(request, f"Redelivery queued ({again.public_id}).")
    return redirect("agents:webhook", hook.public_id)
