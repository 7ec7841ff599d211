"""Every write to agents goes through here: the console, API, admin and commands alike.

Each service is one transaction. Whatever moves a shared counter or pointer
(version numbers, the released version, the draft revision) locks the row it
changes first — `SELECT … FOR UPDATE` on PostgreSQL; on SQLite the connection
opens transactions with BEGIN IMMEDIATE, which serializes writers — so
concurrent callers never produce a duplicate number, a gap, two released
versions or a silently overwritten draft. Input is validated before anything
is written: a service that raises has changed nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from agents import channels as routing_rules
from agents import config as schema
from agents import evals, runtime, selectors
from agents.exceptions import (
    AgentArchived,
    ConversationEnded,
    DraftConflict,
    InvalidInput,
    NoChanges,
    ProviderFailed,
    ReleaseGateFailed,
)
from agents.models import (
    Agent,
    ApiToken,
    Channel,
    ConfigSnapshot,
    Conversation,
    Draft,
    EvalCase,
    EvalResult,
    EvalRun,
    EvalSuite,
    PublishedVersion,
    ReleaseEvent,
    Turn,
    new_agent_id,
)
from agents.providers import Message, Provider, ProviderError, get_provider

User = AbstractBaseUser | AnonymousUser | None

NAME_MAX = 200


def _actor(user: User) -> AbstractBaseUser | None:
    """The user to record, or None for anonymous/system writes."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user  # type: ignore[return-value]


def _clean_text(value: Any, *, path: str, required: bool, max_length: int | None) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput([{"path": path, "message": "must be a string"}])
    value = value.strip()
    if required and not value:
        raise InvalidInput([{"path": path, "message": "is required"}])
    if max_length is not None and len(value) > max_length:
        raise InvalidInput([{"path": path, "message": f"must be at most {max_length} characters"}])
    try:
        schema._no_control_chars(value)
    except ValueError as exc:
        raise InvalidInput([{"path": path, "message": str(exc)}]) from None
    return value


def _metadata(name: str | None, description: str | None) -> dict[str, str]:
    """A name and description (whichever is given), cleaned: what agents and suites share."""
    fields: dict[str, str] = {}
    if name is not None:
        fields["name"] = _clean_text(name, path="name", required=True, max_length=NAME_MAX)
    if description is not None:
        fields["description"] = _clean_text(
            description, path="description", required=False, max_length=None
        )
    return fields


def _check_revision(draft: Draft, expected_revision: int | None) -> None:
    if expected_revision is not None and draft.revision != expected_revision:
        raise DraftConflict(expected_revision=expected_revision, current_revision=draft.revision)


def _check_active(agent: Agent) -> None:
    if agent.archived_at is not None:
        raise AgentArchived(f"{agent.name} is archived; unarchive it to change it.")


def _locked_draft(agent: Agent) -> Draft:
    """Lock the draft row only. Lock order is always agent, then draft, so writers
    that need both (save_version) and writers that need the draft alone never
    wait on each other in a cycle."""
    return (
        Draft.objects.select_for_update(of=("self",)).select_related("agent").get(agent_id=agent.pk)
    )


_KEEP = object()


def _replace_draft(
    *,
    agent: Agent,
    document: dict[str, Any],
    user: User,
    expected_revision: int | None,
    reason: str,
    restored_from: PublishedVersion | object | None = _KEEP,
) -> Draft:
    """Put a validated document in the draft: revision + 1, one history row.

    A stale `expected_revision` raises DraftConflict; the same content is a no-op.
    """
    digest = schema.content_hash(document)
    with transaction.atomic():
        draft = _locked_draft(agent)
        _check_active(draft.agent)
        _check_revision(draft, expected_revision)
        if draft.content_hash == digest:
            return draft
        return _write_draft(
            draft,
            document=document,
            digest=digest,
            user=user,
            reason=reason,
            restored_from=draft.restored_from if restored_from is _KEEP else restored_from,
        )


def _write_draft(
    draft: Draft,
    *,
    document: dict[str, Any],
    digest: str,
    user: User,
    reason: str,
    restored_from: PublishedVersion | None,
) -> Draft:
    draft.config = document
    draft.content_hash = digest
    draft.revision += 1
    draft.updated_by = _actor(user)
    draft.updated_at = timezone.now()
    draft.restored_from = restored_from
    draft._history_user = _actor(user)
    draft._change_reason = reason
    draft.save()
    runtime.refresh_on_commit(draft.agent.public_id)
    return draft


