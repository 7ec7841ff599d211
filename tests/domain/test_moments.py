"""Moments: ISO 8601 text in, aware UTC datetimes out, with the path of a bad one."""

from datetime import UTC, datetime

import pytest

from agents.domain import moments
from agents.domain.exceptions import InvalidInput


def test_text_with_or_without_an_offset_becomes_utc():
    assert moments.parse_moment("2026-12-03T10:00:00+02:00", path="at") == datetime(
        2026, 12, 3, 8, 0, tzinfo=UTC
    )
    assert moments.parse_moment(" 2026-12-03T10:00 ", path="at") == datetime(
        2026, 12, 3, 10, 0, tzinfo=UTC
    )


@pytest.mark.parametrize("text", ["tomorrow", "2026-02-30T10:00", "2026-12-03T10:00+25:00", ""])
def test_a_moment_that_cannot_be_read_names_its_path(text):
    with pytest.raises(InvalidInput) as refused:
        moments.parse_moment(text, path="at")
    assert refused.value.errors[0]["path"] == "at"


def test_a_browser_time_is_read_with_the_browser_offset():
    # getTimezoneOffset() is -60 in Paris in winter: local 10:00 is 09:00 UTC.
    assert moments.parse_local_moment("2026-12-03T10:00", "-60", path="at") == datetime(
        2026, 12, 3, 9, 0, tzinfo=UTC
    )
    assert moments.parse_local_moment("2026-12-03T10:00", "", path="at").hour == 10
    with pytest.raises(InvalidInput):
        moments.parse_local_moment("2026-12-03T10:00", "an hour", path="at")


def test_moments_are_written_with_z_and_stay_in_the_calendar():
    assert moments.iso_z(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)) == "2026-01-02T03:04:05Z"
    with pytest.raises(InvalidInput):
        moments.parse_moment("9999-12-31T23:59-23:59", path="at")
