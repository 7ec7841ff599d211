"""Reading branches: an agent's kept branches, and one by name."""

from __future__ import annotations

from django.db.models import QuerySet

from agents.domain.exceptions import UnknownReference
from agents.models import Agent, Branch, ChangeRequest


def kept(agent: Agent) -> QuerySet[Branch]:
    """The agent's branches that were not deleted, by name."""
    return (
        Branch.objects.filter(agent_id=agent.pk, deleted_at__isnull=True)
        .select_related("created_by", "updated_by", "base_version")
        .order_by("name")
    )


def branch(agent: Agent, name: str, *, lock: bool = False) -> Branch:
    """Branch `name` of the agent, or UnknownReference (404)."""
    rows = Branch.objects.filter(agent_id=agent.pk, name=name, deleted_at__isnull=True)
    if lock:
        rows = rows.select_for_update(of=("self",))
    found = rows.select_related("agent", "updated_by", "created_by", "base_snapshot").first()
    if found is None:
        raise UnknownReference(f"“{agent.name}” has no branch draft:{name}.")
    return found


def open_change_request(branch: Branch):
    """The branch's open change request, or None."""
    return ChangeRequest.objects.filter(branch_id=branch.pk, status="open").first()


def open_change_requests(rows: list[Branch]) -> dict[int, str]:
    """Branch pk -> the public id of its open change request, for these branches."""
    found = ChangeRequest.objects.filter(branch__in=rows, status="open")
    return dict(found.values_list("branch_id", "public_id"))
