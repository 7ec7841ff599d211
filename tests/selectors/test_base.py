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
