"""The console's roles, as Django groups with model permissions.

A user may hold several roles; superusers have every permission.
"""

from agents.domain.permissions import ROLES


def sync_roles(apps) -> None:
    """Create or update the role groups so each holds exactly its permissions."""
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
    for role, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            # A permission of a model a later migration creates does not exist yet
            # when an early migration runs; the sync after `migrate` completes it.
            found = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if found is not None:
                wanted.append(found)
        group.permissions.set(wanted)
