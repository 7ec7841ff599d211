"""The per-day metric tables: one row per agent, version, channel and day (and bucket or
score name), counts starting at zero in the database itself."""

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from agents.models import DRAFT_KEY, LatencyDay, MetricDay, ScoreDay

pytestmark = pytest.mark.django_db

DAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("model", "extra"),
    [(MetricDay, {}), (LatencyDay, {"bucket": 800}), (ScoreDay, {"name": "polite"})],
)
def test_one_row_per_key(agent, model, extra):
    key = {"agent": agent, "version_key": DRAFT_KEY, "channel_ref": "", "day": DAY, **extra}
    model.objects.create(**key)
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**key)
    model.objects.create(**{**key, "channel_ref": "ch_a"})  # another channel is another row
    assert model.objects.count() == 2


def test_counts_start_at_zero_in_the_database(agent):
    table = MetricDay._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agent_id, version_key, channel_ref, day) VALUES (%s, 0, '', %s)",
            [agent.pk, connection.ops.adapt_datefield_value(DAY)],
        )
    row = MetricDay.objects.get()
    assert (row.conversations, row.latency_sum, row.cost_squares) == (0, 0.0, 0.0)
    assert str(row).endswith("2026-12-01")
