"""An agent exported as a bundle: its versions, draft and labels, re-importable."""

import pytest

from agents.domain import bundles as bundles_domain
from agents.selectors import bundles
from agents.services import releases

pytestmark = pytest.mark.django_db


def test_the_bundle_holds_every_version_the_draft_and_the_labels(agent, make_version, user):
    v1 = make_version(agent)
    make_version(agent)
    releases.release_version(version=v1, user=user)
    agent.refresh_from_db()
    exported = bundles.export_bundle(agent)
    assert exported["format"] == bundles_domain.FORMAT
    assert [v["number"] for v in exported["versions"]] == [1, 2]
    assert exported["labels"]["released"] == 1
    cleaned, problems = bundles_domain.check_bundle(exported)
    assert problems == []
    assert cleaned["draft"] == agent.draft.config
