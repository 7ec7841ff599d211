"""Branches: a draft of their own from any reference, saves in the agent's one `rN`
sequence, If-Match like the draft, never touching the main draft; deleting one keeps
its revisions."""

import pytest
from django.core.exceptions import PermissionDenied

from agents.domain.exceptions import DraftConflict, InvalidInput, InvalidState, UnknownReference
from agents.models import DraftRevision
from agents.selectors import branches as branch_selectors
from agents.services import branches, change_requests, drafts
from tests.helpers import edit

pytestmark = pytest.mark.django_db

PROMPT = "\n".join(f"Paragraph {i}." for i in range(1, 7))


def branch_edit(agent, name, patch, user, **kwargs):
    from agents.domain.config import merge_patch

    found = branch_selectors.branch(agent, name)
    return drafts.update_draft(
        agent=agent, config=merge_patch(found.config, patch), user=user, branch=name, **kwargs
    )


def test_a_branch_has_its_own_draft_and_shares_the_revision_sequence(agent, user):
    edit(agent, {"prompt": {"welcome_message": "Main 1"}}, user=user)  # r2
    found = branches.create_branch(agent=agent, name="refunds", user=user)
    assert found.revision == 3
    assert found.base_ref == "draft"
    assert found.base_revision == 2
    saved = branch_edit(agent, "refunds", {"prompt": {"welcome_message": "Branch"}}, user)
    assert saved.revision == 4
    main = edit(agent, {"prompt": {"welcome_message": "Main 2"}}, user=user)
    assert main.revision == 5
    agent.draft.refresh_from_db()
    assert agent.draft.config["prompt"]["welcome_message"] == "Main 2"
    rows = list(DraftRevision.objects.filter(agent=agent).values_list("number", "branch"))
    assert sorted(rows) == [(1, ""), (2, ""), (3, "refunds"), (4, "refunds"), (5, "")]


def test_a_branch_from_a_version_or_a_revision(agent, make_version, user):
    v1 = make_version(agent, {"prompt": {"welcome_message": "Version one"}})
    edit(agent, {"prompt": {"welcome_message": "Later"}}, user=user)
    from_version = branches.create_branch(agent=agent, name="from-v1", user=user, source="v1")
    assert from_version.config["prompt"]["welcome_message"] == "Version one"
    assert (from_version.base_version, from_version.base_ref) == (v1, "v1")
    from_revision = branches.create_branch(agent=agent, name="from-r1", user=user, source="r1")
    assert from_revision.base_revision == 1
    other = branches.create_branch(agent=agent, name="copy", user=user, source="draft:from-v1")
    assert other.content_hash == from_version.content_hash


def test_if_match_on_a_branch(agent, user):
    found = branches.create_branch(agent=agent, name="tone", user=user)
    branch_edit(
        agent, "tone", {"llm": {"temperature": 0.1}}, user, expected_revision=found.revision
    )
    with pytest.raises(DraftConflict):
        branch_edit(
            agent, "tone", {"llm": {"temperature": 0.2}}, user, expected_revision=found.revision
        )


@pytest.mark.parametrize(
    ("name", "source", "path"),
    [("Refunds", "draft", "name"), ("", "draft", "name"), ("ok", "nonsense!", "from")],
)
def test_bad_input_is_refused(agent, user, name, source, path):
    with pytest.raises(InvalidInput) as caught:
        branches.create_branch(agent=agent, name=name, user=user, source=source)
    assert caught.value.errors[0]["path"] == path


def test_names_are_unique_while_kept_and_deleting_keeps_revisions(agent, user):
    branches.create_branch(agent=agent, name="x", user=user)
    with pytest.raises(InvalidInput):
        branches.create_branch(agent=agent, name="x", user=user)
    branch_edit(agent, "x", {"llm": {"temperature": 0.2}}, user)
    branches.delete_branch(agent=agent, name="x", user=user)
    with pytest.raises(UnknownReference):
        branch_selectors.branch(agent, "x")
    assert DraftRevision.objects.filter(agent=agent, branch="x").count() == 2
    assert branches.create_branch(agent=agent, name="x", user=user).name == "x"


def test_a_branch_with_an_open_change_request_is_not_deleted(agent, user):
    branches.create_branch(agent=agent, name="y", user=user)
    change_requests.open_change_request(agent=agent, branch="y", title="Y", user=user)
    with pytest.raises(InvalidState):
        branches.delete_branch(agent=agent, name="y", user=user)


def test_viewers_do_not_branch(agent, make_user):
    with pytest.raises(PermissionDenied):
        branches.create_branch(agent=agent, name="z", user=make_user("Viewer"))


def test_the_playground_and_eval_runs_take_a_branch(agent, user):
    from agents.services import evals, playground

    name = "try-a-much-longer-name-for-the-branch-40"
    branches.create_branch(agent=agent, name=name, user=user)
    branch_edit(agent, name, {"prompt": {"welcome_message": "Branch hello"}}, user)
    session = playground.start_playground(agent=agent, target=f"draft:{name}", user=user)
    assert session.config["prompt"]["welcome_message"] == "Branch hello"
    suite = evals.create_eval_suite(
        agent=agent,
        name="S",
        user=user,
        cases=[{"name": "hi", "messages": [{"role": "user", "content": "hi"}]}],
    )
    run = evals.start_eval_run(suite=suite, target=f"draft:{name}", user=user)
    assert run.target_label == f"draft:{name}"
