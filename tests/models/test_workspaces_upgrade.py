"""An installation made by `make run` before workspaces existed, migrated: everything
lands in one "Default" workspace, each user's role groups become one role there, and
no row is lost.

The database is the demo's (`migrate` then `seed_demo` at the commit before migration
0030), with three more users in role groups and an API token, kept compressed in
tests/fixtures/databases."""

from __future__ import annotations

import lzma
import os
import sqlite3
import subprocess
import sys

from django.conf import settings

FIXTURE = (
    settings.BASE_DIR / "tests" / "fixtures" / "databases" / "demo_before_workspaces.sqlite3.xz"
)


def _counts(db: sqlite3.Connection) -> dict[str, int]:
    tables = [
        name
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not name.startswith("sqlite_") and name != "django_migrations"
    ]
    return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def test_the_demo_database_of_before_migrates_into_a_default_workspace(tmp_path):
    path = tmp_path / "before.sqlite3"
    path.write_bytes(lzma.decompress(FIXTURE.read_bytes()))
    with sqlite3.connect(path) as db:
        before = _counts(db)
        hashes = db.execute("SELECT id, content_hash FROM agents_publishedversion").fetchall()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}"}
    env.pop("REQUIRE_POSTGRES", None)
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(path) as db:
        after = _counts(db)
        [(default_id, name)] = db.execute("SELECT id, name FROM agents_workspace").fetchall()
        assert name == "Default"
        for table in ("agents_agent", "agents_webhook", "agents_change", "agents_apitoken"):
            assert before[table] > 0, table
            owners = db.execute(f"SELECT DISTINCT workspace_id FROM {table}").fetchall()
            assert owners == [(default_id,)], table
        roles = dict(
            db.execute(
                "SELECT u.username, m.role FROM agents_membership m "
                "JOIN auth_user u ON u.id = m.user_id WHERE m.workspace_id = ?",
                (default_id,),
            ).fetchall()
        )
        assert roles == {"ann": "editor", "rita": "releaser", "vic": "viewer", "eve": "releaser"}
        groups = db.execute(
            "SELECT count(*) FROM auth_group WHERE name IN ('Viewer', 'Editor', 'Releaser')"
        ).fetchone()[0]
        assert groups == 0
        assert db.execute("SELECT id, content_hash FROM agents_publishedversion").fetchall() == (
            hashes
        )
    # The role groups go (their users have roles instead); the new models add their
    # content types and permissions; every other table keeps every row.
    gone = ("auth_group", "auth_group_permissions", "auth_user_groups")
    grown = ("auth_permission", "django_content_type")
    changed = {
        table: (count, after.get(table))
        for table, count in before.items()
        if table not in gone + grown and after.get(table) != count
    }
    assert changed == {}
    assert all(after[table] >= before[table] for table in grown)
