"""Playwright driving Debian's Chromium against pytest-django's live server."""

import os
import shutil

import pytest

from agents.services import (
    agents,
    channels,
    eval_runner,
    evals,
    releases,
    rollouts,
    versions,
    webhooks,
)
from tests.helpers import edit

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make to set up data are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(
                f"Chromium not found at {CHROMIUM}: CI must install it (apt-get install chromium)"
            )
        pytest.skip(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def wait_until_wired(page, selector: str) -> None:
    """Wait until htmx has processed the element a swap just put in (typing earlier is lost)."""
    page.wait_for_function(
        "(selector) => { const e = document.querySelector(selector);"
        " return e && e['htmx-internal-data'] && e['htmx-internal-data'].initHash }",
        arg=selector,
    )


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def make(username: str, password: str = "pw-for-tests", *, width=1360, height=900):
        context = browser.new_context(
            viewport={"width": width, "height": height}, base_url=live_server.url
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        # Console errors include Content-Security-Policy violations: none are expected.
        page.console_errors = []
        page.on(
            "console",
            lambda message: message.type == "error" and page.console_errors.append(message.text),
        )
        page.wired = lambda selector: wait_until_wired(page, selector)
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def no_script_page(browser, live_server):
    """A logged-in page with JavaScript off (every form and link must work so)."""
    contexts = []

    def make(username: str, password: str = "pw-for-tests", *, width=1280, height=900):
        context = browser.new_context(
            java_script_enabled=False,
            base_url=live_server.url,
            viewport={"width": width, "height": height},
        )
        contexts.append(context)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def world(user, make_version):
    """An agent with every kind of page filled: versions, a release, a channel, an eval
    run, a linked library prompt, a rollout running on the channel and a webhook."""
    agent = agents.create_agent(
        name="Clinic line",
        user=user,
        config={"tools": [{"name": "crm", "url": "https://crm.example.com/"}]},
    )
    v1 = make_version(agent)
    releases.release_version(version=v1, user=user)
    make_version(agent)
    edit(agent, {"prompt": {"welcome_message": "Hello there"}}, user=user)
    channel = channels.create_channel(user=user, name="Main", kind="web", agent=agent)
    suite = evals.create_eval_suite(
        agent=agent,
        name="Smoke",
        user=user,
        cases=[{"name": "hi", "messages": [{"role": "user", "content": "hi"}]}],
    )
    run = evals.start_eval_run(suite=suite, target="draft", user=user)
    eval_runner.execute_eval_run(run_id=run.pk)
    prompt = agents.create_agent(
        name="Brand voice",
        user=user,
        kind="prompt",
        config={
            "text": "Be warm with {{name}}.",
            "variables": [{"name": "name", "default": "you"}],
        },
    )
    releases.release_version(
        version=versions.save_version(agent=prompt, name="Warm", user=user), user=user
    )
    edit(agent, {"prompt_links": [{"prompt": prompt.public_id}]}, user=user)
    rollout = rollouts.start_rollout(
        channel=channel, candidate=agent.versions.get(number=2), user=user
    )
    webhook = webhooks.create_webhook(
        url="https://hooks.example.com/in", events=["release"], user=user
    )
    webhooks.send_test_event(webhook=webhook, user=user)
    return agent, channel, suite, run, prompt, rollout, webhook