def _unused_public_id() -> str:
    """A fresh `ag_…` id never held by any agent, present or deleted (history keeps them)."""
    while True:
        candidate = new_agent_id()
        if not Agent.history.filter(public_id=candidate).exists():
            return candidate


def create_agent(
    *, name: str, user: User, description: str = "", config: dict[str, Any] | None = None
) -> Agent:
    """Create an agent and its draft; a partial `config` is merged over the defaults."""
    metadata = _metadata(name, description)
    if config is not None and not isinstance(config, dict):
        raise InvalidInput([{"path": "config", "message": "must be a JSON object"}])
    document = schema.normalize(schema.merge_patch(schema.default_config(), config or {}))
    with transaction.atomic():
        agent = Agent(public_id=_unused_public_id(), created_by=_actor(user), **metadata)
        agent._history_user = _actor(user)
        agent._change_reason = "Created"
        agent.save()
        draft = Draft(
            agent=agent,
            config=document,
            content_hash=schema.content_hash(document),
            revision=1,
            updated_by=_actor(user),
        )
        draft._history_user = _actor(user)
        draft._change_reason = "Created"
        draft.save()
    return agent


def update_agent(
    *,
    agent: Agent,
    user: User,
    name: str | None = None,
    description: str | None = None,
    require_passing_eval: bool | None = None,
) -> Agent:
    """Edit the agent's metadata and settings. Never touches the draft, never creates
    a version. (Who may change the release gate is checked by the caller: Releasers.)"""
    fields: dict[str, Any] = _metadata(name, description)
    if require_passing_eval is not None:
        if not isinstance(require_passing_eval, bool):
            raise InvalidInput([{"path": "require_passing_eval", "message": "must be a boolean"}])
        fields["require_passing_eval"] = require_passing_eval
    with transaction.atomic():
        locked = Agent.objects.select_for_update().get(pk=agent.pk)
        changed = [key for key, value in fields.items() if getattr(locked, key) != value]
        if not changed:
            return locked
        for key in changed:
            setattr(locked, key, fields[key])
        locked._history_user = _actor(user)
        locked._change_reason = {
            ("name",): "Renamed",
            ("require_passing_eval",): "Changed the release gate",
        }.get(tuple(changed), "Edited details")
        locked.save(update_fields=changed)
    return locked


def archive_agent(*, agent: Agent, user: User, archived: bool = True) -> Agent:
    """Archive (or unarchive) an agent: the way to retire one that has versions."""
    with transaction.atomic():
        locked = Agent.objects.select_for_update().get(pk=agent.pk)
        if (locked.archived_at is not None) == archived:
            return locked
        locked.archived_at = timezone.now() if archived else None
        locked._history_user = _actor(user)
        locked._change_reason = "Archived" if archived else "Unarchived"
        locked.save(update_fields=["archived_at"])
        runtime.refresh_on_commit(locked.public_id)
    return locked


def update_draft(
    *,
    agent: Agent,
    config: dict[str, Any],
    user: User,
    expected_revision: int | None = None,
) -> Draft:
    """Replace the draft's configuration.

    A stale `expected_revision` raises DraftConflict; an identical document is a
    no-op (same revision, no history row).
    """
    return _replace_draft(
        agent=agent,
        document=schema.normalize(config),
        user=user,
        expected_revision=expected_revision,
        reason="Edited",
    )


