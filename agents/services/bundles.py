"""Importing a bundle as a new agent: the same version numbers and content hashes,
its labels where they were; all or nothing."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from agents.domain.bundles import check_bundle
from agents.domain.exceptions import InvalidInput
from agents.models import RELEASED, Agent
from agents.services.agents import create_agent
from agents.services.base import User
from agents.services.drafts import update_draft
from agents.services.labels import move_label
from agents.services.releases import release_version
from agents.services.versions import save_version

CREATE_PERMISSION = "agents.add_agent"  # agents.permissions.CREATE_AGENT


def _under(path: str, exc: InvalidInput) -> list[dict[str, str]]:
    return [{"path": f"{path}.{p['path']}", "message": p["message"]} for p in exc.errors]


def import_bundle(*, bundle: Any, user: User) -> Agent:
    """A new agent from an exported bundle: each version saved in order (so its number
    and content hash are the bundle's), `released` and the labels moved to theirs, the
    draft last. Any problem (by path) and nothing is created."""
    if user is None or not user.has_perm(CREATE_PERMISSION):
        raise PermissionDenied("Editors import agents.")
    cleaned, problems = check_bundle(bundle)
    if problems:
        raise InvalidInput(problems)
    first = cleaned["versions"][0]["config"] if cleaned["versions"] else cleaned["draft"]
    with transaction.atomic():
        try:
            agent = create_agent(user=user, config=first, **cleaned["agent"])
        except InvalidInput as exc:
            raise InvalidInput(_under("agent", exc)) from None
        saved = []
        for index, version in enumerate(cleaned["versions"]):
            update_draft(agent=agent, config=version["config"], user=user)
            try:
                saved.append(
                    save_version(
                        agent=agent,
                        name=version.get("name") or "",
                        description=version.get("description") or "",
                        user=user,
                    )
                )
            except InvalidInput as exc:
                raise InvalidInput(_under(f"versions[{index}]", exc)) from None
        for name, number in cleaned["labels"].items():
            if number is None:
                continue
            version = saved[number - 1]
            if name == RELEASED:
                release_version(version=version, user=user, note="Imported")
            else:
                move_label(agent=agent, name=name, version=version, user=user, note="Imported")
        update_draft(agent=agent, config=cleaned["draft"], user=user)
    return agent
