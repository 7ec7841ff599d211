"""Database triggers that enforce the versioning invariants below the ORM.

- Published versions, release events, configuration snapshots, draft
  revisions, release reviews and rollout events are append-only: UPDATE and
  DELETE are rejected, whatever issues them (ORM, raw SQL, a database console).
- Version numbers per agent are consecutive: an INSERT must use max + 1.
- An agent's released version must be one of its own versions.
- A draft's revision never goes down (a stale `If-Match` must never match again).
- A conversation's binding (agent, version or snapshot, content hash, start)
  never changes once written.
- Audit entries are never updated, and never deleted before they are a day old
  (the retention sweep removes older ones).
- Change request comments and reviews are never deleted; a comment's body changes
  only in its first 15 minutes; a review's verdict, body and head never change (a
  dismissal is recorded beside them).

Installed by migrations and, idempotently, after every `migrate` (SQLite drops
a table's triggers when Django rebuilds the table in a later migration, so they
are put back). Each trigger is installed once its table exists.
"""

from __future__ import annotations

from dataclasses import dataclass

APPEND_ONLY_TABLES = (
    "agents_publishedversion",
    "agents_releaseevent",
    "agents_configsnapshot",
    "agents_draftrevision",
    "agents_releasereview",
    "agents_rolloutevent",
)
BINDING_COLUMNS = (
    "public_id",
    "agent_id",
    "version_id",
    "snapshot_id",
    "content_hash",
    "started_at",
    "revision",
    "prompt_versions",
    "branch",
)


@dataclass(frozen=True)
class Trigger:
    name: str
    table: str
    sqlite: str  # everything after "CREATE TRIGGER IF NOT EXISTS <name>"
    postgres: str  # a complete CREATE OR REPLACE TRIGGER statement
    # Columns a later migration added that the trigger names: until they exist (an
    # earlier migration is running), the trigger waits.
    requires: tuple[str, ...] = ()


_REJECT_FUNCTION = """CREATE OR REPLACE FUNCTION agents_reject_write() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'restrict_violation';
    END $$"""
_NUMBERING_FUNCTION = """CREATE OR REPLACE FUNCTION agents_version_numbering() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE expected bigint;
    BEGIN
        SELECT COALESCE(MAX(number), 0) + 1 INTO expected
        FROM agents_publishedversion WHERE agent_id = NEW.agent_id;
        IF NEW.number <> expected THEN
            RAISE EXCEPTION 'version numbers must be consecutive per agent: got %, expected %',
                NEW.number, expected USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$"""
_OWNED_FUNCTION = """CREATE OR REPLACE FUNCTION agents_released_version_owned() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.released_version_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM agents_publishedversion
            WHERE id = NEW.released_version_id AND agent_id = NEW.id) THEN
            RAISE EXCEPTION 'the released version must belong to the agent'
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$"""
_REVISION_FUNCTION = """CREATE OR REPLACE FUNCTION agents_draft_revision_forward() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.revision < OLD.revision THEN
            RAISE EXCEPTION 'a draft''s revision never goes down: % to %',
                OLD.revision, NEW.revision
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$"""
_AUDIT_DELETE_FUNCTION = """CREATE OR REPLACE FUNCTION agents_audit_sweep_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.at > now() - interval '1 day' THEN
            RAISE EXCEPTION 'agents_auditentry: an entry younger than a day is never deleted'
                USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN OLD;
    END $$"""
_COMMENT_EDIT_FUNCTION = """CREATE OR REPLACE FUNCTION agents_comment_edit_window() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.body IS DISTINCT FROM OLD.body AND OLD.created_at < now() - interval '15 minutes'
        THEN
            RAISE EXCEPTION 'agents_comment: a comment is kept as written after 15 minutes'
                USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END $$"""
REVIEW_COLUMNS = ("change_request_id", "reviewer_id", "verdict", "body", "head_revision")


