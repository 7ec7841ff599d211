"""Reads of versions: newest first, by number, the latest, each in a fixed number of
queries."""

import pytest

from agents.domain.exceptions import UnknownReference
from agents.selectors import versions

pytestmark = pytest.mark.django_db


def test_versions_are_listed_newest_first_and_found_by_number(agent, make_version):
    first, second = make_version(agent), make_version(agent)
    assert list(versions.version_list(agent)) == [second, first]
    assert versions.get_version(agent, 1) == first
    assert versions.latest_version(agent) == second
    assert versions.recent_numbers(agent) == [2, 1]


def test_a_number_the_agent_does_not_have_is_unknown(agent, make_version, make_agent):
    make_version(agent)
    other = make_agent("Other line")
    with pytest.raises(UnknownReference, match="v9"):
        versions.get_version(agent, 9)
    with pytest.raises(UnknownReference):
        versions.get_version(other, 1)  # another agent's v1 is not this one's
    assert versions.latest_version(other) is None


def test_the_list_costs_the_same_queries_for_2_or_20_versions(
    agent, make_version, django_assert_max_num_queries
):
    for _ in range(20):
        make_version(agent)
    with django_assert_max_num_queries(1):
        assert len(list(versions.version_list(agent))) == 20
