"""The Judges card on the Evals page: create, edit and delete in a dialog; bad input
shows by its field and changes nothing."""

import pytest
from django.urls import reverse

from agents.models import Judge

pytestmark = pytest.mark.django_db


def test_a_judge_is_made_edited_and_deleted_from_the_evals_page(operator_client, agent):
    page = operator_client.get(reverse("agents:evals", args=[agent.public_id])).content.decode()
    assert 'id="judges-card"' in page
    assert "No judges yet." in page
    new = reverse("agents:judge-new", args=[agent.public_id])
    form = {
        "name": "polite",
        "kind": "check",
        "check_type": "contains",
        "check_value": "please",
        "sample_percent": "50",
    }
    response = operator_client.post(new, form, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    judge = Judge.objects.get()
    assert (judge.eval_check, judge.sample_rate) == ({"type": "contains", "value": "please"}, 0.5)
    card = operator_client.get(
        reverse("agents:judges-card", args=[agent.public_id])
    ).content.decode()
    assert "Reply contains “please”" in card
    assert "50%" in card
    edit = reverse("agents:judge", args=[agent.public_id, judge.public_id])
    dialog = operator_client.get(edit, HTTP_HX_REQUEST="true").content.decode()
    assert 'value="please"' in dialog
    rubric = {**form, "kind": "rubric", "rubric": "Is the agent polite?", "sample_percent": "100"}
    assert operator_client.post(edit, rubric, HTTP_HX_REQUEST="true").status_code == 204
    judge.refresh_from_db()
    assert (judge.eval_check, judge.rubric) == (None, "Is the agent polite?")
    delete = reverse("agents:judge-delete", args=[agent.public_id, judge.public_id])
    assert (
        "Delete judge “polite”?"
        in operator_client.get(delete, HTTP_HX_REQUEST="true").content.decode()
    )
    assert operator_client.post(delete, HTTP_HX_REQUEST="true").status_code == 204
    judge.refresh_from_db()
    assert judge.deleted_at is not None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "Polite!"}, "judge-name-error"),
        ({"check_type": "regex", "check_value": "("}, "judge-check-value-error"),
        ({"check_type": "latency_ms", "check_value": "soon"}, "judge-check-value-error"),
        ({"sample_percent": "150"}, "judge-sample-error"),
        ({"kind": "rubric", "rubric": ""}, "judge-kind-error"),
    ],
)
def test_bad_input_shows_by_its_field_and_changes_nothing(operator_client, agent, change, field):
    form = {
        "name": "polite",
        "kind": "check",
        "check_type": "contains",
        "check_value": "please",
        "sample_percent": "100",
    }
    response = operator_client.post(
        reverse("agents:judge-new", args=[agent.public_id]),
        {**form, **change},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert f'id="{field}"' in response.content.decode()
    assert not Judge.objects.exists()


def test_viewers_see_judges_but_cannot_change_them(client, make_user, agent):
    client.force_login(make_user("Viewer"))
    page = client.get(reverse("agents:evals", args=[agent.public_id])).content.decode()
    assert 'id="judges-card"' in page
    assert 'data-testid="new-judge"' not in page
    assert client.get(reverse("agents:judge-new", args=[agent.public_id])).status_code == 403
