"""Branch rows: a name of the agreed form, unique among an agent's kept branches."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from agents.models import Branch
from agents.services import branches

pytestmark = pytest.mark.django_db


def test_one_kept_branch_per_name(agent, user):
    first = branches.create_branch(agent=agent, name="a", user=user)
    fields = {
        f.name: getattr(first, f.name)
        for f in Branch._meta.concrete_fields
        if f.name not in {"id", "deleted_at"}
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Branch.objects.create(**fields)
    Branch.objects.filter(pk=first.pk).update(deleted_at=timezone.now())
    assert Branch.objects.create(**fields).ref == "draft:a"


def test_the_database_refuses_a_bad_name(agent, user):
    first = branches.create_branch(agent=agent, name="b", user=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Branch.objects.filter(pk=first.pk).update(name="Not OK")
    assert str(first) == f"draft:b of agent {agent.pk}"
