"""The triggers that keep the dashboard's rollups in the transaction of every change to
a case or a task (so routing, casework, imports and merges need not know), as DDL for
PostgreSQL (plpgsql) and SQLite. Created by migration 0010_dashboard_rollups.

On SQLite a later batch_alter_table("cases" or "referrals") rebuilds the table and so
drops these triggers: such a migration must create them again (`create_sqlite`).
"""

from __future__ import annotations

from shared.rollups.statements import (
    CASE_COLUMNS,
    OPEN_LIST,
    TASK_COLUMNS,
    Dialect,
    case_events,
    insert,
    refresh_case,
    summed,
    task_events,
)

PG = Dialect(postgres=True)
CASE_LOCK = 28  # the advisory lock space of the case refresh (issue 28)
SQLITE = Dialect(postgres=False)


def _changed(columns: tuple[str, ...], *, postgres: bool) -> str:
    differs = "IS DISTINCT FROM" if postgres else "IS NOT"
    return " OR ".join(f"OLD.{c} {differs} NEW.{c}" for c in columns)


def _task_bump(d: Dialect, *, old: bool, new: bool) -> str:
    """The deltas of a task's change: its old contribution taken back and its new one
    added, in one statement, so that what did not change cancels and is not written."""
    events = [*(task_events(d, "OLD", sign=-1) if old else []),
              *(task_events(d, "NEW") if new else [])]  # fmt: skip
    return insert(summed(events, sign=1, pillars=True, changed=old and new), delta=True)


def _case_bump(d: Dialect, *, old: bool, new: bool) -> str:
    events = [*(case_events(d, "OLD", sign=-1) if old else []),
              *(case_events(d, "NEW") if new else [])]  # fmt: skip
    return insert(summed(events, sign=1, pillars=False, changed=old and new), delta=True)


def _ends_moved(postgres: bool) -> str:
    """Whether a task's update can change its case's ends: another case or pillar, its
    end, or its being open."""
    differs = "IS DISTINCT FROM" if postgres else "IS NOT"
    was, now = (f"{row}.status IN ({OPEN_LIST})" for row in ("OLD", "NEW"))
    return (
        f"OLD.case_id {differs} NEW.case_id OR OLD.pillar_code {differs} NEW.pillar_code"
        f" OR OLD.closed_at {differs} NEW.closed_at OR ({was}) <> ({now})"
    )


def postgres() -> list[str]:
    refresh = ";\n    ".join(refresh_case(PG, "p_case"))
    task_fn = f"""
CREATE FUNCTION dashboard_task_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_task_bump(PG, old=False, new=True)};
        PERFORM dashboard_refresh_case(NEW.case_id);
    ELSIF TG_OP = 'DELETE' THEN
        {_task_bump(PG, old=True, new=False)};
        PERFORM dashboard_refresh_case(OLD.case_id);
    ELSE
        {_task_bump(PG, old=True, new=True)};
        IF {_ends_moved(True)} THEN
            PERFORM dashboard_refresh_case(NEW.case_id);
            IF OLD.case_id <> NEW.case_id THEN
                PERFORM dashboard_refresh_case(OLD.case_id);
            END IF;
        END IF;
    END IF;
    RETURN NULL;
END
$$"""
    case_fn = f"""
CREATE FUNCTION dashboard_case_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_case_bump(PG, old=False, new=True)};
    ELSIF TG_OP = 'DELETE' THEN
        {_case_bump(PG, old=True, new=False)};
    ELSE
        {_case_bump(PG, old=True, new=True)};
        PERFORM dashboard_refresh_case(NEW.id);
    END IF;
    RETURN NULL;
END
$$"""
    return [
        f"""
CREATE FUNCTION dashboard_refresh_case(p_case uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    -- One transaction at a time recounts a case's ends: a second (a task of the same
    -- case changed meanwhile) would not see the first's rows and insert them again.
    PERFORM pg_advisory_xact_lock({CASE_LOCK}, hashtext(p_case::text));
    {refresh};
END
$$""",
        task_fn,
        case_fn,
        "CREATE TRIGGER dashboard_task_changed AFTER INSERT OR DELETE ON referrals"
        " FOR EACH ROW EXECUTE FUNCTION dashboard_task_changed()",
        "CREATE TRIGGER dashboard_task_updated AFTER UPDATE ON referrals FOR EACH ROW"
        f" WHEN ({_changed(TASK_COLUMNS, postgres=True)})"
        " EXECUTE FUNCTION dashboard_task_changed()",
        "CREATE TRIGGER dashboard_case_changed AFTER INSERT OR DELETE ON cases"
        " FOR EACH ROW EXECUTE FUNCTION dashboard_case_changed()",
        "CREATE TRIGGER dashboard_case_updated AFTER UPDATE ON cases FOR EACH ROW"
        f" WHEN ({_changed(CASE_COLUMNS, postgres=True)})"
        " EXECUTE FUNCTION dashboard_case_changed()",
    ]


