"""The one "first or not found" every selector uses."""

import pytest

from agents.domain.exceptions import UnknownReference
from agents.models import Agent
from agents.selectors.base import one

pytestmark = pytest.mark.django_db


def test_the_first_row_or_not_found_with_the_message(agent):
    assert one(Agent.objects.filter(pk=agent.pk), "unused") == agent
    with pytest.raises(UnknownReference, match="No agent ag_x"):
        one(Agent.objects.none(), "No agent ag_x.")


def test_where_narrows_by_the_conditions_given_and_ignores_empty_ones(agent, make_agent):
    from agents.models import Agent
    from agents.selectors.base import where

    other = make_agent("Shop chat")
    rows = Agent.objects.filter(pk__in=[agent.pk, other.pk])
    assert set(where(rows, name="Shop chat")) == {other}
    assert where(rows, name="", description=None, archived_at__isnull=False).count() == 2
