"""Permission names and roles: what each role may do, stated once."""

from agents.domain import permissions as p


def test_each_role_holds_everything_the_one_before_it_holds():
    viewer, editor, releaser, admin = (p.ROLES[r] for r in p.ROLE_NAMES)
    assert viewer == frozenset(p.VIEW)
    assert viewer < editor < releaser < admin
    assert {p.EDIT_DRAFT, p.SAVE_VERSION, p.CREATE_AGENT} <= editor
    assert p.RELEASE not in editor
    assert {p.RELEASE, p.MANAGE_CHANNELS, p.MANAGE_WEBHOOKS} <= releaser
    assert p.MANAGE_MEMBERS not in releaser
    assert {p.MANAGE_MEMBERS, p.VIEW_AUDIT} <= admin


def test_a_ceiling_only_ever_lowers_a_role():
    assert p.at_most("admin", "viewer") == "viewer"
    assert p.at_most("viewer", "admin") == "viewer"  # never raised
    assert p.at_most("editor", None) == "editor"
    assert p.at_most(None, "admin") is None  # no role stays no role
    assert p.perms_of(None) == frozenset()
    assert [p.rank(r) for r in (None, *p.ROLE_NAMES)] == [0, 1, 2, 3, 4]


def test_permission_names_are_the_apps_and_unique():
    names = [v for k, v in vars(p).items() if k.isupper() and isinstance(v, str) and "." in v]
    assert all(name.startswith("agents.") for name in names)
    assert len(set(names)) == len(names)
