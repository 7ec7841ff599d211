"""The core request bodies as the API reads them: strict types, bounds, moments as
ISO 8601 text, restore from exactly one source, paging limits."""

import pytest
from pydantic import ValidationError

from agents.api.schemas import MAX_PAGE, Paging, ReleaseIn, RestoreIn


def test_a_release_takes_a_whole_version_and_a_moment_as_text():
    body = ReleaseIn.model_validate({"version": 2.0, "at": "2030-01-01T09:00:00Z"})
    assert body.version == 2
    assert body.at.year == 2030
    for bad in ({"version": 0}, {"version": "2"}, {"version": 2, "at": 0}, {"version": 2, "x": 1}):
        with pytest.raises(ValidationError):
            ReleaseIn.model_validate(bad)


def test_restore_takes_a_version_or_a_revision_never_both():
    assert RestoreIn.model_validate({"revision": 3}).revision == 3
    for bad in ({}, {"version": 1, "revision": 3}):
        with pytest.raises(ValidationError, match="either version or revision"):
            RestoreIn.model_validate(bad)


def test_paging_is_bounded():
    assert (Paging().limit, Paging().offset) == (50, 0)
    with pytest.raises(ValidationError):
        Paging(limit=MAX_PAGE + 1)
    with pytest.raises(ValidationError):
        Paging(offset=-1)
