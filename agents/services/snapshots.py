"""Frozen configurations, stored once per content hash."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from agents.domain import config as config_domain
from agents.models import ConfigSnapshot


def freeze(
    content_hash: str, config: dict[str, Any], schema_version: int = config_domain.SCHEMA_VERSION
) -> ConfigSnapshot:
    """The snapshot holding `config` (whose hash is `content_hash`, a document of
    `schema_version`), written if new. Safe when two writers freeze the same content
    at once."""
    found = ConfigSnapshot.objects.filter(content_hash=content_hash).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return ConfigSnapshot.objects.create(
                content_hash=content_hash, config=config, schema_version=schema_version
            )
    except IntegrityError:  # another writer froze the same content first
        return ConfigSnapshot.objects.get(content_hash=content_hash)
