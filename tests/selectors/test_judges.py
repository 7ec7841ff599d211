"""Judge reads: live judges only, and their scores and failures per version in one query."""

import pytest

from agents.domain.exceptions import UnknownReference
from agents.models import Judgement
from agents.selectors import judges as judges_selectors
from agents.services import judges
from tests.helpers import ended

pytestmark = pytest.mark.django_db


def test_scores_per_version_and_failures(agent, make_version, user, django_assert_max_num_queries):
    v1, v2 = make_version(agent), make_version(agent)
    judge = judges.create_judge(agent=agent, user=user, name="polite", rubric="Polite?")
    for version, score in ((v1, 1.0), (v2, 0.5)):
        for conversation in ended(version, [{}, {}]):
            Judgement.objects.create(
                judge=judge, conversation=conversation, status="scored", score=score
            )
    (broken,) = ended(v2, [{}])
    Judgement.objects.create(judge=judge, conversation=broken, status="failed", error="timeout")
    with django_assert_max_num_queries(1):
        found = judges_selectors.recent_scores([judge])[judge.pk]
    assert [(s.version, s.mean, s.scored, s.failed) for s in found] == [
        (2, 0.5, 2, 1),
        (1, 1.0, 2, 0),
    ]
    judges.delete_judge(judge=judge, user=user)
    assert list(judges_selectors.judges_of(agent)) == []
    with pytest.raises(UnknownReference):
        judges_selectors.judge(judge.public_id)
