"""Published versions and their snapshots: numbered 1, 2, 3… per agent, named, and
sharing one snapshot per content."""

import pytest
from django.db import IntegrityError, transaction

from agents.models import ConfigSnapshot, PublishedVersion

pytestmark = pytest.mark.django_db


def test_versions_are_numbered_per_agent_and_say_which(agent, make_agent, make_version):
    first, second = make_version(agent), make_version(agent)
    other = make_version(make_agent("Shop chat"))
    assert (first.number, second.number, other.number) == (1, 2, 1)
    assert first.label == "v1"
    assert "v1" in str(first)


@pytest.mark.parametrize(("number", "name"), [(1, "Copy"), (0, "Zero"), (2, "")])
def test_the_database_refuses_a_reused_number_a_zero_or_no_name(agent, make_version, number, name):
    first = make_version(agent)
    with pytest.raises(IntegrityError), transaction.atomic():
        PublishedVersion.objects.bulk_create(
            [
                PublishedVersion(
                    agent=agent,
                    number=number,
                    name=name,
                    config=first.config,
                    content_hash=first.content_hash,
                    schema_version=first.schema_version,
                )
            ]
        )


def test_the_same_content_shares_one_snapshot(agent, make_version):
    first = make_version(agent, {"prompt": {"welcome_message": "Same"}})
    assert ConfigSnapshot.objects.filter(content_hash=first.content_hash).count() == 1
