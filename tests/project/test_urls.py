"""The project's routes: the API first, then the admin, login and probes, then the
console's pages grouped per area under `agents/<id>/`."""

import pytest
from django.urls import resolve, reverse

pytestmark = pytest.mark.django_db


def test_an_agents_pages_hang_under_its_id():
    assert reverse("agents:detail", args=["ag_aaaaaaaaaa"]) == "/agents/ag_aaaaaaaaaa/"
    assert reverse("agents:release", args=["ag_aaaaaaaaaa", 3]) == (
        "/agents/ag_aaaaaaaaaa/versions/3/release/"
    )
    match = resolve("/agents/ag_aaaaaaaaaa/compare/draft...released/")
    assert (match.url_name, match.kwargs["a"], match.kwargs["b"]) == (
        "compare",
        "draft",
        "released",
    )


def test_the_project_serves_the_api_admin_login_and_probes(client):
    assert resolve("/api/v1/openapi.json").url_name
    assert resolve("/admin/").app_name == "admin"
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 200
    assert resolve("/favicon.ico").route == "favicon.ico"
