"""Comparing any two configurations of an agent, and the diff context dialogs share."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from agents.domain import config as config_domain
from agents.domain import diff as diff_domain
from agents.domain import references
from agents.domain.diff import Diff
from agents.forms import editor
from agents.models import Agent
from agents.permissions import VIEW_AGENT, require
from agents.selectors import agents, runtime
from agents.selectors import compare as compare_selectors
from agents.views import routes
from agents.views.htmx import HtmxHttpRequest, refused


def diff_context(diff: Diff, old_label: str, new_label: str) -> dict[str, Any]:
    """What `agents/shared/_changes.html` renders: changes grouped under section titles."""
    groups: dict[str, list] = {}
    titles = {**editor.TITLES["prompt"], **editor.SECTION_TITLES, **LINKED_TITLES}
    for section, changes in diff.by_section(config_domain.SECTIONS):
        groups.setdefault(titles.get(section, section), []).extend(changes)
    return {
        "diff": diff,
        "groups": list(groups.items()),
        "old_label": old_label,
        "new_label": new_label,
    }


LINKED_TITLES = {"linked_prompts": "Linked prompt text (resolved now)"}


def linked_text_diff(old_config: dict, new_config: dict) -> dict[str, Any]:
    """The change in the text the linked prompts render to (followed ones as released
    now): what a model would be told differently, beyond the links themselves."""
    if not (old_config.get("prompt_links") or new_config.get("prompt_links")):
        return {}

    def texts(config: dict) -> dict[str, Any]:
        with refused() as refusal:
            linked = runtime.linked_prompts(config)
        if refusal:
            return {}
        return {f"{p['role']} · {p['prompt']}": p["text"] for p in linked}

    found = diff_domain.diff(
        {"linked_prompts": texts(old_config)}, {"linked_prompts": texts(new_config)}
    )
    return {"linked": diff_context(found, "", "")} if found.changes else {}


def _compare(
    request: HtmxHttpRequest, agent: Agent, a: str, b: str, *, older_first: bool = False
) -> HttpResponse:
    choices = compare_selectors.compare_choices(agent)
    with refused() as refusal:
        old, new = (
            compare_selectors.compare_side(agent, a),
            compare_selectors.compare_side(agent, b),
        )
    if refusal:
        if not request.htmx:
            raise Http404(refusal.message)
        # htmx does not swap error responses: answer with the reason in the panel.
        context = {"agent": agent, "error": refusal.message, "choices": choices, "a": a, "b": b}
        return render(request, "agents/compare/compare.html#compare-view", context)
    if older_first:
        old, new = compare_selectors.older_first(old, new)
    url = reverse("agents:compare", args=[agent.public_id, old.ref, new.ref])
    if not request.htmx and older_first:
        return redirect(url)
    context = {
        "agent": agent,
        "old": old,
        "new": new,
        "choices": _with_sides(choices, old, new),
        "a": old.ref,
        "b": new.ref,
        **diff_context(compare_selectors.config_diff(old, new), old.label, new.label),
        **linked_text_diff(old.config, new.config),
    }
    if request.htmx:
        response = render(request, "agents/compare/compare.html#compare-view", context)
        # The address follows the pair shown (on the agent page too): shareable, and
        # Back returns to what was there before.
        response["HX-Push-Url"] = url
        return response
    return render(request, "agents/compare/compare.html", context)


def _with_sides(groups: list, old: compare_selectors.Side, new: compare_selectors.Side) -> list:
    """The pickers' choices, with each side shown among them even when it is older
    than the newest versions and revisions listed."""
    listed = {choice.ref for _title, choices in groups for choice in choices}
    extra: list[compare_selectors.Choice] = []
    for side in (old, new):
        if side.ref not in listed:
            listed.add(side.ref)
            extra.append(compare_selectors.Choice(side.ref, side.label))
    return [*groups, ("Shown", extra)] if extra else groups


@routes.agent_pages.get("compare/<ref:a>...<ref:b>/", name="compare")
def compare(request: HtmxHttpRequest, public_id: str, a: str, b: str) -> HttpResponse:
    """`/agents/<id>/compare/<a>...<b>/` with a, b in draft | released | <number> | r<N>."""
    require(request.user, VIEW_AGENT)
    return _compare(request, agents.versioned_for_page(public_id), a, b)


@routes.agent_pages.get("compare/", name="compare-pick")
def compare_pick(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """The compare picker's form target: `?from=…&to=…`, `&swap=1` (the Swap button)
    exchanges them, `&order=older` puts the older side on the left (links that
    compare two things in no particular order)."""
    require(request.user, VIEW_AGENT)
    agent = agents.versioned_for_page(public_id)
    a = request.GET.get("from", "").strip() or "released"
    b = request.GET.get("to", "").strip() or "draft"
    if request.GET.get("swap"):
        a, b = b, a
    older_first = request.GET.get("order") == "older"
    old, new = references.try_parse(a), references.try_parse(b)
    if request.htmx or older_first or old is None or new is None:
        return _compare(request, agent, a, b, older_first=older_first)
    return redirect("agents:compare", public_id, old.path_form, new.path_form)
