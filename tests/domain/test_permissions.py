"""Permission names and roles: what each role may do, stated once."""

from agents.domain import permissions as p


def test_every_role_can_view_and_only_editors_edit_and_only_releasers_release():
    for role in ("Viewer", "Editor", "Releaser"):
        assert set(p.VIEW) <= set(p.ROLES[role])
    assert p.EDIT_DRAFT in p.ROLES["Editor"]
    assert p.EDIT_DRAFT not in p.ROLES["Releaser"]
    assert {p.RELEASE, p.MANAGE_CHANNELS, p.MANAGE_WEBHOOKS} <= set(p.ROLES["Releaser"])
    assert p.RELEASE not in p.ROLES["Editor"]
    assert p.ROLES["Viewer"] == p.VIEW


def test_permission_names_are_the_apps_and_unique():
    names = [v for k, v in vars(p).items() if k.isupper() and isinstance(v, str)]
    assert all(name.startswith("agents.") for name in names)
    assert len(set(names)) == len(names)
