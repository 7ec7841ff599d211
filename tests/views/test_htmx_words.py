"""What the console says, in an operator's words: units that mean what they say,
label moves that are not releases, prompts that are not production traffic, and no
pointers to files or environment variables an operator cannot reach."""

import hashlib
import hmac
import html
import re
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agents.domain import webhooks
from agents.models import Delivery
from agents.services import agents, labels, versions
from agents.services import webhooks as webhooks_services

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_label_move_is_logged_as_a_label_move(client, user, agent, make_version):
    v1 = make_version(agent)
    labels.move_label(agent=agent, name="staging", version=v1, user=user)
    client.force_login(user)
    page = client.get(reverse("agents:detail", args=[agent.public_id])).content.decode()
    log = page[page.index('id="release-log"') :]
    assert "Label staging moved" in log
    assert '<span class="badge badge-release">Release</span>' not in log


def test_a_prompt_release_speaks_of_agents_not_production_traffic(client, user):
    prompt = agents.create_agent(name="Tone", user=user, kind="prompt", config={"text": "Hi."})
    versions.save_version(agent=prompt, name="First", user=user)
    client.force_login(user)
    dialog = client.get(reverse("agents:release", args=[prompt.public_id, 1]), **HTMX)
    text = dialog.content.decode()
    assert "Production traffic" not in text
    assert "Agents that follow this prompt" in text
    page = client.get(reverse("agents:detail", args=[prompt.public_id])).content.decode()
    assert "playground" not in page.lower()


def test_a_due_retry_says_due_now_not_in_0_minutes(client, user, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    hook = webhooks_services.create_webhook(
        url="https://hooks.example.com/in", events=["release"], user=user
    )
    delivery = webhooks_services.send_test_event(webhook=hook, user=user)
    Delivery.objects.filter(pk=delivery.pk).update(
        attempts=1, next_attempt_at=timezone.now() - timedelta(seconds=5)
    )
    client.force_login(user)
    page = client.get(reverse("agents:webhook", args=[hook.public_id])).content.decode()
    assert "next try due now" in page
    assert "0\xa0minutes" not in page


def test_webhook_pages_explain_verification_themselves_and_it_works(client, user):
    client.force_login(user)
    page = client.get(reverse("agents:webhooks")).content.decode()
    assert "README" not in page
    code = html.unescape(re.search(r'Python">(.*?)</pre>', page, re.S).group(1))
    scope: dict = {}
    exec(code, scope)  # the snippet the page shows, run against a real signature
    body, secret, stamp = b'{"event":"ping"}', "whsec_test", int(time.time())
    mac = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert scope["verified"](secret, f"t={stamp},v1={mac}", body)
    assert not scope["verified"](secret, f"t={stamp},v1={mac}", body + b" ")


def test_a_private_target_is_refused_without_naming_an_environment_variable():
    problems = webhooks.url_problems("http://10.0.0.5/hook", allow_private=False)
    assert problems
    assert "WEBHOOK_ALLOW_PRIVATE" not in problems[0]
    assert "public addresses only" in problems[0]
