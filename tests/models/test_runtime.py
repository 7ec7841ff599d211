"""Cache keys a write could not refresh: remembered once each, flushed from the shared
cache when it answers, kept while it does not."""

import pytest
from django.core.cache import cache

from agents.models import PendingPurge, runtime

pytestmark = pytest.mark.django_db


def test_keys_are_remembered_once_and_cut_to_the_column(user):
    long_key = "k" * 300
    PendingPurge.objects.remember(["a", "a", long_key])
    PendingPurge.objects.remember(["a"])
    assert sorted(PendingPurge.objects.values_list("key", flat=True)) == ["a", "k" * 250]
    assert str(PendingPurge.objects.get(key="a")) == "a"


def test_flush_deletes_the_keys_from_the_cache_then_forgets_them():
    cache.set("stale", "v1")
    PendingPurge.objects.remember(["stale"])
    assert PendingPurge.objects.flush() == 1
    assert cache.get("stale") is None
    assert not PendingPurge.objects.exists()
    assert PendingPurge.objects.flush() == 0


def test_flush_keeps_the_keys_while_the_cache_does_not_answer(monkeypatch):
    PendingPurge.objects.remember(["stale"])
    monkeypatch.setattr(runtime, "cache_reachable", lambda: False)
    assert PendingPurge.objects.flush() == 0
    assert PendingPurge.objects.filter(key="stale").exists()
