"""The permissions the roles hold, named once for every layer (services check them,
views and the API ask for them, `agents/roles.py` gives them to the role groups).

A user may hold several roles; superusers have every permission.
"""

VIEW_AGENT = "agents.view_agent"
CREATE_AGENT = "agents.add_agent"
CHANGE_AGENT = "agents.change_agent"
EDIT_DRAFT = "agents.edit_draft"
SAVE_VERSION = "agents.save_version"
RELEASE = "agents.release_version"
MANAGE_CHANNELS = "agents.manage_channels"
MANAGE_WEBHOOKS = "agents.manage_webhooks"

VIEW = [
    VIEW_AGENT,
    "agents.view_draft",
    "agents.view_publishedversion",
    "agents.view_releaseevent",
    "agents.view_channel",
]

ROLES: dict[str, list[str]] = {
    "Viewer": VIEW,
    "Editor": [*VIEW, CREATE_AGENT, CHANGE_AGENT, EDIT_DRAFT, SAVE_VERSION],
    "Releaser": [*VIEW, RELEASE, MANAGE_CHANNELS, MANAGE_WEBHOOKS],
}
