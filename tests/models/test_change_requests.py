"""Change request rows: one open per branch, known statuses and verdicts, public ids
of the agreed form."""

import pytest
from django.db import IntegrityError, transaction

from agents.models import ChangeRequest, Presence, Review
from agents.services import branches

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch(agent, user):
    return branches.create_branch(agent=agent, name="c", user=user)


def test_one_open_change_request_per_branch(agent, branch, user):
    ChangeRequest.objects.create(agent=agent, branch=branch, title="One", author=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChangeRequest.objects.create(agent=agent, branch=branch, title="Two", author=user)
    closed = ChangeRequest.objects.create(
        agent=agent, branch=branch, title="Old", author=user, status="closed"
    )
    assert closed.public_id.startswith("cr_")
    assert str(closed).endswith("Old")


@pytest.mark.parametrize(("model", "field"), [(ChangeRequest, "status"), (Review, "verdict")])
def test_unknown_states_are_refused(agent, branch, user, model, field):
    cr = ChangeRequest.objects.create(agent=agent, branch=branch, title="T", author=user)
    row = (
        cr
        if model is ChangeRequest
        else Review.objects.create(
            change_request=cr, reviewer=user, verdict="approve", head_revision=1
        )
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{field: "maybe"})


def test_one_presence_row_per_user_and_place(agent, user):
    Presence.objects.create(agent=agent, user=user, where="draft")
    with pytest.raises(IntegrityError), transaction.atomic():
        Presence.objects.create(agent=agent, user=user, where="draft")
    assert "draft" in str(Presence.objects.get())
