"""Who is here: the last minute's heartbeats; who saved since a page loaded."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agents.selectors import presence
from agents.services import presence as presence_services
from tests.helpers import edit

pytestmark = pytest.mark.django_db


def test_gone_a_minute_after_the_last_heartbeat(agent, user, make_user):
    other = make_user("Editor", username="bob")
    presence_services.heartbeat(agent=agent, user=user)
    presence_services.heartbeat(agent=agent, user=other, where="draft:b", editing=True)
    assert [p.user.username for p in presence.present(agent)] == ["operator", "bob"]
    assert [p.user.username for p in presence.present(agent, where="draft:b")] == ["bob"]
    later = timezone.now() + timedelta(seconds=61)
    assert list(presence.present(agent, now=later)) == []


def test_someone_else_saved_since_the_page_loaded(agent, user, make_user):
    loaded = agent.draft.revision
    ann = make_user("Editor", username="ann")
    saved = edit(agent, {"llm": {"temperature": 0.2}}, user=ann)
    notice = presence.saved_since(saved, loaded, user)
    assert (notice.by, notice.revision) == ("ann", saved.revision)
    assert presence.saved_since(saved, saved.revision, user) is None
    assert presence.saved_since(saved, loaded, ann) is None  # one's own save
