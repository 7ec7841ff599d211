"""Health probes: liveness touches nothing, readiness checks the database and the cache."""

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_touches_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.json() == {"status": "ok"}


def test_readyz_checks_the_database(client, monkeypatch):
    assert client.get("/readyz").json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "stream": "idle",  # no subscriber in this process
    }
    from django.db import connection

    def broken():
        raise RuntimeError("down")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
