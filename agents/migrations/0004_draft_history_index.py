"""Index the draft audit trail by draft and time: the Draft activity panel reads the
newest rows of one draft, which must not sort the whole trail of a busy agent.

simple-history generates the historical model and offers no way to declare a
composite index on it, so the index is created in SQL (same syntax on SQLite
and PostgreSQL).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("agents", "0003_roles")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS agents_historicaldraft_draft_time "
            "ON agents_historicaldraft (id, history_date DESC, history_id DESC)",
            "DROP INDEX IF EXISTS agents_historicaldraft_draft_time",
        )
    ]
