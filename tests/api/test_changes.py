"""`GET /changes`: a runtime catches up on what changed after the last `seq` it saw."""

import pytest

from tests.helpers import error

pytestmark = pytest.mark.django_db


def test_changes_are_paged_oldest_first_with_the_seq_to_ask_after(api, changes_made):
    agent, line, _, _ = changes_made
    body = api.get("/changes").json()
    assert [c["seq"] for c in body["data"]] == [1, 2, 3, 4]
    assert body["data"][0] == {
        "seq": 1,
        "kind": "release",
        "workspace": agent.workspace.public_id,
        "agent": agent.public_id,
        "ref": "released",
        "version": 1,
        "at": body["data"][0]["at"],
    }
    assert body["data"][1]["channel"] == line.public_id
    assert body["last_seq"] == 4
    page = api.get("/changes?since=1&limit=2").json()
    assert ([c["seq"] for c in page["data"]], page["last_seq"]) == ([2, 3], 3)
    assert api.get("/changes?since=4").json() == {"data": [], "last_seq": 4}


def test_filters_repeat_and_a_channel_brings_its_agents_changes(api, changes_made):
    agent, line, other, _ = changes_made
    mine = api.get(f"/changes?agent={agent.public_id}").json()
    assert [c["seq"] for c in mine["data"]] == [1, 2, 3]
    assert mine["last_seq"] == 4  # nothing of this agent's before 4 is missing
    both = api.get(f"/changes?agent={agent.public_id}&agent={other.public_id}").json()
    assert [c["seq"] for c in both["data"]] == [1, 2, 3, 4]
    on_line = api.get(f"/changes?channel={line.public_id}").json()
    assert [c["seq"] for c in on_line["data"]] == [1, 2, 3]


@pytest.mark.parametrize(
    ("query", "path"),
    [("since=99", "since"), ("since=-1", "since"), ("limit=0", "limit"), ("ref=x", "ref")],
)
def test_bad_queries_are_refused_with_the_reason(api, changes_made, query, path):
    refused = error(api.get(f"/changes?{query}"), 422, "validation_error")
    assert path in str(refused["details"])


def test_changes_need_a_token_of_a_member(make_api, changes_made):
    assert make_api().get("/changes").status_code == 401


def test_a_reader_behind_what_is_kept_is_told_to_start_again(api, changes_made):
    from agents.models import Change

    Change.objects.filter(seq__lte=2).delete()  # pruned by the sweep
    assert api.get("/changes?since=0").json() == {"data": [], "last_seq": 4, "reset": True}
    assert [c["seq"] for c in api.get("/changes?since=2").json()["data"]] == [3, 4]
