"""Export in the browser: the agent page's Export button downloads the YAML bundle."""

from pathlib import Path

import yaml

from agents.services import releases, versions


def test_export_downloads_the_bundle(new_page, agent, user):
    releases.release_version(
        version=versions.save_version(agent=agent, name="First", user=user), user=user
    )
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/")
    with page.expect_download() as download:
        page.get_by_test_id("export").click()
    saved = download.value
    assert saved.suggested_filename == f"{agent.public_id}.yaml"
    bundle = yaml.safe_load(Path(saved.path()).read_text(encoding="utf-8"))
    assert (bundle["format"], bundle["labels"]["released"]) == ("agent-console/1", 1)
    assert page.console_errors == []
