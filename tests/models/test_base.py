"""Immutable rows refuse to change in Python: save, delete and queryset writes raise
(the database triggers behind them are tested in tests/project/test_triggers.py)."""

import pytest

from agents.domain.exceptions import VersionImmutable
from agents.models import PublishedVersion, ReleaseEvent

pytestmark = pytest.mark.django_db


def test_saving_a_version_again_raises(released):
    version, _ = released
    version.name = "Rewritten history"
    with pytest.raises(VersionImmutable):
        version.save()
    assert PublishedVersion.objects.get(pk=version.pk).name != "Rewritten history"


def test_deleting_a_version_raises(released):
    version, _ = released
    with pytest.raises(VersionImmutable):
        version.delete()
    assert PublishedVersion.objects.filter(pk=version.pk).exists()


@pytest.mark.parametrize("model", [PublishedVersion, ReleaseEvent])
def test_querysets_refuse_update_and_delete(released, model):
    with pytest.raises(VersionImmutable):
        model.objects.all().update(note="x") if model is ReleaseEvent else (
            model.objects.all().update(name="x")
        )
    with pytest.raises(VersionImmutable):
        model.objects.all().delete()
    assert model.objects.count() == 1


def test_saving_or_deleting_a_release_event_raises(released):
    _, event = released
    event.note = "edited"
    with pytest.raises(VersionImmutable):
        event.save()
    with pytest.raises(VersionImmutable):
        event.delete()
