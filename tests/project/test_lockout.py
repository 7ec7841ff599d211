"""Guessing passwords is throttled per account and per address, with a clear message."""

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(make_user):
    return make_user("Viewer", username="alice")


def _login(client, password, *, address="203.0.113.7", username="alice", url=None):
    return client.post(
        url or reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_after_the_limit_even_the_right_password_is_refused_with_a_message(
    client, account, settings
):
    statuses = [_login(client, "wrong").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    response = _login(client, "pw-for-tests")
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_account_is_locked_from_every_address_and_the_address_for_every_account(
    client, account, make_user, settings
):
    make_user(username="bob")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wrong")
    assert _login(client, "pw-for-tests", address="198.51.100.1").status_code == 429
    assert _login(client, "pw-for-tests", username="bob").status_code == 429
    assert _login(client, "pw-for-tests", username="bob", address="198.51.100.2").status_code == 302


def test_the_admin_login_is_throttled_too(client, account, settings):
    url = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wrong", url=url)
    assert _login(client, "pw-for-tests", url=url).status_code == 429


def test_an_administrator_unlocks_an_account(client, account, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wrong", address=f"192.0.2.{_ + 1}")
    assert _login(client, "pw-for-tests", address="192.0.2.200").status_code == 429
    call_command("axes_reset_username", "alice")
    assert _login(client, "pw-for-tests", address="192.0.2.200").status_code == 302


def test_a_successful_login_resets_the_count(client, account, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "wrong")
    assert _login(client, "pw-for-tests").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "wrong")
    assert _login(client, "pw-for-tests").status_code == 302
