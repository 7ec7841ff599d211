"""Keeping the metrics per day (models/metrics.py) as conversations start, end and
are scored — in the transaction that writes the conversation — and rebuilding them
from the conversations.

A conversation's `tally` is what it adds to its day: counts, sums, one latency
bucket, its scores. Whatever changes a conversation takes its tally before the
change and calls `record(conversation, before)` after it, which adds the
difference with one upsert per table (`INSERT … ON CONFLICT … DO UPDATE SET x = x +
excluded.x`: concurrent writers add to the same row without losing a count, on
PostgreSQL and SQLite alike). Rows are written in one order (day, buckets, scores)
so two transactions never wait on each other in a cycle.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.apps import apps as global_apps
from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import Floor, TruncDate
from django.utils import timezone

from agents.domain import histograms
from agents.models import DRAFT_KEY, Conversation, LatencyDay, MetricDay, ScoreDay
from agents.models.metrics import DayKey
from agents.selectors import metrics as metrics_selectors

Key = tuple[int, int, str, date]  # agent id, version key, channel, day


def day_of(conversation: Conversation) -> date:
    """The day a conversation counts on: the date it started, in the console's time zone."""
    return timezone.localdate(conversation.started_at, timezone.get_default_timezone())


def key_of(conversation: Conversation) -> Key:
    return (
        conversation.agent_id,
        conversation.version_id or DRAFT_KEY,
        conversation.channel_ref,
        day_of(conversation),
    )


@dataclass
class Tally:
    """What one conversation adds to its day (nothing for the playground's)."""

    key: Key | None = None
    day: Counter = field(default_factory=Counter)
    buckets: Counter = field(default_factory=Counter)
    scores: dict[str, Counter] = field(default_factory=dict)


def tally(conversation: Conversation) -> Tally:
    if conversation.playground:
        return Tally()
    c = conversation
    found = Tally(key=key_of(c))
    day = found.day
    day["conversations"] = 1
    if c.ended_at is not None:
        day["ended"] = 1
    for outcome in ("completed", "transferred", "failed"):
        day[outcome] = int(c.outcome == outcome)
    day["automated"] = int(c.automated is True)
    day["known_automation"] = int(c.automated is not None)
    day["scored"] = int(bool(c.scores))
    if c.latency_ms is not None:
        log = histograms.log_latency(c.latency_ms)
        day.update(latency_n=1, latency_sum=c.latency_ms, latency_log_sum=log)
        day["latency_log_squares"] = log * log
        found.buckets[histograms.bucket(c.latency_ms)] = 1
    for name, value in (("satisfaction", c.satisfaction), ("cost", c.cost)):
        if value is not None:
            day.update({f"{name}_n": 1, f"{name}_sum": value, f"{name}_squares": value * value})
    for name, value in (("duration", c.duration_s), ("sentiment", c.sentiment)):
        if value is not None:
            day.update({f"{name}_n": 1, f"{name}_sum": value})
    for name, value in (c.scores or {}).items():
        found.scores[name] = Counter(n=1, total=value, squares=value * value)
    return found


def record(conversation: Conversation, before: Tally | None = None) -> None:
    """Add what `conversation` counts now, less what it counted `before` a change
    (None: it is new), to its day. Call inside the transaction that saves it."""
    now, then = tally(conversation), before or Tally()
    key = now.key or then.key
    if key is None:
        return
    day = _minus(now.day, then.day)
    if any(day.values()):
        _add(MetricDay, [(key, day)])
    buckets = _minus(now.buckets, then.buckets)
    _add(LatencyDay, [((*key, k), {"n": n}) for k, n in sorted(buckets.items()) if n])
    scores = []
    for name in sorted({*now.scores, *then.scores}):
        change = _minus(now.scores.get(name, Counter()), then.scores.get(name, Counter()))
        if any(change.values()):
            scores.append(((*key, name), change))
    _add(ScoreDay, scores)


def _minus(a: Counter, b: Counter) -> dict:
    return {name: a.get(name, 0) - b.get(name, 0) for name in {*a, *b}}


