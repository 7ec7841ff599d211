"""Channels: how they name themselves, and the kinds the database accepts."""

import pytest

from agents.models import Channel
from agents.services import channels
from tests.helpers import refused_by_database

pytestmark = pytest.mark.django_db


@pytest.fixture
def line(agent, released, user):
    return channels.create_channel(user=user, name="Main line", kind="phone", agent=agent)


def test_a_channel_names_itself_with_its_id_and_follows_released_by_default(line):
    assert str(line) == f"Main line ({line.public_id})"
    assert line.public_id.startswith("ch_")
    assert line.target == "released"


def test_the_database_refuses_an_unknown_kind_or_a_malformed_id(line):
    refused_by_database(Channel.objects.filter(pk=line.pk), kind="fax")
    refused_by_database(Channel.objects.filter(pk=line.pk), public_id="ch_NOT-BASE32")
