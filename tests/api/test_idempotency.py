"""Idempotency keys never get stuck: a claim lives and dies with its request's work."""

import hashlib
import json
import threading
from unittest import mock

import pytest
from django.db import connection
from django.test import Client

from agents.models import IdempotencyRecord, PublishedVersion
from agents.services import tokens, versions
from tests.helpers import Api, edit

pytestmark = pytest.mark.django_db


@pytest.fixture
def changed(agent, user):
    edit(agent, {"llm": {"temperature": 1.5}}, user=user)
    return agent


def test_a_request_killed_mid_way_leaves_no_claim_and_the_retry_runs(api, changed):
    url = f"/agents/{changed.public_id}/versions"
    headers = {"Idempotency-Key": "killed"}
    real_save = versions.save_version

    def save_then_die(**kwargs):
        real_save(**kwargs)
        raise SystemExit("the process is going away")

    with (
        mock.patch("agents.services.versions.save_version", save_then_die),
        pytest.raises(SystemExit),
    ):
        api.post(url, {"name": "Once"}, headers=headers)
    assert not IdempotencyRecord.objects.exists()
    assert not PublishedVersion.objects.filter(agent=changed).exists()

    retry = api.post(url, {"name": "Once"}, headers=headers)
    assert retry.status_code == 201
    assert "Idempotent-Replayed" not in retry
    assert api.post(url, {"name": "Once"}, headers=headers)["Idempotent-Replayed"] == "true"
    assert PublishedVersion.objects.filter(agent=changed).count() == 1


def test_a_claim_left_unfinished_by_an_older_server_is_taken_over(api, changed):
    url = f"/agents/{changed.public_id}/versions"
    first = api.post(url, {"name": "Before"}, headers={"Idempotency-Key": "other"})
    record = IdempotencyRecord.objects.get(key="other")
    IdempotencyRecord.objects.create(
        user_id=record.user_id, key="stuck", request_hash=_fingerprint(url, {"name": "After"})
    )
    edit(changed, {"llm": {"temperature": 0.5}})
    response = api.post(url, {"name": "After"}, headers={"Idempotency-Key": "stuck"})
    assert first.status_code == 201
    assert response.status_code == 201
    assert IdempotencyRecord.objects.get(key="stuck").status == 201


def _fingerprint(path, body):
    raw = json.dumps(body).encode()
    return hashlib.sha256(f"POST /api/v1{path}\n".encode() + raw).hexdigest()


@pytest.mark.postgres
def test_concurrent_retries_with_one_key_act_once_and_replay(transactional_db, make_user, agent):
    user = make_user("Editor", "Releaser")
    _, secret = tokens.create_api_token(user=user, name="race")
    edit(agent, {"llm": {"temperature": 1.2}}, user=user)
    url = f"/agents/{agent.public_id}/versions"
    barrier = threading.Barrier(8)
    answers = []

    def call():
        barrier.wait()
        try:
            answers.append(
                Api(Client(), secret).post(url, {"name": "Race"}, headers={"Idempotency-Key": "r"})
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [201] * 8
    assert len({a.json()["number"] for a in answers}) == 1
    assert sum(a.get("Idempotent-Replayed") == "true" for a in answers) == 7
    assert PublishedVersion.objects.filter(agent=agent).count() == 1
