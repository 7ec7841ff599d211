"""Importing bundles: thousands of versions append in bounded queries, in order."""

import itertools

import pytest

from agents.domain.exceptions import InvalidInput
from agents.models import Agent, PublishedVersion
from agents.services import bundles
from bench.bundles import _bundle

pytestmark = pytest.mark.django_db


def test_a_long_history_imports_with_two_queries_a_version(user, django_assert_max_num_queries):
    count = 400
    with django_assert_max_num_queries(2 * count + 60):
        agent = bundles.import_bundle(bundle=_bundle(count), user=user)
    versions = list(agent.versions.order_by("number"))
    assert [v.number for v in versions] == list(range(1, count + 1))
    assert all(v.parent_id == p.pk for p, v in itertools.pairwise(versions))
    agent.refresh_from_db()
    assert agent.released_version.number == count
    assert agent.draft.content_hash == versions[-1].content_hash


def test_a_bad_version_deep_in_a_bundle_creates_nothing(user):
    bundle = _bundle(30)
    bundle["versions"][20]["name"] = "x" * 500
    before = (Agent.objects.count(), PublishedVersion.objects.count())
    with pytest.raises(InvalidInput) as refused:
        bundles.import_bundle(bundle=bundle, user=user)
    assert refused.value.errors[0]["path"] == "versions[20].name"
    assert (Agent.objects.count(), PublishedVersion.objects.count()) == before
