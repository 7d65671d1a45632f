"""Numbered migrations, recorded in ``schema_version``.

Each migration is a small function ``(conn) -> None``; ``MIGRATIONS[n-1]`` is
number n. ``db.run_migrations`` (when a ``Store`` opens) runs all pending ones in one
transaction, so a database is either at the old version or the new one. Several processes
opening a fresh store at once are serialized: SQLite by ``BEGIN IMMEDIATE``, PostgreSQL by
a transaction-scoped advisory lock.

To change the schema: edit ``schema.py`` (it is always the latest shape) and
append a migration that alters existing databases (guard it with
``sqlalchemy.inspect`` when migration 1 would already create the new shape).
"""
from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import Connection, func, insert, inspect, select, text

from faas_jupyter.store import schema

# an arbitrary constant: the advisory lock key for "migrating faas_jupyter" (``db.run_migrations``)
PG_LOCK_KEY = 0x6661617301

V1_TABLES = ["projects", "members", "packages", "revisions", "blobs", "revision_files",
             "services", "executions", "execution_events", "execution_logs", "datasets",
             "items", "annotations", "custom_packagers"]


def _m001_initial(conn: Connection) -> None:
    tables = [schema.metadata.tables[name] for name in V1_TABLES]
    schema.metadata.create_all(conn, tables=tables)


def _m002_mandatory_packagers(conn: Connection) -> None:
    """custom_packagers.is_mandatory: a project's packager that must load, or the run fails."""
    columns = {c["name"] for c in inspect(conn).get_columns("custom_packagers")}
    if "is_mandatory" not in columns:  # migration 1 on a fresh database already made it
        conn.execute(text("ALTER TABLE custom_packagers ADD COLUMN is_mandatory BOOLEAN NOT NULL DEFAULT FALSE"))


def _m003_execution_indexes(conn: Connection) -> None:
    """Executions: composite indexes for the fronts' reads, change_seq + its counter for delta polls."""
    insp = inspect(conn)
    schema.change_counters.create(conn, checkfirst=True)
    if conn.scalar(select(schema.change_counters.c.value)
                   .where(schema.change_counters.c.name == "executions")) is None:
        conn.execute(insert(schema.change_counters).values(name="executions", value=0))
    if not insp.has_table("executions"):  # a partial test database
        return
    if "change_seq" not in {c["name"] for c in insp.get_columns("executions")}:
        conn.execute(text("ALTER TABLE executions ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0"))
    present = {ix["name"] for ix in insp.get_indexes("executions")}
    for old in ("ix_executions_project_id", "ix_executions_service_id", "ix_executions_created_at"):
        if old in present:  # each is the prefix of a composite index: it only cost writes
            conn.execute(text(f"DROP INDEX {old}"))
    for index in schema.EXECUTION_INDEXES:
        if index.name not in present:
            index.create(conn)


def _m004_revision_manifests(conn: Connection) -> None:
    """Revision file lists: from one revision_files row per file to a manifest + delta per
    revision; blobs may be stored compressed (blobs.compression)."""
    from faas_jupyter.store import manifests

    schema.manifests.create(conn, checkfirst=True)
    insp = inspect(conn)
    if not insp.has_table("revisions"):  # a partial test database
        return
    if "compression" not in {c["name"] for c in insp.get_columns("blobs")}:
        conn.execute(text("ALTER TABLE blobs ADD COLUMN compression VARCHAR(8)"))  # old blobs: raw
    columns = {c["name"] for c in insp.get_columns("revisions")}
    for name, kind in (("manifest", "VARCHAR(64)"), ("manifest_delta", "TEXT")):
        if name not in columns:
            conn.execute(text(f"ALTER TABLE revisions ADD COLUMN {name} {kind}"))
    r, f = schema.revisions, schema.revision_files
    todo = conn.execute(select(r.c.id, r.c.package_id).where(r.c.manifest.is_(None))
                        .order_by(r.c.package_id, r.c.seq)).all()
    parent: dict[str, Any] | None = None
    for rev_id, package_id in todo:  # in order, so each delta is against its package's base
        files = dict(conn.execute(select(f.c.path, f.c.digest).where(f.c.revision_id == rev_id)).all())
        if parent is not None and parent["package_id"] != package_id:
            parent = None
        cols = manifests.plan(conn, parent, files)
        conn.execute(r.update().where(r.c.id == rev_id).values(**cols))
        parent = {"package_id": package_id, **cols}
    conn.execute(f.delete())


