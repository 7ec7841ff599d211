"""The console's htmx helpers: page numbers read safely, refusals turned into a page's
errors in one place, success as an event or a redirect, dialogs and fragments."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from agents.domain.exceptions import InvalidInput, NoChanges
from agents.views import htmx


@pytest.mark.parametrize(
    ("value", "expected"), [("3", 3), (" 12 ", 12), ("²", 1), ("1e3", 1), ("9" * 10, 1), (None, 1)]
)
def test_int_or_reads_small_whole_numbers_only(value, expected):
    assert htmx.int_or(value, 1) == expected


def test_refused_gathers_field_errors_and_the_forms_own():
    with htmx.refused() as refusal:
        raise InvalidInput(
            [{"path": "name", "message": "is required"}, {"path": "name", "message": "x"}]
        )
    assert refusal
    assert refusal.errors == {"name": "is required"}
    assert refusal.message == "name: is required; name: x"
    with htmx.refused() as other:
        raise NoChanges(latest_number=2)
    assert other.errors == {"": other.message}
    with htmx.refused() as denied:
        raise PermissionDenied("Releasers only.")
    assert (denied.errors, denied.message) == ({"": "Releasers only."}, "Releasers only.")
    with htmx.refused() as nothing:
        pass
    assert not nothing
    with pytest.raises(ValueError, match="propagates"), htmx.refused():
        raise ValueError("not a refusal: it propagates")


@pytest.mark.django_db
def test_done_is_an_event_for_htmx_and_a_redirect_otherwise(rf: RequestFactory, user):
    from django.contrib.messages.storage.fallback import FallbackStorage

    request = rf.post("/")
    request.htmx = True
    answer = htmx.done(request, "versionSaved", "/next/", "Saved v2.", "draftReplaced")
    assert answer.status_code == 204
    assert "versionSaved" in answer["HX-Trigger"]
    assert "draftReplaced" in answer["HX-Trigger"]
    plain = rf.post("/")
    plain.htmx = False
    plain.session = {}
    plain._messages = FallbackStorage(plain)
    moved = htmx.done(plain, "versionSaved", "/next/", "Saved v2.")
    assert (moved.status_code, moved["Location"]) == (302, "/next/")
