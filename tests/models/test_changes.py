"""Changes and their counter: numbered from 1, of the known kinds only."""

import pytest

from agents.models import Change, ChangeCounter
from tests.helpers import refused_by_database

pytestmark = pytest.mark.django_db


def test_a_change_reads_as_its_number_and_kind(agent, released):
    change = Change.objects.get()
    assert str(change) == "#1 release"
    assert str(ChangeCounter.objects.get(pk=1)) == "1"


def test_the_database_refuses_an_unknown_kind_or_a_number_below_one(agent, released):
    rows = Change.objects.all()
    refused_by_database(rows, kind="shrug")
    refused_by_database(rows, seq=0)
