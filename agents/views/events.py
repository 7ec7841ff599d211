"""The events views send (HX-Trigger) and templates listen for
(`hx-trigger="{{ events.VERSION_SAVED }} from:body"`): camelCase, past tense."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

AGENT_UPDATED = "agentUpdated"
DRAFT_SAVED = "draftSaved"
DRAFT_CONFLICT = "draftConflict"
DRAFT_RESTORED = "draftRestored"
# The stored draft changed by another action than the editor's own save (Save
# Version with the form's edits): the editor redraws from it.
DRAFT_REPLACED = "draftReplaced"
VERSION_SAVED = "versionSaved"
VERSION_RELEASED = "versionReleased"
CASE_SAVED = "caseSaved"
LABEL_MOVED = "labelMoved"
REQUEST_CHANGED = "releaseRequestChanged"
SCHEDULE_CHANGED = "scheduleChanged"
ROLLOUT_CHANGED = "rolloutChanged"
ALERT_ACKED = "alertAcked"
JUDGE_SAVED = "judgeSaved"
BRANCH_CHANGED = "branchChanged"
CHANGE_REQUEST_CHANGED = "changeRequestChanged"

EVENTS = {
    name: value
    for name, value in globals().items()
    if name.isupper() and isinstance(value, str) and name != "EVENTS"
}


def context(request: HttpRequest) -> dict[str, Any]:
    """Context processor: `{{ events.VERSION_SAVED }}` in templates."""
    return {"events": EVENTS}
