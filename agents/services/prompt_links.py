"""Prompt links in agents' documents: checked against the library when written, and
indexed (PromptUse) so a prompt finds where it is used.

A link names a prompt (`pr_…`), pinned to a version or following the released one,
with values for the prompt's variables. Writing one is refused (ConfigInvalid, by
path) when the prompt or the pinned version does not exist, when a followed prompt
has nothing released yet, or when a value is missing or of the wrong type for the
version it resolves to now. Prompts link no prompts, so links cannot form a cycle.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from agents.domain import prompts as prompts_domain
from agents.domain.exceptions import ConfigInvalid, InvalidInput
from agents.models import Agent, PromptUse, PublishedVersion
from agents.selectors.prompts import impact


def linked_documents(
    links: list[dict[str, Any]], workspace_id: int
) -> tuple[dict, list[dict[str, str]]]:
    """For each link index, the (prompt, version) it resolves to now, and the problems
    of the links that resolve to nothing. Two queries whatever the number of links.
    Links never cross workspaces: a prompt of another workspace is "no prompt".

    Inside a transaction the linked prompts' rows are locked (FOR NO KEY UPDATE, as a
    prompt's release locks its row first), so a link checked against a prompt's
    released version cannot be outrun by a release that would break it."""
    ids = {link["prompt"] for link in links}
    prompts = (
        Agent.objects.prompts()
        .filter(public_id__in=ids, workspace_id=workspace_id)
        .select_related("released_version")
    )
    if transaction.get_connection().in_atomic_block:
        prompts = prompts.select_for_update(no_key=True, of=("self",))
    found = {p.public_id: p for p in prompts.order_by("pk")}
    pinned = {
        (v.agent_id, v.number): v
        for v in PublishedVersion.objects.filter(
            agent__in=[found[i] for i in ids if i in found],
            number__in={link["version"] for link in links if link["version"]},
        )
    }
    resolved, problems = {}, []
    for index, link in enumerate(links):
        path = f"prompt_links[{index}]"
        prompt = found.get(link["prompt"])
        if prompt is None:
            problems.append({"path": f"{path}.prompt", "message": f"no prompt {link['prompt']}"})
            continue
        if link["version"] is not None:
            version = pinned.get((prompt.pk, link["version"]))
            if version is None:
                message = f"{prompt.public_id} has no version v{link['version']}"
                problems.append({"path": f"{path}.version", "message": message})
                continue
        else:
            version = prompt.released_version
            if version is None:
                message = f"{prompt.public_id} has nothing released to follow: pin a version"
                problems.append({"path": f"{path}.version", "message": message})
                continue
        resolved[index] = (prompt, version)
    return resolved, problems


def check_links(document: dict[str, Any], workspace_id: int) -> None:
    """ConfigInvalid naming every link problem of an agent document of workspace
    `workspace_id` (nothing else)."""
    links = document.get("prompt_links") or []
    if not links:
        return
    resolved, problems = linked_documents(links, workspace_id)
    for index, (_prompt, version) in resolved.items():
        problems += prompts_domain.value_problems(
            version.config, links[index]["variables"], f"prompt_links[{index}].variables"
        )
    if problems:
        raise ConfigInvalid(problems)


def record_uses(agent: Agent, version: PublishedVersion | None, document: dict[str, Any]) -> None:
    """Index the links of the agent's draft (version None: replacing the draft's rows)
    or of a version just saved. Call inside the write's transaction."""
    if version is None:
        PromptUse.objects.filter(agent=agent, version__isnull=True).delete()
    PromptUse.objects.bulk_create(prompt_uses(agent, version, document))


def prompt_uses(
    agent: Agent, version: PublishedVersion | None, document: dict[str, Any]
) -> list[PromptUse]:
    """The index rows of a document's links, unsaved (none without links)."""
    links = document.get("prompt_links") or []
    if not links:
        return []
    prompts = dict(
        Agent.objects.prompts()
        .filter(public_id__in={link["prompt"] for link in links}, workspace_id=agent.workspace_id)
        .values_list("public_id", "pk")
    )
    return [
        PromptUse(
            prompt_id=prompts[link["prompt"]],
            agent=agent,
            version=version,
            role=link["role"],
            sort_order=link["sort_order"],
            pinned=link["version"],
        )
        for link in links
        if link["prompt"] in prompts
    ]


def check_followers(prompt: Agent, version: PublishedVersion) -> None:
    """Before `version` of a prompt is released: every live link that follows the prompt
    must render with it (a new required variable, a removed one, a changed type would
    break them). InvalidInput naming each reference and variable otherwise."""
    problems = []
    for affected in impact(prompt, version):
        if affected.after is None:
            problems += prompts_domain.value_problems(
                version.config, affected.values, f"{affected.ref}.variables"
            )
    if problems:
        raise InvalidInput(
            [
                {
                    "path": problem["path"],
                    "message": f"{problem['message']}: give it a value (or a default) first",
                }
                for problem in problems
            ]
        )
