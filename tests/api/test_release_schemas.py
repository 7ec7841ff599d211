"""Label and release-request bodies: a rejection says why, a label move names a version."""

import pytest
from pydantic import ValidationError

from agents.api.release_schemas import CommentIn, LabelPut, RejectIn, RequestReleaseIn


def test_a_rejection_needs_a_comment_an_approval_does_not():
    assert CommentIn.model_validate({}).comment == ""
    with pytest.raises(ValidationError):
        RejectIn.model_validate({})
    assert RejectIn.model_validate({"comment": "Too risky"}).comment == "Too risky"


def test_a_label_moves_to_a_version_and_break_glass_says_why():
    assert LabelPut.model_validate({"version": 3}).protected is None
    for bad in ({}, {"version": 3, "break_glass": ""}, {"version": "3"}):
        with pytest.raises(ValidationError):
            LabelPut.model_validate(bad)


def test_carrying_out_a_request_later_takes_a_moment_as_text():
    assert RequestReleaseIn.model_validate({"at": "2030-01-01T09:00:00+01:00"}).at.hour == 9
    with pytest.raises(ValidationError):
        RequestReleaseIn.model_validate({"at": 1_900_000_000})
