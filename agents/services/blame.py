"""Indexing what each revision introduced (models/blame.py): with every revision, in
its transaction (services/drafts.write_revision), and rebuilt from the revisions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps as global_apps
from django.db import transaction

from agents.domain import blame
from agents.models import DraftRevision, IntroducedLine


def record(revision: DraftRevision, previous: dict[str, Any] | None, config: dict[str, Any]):
    """Index what `revision` (holding `config`) introduced since `previous`."""
    IntroducedLine.objects.bulk_create(_rows(IntroducedLine, revision, previous, config))


def _rows(model, revision, previous, config) -> list:
    return [
        model(
            agent_id=revision.agent_id,
            revision=revision.number,
            branch=revision.branch,
            path=path,
            text=text,
            text_hash=blame.text_hash(text),
        )
        for path, text in blame.introduced(previous, config)
    ]


@transaction.atomic
def rebuild(agent_ids: Iterable[int], apps=global_apps) -> int:
    """Recompute the index of these agents from their revisions, oldest first, each
    compared with the revision before it on the same draft (a branch's first with
    the main draft's before it). The number of rows written."""
    Revision = apps.get_model("agents", "DraftRevision")
    Line = apps.get_model("agents", "IntroducedLine")
    written = 0
    for agent_id in agent_ids:
        Line.objects.filter(agent_id=agent_id).delete()
        last: dict[str, dict] = {}
        rows = []
        revisions = (
            Revision.objects.filter(agent_id=agent_id)
            .order_by("number")
            .values_list("number", "branch", "snapshot__config")
            .iterator(chunk_size=200)
        )
        for number, branch, config in revisions:
            previous = last.get(branch, last.get(""))
            revision = Revision(agent_id=agent_id, number=number, branch=branch)
            rows.extend(_rows(Line, revision, previous, config))
            last[branch] = config
            if len(rows) >= 2000:
                Line.objects.bulk_create(rows)
                written, rows = written + len(rows), []
        Line.objects.bulk_create(rows)
        written += len(rows)
    return written
