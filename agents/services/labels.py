"""Labels: named pointers beside `released` (`staging`, `eu`), moved like releases."""

from __future__ import annotations

from typing import Unpack

from django.core.exceptions import PermissionDenied
from django.db import transaction

from agents.domain import references
from agents.domain.exceptions import InvalidInput, LabelProtected, UnknownReference
from agents.domain.permissions import EDIT_DRAFT
from agents.domain.text import clean_text
from agents.models import RELEASED, Agent, Change, Label, PublishedVersion, ReleaseEvent
from agents.services import changes, gate, releases
from agents.services.audit import audited
from agents.services.base import User, check_active, record


def can_move_labels(user: User, agent) -> bool:
    """Editors move the labels nothing serves; Releasers move every label (those a
    channel follows and protected ones only they)."""
    return user is not None and (user.has_perm(EDIT_DRAFT, agent) or gate.can_release(user, agent))


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


@audited("label.move", subject_arg="agent")
def move_label(
    *,
    agent: Agent,
    name: str,
    version: PublishedVersion,
    user: User,
    protected: bool | None = None,
    **why: Unpack[releases.Justification],
) -> ReleaseEvent | None:
    """Create `name` or move it to `version` (one of the agent's): a release-log event
    carrying the label. Moving `released` is releasing. Production pointers (protected
    labels, labels a channel follows) and making one protected are for Releasers;
    approvals apply as for releases (services/gate)."""
    if not can_move_labels(user, agent):
        raise PermissionDenied("Editors and Releasers move labels.")
    name = check_label_name(name)
    if version.agent_id != agent.pk:
        raise InvalidInput([{"path": "version", "message": "must be one of the agent's versions"}])
    if name == RELEASED:
        if protected is False:
            raise InvalidInput([{"path": "protected", "message": "released is always protected"}])
        protected = None
    return releases.move_pointer(version=version, label=name, user=user, protect=protected, **why)


@audited("label.delete", subject_arg="agent")
def delete_label(*, agent: Agent, name: str, user: User, break_glass: str | None = None) -> None:
    """Remove a label (`released` cannot be removed, nor one a channel follows). A
    protected one, Releasers only, and with approvals required only by a superuser's
    break glass (services/gate). The label's history keeps who removed it and why;
    its past moves stay in the release log."""
    if not can_move_labels(user, agent):
        raise PermissionDenied("Editors and Releasers remove labels.")
    name = check_label_name(name)
    if break_glass is not None:
        break_glass = clean_text(break_glass, path="break_glass", required=True, max_length=2_000)
    if name == RELEASED:
        raise LabelProtected("released is the production pointer: it cannot be deleted.")
    with transaction.atomic():
        locked = Agent.objects.select_for_update(no_key=True).get(pk=agent.pk)
        check_active(locked)
        row = Label.objects.filter(agent_id=agent.pk, name=name).first()
        if row is None:
            raise UnknownReference(f"“{agent.name}” has no label {name}.")
        bypass = gate.check_label_removal(locked, row, user, break_glass)
        record(row, user, f"Deleted (break glass: {break_glass})" if bypass else "Deleted")
        row.delete()
        subject = {"prompt" if locked.kind == Agent.Kind.PROMPT else "agent": locked}
        changes.record(Change.Kind.LABEL_MOVED, ref=name, **subject)
