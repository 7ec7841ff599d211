"""Copying fields into bodies: by name, unchanged, and a missing version as null."""

from types import SimpleNamespace

import pytest

from agents.domain.fields import attributes, number


def test_attributes_are_copied_by_name_in_the_order_asked():
    row = SimpleNamespace(name="Main line", kind="phone", secret="x")
    assert attributes(row, "kind", "name") == {"kind": "phone", "name": "Main line"}
    with pytest.raises(AttributeError):
        attributes(row, "absent")


def test_a_versions_number_or_none():
    assert number(SimpleNamespace(number=3)) == 3
    assert number(None) is None