def drop_postgres() -> list[str]:
    return [
        "DROP TRIGGER IF EXISTS dashboard_task_changed ON referrals",
        "DROP TRIGGER IF EXISTS dashboard_task_updated ON referrals",
        "DROP TRIGGER IF EXISTS dashboard_case_changed ON cases",
        "DROP TRIGGER IF EXISTS dashboard_case_updated ON cases",
        "DROP FUNCTION IF EXISTS dashboard_task_changed()",
        "DROP FUNCTION IF EXISTS dashboard_case_changed()",
        "DROP FUNCTION IF EXISTS dashboard_refresh_case(uuid)",
    ]


def _sqlite_trigger(name: str, when: str, table: str, body: list[str]) -> str:
    statements = ";\n    ".join(body)
    return (
        f"CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW{{}}\nBEGIN\n    {statements};\nEND"
    )


def create_sqlite() -> list[str]:
    d = SQLITE
    task_update = _changed(TASK_COLUMNS, postgres=False)
    case_update = _changed(CASE_COLUMNS, postgres=False)
    return [
        _sqlite_trigger(
            "dashboard_task_inserted", "AFTER INSERT", "referrals",
            [_task_bump(d, old=False, new=True), *refresh_case(d, "NEW.case_id")],
        ).format(""),
        _sqlite_trigger(
            "dashboard_task_updated", "AFTER UPDATE", "referrals",
            [_task_bump(d, old=True, new=True)],
        ).format(f" WHEN {task_update}"),
        _sqlite_trigger(
            "dashboard_task_ends_moved", "AFTER UPDATE", "referrals",
            [*refresh_case(d, "OLD.case_id"), *refresh_case(d, "NEW.case_id")],
        ).format(f" WHEN {_ends_moved(False)}"),
        _sqlite_trigger(
            "dashboard_task_deleted", "AFTER DELETE", "referrals",
            [_task_bump(d, old=True, new=False), *refresh_case(d, "OLD.case_id")],
        ).format(""),
        _sqlite_trigger(
            "dashboard_case_inserted", "AFTER INSERT", "cases",
            [_case_bump(d, old=False, new=True)],
        ).format(""),
        _sqlite_trigger(
            "dashboard_case_updated", "AFTER UPDATE", "cases",
            [_case_bump(d, old=True, new=True), *refresh_case(d, "NEW.id")],
        ).format(f" WHEN {case_update}"),
        _sqlite_trigger(
            "dashboard_case_deleted", "AFTER DELETE", "cases",
            [_case_bump(d, old=True, new=False)],
        ).format(""),
    ]  # fmt: skip


def drop_sqlite() -> list[str]:
    names = ("task_inserted", "task_updated", "task_ends_moved", "task_deleted",
             "case_inserted", "case_updated", "case_deleted")  # fmt: skip
    return [f"DROP TRIGGER IF EXISTS dashboard_{name}" for name in names]
