"""`manage.py seed_demo`: the demo data and a printed login, once however often it runs."""

import pytest
from django.core.management import call_command

from agents.models import Agent, PublishedVersion

pytestmark = pytest.mark.django_db


def test_it_prints_a_login_and_runs_again_without_adding_anything(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "demo" in out
    counts = (Agent.objects.count(), PublishedVersion.objects.count())
    assert counts[0] > 0
    call_command("seed_demo")
    assert (Agent.objects.count(), PublishedVersion.objects.count()) == counts
