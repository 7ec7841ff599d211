"""Labels: named pointers beside `released` (`staging`, `eu`), moved like releases."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from agents.domain import references
from agents.domain.exceptions import InvalidInput, LabelProtected, UnknownReference
from agents.models import RELEASED, Agent, Label, PublishedVersion, ReleaseEvent
from agents.services.base import User, check_active, record
from agents.services.releases import can_release, move_pointer


def check_label_name(name: object) -> str:
    """A label's name, or InvalidInput: lowercase letters, digits and dashes, starting
    with a letter, at most 32; never `draft`, `latest` or a name like `v3`/`r3`."""
    if not isinstance(name, str) or not (name == RELEASED or references.is_label_name(name)):
        raise InvalidInput(
            [
                {
                    "path": "name",
                    "message": "a label is 1-32 lowercase letters, digits or dashes starting "
                    "with a letter, and not draft, latest, released or a name like v3 or r3",
                }
            ]
        )
    return name


def move_label(
    *,
    agent: Agent,
    name: str,
    version: PublishedVersion,
    user: User,
    note: str = "",
    protected: bool | None = None,
    break_glass: str | None = None,
    gate_override_note: str | None = None,
) -> ReleaseEvent | None:
    """Create `name` or move it to `version` (one of the agent's): a release-log event
    carrying the label. Moving `released` is releasing. Protected labels, and making
    one protected, are for Releasers; approvals apply as for releases."""
    name = check_label_name(name)
    if version.agent_id != agent.pk:
        raise InvalidInput([{"path": "version", "message": "must be one of the agent's versions"}])
    if name == RELEASED:
        if protected is False:
            raise InvalidInput([{"path": "protected", "message": "released is always protected"}])
        protected = None
    return move_pointer(
        version=version,
        label=name,
        user=user,
        note=note,
        break_glass=break_glass,
        gate_override_note=gate_override_note,
        protect=protected,
    )


def delete_label(*, agent: Agent, name: str, user: User) -> None:
    """Remove a label (`released` cannot be removed). A protected one, Releasers only.
    The label's history keeps who removed it; its past moves stay in the release log."""
    name = check_label_name(name)
    if name == RELEASED:
        raise LabelProtected("released is the production pointer: it cannot be deleted.")
    with transaction.atomic():
        locked = Agent.objects.select_for_update(no_key=True).get(pk=agent.pk)
        check_active(locked)
        row = Label.objects.filter(agent_id=agent.pk, name=name).first()
        if row is None:
            raise UnknownReference(f"“{agent.name}” has no label {name}.")
        if row.protected and not can_release(user):
            raise PermissionDenied(f"Only Releasers remove the protected label {name!r}.")
        record(row, user, "Deleted")
        row.delete()
