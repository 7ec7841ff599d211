"""Frozen configurations: one row per content hash, however many freeze it."""

import pytest

from agents.domain.config import content_hash, default_config
from agents.models import ConfigSnapshot
from agents.services import snapshots

pytestmark = pytest.mark.django_db


def test_the_same_content_is_frozen_once():
    config = default_config()
    first = snapshots.freeze(content_hash(config), config)
    again = snapshots.freeze(content_hash(config), config)
    assert first == again
    assert ConfigSnapshot.objects.count() == 1
    assert first.config == config
