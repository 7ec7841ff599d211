"""Judges and judgements in the admin: listed read-only, a failure's error shown."""

import pytest
from django.urls import reverse

from agents.models import Judgement
from agents.services import judges
from tests.helpers import ended

pytestmark = pytest.mark.django_db


def test_support_reads_judges_and_why_a_judgement_failed(admin_client, agent, make_version, user):
    judge = judges.create_judge(agent=agent, user=user, name="warmth", rubric="Warm?")
    (conversation,) = ended(make_version(agent), [{}])
    failed = Judgement.objects.create(
        judge=judge, conversation=conversation, status="failed", error="timeout: no answer"
    )
    listing = admin_client.get(reverse("admin:agents_judge_changelist")).content.decode()
    assert "warmth" in listing
    page = admin_client.get(reverse("admin:agents_judgement_change", args=[failed.pk]))
    assert "timeout: no answer" in page.content.decode()
    assert admin_client.get(reverse("admin:agents_judge_add")).status_code == 403