def save_version(
    *,
    agent: Agent,
    name: str,
    user: User,
    description: str = "",
    expected_revision: int | None = None,
) -> PublishedVersion:
    """Snapshot the draft as the agent's next version number.

    Raises NoChanges when the draft equals the latest version, DraftConflict when
    the caller looked at an older revision than the one that would be saved.
    """
    name = _clean_text(name, path="name", required=True, max_length=NAME_MAX)
    description = _clean_text(description, path="description", required=False, max_length=None)
    with transaction.atomic():
        locked = Agent.objects.select_for_update().get(pk=agent.pk)
        _check_active(locked)
        draft = _locked_draft(locked)
        _check_revision(draft, expected_revision)
        latest = locked.versions.order_by("-number").first()
        if latest is not None and latest.content_hash == draft.content_hash:
            raise NoChanges(latest_number=latest.number)
        version = PublishedVersion.objects.create(
            agent=locked,
            number=(latest.number if latest else 0) + 1,
            name=name,
            description=description,
            created_by=_actor(user),
            config=draft.config,
            content_hash=draft.content_hash,
            schema_version=schema.SCHEMA_VERSION,
            parent=draft.restored_from or latest,
        )
        if draft.restored_from_id is not None:
            # The draft now descends from the version just saved; the revision
            # stays, since the configuration itself did not change.
            draft.restored_from = None
            draft._history_user = _actor(user)
            draft._change_reason = f"Saved as {version.label}"
            draft.save(update_fields=["restored_from"])
    return version


def release_version(
    *,
    version: PublishedVersion,
    user: User,
    note: str = "",
    gate_override_note: str | None = None,
) -> ReleaseEvent | None:
    """Point production at `version` and log it; None when it is already released.

    Releasing a lower number than the one released is recorded as a rollback.
    When the agent requires a passing eval run, a version without one is refused
    with ReleaseGateFailed listing what failed, unless `gate_override_note` says
    why it is released anyway; the findings and the note go on the ReleaseEvent.
    """
    note = _clean_text(note, path="note", required=False, max_length=2_000)
    if gate_override_note is not None:
        gate_override_note = _clean_text(
            gate_override_note, path="gate_override_note", required=True, max_length=2_000
        )
    with transaction.atomic():
        agent = Agent.objects.select_for_update().get(pk=version.agent_id)
        _check_active(agent)
        if agent.released_version_id == version.pk:
            return None
        findings = (
            selectors.gate_findings(agent=agent, version=version)
            if agent.require_passing_eval
            else []
        )
        if findings and gate_override_note is None:
            raise ReleaseGateFailed(version_label=version.label, findings=findings)
        previous = agent.released_version
        kind = (
            ReleaseEvent.Kind.ROLLBACK
            if previous is not None and version.number < previous.number
            else ReleaseEvent.Kind.RELEASE
        )
        agent.released_version = version
        agent._history_user = _actor(user)
        agent._change_reason = f"{kind.label} {version.label}"
        agent.save(update_fields=["released_version"])
        runtime.refresh_on_commit(agent.public_id)
        return ReleaseEvent.objects.create(
            agent=agent,
            version=version,
            previous_version=previous,
            kind=kind,
            released_by=_actor(user),
            note=note,
            gate_findings=findings,
            gate_override_note=gate_override_note if findings else "",
        )


def restore_version(
    *, version: PublishedVersion, user: User, expected_revision: int | None = None
) -> Draft:
    """Copy a version's snapshot into the draft, exactly (same content hash).

    Restoring what the draft already holds is a no-op.
    """
    return _replace_draft(
        agent=version.agent,
        document=schema.upgrade(version.config, version.schema_version),
        user=user,
        expected_revision=expected_revision,
        reason=f"Restored {version.label}",
        restored_from=version,
    )


# ------------------------------------------------------------------ API tokens


