"""Import into the draft: upload a file (this console's, or Vapi's, Retell's,
ElevenLabs'), see the diff and what was not carried over, then confirm."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse

from agents.domain import json_input, peers
from agents.domain.bundles import from_yaml
from agents.domain.exceptions import DraftConflict, InvalidInput
from agents.permissions import EDIT_DRAFT, require
from agents.selectors import agents
from agents.services import draft_import as draft_import_services
from agents.views import events, routes
from agents.views.agents import agent_url
from agents.views.compare import diff_context
from agents.views.htmx import HtmxHttpRequest, dialog, done, int_or, refused

MAX_FILE_BYTES = 1024 * 1024
AUTO = "auto"
NAMES = {"console": 'Agent Console (an export, or {"config": …})', **peers.NAMES}
SOURCES = [(AUTO, "Detect from the file"), *NAMES.items()]
TEMPLATE = "agents/agents/_import_dialog.html"


def read_upload(upload) -> tuple[str, Any]:
    """An uploaded JSON or YAML file as (its text, its data); InvalidInput at `file`
    otherwise."""
    if upload is None:
        raise InvalidInput([{"path": "file", "message": "choose a file"}])
    if upload.size > MAX_FILE_BYTES:
        raise InvalidInput([{"path": "file", "message": "at most 1 MiB"}])
    try:
        text = upload.read().decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput([{"path": "file", "message": "not a UTF-8 text file"}]) from None
    return text, read_text(text)


def read_text(text: str) -> Any:
    """The data in a JSON or YAML text, read as the API reads bodies."""
    if len(text) > MAX_FILE_BYTES:
        raise InvalidInput([{"path": "file", "message": "at most 1 MiB"}])
    try:
        if text.lstrip().startswith(("{", "[")):
            return json_input.loads(text)  # finite numbers, bounded depth, as the API
        return json_input.cleaned(from_yaml(text))
    except ValueError as exc:  # MalformedJSON is a ValueError
        raise InvalidInput([{"path": "file", "message": str(exc) or "unreadable"}]) from None


def _source_of(chosen: str, data: Any) -> str:
    """The format chosen, or the one the file's shape shows."""
    if chosen != AUTO:
        return chosen
    found = peers.detect(data)
    if found is None:
        raise InvalidInput(
            [
                {
                    "path": "source",
                    "message": "this file is not one the console recognises (an export of "
                    "this console, a Vapi assistant, a Retell agent export or an ElevenLabs "
                    "agent config): choose its format",
                }
            ]
        )
    return found


@routes.agent_pages.form("draft/import/", name="draft-import")
def draft_import(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """GET: the upload form. POST with a file: the preview (nothing written). POST with
    `config` (from the preview): write the draft, if it is still the one previewed."""
    require(request.user, EDIT_DRAFT)
    agent = agents.versioned_for_page(public_id)
    chosen = request.POST.get("source", AUTO)
    context: dict[str, Any] = {
        "agent": agent,
        "sources": SOURCES if agent.kind == "agent" else SOURCES[:2],
        "source": chosen if chosen in dict(SOURCES) else AUTO,
        "errors": {},
    }
    if request.method == "POST" and "config" in request.POST:
        return _apply(request, agent, context)
    if request.method == "POST":
        upload = request.FILES.get("file")
        # A file chosen before stays chosen: its text comes back with the errors.
        kept = request.POST.get("kept_text", "") if upload is None else ""
        with refused() as refusal:
            if kept:
                text, data = kept, read_text(kept)
                context["file_name"] = request.POST.get("kept_name", "")[:200]
            else:
                text, data = read_upload(upload)
                context["file_name"] = upload.name[:200]
            context["kept_text"] = text
            context["detected"] = _source_of(context["source"], data)
            context["detected_name"] = NAMES.get(context["detected"], context["detected"])
            preview = draft_import_services.import_draft(
                agent=agent, data=data, user=request.user, source=context["detected"], dry_run=True
            )
        if refusal:
            context["errors"] = refusal.errors
        else:
            context.update(_preview(agent, preview))
    return _dialog(request, context)


def _dialog(request: HtmxHttpRequest, context: dict[str, Any]) -> HttpResponse:
    # Problems inside the file, by path (the file's and the format's own are beside them).
    context["path_errors"] = {
        path: message
        for path, message in context["errors"].items()
        if path not in ("", "file", "source")
    }
    return dialog(request, TEMPLATE, context)


def _preview(agent, preview) -> dict[str, Any]:
    return {
        "preview": preview,
        "config_json": json.dumps(preview.config, ensure_ascii=False),
        "revision": agent.draft.revision,
        **diff_context(preview.changes, "Draft now", "Imported"),
    }


def _apply(request: HtmxHttpRequest, agent, context: dict[str, Any]) -> HttpResponse:
    revision = int_or(request.POST.get("revision"))
    try:
        config = json.loads(request.POST["config"])
    except ValueError:
        context["errors"] = {"": "The preview was damaged: upload the file again."}
        return _dialog(request, context)
    with refused() as refusal:
        result = draft_import_services.import_draft(
            agent=agent, data={"config": config}, user=request.user, expected_revision=revision
        )
    if isinstance(refusal.exc, DraftConflict):
        context["errors"] = {
            "": f"{refusal.message} Upload the file again to see the diff against the draft now."
        }
    elif refusal:
        context["errors"] = refusal.errors
    else:
        written = result.draft
        return done(
            request,
            events.DRAFT_RESTORED,
            agent_url(agent),
            f"Imported into the draft (revision {written.revision})."
            if result.changes.changes
            else "The draft already had this configuration.",
        )
    return _dialog(request, context)