def _add(model: type[DayKey], rows: list[tuple[tuple, dict]]) -> None:
    """Add each row's amounts to the row of its key, created at zero when missing:
    one statement."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    keys = [model._meta.get_field(name).column for name in model.KEY]
    amounts = sorted({name for _, change in rows for name in change})
    columns = [*keys, *amounts]
    values, params = [], []
    for key, change in rows:
        values.append(f"({', '.join(['%s'] * len(columns))})")
        params += [_db_value(value) for value in key]
        params += [change.get(name, 0) for name in amounts]
    updates = ", ".join(
        f"{quote(name)} = {table}.{quote(name)} + excluded.{quote(name)}" for name in amounts
    )
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) VALUES {', '.join(values)}"
        f" ON CONFLICT ({', '.join(quote(c) for c in keys)}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _db_value(value):
    return connection.ops.adapt_datefield_value(value) if isinstance(value, date) else value


# ------------------------------------------------------------------ rebuilding


@transaction.atomic
def rebuild(agent_ids: Iterable[int], apps=global_apps) -> int:
    """Recompute the days of these agents from their conversations (after rows were
    written in bulk, or to repair them): three aggregate queries and three inserts.
    The number of day rows written. `apps`: a migration's, to fill the days of the
    conversations that existed before them."""
    agent_ids = list(agent_ids)
    if not agent_ids:
        return 0
    Conversation, MetricDay, LatencyDay, ScoreDay = (
        apps.get_model("agents", name)
        for name in ("Conversation", "MetricDay", "LatencyDay", "ScoreDay")
    )
    for model in (MetricDay, LatencyDay, ScoreDay):
        model.objects.filter(agent_id__in=agent_ids).delete()
    rows = Conversation.objects.filter(agent_id__in=agent_ids, playground=False).annotate(
        day=TruncDate("started_at", tzinfo=timezone.get_default_timezone())
    )
    group = ("agent_id", "version_id", "channel_ref", "day")
    names = metrics_selectors.DAY_AGGREGATES
    aggregates = {f"sum_{name}": aggregate for name, aggregate in names.items()}
    days = [
        MetricDay(**_day_key(row), **{name: row[f"sum_{name}"] or 0 for name in names})
        for row in rows.values(*group).annotate(**aggregates)
    ]
    MetricDay.objects.bulk_create(days, batch_size=1000)
    LatencyDay.objects.bulk_create(
        (
            LatencyDay(**_day_key(row), bucket=int(row["bucket"]), n=row["n"])
            for row in rows.filter(latency_ms__isnull=False)
            .annotate(bucket=Floor(metrics_selectors.LOG_LATENCY * histograms.PER_E))
            .values(*group, "bucket")
            .annotate(n=Count("id"))
            .order_by()
        ),
        batch_size=1000,
    )
    ScoreDay.objects.bulk_create(
        (
            ScoreDay(
                agent_id=agent_id,
                version_key=version_id or DRAFT_KEY,
                channel_ref=channel_ref,
                day=day,
                name=name,
                n=n,
                total=total,
                squares=squares,
            )
            for agent_id, version_id, channel_ref, day, name, n, total, squares in _score_rows(
                rows.exclude(scores={})
            )
        ),
        batch_size=1000,
    )
    return len(days)


def _day_key(row: dict) -> dict:
    return {
        "agent_id": row["agent_id"],
        "version_key": row["version_id"] or DRAFT_KEY,
        "channel_ref": row["channel_ref"],
        "day": row["day"],
    }


def _score_rows(rows) -> list[tuple]:
    inner, params = (
        rows.order_by()
        .values_list("agent_id", "version_id", "channel_ref", "day", "scores")
        .query.sql_with_params()
    )
    if connection.vendor == "postgresql":
        value, each = "(s.value #>> '{}')::float", "jsonb_each(t.scores)"
    else:
        value, each = "s.value", "json_each(t.scores)"
    sql = (
        f"SELECT t.agent_id, t.version_id, t.channel_ref, t.day, s.key, COUNT(*), SUM({value}),"
        f" SUM({value} * {value}) FROM ({inner}) AS t, {each} AS s GROUP BY 1, 2, 3, 4, 5"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
