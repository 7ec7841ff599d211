"""Reading changes after a `seq`: what is latest, what was pruned, what is refused."""

import pytest

from agents.domain.exceptions import InvalidInput
from agents.models import Change
from agents.selectors import changes
from agents.services import labels

pytestmark = pytest.mark.django_db


def test_the_latest_seq_and_the_page_after_one(agent, released, user):
    version, _ = released
    labels.move_label(agent=agent, name="eu", version=version, user=user)
    assert changes.latest_seq() == 2
    rows, last, _ = changes.page_after(0, 1)
    assert ([row.seq for row in rows], last) == ([1], 1)
    with pytest.raises(InvalidInput):
        changes.page_after(3, 10)


def test_a_reader_behind_what_is_kept_has_missed_changes(agent, released, user):
    version, _ = released
    labels.move_label(agent=agent, name="eu", version=version, user=user)
    labels.move_label(agent=agent, name="us", version=version, user=user)
    assert not changes.missed(0)
    Change.objects.filter(seq__lte=2).delete()  # what the sweep prunes
    assert changes.missed(0)
    assert changes.missed(1)
    assert not changes.missed(2)
    assert not changes.missed(3)
