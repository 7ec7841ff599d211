"""Judges through the API: create, read with scores per version, change, delete."""

import pytest

from agents.models import Judge
from agents.services import judges
from tests.helpers import error

pytestmark = pytest.mark.django_db


def test_a_judge_is_created_listed_changed_and_deleted(api, agent, released):
    url = f"/agents/{agent.public_id}/judges"
    created = api.post(url, {"name": "polite", "check": {"type": "contains", "value": "please"}})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["id"].startswith("jd_")
    assert (body["check"], body["rubric"], body["sample_rate"]) == (
        {"type": "contains", "value": "please"},
        None,
        1.0,
    )
    conversation = api.post("/conversations", {"agent": agent.public_id}).json()["id"]
    turns = [{"role": "assistant", "content": "Yes, please hold."}]
    api.post(f"/conversations/{conversation}/end", {"outcome": "completed", "turns": turns})
    judges.run_due_judgements()
    assert api.get(f"/conversations/{conversation}").json()["scores"] == {"polite": 1.0}
    listed = api.get(url).json()["data"]
    assert listed[0]["scores"] == [{"version": 1, "mean": 1.0, "scored": 1, "failed": 0}]
    changed = api.patch(f"/judges/{body['id']}", {"sample_rate": 0.25, "rubric": "Polite?"})
    assert (changed.json()["sample_rate"], changed.json()["check"]) == (0.25, None)
    assert api.delete(f"/judges/{body['id']}").status_code == 204
    error(api.get(f"/judges/{body['id']}"), 404, "not_found")
    assert api.get(url).json()["data"] == []
    assert Judge.objects.count() == 1  # kept, with what it scored


def test_bad_judges_are_refused(api, agent, make_api):
    url = f"/agents/{agent.public_id}/judges"
    error(api.post(url, {"name": "Polite!", "rubric": "x"}), 422, "validation_error")
    error(
        api.post(url, {"name": "both", "rubric": "x", "check": {"type": "regex", "value": "a"}}),
        422,
        "validation_error",
    )
    error(
        api.post(url, {"name": "bad", "check": {"type": "regex", "value": "("}}),
        422,
        "validation_error",
    )
    error(api.post(url, {"name": "rate", "rubric": "x", "sample_rate": 2}), 422, "validation_error")
    viewer = make_api("Viewer")
    error(viewer.post(url, {"name": "x", "rubric": "x"}), 403, "permission_denied")
    assert not Judge.objects.exists()
