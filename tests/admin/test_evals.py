"""Eval runs and playground transcripts, readable in the admin."""

import pytest
from django.urls import reverse

from agents.services import eval_runner, evals, playground

pytestmark = pytest.mark.django_db


def test_eval_runs_and_playground_transcripts_are_readable_in_the_admin(admin_client, agent, user):
    suite = evals.create_eval_suite(
        agent=agent,
        name="Smoke",
        user=user,
        cases=[{"name": "answers", "messages": [{"role": "user", "content": "hi"}]}],
    )
    run = evals.start_eval_run(suite=suite, target="draft", user=user)
    eval_runner.execute_eval_run(run_id=run.pk)
    page = admin_client.get(reverse("admin:agents_evalrun_change", args=[run.pk]))
    assert "You said: hi" in page.content.decode()
    page = admin_client.get(reverse("admin:agents_evalsuite_change", args=[suite.pk]))
    assert "answers" in page.content.decode()
    conversation = playground.start_playground(agent=agent, target="draft", user=user)
    playground.send_playground_message(conversation=conversation, text="hello there", user=user)
    page = admin_client.get(reverse("admin:agents_conversation_change", args=[conversation.pk]))
    assert "You said: hello there" in page.content.decode()
    assert (
        admin_client.post(reverse("admin:agents_evalrun_delete", args=[run.pk])).status_code == 403
    )
