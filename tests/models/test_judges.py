"""What the database keeps true about judges and their judgements."""

import pytest
from django.db import IntegrityError, transaction

from agents.models import Judge, Judgement
from tests.helpers import ended

pytestmark = pytest.mark.django_db


def test_a_judge_is_a_check_or_a_rubric_with_a_rate_in_range(agent):
    for fields in (
        {"name": "a", "rubric": "", "eval_check": None},
        {"name": "b", "rubric": "x", "eval_check": {"type": "regex", "value": "a"}},
        {"name": "c", "rubric": "x", "sample_rate": 1.5},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Judge.objects.create(agent=agent, **fields)


def test_one_judgement_per_judge_and_conversation(agent, make_version):
    judge = Judge.objects.create(agent=agent, name="polite", rubric="Polite?")
    (conversation,) = ended(make_version(agent), [{}])
    Judgement.objects.create(judge=judge, conversation=conversation)
    with pytest.raises(IntegrityError), transaction.atomic():
        Judgement.objects.create(judge=judge, conversation=conversation)
