"""The JSON API (`/api/v1`). Its source of truth is the OpenAPI document it serves at
`/api/v1/openapi.json`.

Endpoints are thin: parse, check the permission, call the same service as the
console, shape the response. Every error is `{"error": {"code", "message",
"details"}}`, mapped once in `errors.py`. One router module per area.
"""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.parser import Parser

from agents.api import errors
from agents.api.agents import agents
from agents.api.audit import audit_router
from agents.api.auth import BearerToken
from agents.api.blame import blame_router
from agents.api.branches import branches_router
from agents.api.bundles import bundles
from agents.api.change_requests import agent_change_requests, change_requests_router
from agents.api.changes import changes_router
from agents.api.channels import channels
from agents.api.docs import Reference
from agents.api.evals import agent_suites, runs, suites
from agents.api.judges import agent_judges, judges_router
from agents.api.metrics import metrics_router
from agents.api.openapi import document_text_rules
from agents.api.presence import presence_router
from agents.api.prompts import prompts
from agents.api.releases import agent_releases, requests_router, schedules_router
from agents.api.revisions import revisions
from agents.api.rollouts import alerts_router, channel_rollouts, rollouts_router
from agents.api.runtime import runtime_router
from agents.api.stream import stream_router
from agents.api.webhooks import webhooks
from agents.api.workspaces import workspaces_router
from agents.domain import json_input


class StrictParser(Parser):
    """Bodies as `console.middleware.StrictInputMiddleware` read them (finite numbers,
    no NUL or lone surrogate, bounded depth); it has already parsed them."""

    def parse_body(self, request):
        if hasattr(request, "json_body"):
            return request.json_body
        return json_input.loads(request.body)


class AgentConsoleAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        return document_text_rules(
            super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        )

    def get_openapi_operation_id(self, operation) -> str:
        """Operation ids as clients know them (`agents_api_release`,
        `agents_api_evals_get_run`); the document endpoints name theirs (`documents.py`)."""
        func = operation.view_func
        prefix = "agents_api_evals" if func.__module__ == "agents.api.evals" else "agents_api"
        return f"{prefix}_{func.__name__}"


api = AgentConsoleAPI(
    title="Agent Console API",
    version="1",
    description="Drafts, versions, releases and runtime binding of AI agents. "
    "Authenticate with `Authorization: Bearer <token>`.",
    auth=BearerToken(),
    urls_namespace="api",
    docs_url="/docs",
    docs=Reference(),
    openapi_url="/openapi.json",
    parser=StrictParser(),
)

# Runtime routes first: Django tries URL patterns in order, and these are the hot ones.
api.add_router("", runtime_router)
api.add_router("/changes", changes_router)
api.add_router("/stream", stream_router)
api.add_router("/agents", bundles)  # before /agents/{id}: `import` is not an id
api.add_router("/agents", agents)
api.add_router("/agents", revisions)
api.add_router("/agents", metrics_router)
api.add_router("/agents", agent_judges)
api.add_router("/agents", branches_router)
api.add_router("/agents", blame_router)
api.add_router("/agents", presence_router)
api.add_router("/agents", agent_change_requests)
api.add_router("/change-requests", change_requests_router)
api.add_router("/judges", judges_router)
api.add_router("/agents", agent_releases)
api.add_router("/release-requests", requests_router)
api.add_router("/scheduled-releases", schedules_router)
api.add_router("/channels", channels)
api.add_router("/channels", channel_rollouts)
api.add_router("/rollouts", rollouts_router)
api.add_router("/alerts", alerts_router)
api.add_router("/prompts", prompts)
api.add_router("/webhooks", webhooks)
api.add_router("/workspaces", workspaces_router)
api.add_router("/audit", audit_router)
api.add_router("", agent_suites)
api.add_router("/suites", suites)
api.add_router("/runs", runs)
errors.register(api)
