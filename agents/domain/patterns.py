"""Regular expressions written by users, matched in time linear in the text.

Python's `re` backtracks: an Editor's check `(a+)+$` against a 28-character
reply once held a worker for 20 s, and longer replies never finish. Eval
checks and output schemas (`pattern`, `patternProperties`) therefore use RE2
(google-re2), which guarantees linear-time matching. It has no backreferences
(`\\1`) and no lookaround (`(?=…)`, `(?<!…)`); a pattern using them is refused
with RE2's reason when it is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import re2
from jsonschema import Draft202012Validator, ValidationError, validators

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # errors are reported to the user, not to stderr


class PatternError(ValueError):
    """The pattern is not one RE2 accepts; the message says why."""


@lru_cache(maxsize=512)
def compile_pattern(pattern: str):
    try:
        return re2.compile(pattern, _OPTIONS)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise PatternError(
            f"{reason} (patterns use RE2 syntax: no backreferences or lookaround)"
        ) from None


def search(pattern: str, text: str) -> bool:
    """Whether `pattern` matches anywhere in `text`; PatternError if it cannot compile."""
    return compile_pattern(pattern).search(text) is not None


def _pattern(validator, pattern: str, instance: Any, schema) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "string"):
        return
    try:
        if not search(pattern, instance):
            yield ValidationError(f"{instance!r} does not match {pattern!r}")
    except PatternError as exc:
        yield ValidationError(f"the schema's pattern {pattern!r} cannot be used: {exc}")


def _pattern_properties(validator, properties: dict, instance: Any, schema):
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in properties.items():
        for key, value in instance.items():
            try:
                matched = search(pattern, key)
            except PatternError as exc:
                yield ValidationError(f"the schema's pattern {pattern!r} cannot be used: {exc}")
                return
            if matched:
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def _additional_properties(validator, additional, instance: Any, schema):
    if not validator.is_type(instance, "object"):
        return
    properties = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    extras = []
    for key in instance:
        if key in properties:
            continue
        try:
            if any(search(p, key) for p in patterns):
                continue
        except PatternError:
            continue  # reported by patternProperties
        extras.append(key)
    if validator.is_type(additional, "object"):
        for key in extras:
            yield from validator.descend(instance[key], additional, path=key)
    elif additional is False and extras:
        listed = ", ".join(repr(key) for key in sorted(extras))
        yield ValidationError(f"Additional properties are not allowed ({listed} unexpected)")


def _keywords(schema: Any) -> Iterator[str]:
    if isinstance(schema, dict):
        for key, value in schema.items():
            yield key
            yield from _keywords(value)
    elif isinstance(schema, list):
        for item in schema:
            yield from _keywords(item)


def unsafe_schema(schema: Any) -> str | None:
    """Why a schema cannot be checked in linear time, or None.

    `unevaluatedProperties` makes jsonschema match `patternProperties` with Python's
    backtracking `re`, out of reach of the RE2 keywords below."""
    used = set(_keywords(schema))
    if {"unevaluatedProperties", "patternProperties"} <= used:
        return "it combines unevaluatedProperties with patternProperties"
    return None


SchemaValidator = validators.extend(
    Draft202012Validator,
    {
        "pattern": _pattern,
        "patternProperties": _pattern_properties,
        "additionalProperties": _additional_properties,
    },
)
"""Draft 2020-12 with every pattern matched by RE2 (see `unsafe_schema` for the one
combination it cannot cover)."""
