"""Reads of labels: `released` first, then each label with the version it points at."""

import pytest

from agents.domain.exceptions import UnknownReference
from agents.selectors import labels
from agents.services import labels as labels_services
from agents.services import releases

pytestmark = pytest.mark.django_db


def test_labels_list_released_then_named_labels(agent, make_version, user):
    v1, v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)
    labels_services.move_label(agent=agent, name="staging", version=v2, user=user)
    agent.refresh_from_db()  # as a page reads it
    found = labels.labels_of(agent)
    assert [(view.name, view.version) for view in found] == [("released", v1), ("staging", v2)]
    assert labels.label_target(agent, "staging") == v2
    assert labels.labels_by_version(agent) == {v1.pk: ["released"], v2.pk: ["staging"]}


def test_a_label_that_points_nowhere_is_none_or_unknown(agent):
    assert labels.label_target(agent, "released") is None
    assert labels.label_target(agent, "nope") is None
    with pytest.raises(UnknownReference):
        labels.label_version(agent, "nope")
