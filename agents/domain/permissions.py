"""The permissions the roles hold, named once for every layer (services check them,
views and the API ask for them, the workspace backend grants them by role).

A user has one role per workspace; each role holds everything the one before it
holds. Superusers have every permission in every workspace.
"""

VIEW_AGENT = "agents.view_agent"
CREATE_AGENT = "agents.add_agent"
CHANGE_AGENT = "agents.change_agent"
EDIT_DRAFT = "agents.edit_draft"
SAVE_VERSION = "agents.save_version"
RELEASE = "agents.release_version"
MANAGE_CHANNELS = "agents.manage_channels"
MANAGE_WEBHOOKS = "agents.manage_webhooks"
MANAGE_MEMBERS = "agents.manage_members"
VIEW_AUDIT = "agents.view_auditentry"

VIEW = [
    VIEW_AGENT,
    "agents.view_draft",
    "agents.view_publishedversion",
    "agents.view_releaseevent",
    "agents.view_channel",
]
EDIT = [CREATE_AGENT, CHANGE_AGENT, EDIT_DRAFT, SAVE_VERSION]
RELEASING = [RELEASE, MANAGE_CHANNELS, MANAGE_WEBHOOKS]
ADMINISTER = [MANAGE_MEMBERS, VIEW_AUDIT]

VIEWER, EDITOR, RELEASER, ADMIN = "viewer", "editor", "releaser", "admin"
ROLE_NAMES = (VIEWER, EDITOR, RELEASER, ADMIN)  # each includes the ones before it

ROLES: dict[str, frozenset[str]] = {
    VIEWER: frozenset(VIEW),
    EDITOR: frozenset([*VIEW, *EDIT]),
    RELEASER: frozenset([*VIEW, *EDIT, *RELEASING]),
    ADMIN: frozenset([*VIEW, *EDIT, *RELEASING, *ADMINISTER]),
}


def rank(role: str | None) -> int:
    """0 for no role, then 1 (viewer) … 4 (admin)."""
    return ROLE_NAMES.index(role) + 1 if role in ROLE_NAMES else 0


def at_most(role: str | None, ceiling: str | None) -> str | None:
    """`role`, lowered to `ceiling` when one is given (a token's role never exceeds its
    user's, and an optional ceiling lowers it further)."""
    if ceiling is None or rank(role) <= rank(ceiling):
        return role
    return ceiling


def perms_of(role: str | None) -> frozenset[str]:
    return ROLES.get(role or "", frozenset())
