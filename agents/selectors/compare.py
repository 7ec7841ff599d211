"""The two sides of a comparison, and their diff (cached for immutable versions)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

from agents.domain import references
from agents.domain.diff import Diff, diff
from agents.domain.exceptions import AgentNotPublished, UnknownReference
from agents.models import Agent, DraftRevision, PublishedVersion
from agents.selectors import branches
from agents.selectors.labels import label_version, labels_of
from agents.selectors.revisions import revision


@dataclass(frozen=True)
class Side:
    """One side of a comparison: `draft`, a branch, `released`, a version or a draft
    revision."""

    label: str  # "Draft", "draft:refunds", "Released (v3)", "v3", "r12"
    ref: str  # canonical URL form: "draft", "draft:refunds", "released", "3", "r12"
    config: dict
    content_hash: str
    version: PublishedVersion | None = None
    resolved: str = ""  # what it resolved to, as responses name it: "v3", "draft", "r12"
    frozen: bool = False  # a version or a revision: never changes

    @property
    def revision(self) -> int | None:
        return int(self.resolved[1:]) if self.resolved.startswith("r") else None


def compare_side(agent: Agent, ref: str) -> Side:
    """Resolve any reference of the one grammar (`draft`, `released`, `3`, `v3`, `r12`,
    a label).

    UnknownReference with a reason when it names nothing; AgentNotPublished for
    `released` when nothing is released."""
    reference = references.try_parse(ref)
    if reference is None:
        raise UnknownReference(
            f"Unknown side {ref.strip().lower()[:40]!r}: use draft, released, a version "
            "number (3 or v3), a revision (r12) or a label."
        )
    if reference.kind == "draft":
        draft = agent.draft
        return Side("Draft", "draft", draft.config, draft.content_hash, resolved="draft")
    if reference.kind == "branch":
        found = branches.branch(agent, reference.name)
        return Side(found.ref, found.ref, found.config, found.content_hash, resolved=found.ref)
    if reference.kind == "revision":
        found = revision(agent, reference.number)
        return Side(
            found.label,
            found.label,
            found.snapshot.config,
            found.content_hash,
            resolved=found.label,
            frozen=True,
        )
    if reference.kind == "released":
        released = agent.released_version
        if released is None:
            raise AgentNotPublished(f"Nothing of “{agent.name}” is released yet.")
        return Side(
            f"Released ({released.label})",
            "released",
            released.config,
            released.content_hash,
            released,
            resolved=released.label,
            frozen=True,
        )
    if reference.kind == "label":
        version = label_version(agent, reference.name)
        return Side(
            f"{reference.name} ({version.label})",
            reference.name,
            version.config,
            version.content_hash,
            version,
            resolved=version.label,
            frozen=True,
        )
    version = PublishedVersion.objects.filter(agent_id=agent.pk, number=reference.number).first()
    if version is None:
        raise UnknownReference(f"“{agent.name}” has no version {reference.label}.")
    return Side(
        version.label,
        str(version.number),
        version.config,
        version.content_hash,
        version,
        resolved=version.label,
        frozen=True,
    )


def config_diff(old: Side, new: Side) -> Diff:
    """The diff of two sides; diffs of two frozen sides (versions, revisions) are
    cached by their content hashes."""
    if not (old.frozen and new.frozen):
        return diff(old.config, new.config)
    key = f"agents:diff:v1:{old.content_hash}:{new.content_hash}"
    found = cache.get(key)
    if found is None:
        found = diff(old.config, new.config)
        cache.set(key, found, timeout=None)
    return found


@dataclass(frozen=True)
class Choice:
    ref: str  # what the compare URL takes: "draft", "released", a label, "3", "r12"
    label: str  # what a person reads: "v3 · Warmer greeting"


def compare_choices(
    agent: Agent, *, versions: int = 50, revisions: int = 10
) -> list[tuple[str, list[Choice]]]:
    """What the compare pickers offer, grouped: the draft and the pointers (released,
    each label, with the version each names), the newest versions by name, and the
    newest draft revisions (five queries)."""
    pointers = [Choice("draft", "Draft")]
    pointers += [Choice(f"draft:{b}", f"Branch draft:{b}") for b in _branch_names(agent)]
    for view in labels_of(agent):
        if view.version is not None:
            pointers.append(Choice(view.name, f"{view.name} ({view.version.label})"))
    numbered = [
        Choice(str(number), f"v{number} · {name}")
        for number, name in PublishedVersion.objects.filter(agent_id=agent.pk)
        .order_by("-number")
        .values_list("number", "name")[:versions]
    ]
    saves = [
        Choice(f"r{number}", f"r{number} · {reason or 'Saved'} by {who or 'system'}")
        for number, reason, who in DraftRevision.objects.filter(agent_id=agent.pk)
        .order_by("-number")
        .values_list("number", "reason", "created_by__username")[:revisions]
    ]
    return [("Draft and labels", pointers), ("Versions", numbered), ("Draft revisions", saves)]


def _branch_names(agent: Agent) -> list[str]:
    return list(branches.kept(agent).values_list("name", flat=True))


def older_first(old: Side, new: Side) -> tuple[Side, Side]:
    """The pair with the older side on the left: versions by number, and the draft
    after any version (revisions and mixed pairs keep the order given)."""
    if old.ref == "draft" and new.version is not None:
        return new, old
    both = old.version is not None and new.version is not None
    if both and old.version.number > new.version.number:
        return new, old
    return old, new
