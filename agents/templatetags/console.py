"""Small template helpers for the console."""

import json

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def get(mapping, key):
    """`{{ errors|get:"llm.temperature" }}`: dictionary lookup by a key with dots."""
    if not mapping:
        return ""
    return mapping.get(key, "")


@register.filter
def as_json(value) -> str:
    """A configuration value as readable text (the template escapes it)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)


@register.simple_tag
def when(value):
    """A short absolute timestamp in UTC, with the full one in the title."""
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


@register.filter
def iso(value) -> str:
    """A machine-readable moment for `<time datetime>`: ISO 8601, to the millisecond."""
    return value.isoformat(timespec="milliseconds") if value else ""


@register.filter
def describe_check(check: dict) -> str:
    """An eval check in words: `Reply contains “Tuesday”`."""
    from agents.domain import checks

    return checks.describe_check(check)


@register.filter
def split_pairs(value: str) -> list[tuple[str, str]]:
    """`"a:A,b:B"` → `[("a", "A"), ("b", "B")]`, for small fixed menus in templates."""
    return [tuple(item.split(":", 1)) for item in value.split(",") if ":" in item]
