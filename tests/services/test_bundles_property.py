"""Property: an agent exported and imported again has the same versions, the same
content hashes, the same labels and the same draft, as JSON and as YAML."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.domain.bundles import from_yaml, to_yaml
from agents.selectors import agents as agents_selectors
from agents.selectors import bundles as bundles_selectors
from agents.services import agents, bundles, releases
from agents.services import versions as versions_services
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
    agent = agents.create_agent(name="Round trip", user=user, config=versions[0])
    for config in versions:
        edit(agent, config, user=user)
        versions_services.save_version(agent=agent, name="Saved", user=user)
    releases.release_version(version=agent.versions.order_by("number").last(), user=user)
    edit(agent, draft, user=user)
    bundle = bundles_selectors.export_bundle(agents_selectors.agent_for_page(agent.public_id))
    if as_yaml:
        bundle = from_yaml(to_yaml(bundle))
    copy = bundles.import_bundle(bundle=bundle, user=user)
    again = bundles_selectors.export_bundle(agents_selectors.agent_for_page(copy.public_id))
    original = bundles_selectors.export_bundle(agents_selectors.agent_for_page(agent.public_id))
    assert [(v["number"], v["content_hash"]) for v in again["versions"]] == [
        (v["number"], v["content_hash"]) for v in original["versions"]
    ]
    assert again["labels"] == original["labels"]
    assert again["draft"] == original["draft"]
