"""Indexing what revisions introduced: with every save (main draft and branches), in
its transaction, and rebuilt the same from the revisions."""

import pytest

from agents.models import IntroducedLine
from agents.selectors import branches as branch_selectors
from agents.services import blame, branches, drafts
from tests.helpers import edit

pytestmark = pytest.mark.django_db


def rows(agent):
    return sorted(
        IntroducedLine.objects.filter(agent=agent).values_list("revision", "branch", "path", "text")
    )


def test_each_save_indexes_what_it_added_and_a_rebuild_agrees(agent, user):
    edit(agent, {"prompt": {"system_prompt": "A.\nB."}}, user=user)
    branches.create_branch(agent=agent, name="b", user=user)
    config = branch_selectors.branch(agent, "b").config
    config = {**config, "prompt": {**config["prompt"], "system_prompt": "A.\nB.\nC."}}
    saved = drafts.update_draft(agent=agent, config=config, user=user, branch="b")
    found = rows(agent)
    assert (saved.revision, "b", "prompt.system_prompt", "C.") in found
    assert not [r for r in found if r[0] == saved.revision - 1]  # branching adds nothing
    assert blame.rebuild([agent.pk]) == len(found)
    assert rows(agent) == found
