from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _after_migrate(sender, using, apps=None, **kwargs):
    """Re-apply what a table rebuild or a flush can remove: the triggers."""
    from django.db import connections

    from agents import triggers

    connection = connections[using]
    tables = connection.introspection.table_names()
    if "agents_publishedversion" in tables:
        triggers.install(connection)


class AgentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "agents"
    verbose_name = "Agents"

    def ready(self) -> None:
        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="agents-triggers")
        from agents import signals
        from agents.models import PendingPurge
        from console import cache

        signals.connect()
        cache.on_reachable(PendingPurge.objects.flush)
