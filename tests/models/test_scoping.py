"""The one mechanism that scopes by workspace: every model that belongs to one says
how, its default manager narrows every query to the request's workspaces, and a
model that forgets fails here."""

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agents.models import (
    Agent,
    ApiToken,
    ConfigSnapshot,
    Conversation,
    Membership,
    PublishedVersion,
    Workspace,
    scoping,
)
from agents.models.scoping import ScopedManager, workspace_id_of

pytestmark = pytest.mark.django_db

# Models that lead to a workspace but are read another way, each for a reason.
UNSCOPED = {
    ApiToken: "read by its secret, or among its own user's tokens (a superuser's may span all)",
    ConfigSnapshot: "content-addressed and shared: found through a version, revision or run",
}


def _leads_to_workspace(model, seen=()) -> bool:
    for field in model._meta.concrete_fields:
        target = getattr(field, "related_model", None)
        if target is None or target in seen or (not field.many_to_one and not field.one_to_one):
            continue
        if target is Workspace or (
            target._meta.app_label == "agents" and _leads_to_workspace(target, (*seen, model))
        ):
            return True
    return False


def test_every_model_that_belongs_to_a_workspace_is_scoped():
    forgotten = []
    for model in apps.get_app_config("agents").get_models():
        if model.__name__.startswith("Historical") or model in UNSCOPED or model is Workspace:
            continue
        if not _leads_to_workspace(model):
            continue
        path = getattr(model, "WORKSPACE", None)
        manager = model._default_manager
        if path is None or not isinstance(manager, ScopedManager):
            forgotten.append(model.__name__)
            continue
        *hops, last = path.split("__")
        walked = model
        for hop in hops:
            walked = walked._meta.get_field(hop).related_model
        assert walked._meta.get_field(last).related_model is Workspace, model.__name__
    assert forgotten == [], "give these a WORKSPACE path and objects = ScopedManager()"


def test_a_scope_narrows_lists_lookups_and_reverse_relations(make_agent, make_version, user):
    home = Workspace.objects.create(name="Clinic")
    ours = make_agent("Ours")
    make_version(ours)
    theirs = Agent.objects.create(workspace=home, name="Theirs", public_id="ag_aaaaaaaaaa")
    with scoping.within([ours.workspace_id]):
        assert list(Agent.objects.all()) == [ours]
        assert not Agent.objects.filter(public_id=theirs.public_id).exists()
        assert PublishedVersion.objects.count() == 1
        assert ours.versions.count() == 1
    with scoping.within([home.pk]):
        assert list(Agent.objects.all()) == [theirs]
        assert PublishedVersion.objects.count() == 0
        assert ours.versions.count() == 0  # even through a reverse relation
    with scoping.within(None):  # no scope (jobs, commands): everything
        assert Agent.objects.count() == 2
    assert scoping.current() == scoping.EVERYWHERE


def test_the_path_is_followed_by_subqueries_so_a_lock_takes_its_own_rows_only(agent):
    with scoping.within([agent.workspace_id]), CaptureQueriesContext(connection) as queries:
        list(Conversation.objects.filter(agent_id=agent.pk).select_for_update())
    [query] = queries
    sql = query["sql"].upper()
    assert " JOIN " not in sql
    assert sql.count("SELECT") == 2  # conversations, their agents


def test_workspace_of_follows_the_path(agent, make_version, user):
    version = make_version(agent)
    assert workspace_id_of(version) == agent.workspace_id
    assert workspace_id_of(agent.workspace) == agent.workspace_id
    assert workspace_id_of(Membership.objects.get(user=user)) == agent.workspace_id
    assert workspace_id_of(None) is None
    assert workspace_id_of(object()) is None
