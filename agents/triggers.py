"""Database triggers that enforce the versioning invariants below the ORM.

- Published versions and release events are append-only: UPDATE and DELETE are
  rejected, whatever issues them (ORM, raw SQL, a console session).
- Version numbers per agent are consecutive: an INSERT must use max + 1.
- An agent's released version must be one of its own versions.

Installed by migration 0002 and, idempotently, after every `migrate` (SQLite
drops triggers when Django rebuilds a table during a later migration, so they
are put back).
"""

from __future__ import annotations

APPEND_ONLY_TABLES = ("agents_publishedversion", "agents_releaseevent")


def _sqlite_triggers() -> dict[str, str]:
    """Trigger name -> body after CREATE TRIGGER (SQLite triggers inline their checks)."""
    triggers: dict[str, str] = {}
    for table in APPEND_ONLY_TABLES:
        for op in ("UPDATE", "DELETE"):
            triggers[f"{table}_no_{op.lower()}"] = (
                f"BEFORE {op} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {op} refused'); END"
            )
    triggers["agents_publishedversion_numbering"] = """BEFORE INSERT ON agents_publishedversion
        WHEN NEW.number <> (SELECT COALESCE(MAX(number), 0) + 1
                            FROM agents_publishedversion WHERE agent_id = NEW.agent_id)
        BEGIN SELECT RAISE(ABORT, 'version numbers must be consecutive per agent'); END"""
    for suffix, event in (("insert", "INSERT"), ("update", "UPDATE OF released_version_id")):
        triggers[
            f"agents_agent_released_version_owned_{suffix}"
        ] = f"""BEFORE {event} ON agents_agent
            WHEN NEW.released_version_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM agents_publishedversion
                WHERE id = NEW.released_version_id AND agent_id = NEW.id)
            BEGIN SELECT RAISE(ABORT, 'the released version must belong to the agent'); END"""
    return triggers


_SQLITE_TRIGGERS = _sqlite_triggers()

_POSTGRES_INSTALL = [
    """CREATE OR REPLACE FUNCTION agents_reject_write() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'restrict_violation';
    END $$""",
    *(
        f"""CREATE OR REPLACE TRIGGER {table}_append_only
        BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION agents_reject_write()"""
        for table in APPEND_ONLY_TABLES
    ),
    """CREATE OR REPLACE FUNCTION agents_version_numbering() RETURNS trigger
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
    END $$""",
    """CREATE OR REPLACE TRIGGER agents_publishedversion_numbering
    BEFORE INSERT ON agents_publishedversion
    FOR EACH ROW EXECUTE FUNCTION agents_version_numbering()""",
    """CREATE OR REPLACE FUNCTION agents_released_version_owned() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.released_version_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM agents_publishedversion
            WHERE id = NEW.released_version_id AND agent_id = NEW.id) THEN
            RAISE EXCEPTION 'the released version must belong to the agent'
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE OR REPLACE TRIGGER agents_agent_released_version_owned
    BEFORE INSERT OR UPDATE OF released_version_id ON agents_agent
    FOR EACH ROW EXECUTE FUNCTION agents_released_version_owned()""",
]
_POSTGRES_UNINSTALL = [
    *(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}" for table in APPEND_ONLY_TABLES),
    "DROP TRIGGER IF EXISTS agents_publishedversion_numbering ON agents_publishedversion",
    "DROP TRIGGER IF EXISTS agents_agent_released_version_owned ON agents_agent",
    "DROP FUNCTION IF EXISTS agents_reject_write()",
    "DROP FUNCTION IF EXISTS agents_version_numbering()",
    "DROP FUNCTION IF EXISTS agents_released_version_owned()",
]


def _statements(vendor: str, *, install: bool) -> list[str]:
    if vendor == "sqlite":
        if install:
            return [
                f"CREATE TRIGGER IF NOT EXISTS {n} {sql}" for n, sql in _SQLITE_TRIGGERS.items()
            ]
        return [f"DROP TRIGGER IF EXISTS {name}" for name in _SQLITE_TRIGGERS]
    if vendor == "postgresql":
        return _POSTGRES_INSTALL if install else _POSTGRES_UNINSTALL
    raise NotImplementedError(f"no immutability triggers for the {vendor} backend")


def install(connection) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, install=True):
            cursor.execute(statement)


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, install=False):
            cursor.execute(statement)


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
