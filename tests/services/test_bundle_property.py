"""Property: an agent exported and imported again has the same versions, the same
content hashes, the same labels and the same draft, as JSON and as YAML."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents import selectors, services
from agents.domain.bundles import from_yaml, to_yaml
from tests.helpers import edit
from tests.strategies import configs

pytestmark = pytest.mark.django_db


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(versions=st.lists(configs, min_size=1, max_size=3), draft=configs, as_yaml=st.booleans())
def test_export_then_import_keeps_every_hash(user, versions, draft, as_yaml):
    agent = services.create_agent(name="Round trip", user=user, config=versions[0])
    for config in versions:
        edit(agent, config, user=user)
        services.save_version(agent=agent, name="Saved", user=user)
    services.release_version(version=agent.versions.order_by("number").last(), user=user)
    edit(agent, draft, user=user)
    bundle = selectors.export_bundle(selectors.agent_for_page(agent.public_id))
    if as_yaml:
        bundle = from_yaml(to_yaml(bundle))
    copy = services.import_bundle(bundle=bundle, user=user)
    again = selectors.export_bundle(selectors.agent_for_page(copy.public_id))
    original = selectors.export_bundle(selectors.agent_for_page(agent.public_id))
    assert [(v["number"], v["content_hash"]) for v in again["versions"]] == [
        (v["number"], v["content_hash"]) for v in original["versions"]
    ]
    assert again["labels"] == original["labels"]
    assert again["draft"] == original["draft"]
