"""`GET /agents/{id}/search` and `/blame`: which revision introduced a phrase, each
line with its version or revision; bad input refused by path."""

import pytest

from agents.services import versions as versions_services
from tests.helpers import edit, error

pytestmark = pytest.mark.django_db


def test_search_and_blame(api, agent, user):
    edit(agent, {"prompt": {"system_prompt": "Be kind.\nBe brief."}}, user=user)
    versions_services.save_version(agent=agent, name="One", user=user)
    edit(
        agent, {"prompt": {"system_prompt": "Be kind.\nRefunds take a week.\nBe brief."}}, user=user
    )
    hits = api.get(f"/agents/{agent.public_id}/search?q=refund").json()["data"]
    assert hits == [
        {
            "ref": f"r{hits[0]['revision']}",
            "revision": hits[0]["revision"],
            "branch": None,
            "path": "prompt.system_prompt",
            "excerpt": "Refunds take a week.",
        }
    ]
    body = api.get(f"/agents/{agent.public_id}/blame?path=prompt.system_prompt").json()
    assert [(line["text"], line["since"]) for line in body["lines"]] == [
        ("Be kind.", "v1"),
        ("Refunds take a week.", hits[0]["ref"]),
        ("Be brief.", "v1"),
    ]
    assert body["lines"][0]["author"] == user.username


def test_bad_input(api, agent):
    assert api.get(f"/agents/{agent.public_id}/search?q=x").status_code == 422
    error(api.get(f"/agents/{agent.public_id}/blame?path=llm.temperature"), 422, "validation_error")
    error(
        api.get(f"/agents/{agent.public_id}/blame?path=prompt.system_prompt&ref=v9"),
        404,
        "not_found",
    )
