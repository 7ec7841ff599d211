"""Append-only versions and release events, consecutive numbering, owned release pointer.

See agents/triggers.py: the same SQL is re-applied after every migrate, since
SQLite loses a table's triggers when a later migration rebuilds the table.
"""

from django.db import migrations


def install(apps, schema_editor):
    from agents import triggers

    triggers.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from agents import triggers

    triggers.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("agents", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
