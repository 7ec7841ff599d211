"""Search and blame over an agent's every version and revision, from the index of what
each revision introduced (models/blame.py): a few indexed queries whatever the
number of revisions or the size of the prompt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max, Q

from agents.domain import blame, paths, references
from agents.domain.exceptions import InvalidInput, UnknownReference
from agents.models import Agent, DraftRevision, IntroducedLine, PublishedVersion
from agents.selectors import branches
from agents.selectors.labels import label_version

SEARCH_LIMIT = 100


@dataclass(frozen=True)
class Hit:
    ref: str  # "v3" when a version holds that revision's content, else "r12"
    revision: int
    branch: str
    path: str
    excerpt: str


def search(agent: Agent, phrase: str, *, limit: int = SEARCH_LIMIT) -> list[Hit]:
    """Where `phrase` (case ignored) entered the agent's configuration: each revision
    that introduced a line or value holding it, oldest first."""
    phrase = (phrase or "").strip()
    if not 2 <= len(phrase) <= 200:
        raise InvalidInput([{"path": "q", "message": "2 to 200 characters"}])
    rows = list(
        IntroducedLine.objects.filter(agent_id=agent.pk, text__icontains=phrase)
        .order_by("revision", "id")
        .values_list("revision", "branch", "path", "text")[:limit]
    )
    named = _names(agent, {number for number, *_ in rows})
    return [
        Hit(named.get(number, f"r{number}"), number, branch, path, blame.excerpt(text, phrase))
        for number, branch, path, text in rows
    ]


def _names(agent: Agent, numbers: set[int]) -> dict[int, str]:
    """Revision number -> "vN" for those whose content a version holds (the first)."""
    hashes = dict(
        DraftRevision.objects.filter(agent_id=agent.pk, number__in=numbers).values_list(
            "number", "content_hash"
        )
    )
    versions: dict[str, int] = {}
    for content_hash, number in (
        PublishedVersion.objects.filter(agent_id=agent.pk, content_hash__in=set(hashes.values()))
        .order_by("-number")
        .values_list("content_hash", "number")
    ):
        versions[content_hash] = number
    return {n: f"v{versions[h]}" for n, h in hashes.items() if h in versions}


@dataclass(frozen=True)
class Line:
    text: str
    since: str | None  # "v2" or "r7"; None for a blank line or one never indexed
    revision: int | None
    author: str | None
    at: datetime | None


@dataclass(frozen=True)
class Blame:
    ref: str
    path: str
    lines: list[Line]


def blame_text(agent: Agent, path: str, ref: str = "draft") -> Blame:
    """Each line of the text at `path` as `ref` holds it, with the revision that
    introduced it there (the latest introduction at or before `ref` on its draft)."""
    config, number, lineage, first = _at(agent, ref)
    try:
        text = paths.get(config, path)
    except paths.NoSuchPath:
        raise InvalidInput([{"path": "path", "message": f"{path} is not in {ref}"}]) from None
    if not isinstance(text, str):
        raise InvalidInput([{"path": "path", "message": f"{path} is not text"}])
    lines = text.split("\n")
    hashes = {blame.text_hash(line) for line in lines if line.strip()}
    own = Q(branch=lineage)
    if lineage:  # a branch also inherits the main draft's lines from before it began
        own |= Q(branch="", revision__lt=first)
    since = dict(
        IntroducedLine.objects.filter(
            own, agent_id=agent.pk, path=path, text_hash__in=hashes, revision__lte=number
        )
        .values("text_hash")
        .annotate(last=Max("revision"))
        .values_list("text_hash", "last")
    )
    numbers = set(since.values())
    who = {
        n: (user, at)
        for n, user, at in DraftRevision.objects.filter(
            agent_id=agent.pk, number__in=numbers
        ).values_list("number", "created_by__username", "created_at")
    }
    named = _names(agent, numbers)
    found = []
    for line in lines:
        n = since.get(blame.text_hash(line)) if line.strip() else None
        user, at = who.get(n, (None, None)) if n else (None, None)
        found.append(Line(line, named.get(n, f"r{n}") if n else None, n, user, at))
    return Blame(ref, path, found)


def _at(agent: Agent, ref: str) -> tuple[dict, int, str, int]:
    """(config, revision number, its draft's lineage: "" or a branch, the lineage's
    first revision) of what `ref` names."""
    reference = references.try_parse(ref)
    if reference is None:
        raise InvalidInput([{"path": "ref", "message": "draft, draft:NAME, v3, r12, a label"}])
    if reference.kind == "draft":
        return agent.draft.config, agent.draft.revision, "", 0
    if reference.kind == "branch":
        found = branches.branch(agent, reference.name)
        return found.config, found.revision, found.name, _first(agent, found.name) or found.revision
    if reference.kind == "revision":
        row = (
            DraftRevision.objects.filter(agent_id=agent.pk, number=reference.number)
            .values_list("snapshot__config", "branch")
            .first()
        )
        if row is None:
            raise UnknownReference(f"“{agent.name}” has no revision r{reference.number}.")
        config, lineage = row
        return config, reference.number, lineage, _first(agent, lineage) if lineage else 0
    if reference.kind == "version":
        version = PublishedVersion.objects.filter(agent_id=agent.pk, number=reference.number)
        version = version.first()
        if version is None:
            raise UnknownReference(f"“{agent.name}” has no v{reference.number}.")
    elif reference.kind == "released":
        version = agent.released_version
        if version is None:
            raise UnknownReference(f"Nothing of “{agent.name}” is released yet.")
    else:
        version = label_version(agent, reference.name)
    source = (
        DraftRevision.objects.filter(
            agent_id=agent.pk, branch="", content_hash=version.content_hash
        )
        .order_by("number")
        .values_list("number", flat=True)
        .first()
    )
    return version.config, source or agent.draft.revision, "", 0


def _first(agent: Agent, branch: str) -> int | None:
    """The first revision saved on branch `branch`."""
    rows = DraftRevision.objects.filter(agent_id=agent.pk, branch=branch).order_by("number")
    return rows.values_list("number", flat=True).first()
