"""Labels beside `released`: movable pointers every reader accepts."""

import pytest
from django.core.exceptions import PermissionDenied

from agents.domain.exceptions import InvalidInput, LabelProtected, UnknownReference
from agents.models import Label, ReleaseEvent
from agents.selectors import compare, runtime
from agents.selectors import history as history_selectors
from agents.services import channels, labels

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(agent, make_version):
    return [make_version(agent) for _ in range(3)]


def test_a_label_is_created_moved_and_every_move_is_logged(agent, three, user):
    v1, v2, _ = three
    labels.move_label(agent=agent, name="staging", version=v1, user=user)
    labels.move_label(agent=agent, name="staging", version=v2, user=user, note="ready")
    labels.move_label(agent=agent, name="staging", version=v1, user=user)
    events = list(ReleaseEvent.objects.filter(agent=agent, label="staging").order_by("id"))
    assert [(e.kind, e.version.number) for e in events] == [
        ("release", 1),
        ("release", 2),
        ("rollback", 1),
    ]
    assert events[1].note == "ready"
    assert agent.released_version_id is None  # production did not move
    assert labels.move_label(agent=agent, name="staging", version=v1, user=user) is None


def test_every_reader_accepts_a_label_and_answers_the_version(agent, three, user):
    _v1, v2, _ = three
    labels.move_label(agent=agent, name="staging", version=v2, user=user)
    resolved = runtime.resolve(f"{agent.public_id}@staging")
    assert (resolved.version, resolved.content_hash) == (2, v2.content_hash)
    side = compare.compare_side(agent, "staging")
    assert (side.label, side.resolved) == ("staging (v2)", "v2")
    with pytest.raises(UnknownReference, match="has no label canary"):
        runtime.resolve(f"{agent.public_id}@canary")


def test_a_channel_follows_its_label_as_it_moves(agent, three, user):
    v1, v2, _ = three
    labels.move_label(agent=agent, name="staging", version=v1, user=user)
    channel = channels.create_channel(
        user=user, name="Test line", kind="phone", agent=agent, target={"label": "staging"}
    )
    first, _ = channels.start_conversation_on_channel(channel=channel, user=user, key="a")
    labels.move_label(agent=agent, name="staging", version=v2, user=user)
    second, _ = channels.start_conversation_on_channel(channel=channel, user=user, key="a")
    assert (first.version.number, second.version.number) == (1, 2)
    history = history_selectors.history_page(agent=agent)
    row = next(r for r in history.rows if r.version.number == 2)
    assert row.labels == ("staging",)
    assert row.used_by == ("Test line",)


def test_a_channel_cannot_follow_a_label_the_agent_lacks(agent, three, user):
    with pytest.raises(InvalidInput, match="has no label canary"):
        channels.create_channel(
            user=user, name="Line", kind="web", agent=agent, target={"label": "canary"}
        )


@pytest.mark.parametrize("name", ["draft", "latest", "v3", "r3", "Staging", "-x", "a" * 33, ""])
def test_bad_label_names_are_refused(agent, three, user, name):
    with pytest.raises(InvalidInput):
        labels.move_label(agent=agent, name=name, version=three[0], user=user)
    assert not Label.objects.exists()


def test_moving_released_is_a_release_and_it_cannot_be_deleted(agent, three, user):
    labels.move_label(agent=agent, name="released", version=three[1], user=user)
    agent.refresh_from_db()
    assert agent.released_version == three[1]
    with pytest.raises(LabelProtected):
        labels.delete_label(agent=agent, name="released", user=user)


def test_protected_labels_are_for_releasers(agent, three, user, make_user):
    editor = make_user("Editor")
    labels.move_label(agent=agent, name="staging", version=three[0], user=editor)
    with pytest.raises(PermissionDenied):
        labels.move_label(agent=agent, name="eu", version=three[0], user=editor, protected=True)
    labels.move_label(agent=agent, name="eu", version=three[0], user=user, protected=True)
    with pytest.raises(PermissionDenied):
        labels.move_label(agent=agent, name="eu", version=three[1], user=editor)
    with pytest.raises(PermissionDenied):
        labels.delete_label(agent=agent, name="eu", user=editor)
    assert Label.objects.get(name="eu").version == three[0]
    labels.delete_label(agent=agent, name="staging", user=editor)
    assert list(Label.objects.values_list("name", flat=True)) == ["eu"]


def test_a_label_points_only_at_its_own_agents_versions(
    agent, three, user, make_agent, make_version
):
    other = make_version(make_agent("Other"))
    with pytest.raises(InvalidInput):
        labels.move_label(agent=agent, name="staging", version=other, user=user)
