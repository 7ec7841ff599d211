"""Domain errors: each has a stable code and a message a person can act on; the ones
with figures carry them in `details` for the API."""

import pytest

from agents.domain import exceptions


def test_every_error_has_its_own_code():
    errors = [
        cls
        for cls in vars(exceptions).values()
        if isinstance(cls, type) and issubclass(cls, exceptions.AgentConsoleError)
    ]
    codes = {cls.code for cls in errors if cls is not exceptions.ConfigInvalid}
    assert len(codes) == len(errors) - 1  # a ConfigInvalid is a validation_error too
    assert exceptions.UnknownReference("x").code == "not_found"
    assert exceptions.ConfigInvalid([]).code == "validation_error"


def test_invalid_input_names_each_problem_by_path():
    error = exceptions.InvalidInput(
        [{"path": "name", "message": "is required"}, {"path": "", "message": "too big"}]
    )
    assert error.message == "name: is required; too big"
    assert error.details == error.errors
    assert exceptions.InvalidInput([]).message == "invalid input"


def test_errors_with_figures_say_them_and_carry_them():
    conflict = exceptions.DraftConflict(expected_revision=3, current_revision=5)
    assert "revision 3" in conflict.message
    assert conflict.details == {"expected_revision": 3, "current_revision": 5}
    assert exceptions.NoChanges(latest_number=4).details == {"latest_version": 4}
    gate = exceptions.ReleaseGateFailed(version_label="v2", findings=["no run"])
    assert gate.message.startswith("v2 cannot be released without a passing eval run: no run.")


def test_a_subclass_names_its_code_in_its_bases():
    class Custom(exceptions.AgentConsoleError, code="custom"):
        pass

    class Inherits(Custom):
        pass

    assert (Custom("x").code, Inherits("x").code) == ("custom", "custom")
    with pytest.raises(Custom):
        raise Inherits("x")
