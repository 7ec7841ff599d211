"""Draft revisions: numbered r1, r2… per agent in one sequence, never twice."""

import pytest
from django.db import IntegrityError, transaction

from agents.models import DraftRevision
from tests.helpers import edit

pytestmark = pytest.mark.django_db


def test_every_save_is_the_next_revision_of_its_agent(agent, make_agent, user):
    edit(agent, {"prompt": {"welcome_message": "Hello"}}, user=user)
    other = make_agent("Shop chat")
    numbers = list(agent.revisions.order_by("number").values_list("number", flat=True))
    assert numbers == [1, 2]
    latest = agent.revisions.get(number=2)
    assert latest.label == "r2"
    assert str(latest) == f"r2 of agent {agent.pk}"
    assert other.revisions.get().number == 1


@pytest.mark.parametrize("number", [1, 0])
def test_the_database_refuses_a_reused_or_zero_number(agent, number):
    first = agent.revisions.get(number=1)
    copy = DraftRevision(
        agent=agent,
        number=number,
        snapshot=first.snapshot,
        content_hash=first.content_hash,
        reason=first.reason,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        DraftRevision.objects.bulk_create([copy])
