"""The role groups of the console before workspaces, kept for the migrations only.

Until migration 0030, roles were Django groups holding model permissions
installation-wide. 0003 created them; 0030 turns each user's groups into one role in
the "Default" workspace (the highest they held) and deletes the groups: since then a
group grants nothing (roles are per workspace, agents/domain/permissions.py).
"""

VIEW = [
    "agents.view_agent",
    "agents.view_draft",
    "agents.view_publishedversion",
    "agents.view_releaseevent",
    "agents.view_channel",
]
LEGACY_GROUPS: dict[str, list[str]] = {
    "Viewer": VIEW,
    "Editor": [
        *VIEW,
        "agents.add_agent",
        "agents.change_agent",
        "agents.edit_draft",
        "agents.save_version",
    ],
    "Releaser": [
        *VIEW,
        "agents.release_version",
        "agents.manage_channels",
        "agents.manage_webhooks",
    ],
}
# What each group becomes in a workspace (Editor and Releaser together: releaser).
GROUP_ROLES = {"Viewer": "viewer", "Editor": "editor", "Releaser": "releaser"}


def sync_roles(apps) -> None:
    """Create the legacy role groups with their permissions (migration 0003)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # Inside a migration, app configs are stubs without models_module, which
        # create_permissions takes as "no models": say there are, for the call.
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = original
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in LEGACY_GROUPS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            found = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if found is not None:
                wanted.append(found)
        group.permissions.set(wanted)
