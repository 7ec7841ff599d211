"""Single sign-on end to end in Chromium, against a real OpenID provider the test
starts (panva's oidc-provider under Node.js, tests/oidc/provider.mjs): users made on
their first login with the roles their groups map to, the redirect after login kept
on this site, local passwords off with a superuser's break glass audited."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from agents.models import AuditEntry, Membership, Workspace
from bench.harness import free_port, wait_for_port

pytestmark = pytest.mark.django_db(transaction=True)

PROVIDER = Path(__file__).resolve().parent.parent / "oidc"


@pytest.fixture(scope="session")
def provider_installed() -> Path:
    """oidc-provider from the npm registry (package-lock.json pins it), installed once."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        if os.environ.get("CI"):
            pytest.fail("Node.js and npm are needed for the single sign-on tests")
        pytest.skip("needs Node.js and npm (the OpenID provider runs under Node)")
    if not (PROVIDER / "node_modules" / "oidc-provider").exists():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"], cwd=PROVIDER, check=True, timeout=300
        )
    return PROVIDER


@pytest.fixture
def provider(provider_installed, live_server, settings):
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        ["node", "provider.mjs"],
        cwd=provider_installed,
        env={**os.environ, "PORT": str(port), "REDIRECT_URI": f"{live_server.url}/oidc/callback/"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        settings.OIDC_RP_CLIENT_ID = "agent-console"
        settings.OIDC_RP_CLIENT_SECRET = "test-secret"
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{issuer}/auth"
        settings.OIDC_OP_TOKEN_ENDPOINT = f"{issuer}/token"
        settings.OIDC_OP_USER_ENDPOINT = f"{issuer}/me"
        settings.OIDC_OP_JWKS_ENDPOINT = f"{issuer}/jwks"
        settings.OIDC_PROVIDER_NAME = "Test IdP"
        settings.OIDC_ROLE_MAP = {"clinic-admins": "Clinic:admin", "shop-team": "Shop:editor"}
        settings.AUTHENTICATION_BACKENDS = [
            *settings.AUTHENTICATION_BACKENDS,
            "agents.sso.SingleSignOnBackend",
        ]
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)


def _browser_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    return context, context.new_page()


def _sign_in(page, login: str, start: str = "/accounts/login/") -> None:
    page.goto(start)
    page.get_by_test_id("sso-login").click()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("anything")
    page.locator("button[type=submit]").click()
    page.get_by_role("button", name="Continue").click()  # consent


def test_first_login_makes_the_user_with_the_roles_their_groups_map_to(
    browser, live_server, provider
):
    Workspace.objects.create(name="Clinic")
    context, page = _browser_page(browser, live_server)
    try:
        _sign_in(page, "olga")
        page.wait_for_url(f"{live_server.url}/")
        expect(page.locator(".topnav .who")).to_have_text("olga")
        expect(page.locator(".topnav").get_by_test_id("workspace-name")).to_contain_text(
            "Clinic (admin)"
        )
        olga = Membership.objects.select_related("user", "workspace").get(user__username="olga")
        assert (olga.workspace.name, olga.role) == ("Clinic", "admin")
        assert not olga.user.has_usable_password()  # through the provider only
        actions = set(AuditEntry.objects.values_list("action", flat=True))
        assert {"user.create", "member.sso"} <= actions
    finally:
        context.close()


def test_the_redirect_after_login_stays_on_this_site(browser, live_server, provider):
    context, page = _browser_page(browser, live_server)
    try:
        page.goto("/oidc/authenticate/?next=https://evil.example.com/")
        page.locator("input[name=login]").fill("sven")
        page.locator("input[name=password]").fill("anything")
        page.locator("button[type=submit]").click()
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(f"{live_server.url}/")
        assert "evil" not in page.url
        sven = Membership.objects.get(user__username="sven")
        assert (sven.workspace.name, sven.role) == ("Shop", "editor")  # made for the map
    finally:
        context.close()


def test_with_local_passwords_off_only_a_superusers_break_glass_logs_in(
    browser, live_server, provider, settings, make_user
):
    settings.LOCAL_PASSWORDS = False
    make_user("Editor", username="ed")
    make_user(superuser=True, username="root")
    context, page = _browser_page(browser, live_server)
    try:
        page.goto("/accounts/login/")
        expect(page.get_by_test_id("sso-login")).to_have_text("Log in with Test IdP")
        page.get_by_text("Break glass (superusers)").click()
        page.get_by_label("Username").fill("ed")
        page.get_by_label("Password").fill("pw-for-tests")
        page.get_by_role("button", name="Log in", exact=True).click()
        expect(page.get_by_role("alert")).to_be_visible()
        assert page.url.startswith(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill("root")  # the form stays open after a refusal
        page.get_by_label("Password").fill("pw-for-tests")
        page.get_by_role("button", name="Log in", exact=True).click()
        page.wait_for_url(f"{live_server.url}/")
        entry = AuditEntry.objects.get(action="login.break_glass")
        assert (entry.actor_name, entry.via) == ("root", "console")
    finally:
        context.close()
