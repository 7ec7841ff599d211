"""The prompt library's list and New prompt dialog; a prompt's page is the agent page
serving the prompt's own editor (agents/views/agents.py), its history, compare,
release and restore dialogs the same as an agent's."""

from __future__ import annotations

from django.http import HttpResponse
from django.views.decorators.http import require_http_methods

from agents.models import Agent
from agents.views.agents import versioned_create, versioned_list
from agents.views.htmx import HtmxHttpRequest


@require_http_methods(["GET"])
def prompt_list(request: HtmxHttpRequest) -> HttpResponse:
    return versioned_list(request, Agent.Kind.PROMPT)


@require_http_methods(["GET", "POST"])
def prompt_create(request: HtmxHttpRequest) -> HttpResponse:
    return versioned_create(request, Agent.Kind.PROMPT)