def create_api_token(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create a token for `user`; returns it and the secret, which is never stored."""
    from agents import auth

    if _actor(user) is None:
        raise InvalidInput([{"path": "user", "message": "tokens belong to a real user"}])
    name = _clean_text(name, path="name", required=False, max_length=100)
    secret = auth.new_secret()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[: auth.PREFIX_LENGTH],
        token_hash=auth.hash_secret(secret),
    )
    return token, secret


def revoke_api_token(*, token: ApiToken, user: User) -> ApiToken:
    """Revoke a token: refused from the moment this returns (shared cache) or within
    API_TOKEN_CACHE_SECONDS (per-process cache)."""
    from agents import auth

    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            transaction.on_commit(lambda: auth.forget(locked.token_hash))
    return locked


# ------------------------------------------------------------------ conversations


def bind(ref: str) -> tuple[runtime.Resolved, ConfigSnapshot | None]:
    """Freeze what `ref` means now: a version is referenced as it is (immutable); a
    draft is frozen as a snapshot stored once per content hash, so later edits never
    reach whatever was bound to it (conversations, eval runs)."""
    resolved = runtime.resolve(ref)
    return resolved, (_snapshot(resolved) if resolved.version_pk is None else None)


def start_conversation(
    *,
    ref: str,
    user: User,
    key: str = "",
    channel_ref: str = "",
    variant: str = "",
    playground: bool = False,
) -> tuple[Conversation, runtime.Resolved]:
    """Bind a new conversation to exactly one frozen configuration, forever."""
    key = _clean_text(key, path="key", required=False, max_length=200)
    resolved, snapshot = bind(ref)
    conversation = Conversation.objects.create(
        agent_id=resolved.agent_pk,
        version_id=resolved.version_pk,
        snapshot=snapshot,
        content_hash=resolved.content_hash,
        channel_ref=channel_ref,
        variant=variant,
        key=key,
        started_by_id=actor.pk if (actor := _actor(user)) else None,
        playground=playground,
    )
    return conversation, resolved


def _snapshot(resolved: runtime.Resolved) -> ConfigSnapshot:
    found = ConfigSnapshot.objects.filter(content_hash=resolved.content_hash).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return ConfigSnapshot.objects.create(
                content_hash=resolved.content_hash,
                config=resolved.config,
                schema_version=schema.SCHEMA_VERSION,
            )
    except IntegrityError:  # another request froze the same draft first
        return ConfigSnapshot.objects.get(content_hash=resolved.content_hash)


def end_conversation(
    *,
    conversation: Conversation,
    user: User,
    outcome: str,
    duration_s: float | None = None,
    sentiment: float | None = None,
    automated: bool | None = None,
    analysis: dict[str, Any] | None = None,
) -> Conversation:
    """Record how a conversation ended, once; ending it again raises ConversationEnded."""
    problems = []
    if outcome not in Conversation.Outcome.values:
        problems.append(
            {
                "path": "outcome",
                "message": f"must be one of {', '.join(Conversation.Outcome.values)}",
            }
        )
    if duration_s is not None and duration_s < 0:
        problems.append({"path": "duration_s", "message": "must be at least 0"})
    if sentiment is not None and not -1 <= sentiment <= 1:
        problems.append({"path": "sentiment", "message": "must be between -1 and 1"})
    if analysis is not None and not isinstance(analysis, dict):
        problems.append({"path": "analysis", "message": "must be a JSON object"})
    if problems:
        raise InvalidInput(problems)
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if locked.ended_at is not None:
            raise ConversationEnded(f"{locked.public_id} already ended at {locked.ended_at}.")
        locked.ended_at = timezone.now()
        locked.outcome = outcome
        locked.duration_s = duration_s
        locked.sentiment = sentiment
        locked.automated = automated
        locked.analysis = analysis or {}
        locked.save(
            update_fields=[
                "ended_at",
                "outcome",
                "duration_s",
                "sentiment",
                "automated",
                "analysis",
            ]
        )
    return locked


# ------------------------------------------------------------------ channels

CHANNEL_FIELDS = ("name", "kind", "address", "agent", "target", "variants")


def _clean_channel(values: dict[str, Any]) -> dict[str, Any]:
    """Validate a channel's fields together; pinned versions must be the agent's own."""
    problems: list[dict[str, str]] = []
    cleaned = dict(values)
    try:
        cleaned["name"] = _clean_text(
            values.get("name"), path="name", required=True, max_length=NAME_MAX
        )
        cleaned["address"] = _clean_text(
            values.get("address"), path="address", required=False, max_length=300
        )
    except InvalidInput as exc:
        problems.extend(exc.errors)
    if values.get("kind") not in Channel.Kind.values:
        problems.append(
            {"path": "kind", "message": f"must be one of {', '.join(Channel.Kind.values)}"}
        )
    try:
        routing = routing_rules.parse_routing(
            {"target": values.get("target", "released"), "variants": values.get("variants")}
        )
        cleaned.update(routing)
    except InvalidInput as exc:
        problems.extend(exc.errors)
        routing = None
    agent = values.get("agent")
    if routing and agent is not None:
        pinned = routing_rules.versions_named(routing)
        existing = set(
            PublishedVersion.objects.filter(agent=agent, number__in=pinned).values_list(
                "number", flat=True
            )
        )
        for number in sorted(pinned - existing):
            problems.append(
                {"path": "target", "message": f"v{number} is not a version of {agent.public_id}"}
            )
    if problems:
        raise InvalidInput(problems)
    return cleaned


def create_channel(
    *,
    name: str,
    kind: str,
    agent: Agent,
    user: User,
    address: str = "",
    target: Any = "released",
    variants: list[dict[str, Any]] | None = None,
) -> Channel:
    values = _clean_channel(
        {
            "name": name,
            "kind": kind,
            "agent": agent,
            "address": address,
            "target": target,
            "variants": variants,
        }
    )
    channel = Channel(**values)
    channel._history_user = _actor(user)
    channel._change_reason = "Created"
    channel.save()
    return channel


def update_channel(*, channel: Channel, user: User, **changes: Any) -> Channel:
    """Change any of name, kind, address, agent, target, variants; the rest stays."""
    unknown = set(changes) - set(CHANNEL_FIELDS)
    if unknown:
        raise InvalidInput([{"path": key, "message": "unknown field"} for key in sorted(unknown)])
    with transaction.atomic():
        locked = Channel.objects.select_for_update().select_related("agent").get(pk=channel.pk)
        current = {field: getattr(locked, field) for field in CHANNEL_FIELDS}
        values = _clean_channel({**current, **changes})
        changed = [f for f in CHANNEL_FIELDS if values[f] != current[f]]
        if not changed:
            return locked
        for field in changed:
            setattr(locked, field, values[field])
        locked.updated_at = timezone.now()
        locked._history_user = _actor(user)
        locked._change_reason = "Rerouted" if {"target", "variants"} & set(changed) else "Edited"
        locked.save()
    return locked


def start_conversation_on_channel(
    *, channel: Channel, user: User, key: str = ""
) -> tuple[Conversation, runtime.Resolved]:
    """Bind a conversation through a channel: its target, or the key's sticky variant."""
    target, variant = channel.target, ""
    if channel.variants:
        chosen = channel.variants[routing_rules.assign(channel.public_id, key, channel.variants)]
        target, variant = chosen["target"], routing_rules.target_label(chosen["target"])
    return start_conversation(
        ref=routing_rules.target_ref(channel.agent.public_id, target),
        user=user,
        key=key,
        channel_ref=channel.public_id,
        variant=variant,
    )


# ------------------------------------------------------------------ playground


def _target_ref(agent: Agent, target: Any) -> str:
    """`draft`, `released`, 3 or `v3` as the runtime reference `ag_x@…`."""
    spec = str(target).strip().lower()
    if not (spec in ("draft", "released") or spec.removeprefix("v").isdigit()):
        raise InvalidInput(
            [{"path": "target", "message": "must be draft, released or a version number"}]
        )
    return f"{agent.public_id}@{spec}"


def start_playground(*, agent: Agent, target: Any, user: User) -> Conversation:
    """A playground session: a conversation bound like any other (draft frozen as a
    snapshot), opened with the configuration's welcome message."""
    with transaction.atomic():
        conversation, resolved = start_conversation(
            ref=_target_ref(agent, target), user=user, playground=True
        )
        welcome = resolved.config.get("prompt", {}).get("welcome_message", "")
        if welcome:
            Turn.objects.create(
                conversation=conversation, position=1, role="assistant", content=welcome
            )
    return conversation


def send_playground_message(
    *, conversation: Conversation, text: str, user: User, provider: Provider | None = None
) -> list[Turn]:
    """Ask the bound configuration's model for a reply; store both turns, or nothing.

    The provider is called outside any transaction (it may take seconds); a
    ProviderError raises ProviderFailed and records nothing.
    """
    text = _clean_text(text, path="message", required=True, max_length=evals.MAX_TEXT)
    if conversation.ended_at is not None:
        raise ConversationEnded(f"{conversation.public_id} has ended; start a new session.")
    history = [Message(t.role, t.content) for t in conversation.turns.order_by("position")]
    provider = provider or get_provider()
    try:
        completion = provider.complete(
            config=conversation.config, messages=[*history, Message("user", text)]
        )
    except ProviderError as exc:
        raise ProviderFailed(f"The model provider failed ({exc.code}): {exc.message}") from None
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if locked.ended_at is not None:
            raise ConversationEnded(f"{locked.public_id} has ended; start a new session.")
        last = locked.turns.order_by("-position").values_list("position", flat=True).first() or 0
        asked = Turn.objects.create(
            conversation=locked, position=last + 1, role="user", content=text
        )
        answered = Turn.objects.create(
            conversation=locked,
            position=last + 2,
            role="assistant",
            content=completion.text,
            provider=completion.provider,
            model=completion.model,
            latency_ms=completion.latency_ms,
            prompt_tokens=completion.prompt_tokens,
            completion_tokens=completion.completion_tokens,
            tool_calls=completion.tool_calls,
        )
    return [asked, answered]


# ------------------------------------------------------------------ eval suites


def _bump_suite(suite: EvalSuite, user: User, reason: str) -> EvalSuite:
    """Cases changed: the suite's revision moves, so older runs no longer count as
    having tested it (the release gate asks for a run of the suite as it is)."""
    locked = EvalSuite.objects.select_for_update().get(pk=suite.pk)
    locked.revision += 1
    locked.updated_at = timezone.now()
    locked._history_user = _actor(user)
    locked._change_reason = reason
    locked.save(update_fields=["revision", "updated_at"])
    return locked


def create_eval_suite(
    *,
    agent: Agent,
    name: str,
    user: User,
    description: str = "",
    cases: list[dict[str, Any]] | None = None,
) -> EvalSuite:
    """A suite for `agent`, optionally with its first cases (all valid, or nothing saved)."""
    metadata = _metadata(name, description)
    cleaned = []
    problems: list[dict[str, str]] = []
    for i, case in enumerate(cases or []):
        try:
            cleaned.append(evals.clean_case(case if isinstance(case, dict) else {}))
        except InvalidInput as exc:
            problems.extend({**p, "path": f"cases[{i}].{p['path']}"} for p in exc.errors)
    if problems:
        raise InvalidInput(problems)
    with transaction.atomic():
        suite = EvalSuite(agent=agent, created_by=_actor(user), **metadata)
        suite._history_user = _actor(user)
        suite._change_reason = "Created"
        suite.save()
        for fields in cleaned:
            case = EvalCase(suite=suite, **fields)
            case._history_user = _actor(user)
            case._change_reason = "Created"
            case.save()
    return suite


def update_eval_suite(
    *, suite: EvalSuite, user: User, name: str | None = None, description: str | None = None
) -> EvalSuite:
    """Rename or describe a suite; its cases (and revision) stay."""
    fields = _metadata(name, description)
    with transaction.atomic():
        locked = EvalSuite.objects.select_for_update().get(pk=suite.pk)
        changed = [key for key, value in fields.items() if getattr(locked, key) != value]
        if changed:
            for key in changed:
                setattr(locked, key, fields[key])
            locked.updated_at = timezone.now()
            locked._history_user = _actor(user)
            locked._change_reason = "Edited"
            locked.save(update_fields=[*changed, "updated_at"])
    return locked


def add_eval_case(
    *,
    suite: EvalSuite,
    name: str,
    messages: list[dict[str, str]],
    user: User,
    checks: list[dict[str, Any]] | None = None,
) -> EvalCase:
    cleaned = evals.clean_case({"name": name, "messages": messages, "checks": checks or []})
    with transaction.atomic():
        _bump_suite(suite, user, f"Added case “{cleaned['name']}”")
        case = EvalCase(suite=suite, **cleaned)
        case._history_user = _actor(user)
        case._change_reason = "Created"
        case.save()
    return case


def update_eval_case(*, case: EvalCase, user: User, **changes: Any) -> EvalCase:
    """Change a case's name, messages or checks (validated together)."""
    unknown = set(changes) - {"name", "messages", "checks"}
    if unknown:
        raise InvalidInput([{"path": key, "message": "unknown field"} for key in sorted(unknown)])
    with transaction.atomic():
        locked = EvalCase.objects.select_for_update().get(pk=case.pk)
        current = {"name": locked.name, "messages": locked.messages, "checks": locked.checks}
        cleaned = evals.clean_case({**current, **changes})
        if cleaned == current:
            return locked
        _bump_suite(locked.suite, user, f"Edited case “{cleaned['name']}”")
        for key, value in cleaned.items():
            setattr(locked, key, value)
        locked.updated_at = timezone.now()
        locked._history_user = _actor(user)
        locked._change_reason = "Edited"
        locked.save()
    return locked


def delete_eval_case(*, case: EvalCase, user: User) -> None:
    """Past results keep the case's name; only the suite loses it from now on."""
    with transaction.atomic():
        _bump_suite(case.suite, user, f"Deleted case “{case.name}”")
        case._history_user = _actor(user)
        case.delete()


def start_eval_run(*, suite: EvalSuite, target: Any, user: User) -> EvalRun:
    """Bind a run of `suite` to one frozen configuration and queue it for a worker.

    The job row is written in the same transaction as the run (the database task
    backend), so a run is never queued without its job nor a job without its run.
    """
    from agents.tasks import run_eval

    agent = suite.agent
    ref = _target_ref(agent, target)
    with transaction.atomic():
        locked = EvalSuite.objects.select_for_update().get(pk=suite.pk)
        cases = [
            {"ref": c.public_id, "name": c.name, "messages": c.messages, "checks": c.checks}
            for c in locked.cases.order_by("id")
        ]
        if not cases:
            raise InvalidInput([{"path": "cases", "message": "the suite has no cases to run"}])
        resolved, snapshot = bind(ref)
        run = EvalRun.objects.create(
            suite=locked,
            agent=agent,
            version_id=resolved.version_pk,
            snapshot=snapshot,
            content_hash=resolved.content_hash,
            target_label=runtime_label(resolved),
            suite_revision=locked.revision,
            cases=cases,
            case_count=len(cases),
            created_by=_actor(user),
        )
        run_eval.enqueue(run.pk)
    return run


def runtime_label(resolved: runtime.Resolved) -> str:
    return "draft" if resolved.version_pk is None else f"v{resolved.version}"


def execute_eval_run(*, run_id: int, provider: Provider | None = None) -> EvalRun:
    """Run every case the run froze at start against its bound configuration,
    storing each result as it comes (the page shows progress).

    Safe to call again after a crash: cases that already have a result are skipped.
    """
    run = EvalRun.objects.select_related("version", "snapshot").get(pk=run_id)
    if run.finished:
        return run
    provider = provider or get_provider()
    EvalRun.objects.filter(pk=run.pk).update(
        status=EvalRun.Status.RUNNING,
        started_at=run.started_at or timezone.now(),
        provider=provider.name,
    )
    config = run.config
    done = set(run.results.values_list("position", flat=True))
    for position, case in enumerate(run.cases, start=1):
        if position not in done:
            _run_case(run, position, case, config, provider)
    with transaction.atomic():
        run = EvalRun.objects.select_for_update().get(pk=run.pk)
        results = list(run.results.values_list("passed", flat=True))
        run.done_count = len(results)
        run.passed_count = sum(results)
        run.status = (
            EvalRun.Status.PASSED
            if run.done_count and run.passed_count == run.case_count
            else EvalRun.Status.FAILED
        )
        run.finished_at = timezone.now()
        run.save()
    return run


def _run_case(
    run: EvalRun, position: int, case: dict[str, Any], config: dict[str, Any], provider: Provider
) -> None:
    messages = [Message(m["role"], m["content"]) for m in case["messages"]]
    try:
        completion = provider.complete(config=config, messages=messages)
    except ProviderError as exc:
        fields = {"passed": False, "error": f"{exc.code}: {exc.message}"}
    else:
        checked = evals.evaluate(case["checks"], completion, config)
        fields = {
            "passed": all(c.passed for c in checked),
            "reply": completion.text,
            "latency_ms": completion.latency_ms,
            "prompt_tokens": completion.prompt_tokens,
            "completion_tokens": completion.completion_tokens,
            "checks": evals.as_dicts(checked),
        }
    with transaction.atomic():
        EvalResult.objects.create(
            run=run, case_ref=case["ref"], case_name=case["name"], position=position, **fields
        )
        EvalRun.objects.filter(pk=run.pk).update(
            done_count=F("done_count") + 1,
            passed_count=F("passed_count") + (1 if fields["passed"] else 0),
        )


def fail_eval_run(*, run_id: int, error: str) -> None:
    """The job itself broke (not a case): the run ends in `error` with the reason."""
    EvalRun.objects.filter(pk=run_id).exclude(status__in=EvalRun.FINISHED).update(
        status=EvalRun.Status.ERROR, error=error[:2000], finished_at=timezone.now()
    )