def _kept_function(name: str, columns: tuple[str, ...], message: str) -> str:
    """A PostgreSQL function refusing an UPDATE that changes any of `columns`."""
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in columns)
    return f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF {changed} THEN
            RAISE EXCEPTION '{message}' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END $$"""


def _kept(name: str, table: str, columns: tuple[str, ...], message: str, **kw) -> Trigger:
    """An UPDATE of `table` that changes any of `columns` refused (the function of
    the same name on PostgreSQL, from `_kept_function`)."""
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)
    return Trigger(
        name=name,
        table=table,
        sqlite=f"""BEFORE UPDATE ON {table} WHEN {changed}
        BEGIN SELECT RAISE(ABORT, '{message}'); END""",
        postgres=f"""CREATE OR REPLACE TRIGGER {name} BEFORE UPDATE ON {table}
        FOR EACH ROW EXECUTE FUNCTION {name}()""",
        **kw,
    )


BINDING = "a conversation''s binding never changes"
REVIEW_KEPT = "agents_review: a review is kept as given"
POSTGRES_FUNCTIONS = {
    "agents_comment_edit_window": _COMMENT_EDIT_FUNCTION,
    "agents_review_kept": _kept_function("agents_review_kept", REVIEW_COLUMNS, REVIEW_KEPT),
    "agents_audit_sweep_only": _AUDIT_DELETE_FUNCTION,
    "agents_reject_write": _REJECT_FUNCTION,
    "agents_version_numbering": _NUMBERING_FUNCTION,
    "agents_released_version_owned": _OWNED_FUNCTION,
    "agents_conversation_binding": _kept_function(
        "agents_conversation_binding", BINDING_COLUMNS, BINDING
    ),
    "agents_draft_revision_forward": _REVISION_FUNCTION,
}


def _refusing(table: str, op: str) -> Trigger:
    """`op` (UPDATE or DELETE) on `table` refused, whatever issues it."""
    return Trigger(
        name=f"{table}_no_{op.lower()}",
        table=table,
        sqlite=f"BEFORE {op} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {op} refused'); END",
        postgres=f"CREATE OR REPLACE TRIGGER {table}_no_{op.lower()} "
        f"BEFORE {op} ON {table} FOR EACH ROW EXECUTE FUNCTION agents_reject_write()",
    )


def _triggers() -> list[Trigger]:
    triggers = [_refusing(table, op) for table in APPEND_ONLY_TABLES for op in ("UPDATE", "DELETE")]
    triggers.append(
        Trigger(
            name="agents_publishedversion_numbering",
            table="agents_publishedversion",
            sqlite="""BEFORE INSERT ON agents_publishedversion
            WHEN NEW.number <> (SELECT COALESCE(MAX(number), 0) + 1
                                FROM agents_publishedversion WHERE agent_id = NEW.agent_id)
            BEGIN SELECT RAISE(ABORT, 'version numbers must be consecutive per agent'); END""",
            postgres="""CREATE OR REPLACE TRIGGER agents_publishedversion_numbering
            BEFORE INSERT ON agents_publishedversion
            FOR EACH ROW EXECUTE FUNCTION agents_version_numbering()""",
        )
    )
    owned_check = """WHEN NEW.released_version_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM agents_publishedversion
                WHERE id = NEW.released_version_id AND agent_id = NEW.id)
            BEGIN SELECT RAISE(ABORT, 'the released version must belong to the agent'); END"""
    for suffix, event in (("insert", "INSERT"), ("update", "UPDATE OF released_version_id")):
        triggers.append(
            Trigger(
                name=f"agents_agent_released_version_owned_{suffix}",
                table="agents_agent",
                sqlite=f"BEFORE {event} ON agents_agent {owned_check}",
                postgres=f"""CREATE OR REPLACE TRIGGER agents_agent_released_version_owned_{suffix}
                BEFORE {event} ON agents_agent
                FOR EACH ROW EXECUTE FUNCTION agents_released_version_owned()""",
            )
        )
    triggers.append(
        _kept(
            "agents_conversation_binding",
            "agents_conversation",
            BINDING_COLUMNS,
            BINDING,
            requires=("revision", "prompt_versions", "branch"),
        )
    )
    triggers.append(_refusing("agents_conversation", "DELETE"))
    triggers.append(
        Trigger(
            name="agents_draft_revision_forward",
            table="agents_draft",
            sqlite="""BEFORE UPDATE OF revision ON agents_draft WHEN NEW.revision < OLD.revision
            BEGIN SELECT RAISE(ABORT, 'a draft''s revision never goes down'); END""",
            postgres="""CREATE OR REPLACE TRIGGER agents_draft_revision_forward
            BEFORE UPDATE OF revision ON agents_draft
            FOR EACH ROW EXECUTE FUNCTION agents_draft_revision_forward()""",
        )
    )
    triggers.extend(_refusing(table, "DELETE") for table in ("agents_comment", "agents_review"))
    triggers.append(
        Trigger(
            name="agents_comment_edit_window",
            table="agents_comment",
            sqlite="""BEFORE UPDATE OF body ON agents_comment
            WHEN NEW.body IS NOT OLD.body AND OLD.created_at < datetime('now', '-15 minutes')
            BEGIN SELECT RAISE(ABORT,
                'agents_comment: a comment is kept as written after 15 minutes');
            END""",
            postgres="""CREATE OR REPLACE TRIGGER agents_comment_edit_window
            BEFORE UPDATE OF body ON agents_comment
            FOR EACH ROW EXECUTE FUNCTION agents_comment_edit_window()""",
        )
    )
    triggers.append(_kept("agents_review_kept", "agents_review", REVIEW_COLUMNS, REVIEW_KEPT))
    triggers.append(_refusing("agents_auditentry", "UPDATE"))
    triggers.append(
        Trigger(
            name="agents_auditentry_sweep_only",
            table="agents_auditentry",
            sqlite="""BEFORE DELETE ON agents_auditentry WHEN OLD.at > datetime('now', '-1 day')
            BEGIN SELECT RAISE(ABORT, 'agents_auditentry: an entry younger than a day stays');
            END""",
            postgres="""CREATE OR REPLACE TRIGGER agents_auditentry_sweep_only
            BEFORE DELETE ON agents_auditentry
            FOR EACH ROW EXECUTE FUNCTION agents_audit_sweep_only()""",
        )
    )
    return triggers


TRIGGERS = _triggers()


def _check_vendor(connection) -> None:
    if connection.vendor not in ("sqlite", "postgresql"):
        raise NotImplementedError(f"no immutability triggers for the {connection.vendor} backend")


def install(connection) -> None:
    """Create every trigger whose table exists (idempotent)."""
    _check_vendor(connection)
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in POSTGRES_FUNCTIONS.values():
                cursor.execute(statement)
        for trigger in TRIGGERS:
            if trigger.table not in tables:
                continue
            if trigger.requires and not set(trigger.requires) <= _columns(
                connection, cursor, trigger.table
            ):
                continue
            if connection.vendor == "sqlite":
                cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {trigger.name} {trigger.sqlite}")
            else:
                cursor.execute(trigger.postgres)


def _columns(connection, cursor, table: str) -> set[str]:
    return {c.name for c in connection.introspection.get_table_description(cursor, table)}


def uninstall(connection) -> None:
    _check_vendor(connection)
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for trigger in TRIGGERS:
            if connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger.name}")
            elif trigger.table in tables:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger.name} ON {trigger.table}")
        if connection.vendor == "postgresql":
            for function in POSTGRES_FUNCTIONS:
                cursor.execute(f"DROP FUNCTION IF EXISTS {function}()")


def installed(connection) -> set[str]:
    """Names of the agents_* triggers present in the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'agents_%'"
            )
        else:
            cursor.execute(
                "SELECT DISTINCT trigger_name FROM information_schema.triggers "
                "WHERE trigger_name LIKE 'agents_%'"
            )
        return {row[0] for row in cursor.fetchall()}
