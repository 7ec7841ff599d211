"""Prompt request bodies: a name is required, the approval rule is 0 to 2, nothing
unknown is accepted."""

import pytest
from pydantic import ValidationError

from agents.api.prompt_schemas import PromptCreate, PromptDraftIn, PromptPatch


def test_a_prompt_is_created_with_a_name_and_defaults():
    body = PromptCreate.model_validate({"name": "Greeting"})
    assert (body.text, body.variables) == ("", [])
    with pytest.raises(ValidationError):
        PromptCreate.model_validate({"name": ""})


def test_a_patch_bounds_the_approval_rule_and_a_draft_refuses_unknown_fields():
    assert PromptPatch.model_validate({"approvals_required": 2}).approvals_required == 2
    with pytest.raises(ValidationError):
        PromptPatch.model_validate({"approvals_required": 3})
    with pytest.raises(ValidationError):
        PromptDraftIn.model_validate({"text": "Hi", "tone": "warm"})
