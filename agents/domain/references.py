"""The reference grammar: what names a configuration of an agent.

    draft | draft:NAME | released | vN | N | rN | <label>

One parser for every caller (runtime, services, selectors, channels, API and
views), and one spelling back: `label` (`draft`, `released`, `v3`, `r12`) for
responses and variants, `path_form` (`draft`, `released`, `3`, `r12`) for URLs,
and `as_target()` for a channel's routing JSON. A runtime reference prefixes
the agent: `ag_x`, `ag_x@released`, `ag_x@draft`, `ag_x@v3`, `ag_x@r12`.
`rN` is draft revision N: what the draft held after that save, immutable. A
label (`staging`) is a movable pointer to a version, like `released`.
`draft:NAME` is branch NAME's draft (models/branches.py): editable, like the draft.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from agents.domain.exceptions import InvalidInput, UnknownReference

_SPEC = re.compile(
    r"^(?:(?P<word>draft|released)|v?(?P<number>[0-9]{1,9})|r(?P<revision>[0-9]{1,9})"
    r"|draft:(?P<branch>[a-z][a-z0-9-]{0,39}))$"
)
BRANCH_NAME = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
# A label's name: lowercase, starting with a letter; never a word or number above.
LABEL_NAME = re.compile(r"^[a-z][a-z0-9-]{0,31}$")
RESERVED_NAMES = frozenset({"draft", "released", "latest"})
_AGENT_REF = re.compile(r"^(?P<agent>ag_[a-z2-7]{10})(?:@(?P<spec>[^@]*))?$")

Kind = Literal["draft", "branch", "released", "version", "revision", "label"]


@dataclass(frozen=True)
class Reference:
    kind: Kind
    number: int | None = None  # set for kinds "version" and "revision"
    name: str = ""  # set for kinds "label" and "branch"

    @property
    def label(self) -> str:
        """`draft`, `released`, `v3` or `r12`: how responses, variants and runs name it."""
        if self.kind == "version":
            return f"v{self.number}"
        if self.kind == "revision":
            return f"r{self.number}"
        if self.kind == "label":
            return self.name
        if self.kind == "branch":
            return f"draft:{self.name}"
        return self.kind

    @property
    def path_form(self) -> str:
        """`draft`, `released`, `3` or `r12`: the form compare URLs use."""
        return str(self.number) if self.kind == "version" else self.label

    @property
    def is_frozen(self) -> bool:
        """A version or a revision: what it names never changes."""
        return self.kind in ("version", "revision")

    def as_target(self) -> str | dict[str, Any]:
        """A channel target: `"released"`, `"draft"`, `{"version": 3}` or
        `{"label": "staging"}` (a revision is spelled `r12`, which routing refuses:
        channels serve versions)."""
        if self.kind == "version":
            return {"version": self.number}
        if self.kind == "label":
            return {"label": self.name}
        return self.label

    @classmethod
    def of_target(cls, target: Any) -> Reference:
        """The reference a channel target (`"draft"`, `{"version": 3}`, a schema) names."""

        def field(name: str):
            return target.get(name) if isinstance(target, dict) else getattr(target, name, None)

        number = field("version")
        if number is not None:
            return cls("version", int(number))
        label = field("label")
        if label is not None:
            return cls("label", name=str(label))
        return cls(str(target))  # type: ignore[arg-type]


RELEASED = Reference("released")


def try_parse(text: Any) -> Reference | None:
    """The reference `text` spells (case and surrounding spaces ignored), or None."""
    spelled = str(text).strip().lower() if text is not None else ""
    match = _SPEC.match(spelled)
    if match is None:
        return Reference("label", name=spelled) if is_label_name(spelled) else None
    if match["word"]:
        return Reference(match["word"])
    if match["branch"]:
        return Reference("branch", name=match["branch"])
    if match["revision"] is not None:
        return Reference("revision", int(match["revision"]))
    return Reference("version", int(match["number"]))


def is_label_name(text: str) -> bool:
    """A name a label may have: not a word or a version/revision of the grammar."""
    return (
        bool(LABEL_NAME.match(text))
        and text not in RESERVED_NAMES
        and not re.fullmatch(r"[vr][0-9]+", text)
    )


def parse(text: Any) -> Reference:
    """The reference `text` spells, or UnknownReference: a reference that cannot be
    read names nothing, so it is "not found" like one that names nothing that exists."""
    found = try_parse(text)
    if found is None:
        shown = str(text).strip()[:40] if text is not None else ""
        raise UnknownReference(
            f"{shown!r} names no configuration: use draft, draft:BRANCH, released, a "
            "version (v3) or a revision (r12)."
        )
    return found


def parse_agent_ref(ref: str) -> tuple[str, Reference]:
    """`ag_x[@spec]` → (agent public id, reference); no spec means `released`."""
    match = _AGENT_REF.match(ref.strip())
    found = match and (try_parse(match["spec"]) if match["spec"] is not None else RELEASED)
    if not found:
        raise InvalidInput(
            [
                {
                    "path": "ref",
                    "message": "use ag_xxx, ag_xxx@released, ag_xxx@draft, ag_xxx@v3 or ag_xxx@r12",
                }
            ]
        )
    return match["agent"], found


def agent_ref(agent_public_id: str, reference: Reference) -> str:
    """The runtime reference (`ag_x@v3`) for an agent and a reference."""
    return f"{agent_public_id}@{reference.label}"