def _m005_hosts_and_queue(conn: Connection) -> None:
    """hosts (leases), services.home, executions.owner: the durable queue and its homes."""
    insp = inspect(conn)
    if not insp.has_table("hosts"):
        schema.hosts.create(conn)
    if insp.has_table("services") and "home" not in {c["name"] for c in insp.get_columns("services")}:
        conn.execute(text("ALTER TABLE services ADD COLUMN home VARCHAR(32)"))
    if not insp.has_table("executions"):
        return
    if "owner" not in {c["name"] for c in insp.get_columns("executions")}:
        conn.execute(text("ALTER TABLE executions ADD COLUMN owner VARCHAR(32)"))
    if "ix_executions_status_owner" not in {i["name"] for i in insp.get_indexes("executions")}:
        conn.execute(text("CREATE INDEX ix_executions_status_owner ON executions (status, owner)"))


def _m006_triggers(conn: Connection) -> None:
    """triggers, the trigger_events outbox, executions.trigger_id/trigger_event/trigger_once and
    the unique indexes that make each event (and each resource under Once) fire once."""
    insp = inspect(conn)
    schema.triggers.create(conn, checkfirst=True)
    schema.trigger_events.create(conn, checkfirst=True)
    if not insp.has_table("executions"):  # a partial test database
        return
    columns = {c["name"] for c in insp.get_columns("executions")}
    for name, kind in (("trigger_id", "VARCHAR(32)"), ("trigger_event", "VARCHAR(64)"),
                       ("trigger_once", "VARCHAR(64)")):
        if name not in columns:
            conn.execute(text(f"ALTER TABLE executions ADD COLUMN {name} {kind}"))
    present = {i["name"] for t in ("executions", "trigger_events") for i in inspect(conn).get_indexes(t)}
    for index in schema.TRIGGER_INDEXES:
        if index.name not in present:
            index.create(conn)


def _m007_event_kind_index(conn: Connection) -> None:
    """execution_events (kind, id): the terminate-request poll of every home reads new
    ``terminate`` events only, not every event since it started."""
    insp = inspect(conn)
    if not insp.has_table("execution_events"):  # a partial test database
        return
    if schema.EVENT_KIND_INDEX.name not in {i["name"] for i in insp.get_indexes("execution_events")}:
        schema.EVENT_KIND_INDEX.create(conn)


def _m008_leaner_execution_indexes(conn: Connection) -> None:
    """executions: three index entries per execution that no query needed (a durable execute
    8-10 us faster, our side and the raw transaction alike): ``ix_executions_status`` repeats
    the leading column of ``ix_executions_status_owner``, and the two unique trigger indexes
    held a (NULL, NULL) entry for every execution no trigger made; they are partial now
    (``trigger_id IS NOT NULL``), the same uniqueness, used by the same queries."""
    insp = inspect(conn)
    if not insp.has_table("executions"):  # a partial test database
        return
    present: dict[str | None, Any] = {i["name"]: i for i in insp.get_indexes("executions")}
    if "ix_executions_status" in present:
        conn.execute(text("DROP INDEX ix_executions_status"))
    for index in schema.TRIGGER_UNIQUE:
        found = present.get(str(index.name))
        options = set(found.get("dialect_options") or {}) if found is not None else set()
        if found is not None and not options & {"sqlite_where", "postgresql_where"}:
            conn.execute(text(f"DROP INDEX {index.name}"))
            found = None
        if found is None:
            index.create(conn)


MIGRATIONS: list[Callable[[Connection], None]] = [_m001_initial, _m002_mandatory_packagers,
                                                  _m003_execution_indexes, _m004_revision_manifests,
                                                  _m005_hosts_and_queue, _m006_triggers,
                                                  _m007_event_kind_index, _m008_leaner_execution_indexes]


def current_version(conn: Connection) -> int:
    return int(conn.scalar(select(func.coalesce(func.max(schema.schema_version.c.version), 0))) or 0)
