"""What every endpoint shares: pages with a next link, and the draft revision a caller
saw (If-Match, or `expected_draft_revision`, agreeing)."""

import pytest
from django.test import RequestFactory
from ninja.errors import HttpError

from agents.api import common
from agents.api.schemas import Paging

pytestmark = pytest.mark.django_db


def test_a_page_has_a_next_link_only_when_more_rows_follow():
    request = RequestFactory().get("/api/v1/agents", {"search": "desk"})
    first = common.page(request, list(range(5)), Paging(offset=0, limit=2), str)
    assert first["data"] == ["0", "1"]
    assert first["next"] == "http://testserver/api/v1/agents?search=desk&offset=2&limit=2"
    last = common.page(request, list(range(5)), Paging(offset=4, limit=2), str)
    assert (last["data"], last["next"]) == (["4"], None)


@pytest.mark.parametrize(("header", "expected"), [('"3"', 3), ('W/"12"', 12), (None, None)])
def test_if_match_names_a_draft_revision(header, expected):
    headers = {"HTTP_IF_MATCH": header} if header else {}
    assert common.if_match(RequestFactory().put("/", **headers)) == expected


def test_an_unreadable_or_disagreeing_revision_is_a_400():
    with pytest.raises(HttpError):
        common.if_match(RequestFactory().put("/", HTTP_IF_MATCH='"three"'))
    request = RequestFactory().post("/", HTTP_IF_MATCH='"3"')
    assert common.expected_revision(request, 3) == 3
    with pytest.raises(HttpError):
        common.expected_revision(request, 4)


def test_a_principal_without_the_permission_is_refused(make_user):
    from django.core.exceptions import PermissionDenied

    from agents.selectors import tokens
    from agents.services import tokens as tokens_services

    _, secret = tokens_services.create_api_token(user=make_user("Viewer"), name="read")
    request = RequestFactory().get("/")
    request.auth = tokens.authenticate(secret)
    assert common.require(request, "agents.view_agent") is request.auth
    with pytest.raises(PermissionDenied, match="release_version or"):
        common.require(request, "agents.release_version", "agents.change_draft")
