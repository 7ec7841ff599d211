"""The WSGI entry point serves the console (what `gunicorn console.wsgi` loads)."""

import pytest
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def test_the_wsgi_application_answers_the_health_probe():
    from console.wsgi import application

    environ = RequestFactory().get("/healthz").environ
    status = []
    body = b"".join(application(environ, lambda s, headers, *_: status.append(s)))
    assert status == ["200 OK"]
    assert body
