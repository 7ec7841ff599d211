"""Search and blame in the console: the search page, the blame dialog beside the
prompt editor."""

import pytest

from tests.helpers import edit

pytestmark = pytest.mark.django_db


def test_search_page(operator_client, agent, user):
    edit(agent, {"prompt": {"system_prompt": "Be kind.\nRefunds take a week."}}, user=user)
    page = operator_client.get(f"/agents/{agent.public_id}/search/?q=refund").content.decode()
    assert "Refunds take a week." in page
    assert 'data-testid="search-hit"' in page
    short = operator_client.get(f"/agents/{agent.public_id}/search/?q=x").content.decode()
    assert "2 to 200 characters" in short
    assert (
        'data-testid="search-form"'
        in operator_client.get(f"/agents/{agent.public_id}/").content.decode()
    )


def test_blame_dialog_beside_the_editor(operator_client, agent, user):
    edit(agent, {"prompt": {"system_prompt": "Be kind.\nBe brief."}}, user=user)
    editor = operator_client.get(f"/agents/{agent.public_id}/").content.decode()
    assert "blame/?path=prompt.system_prompt&amp;ref=draft" in editor
    dialog = operator_client.get(
        f"/agents/{agent.public_id}/blame/?path=prompt.system_prompt&ref=draft",
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert dialog.count('data-testid="blame-line"') == 2
    assert user.username in dialog
    wrong = operator_client.get(
        f"/agents/{agent.public_id}/blame/?path=llm.temperature", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "is not text" in wrong
