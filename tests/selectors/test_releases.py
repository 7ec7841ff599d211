"""What a release would do (the plan the dialogs and services share), and the agent
page's Releases card."""

import pytest

from agents.selectors import releases
from agents.services import agents
from agents.services import approvals as approvals_services
from agents.services import releases as releases_services

pytestmark = pytest.mark.django_db


def test_the_plan_names_what_the_pointer_holds_and_what_it_needs(agent, make_version, user):
    v1, v2 = make_version(agent), make_version(agent)
    releases_services.release_version(version=v2, user=user)
    agent.refresh_from_db()  # as a page reads it
    plan = releases.release_plan(agent=agent, version=v1)
    assert (plan.current, plan.released_before, plan.undo_last) == (v2, False, False)
    agents.update_agent(agent=agent, user=user, approvals_required=1)
    agent.refresh_from_db()
    assert releases.release_plan(agent=agent, version=v1).approvals_required == 1
    assert releases.release_plan(agent=agent, version=v2).already_released


def test_the_releases_card_shows_labels_requests_and_schedules(agent, make_version, user):
    v1 = make_version(agent)
    asked = approvals_services.request_release(agent=agent, version=v1, user=user)
    card = releases.release_overview(agent)
    assert [view.name for view in card.labels] == ["released"]
    assert card.requests == [asked]
    assert card.schedules == []
