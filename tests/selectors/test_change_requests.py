"""Reading change requests: one with its threads and reviews in a fixed number of
queries, per agent and everywhere by status, comment spots."""

import pytest

from agents.domain import paths
from agents.domain.exceptions import UnknownReference
from agents.selectors import change_requests as selectors
from agents.services import branches, change_requests

pytestmark = pytest.mark.django_db


@pytest.fixture
def cr(agent, user):
    branches.create_branch(agent=agent, name="s", user=user)
    return change_requests.open_change_request(agent=agent, branch="s", title="S", user=user)


def test_one_with_everything_in_few_queries(cr, user, make_user, django_assert_max_num_queries):
    reviewer = make_user("Editor")
    for i in range(5):
        note = change_requests.comment(cr=cr, user=reviewer, body=f"c{i}", path="llm.temperature")
        change_requests.reply(to=note, user=user, body="ok")
        change_requests.review(cr=cr, user=reviewer, verdict="comment", body=f"r{i}")
    with django_assert_max_num_queries(5):
        found = selectors.change_request(cr.public_id)
        assert len(found.threads) == 5
        assert all(len(t.replies.all()) == 1 for t in found.threads)
        assert len(found.all_reviews) == 5
    with pytest.raises(UnknownReference):
        selectors.change_request("cr_nothing")


def test_lists_by_status(agent, cr, user):
    assert list(selectors.of_agent(agent, "open")) == [cr]
    assert list(selectors.of_agent(agent, "merged")) == []
    assert list(selectors.everything()) == [cr]


def test_a_spot_is_a_value_or_a_line(agent):
    config = {"prompt": {"system_prompt": "one\ntwo"}, "llm": {"temperature": 0.3}}
    assert selectors.spot(config, "llm.temperature", None) == 0.3
    assert selectors.spot(config, "prompt.system_prompt", 2) == "two"
    with pytest.raises(paths.NoSuchPath):
        selectors.spot(config, "prompt.system_prompt", 3)


def test_one_comment_and_one_review_by_id(cr, user, make_user):
    note = change_requests.comment(cr=cr, user=user, body="x")
    found = change_requests.review(cr=cr, user=make_user("Editor"), verdict="comment", body="y")
    read = selectors.change_request(cr.public_id)
    assert selectors.comment(read, note.public_id) == note
    assert selectors.review(read, found.pk) == found
    with pytest.raises(UnknownReference):
        selectors.comment(read, "cm_nothing")
    with pytest.raises(UnknownReference):
        selectors.review(read, 0)
