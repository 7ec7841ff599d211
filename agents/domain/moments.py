"""Moments in time typed by people and scripts: ISO 8601, made aware, kept in range."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from agents.domain.exceptions import InvalidInput

EXAMPLE = "2026-11-29T10:00:00Z"


def iso_z(value: datetime) -> str:
    """An aware moment as ISO 8601 with `Z` for UTC, as files and webhooks carry it."""
    return value.isoformat().replace("+00:00", "Z")


def in_utc(value: datetime, *, path: str) -> datetime:
    """`value` as an aware UTC datetime (naive values are read as UTC); InvalidInput when
    it falls outside the calendar once moved to UTC (`9999-12-31T23:59-23:59`)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise InvalidInput([{"path": path, "message": "is out of range"}]) from None


def parse_moment(text: str, *, path: str) -> datetime:
    """An aware UTC datetime from ISO 8601 text; InvalidInput with an example otherwise
    (bad dates, time-zone offsets of a day or more, years past 9999)."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            [{"path": path, "message": f"must be a date and time like {EXAMPLE}"}]
        ) from None
    return in_utc(value, path=path)


def parse_local_moment(text: str, offset_minutes: str, *, path: str) -> datetime:
    """A `datetime-local` value typed in a browser whose clock is `offset_minutes`
    behind UTC (JavaScript's `getTimezoneOffset()`; empty: the value is UTC), as an
    aware UTC datetime; InvalidInput otherwise."""
    value = parse_moment(text, path=path)
    offset = offset_minutes.strip()
    if not offset:
        return value
    digits = offset.removeprefix("-")
    # ASCII digits only: "²".isdigit() is true, int("²") is an error.
    if not (digits.isascii() and digits.isdigit()) or abs(int(offset)) > 16 * 60:
        raise InvalidInput([{"path": path, "message": "the browser's time zone is not readable"}])
    return value + timedelta(minutes=int(offset))
