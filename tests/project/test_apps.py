"""The app's start-up: after a migrate (or a flush), the immutability triggers are
there again."""

import pytest
from django.core.management import call_command
from django.db import connection

from agents import triggers

pytestmark = pytest.mark.django_db


def test_migrate_puts_the_triggers_back():
    expected = triggers.installed(connection)
    assert expected
    triggers.uninstall(connection)
    assert triggers.installed(connection) == set()
    call_command("migrate", verbosity=0)
    assert triggers.installed(connection) == expected
