"""The suite's check that every service write is audited catches one that is not."""

import pytest
from django.db import connection

from agents.models import Workspace
from agents.services.audit import audited
from tests.helpers import UnauditedWrites

pytestmark = [pytest.mark.django_db, pytest.mark.unaudited_writes]


def _service(name: str):
    """A function as if defined in agents/services/probe.py, writing a workspace."""
    namespace = {"__name__": "agents.services.probe", "Workspace": Workspace}
    exec(f"def {name}(label):\n    return Workspace.objects.create(name=label)", namespace)
    return namespace[name]


def test_an_unaudited_service_write_is_caught_and_an_audited_one_is_not():
    watch = UnauditedWrites()
    with connection.execute_wrapper(watch):
        _service("sneaky")("Sneaky")
        audited("workspace.create")(_service("honest"))("Honest")
        Workspace.objects.create(name="From a test")  # not a service: not its business
    assert watch.missed == ["agents.services.probe.sneaky wrote agents_workspace"]
