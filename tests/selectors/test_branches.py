"""Reading branches: kept ones by name, one by name (404 otherwise), their open
change requests."""

import pytest

from agents.domain.exceptions import UnknownReference
from agents.selectors import branches as selectors
from agents.services import branches, change_requests

pytestmark = pytest.mark.django_db


def test_kept_branches_and_their_open_requests(agent, user, django_assert_max_num_queries):
    for name in ("b", "a", "gone"):
        branches.create_branch(agent=agent, name=name, user=user)
    branches.delete_branch(agent=agent, name="gone", user=user)
    cr = change_requests.open_change_request(agent=agent, branch="b", title="B", user=user)
    with django_assert_max_num_queries(2):
        rows = list(selectors.kept(agent))
        assert [b.name for b in rows] == ["a", "b"]
        assert selectors.open_change_requests(rows) == {rows[1].pk: cr.public_id}
    assert selectors.open_change_request(rows[1]) == cr
    with pytest.raises(UnknownReference):
        selectors.branch(agent, "gone")
