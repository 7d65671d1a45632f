"""The tables (SQLAlchemy Core, portable types only).

Conventions: ids are uuid4 hex strings; timestamps are ISO-8601 UTC strings
(``2024-05-01T12:00:00.123456+00:00``, which sort as text); JSON is TEXT, read and
written as Python values through :class:`JSONText` (so the DDL is plain TEXT).
This module always describes the *latest* schema; ``migrations.py`` brings an
older database up to it (migration 1 created exactly these tables).
"""
# no ``from __future__ import annotations`` here: it would shadow the ``annotations`` table
import json
from json import encoder as _json_encoder
from typing import Any

from sqlalchemy import (Boolean, Column, Dialect, Float, ForeignKey, Index, Integer, LargeBinary,
                        MetaData, String, Table, Text, TypeDecorator, UniqueConstraint)

metadata = MetaData()

ID = String(32)
NAME = String(64)
TS = String(32)


class JSONText(TypeDecorator[Any]):
    """A TEXT column holding JSON: Python values in, Python values out (SQL NULL is None).

    Values that are not JSON raise ``TypeError`` before anything is written.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else dumps(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else json.loads(value)

    def coerce_compared_value(self, op: Any, value: Any) -> Any:
        # ``input LIKE '%id%'`` compares the JSON text with a text pattern, not a JSON value
        return Text()


def _not_json(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# ``json.dumps(value)``'s C encoder, made once: ``json.dumps`` builds one per call, which is
# two thirds of its cost for the small values of an execution row (0.4 against 1.2 us).
# No circular-reference markers: a value that contains itself fails with RecursionError
# instead of ValueError, still before anything is written.
_C_MAKE_ENCODER = getattr(_json_encoder, "c_make_encoder", None)  # not in typeshed: private to json
_ENCODER = (_C_MAKE_ENCODER(None, _not_json, _json_encoder.encode_basestring_ascii, None, ": ", ", ",
                            False, False, True)
            if _C_MAKE_ENCODER is not None else None)


def dumps(value: Any) -> str:
    """``json.dumps(value)``, the same text, faster (see ``_ENCODER``)."""
    if _ENCODER is None:  # an interpreter without the C accelerator
        return json.dumps(value)
    return "".join(_ENCODER(value, 0))


class CanonicalJSONText(JSONText):
    """``JSONText`` written canonically (sorted keys, no spaces): equal values, equal text."""

    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else json.dumps(value, sort_keys=True, separators=(",", ":"))


def decode_json(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """``row`` (read with plain driver SQL, bypassing the column types) with ``table``'s
    ``JSONText`` columns decoded, as a SQLAlchemy read would return them."""
    for column in table.c:
        if isinstance(column.type, JSONText) and column.name in row:
            row[column.name] = column.type.process_result_value(row[column.name], None)  # type: ignore[arg-type]
    return row


def _id(name: str = "id", **kw: Any) -> Column[Any]:
    return Column(name, ID, primary_key=True, **kw)


def _fk(name: str, target: str, nullable: bool = False, ondelete: str | None = "CASCADE",
        index: bool = True) -> Column[Any]:
    return Column(name, ID, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


schema_version = Table(
    "schema_version", metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_at", TS, nullable=False),
)

projects = Table(
    "projects", metadata,
    _id(),
    Column("name", NAME, nullable=False, unique=True),
    Column("created_at", TS, nullable=False),
    Column("creator", String(255), nullable=False),
)

members = Table(
    "members", metadata,
    Column("project_id", ID, ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("user", String(255), primary_key=True),
    Column("role", String(32), nullable=False),
    Column("created_at", TS, nullable=False),
)

packages = Table(
    "packages", metadata,
    _id(),
    _fk("project_id", "projects.id"),
    Column("name", NAME, nullable=False),
    Column("created_at", TS, nullable=False),
    Column("creator", String(255), nullable=False),
    UniqueConstraint("project_id", "name", name="uq_packages_project_name"),
)

# seq orders revisions (1, 2, 3...) because version strings do not sort as text;
# the unique constraints make a concurrent duplicate version impossible.
revisions = Table(
    "revisions", metadata,
    _id(),
    _fk("package_id", "packages.id"),
    Column("seq", Integer, nullable=False),
    Column("version", String(32), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("creator", String(255), nullable=False),
    Column("message", Text, nullable=False, default=""),
    Column("codebase_digest", String(64), nullable=False),
    Column("spec", CanonicalJSONText, nullable=False),  # the package JSON without its version
    Column("changes", JSONText, nullable=False, default=dict),
    # the file list (migration 4): a base manifest's digest plus this revision's differences
    # from it, see store/manifests.py
    Column("manifest", String(64), nullable=True),
    Column("manifest_delta", Text, nullable=True),
    UniqueConstraint("package_id", "version", name="uq_revisions_package_version"),
    UniqueConstraint("package_id", "seq", name="uq_revisions_package_seq"),
)

blobs = Table(
    "blobs", metadata,
    Column("digest", String(64), primary_key=True),  # sha256 hex of the content
    Column("size", Integer, nullable=False),  # of the content
    Column("data", LargeBinary, nullable=False),
    # migration 4: "zlib" when data is the compressed content (source shrinks 3-4x), else NULL
    Column("compression", String(8), nullable=True),
)

# Content-addressed file lists ({path: blob digest} as JSON), shared by every revision
# whose list is the same (migration 4).
manifests = Table(
    "manifests", metadata,
    Column("digest", String(64), primary_key=True),  # sha256 hex of data
    Column("data", Text, nullable=False),
)

# Before migration 4 each revision listed its files here, one row per file; migration 4
# moved them into manifests and nothing writes here any more (kept so migration 1 is unchanged).
revision_files = Table(
    "revision_files", metadata,
    Column("revision_id", ID, ForeignKey("revisions.id", ondelete="CASCADE"), primary_key=True),
    Column("path", String(1024), primary_key=True),
    Column("digest", String(64), ForeignKey("blobs.digest"), nullable=False, index=True),
)

services = Table(
    "services", metadata,
    _id(),
    _fk("project_id", "projects.id"),
    Column("name", NAME, nullable=False),
    _fk("package_id", "packages.id", ondelete=None),
    Column("module_name", NAME, nullable=False),
    Column("revision", String(32), nullable=False),  # the pinned package version
    Column("init_input", JSONText, nullable=False, default=dict),
    Column("runtime", String(32), nullable=False, default="kernel"),
    Column("runtime_config", JSONText, nullable=False, default=dict),
    Column("concurrency", Integer, nullable=False, default=1),
    Column("execution_timeout", Float, nullable=False, default=3600),
    Column("max_attempts", Integer, nullable=False, default=1),
    Column("on_reset", String(16), nullable=False, default="failed"),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
    Column("creator", String(255), nullable=False),
    Column("metadata", JSONText, nullable=False, default=dict),
    Column("home", ID, nullable=True),  # hosts.id of the process that runs it (migration 3)
    UniqueConstraint("project_id", "name", name="uq_services_project_name"),
)

# Indexes (migration 3): the fronts read "newest first" per project, optionally per service
# name or status, and poll "changed since a cursor"; each of those is one index range scan.
# Single-column project_id/service_id/created_at indexes went: a composite below starts
# with each of those columns, and every index costs every write.
executions = Table(
    "executions", metadata,
    _id(),
    _fk("project_id", "projects.id", index=False),
    _fk("service_id", "services.id", nullable=True, ondelete="SET NULL", index=False),
    Column("service_name", NAME, nullable=True),
    Column("package_name", NAME, nullable=True),
    Column("revision", String(32), nullable=True),
    Column("module_name", NAME, nullable=True),
    Column("function_name", String(255), nullable=False),
    Column("status", String(32), nullable=False),  # indexed by (status, owner): migration 8
    Column("input", JSONText, nullable=False, default=dict),
    Column("output", JSONText, nullable=True),
    Column("error", Text, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("max_attempts", Integer, nullable=False, default=1),
    Column("created_at", TS, nullable=False),
    Column("started_at", TS, nullable=True),
    Column("finished_at", TS, nullable=True),
    Column("duration", Float, nullable=True),
    Column("creator", String(255), nullable=False),
    Column("rerun_of", ID, nullable=True),
    Column("metadata", JSONText, nullable=False, default=dict),
    # hosts.id of the process that runs/records it; NULL while ``created`` = queued for the
    # service's home (migration 5)
    Column("owner", ID, nullable=True),
    # the change counter's value at this row's last write (migration 3): delta polls read
    # "change_seq > cursor"; see store/executions.py next_change_seq
    Column("change_seq", Integer, nullable=False, default=0),
    # the trigger that made this execution and the event it answered (migration 6): the id of
    # a trigger_events row, or "cron:<due time>"; ``trigger_once`` is the resource id when the
    # trigger runs once per resource. Unique indexes on both pairs (below) make a second
    # execution of one event, or of one resource under ``Once``, impossible in any process.
    Column("trigger_id", ID, nullable=True),
    Column("trigger_event", String(64), nullable=True),
    Column("trigger_once", String(64), nullable=True),
)

# One row per counter (name "executions"): bumped inside each transaction that writes
# executions, so change_seq follows commit order (SQLite's write lock, PostgreSQL's row lock).
change_counters = Table(
    "change_counters", metadata,
    Column("name", String(32), primary_key=True),
    Column("value", Integer, nullable=False),
)

# One row per process that owns executions or hosts services; its lease is renewed by a
# heartbeat. A row whose ``lease_until`` passed belongs to a process that is gone (migration 5).
hosts = Table(
    "hosts", metadata,
    _id(),
    Column("hostname", String(255), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("pid_start", String(32), nullable=True),  # tells a reused pid apart on one machine
    Column("kind", String(16), nullable=False),      # kernel | server | serve | process
    Column("project_id", ID, nullable=True),         # the project a server/serve host serves
    Column("started_at", TS, nullable=False),
    Column("heartbeat_at", TS, nullable=False),
    Column("lease_until", TS, nullable=False, index=True),
    Column("metadata", JSONText, nullable=False, default=dict),
)

# Triggers (migration 6): a service's function run on resource events or a schedule. ``spec``
# is the trigger's JSON spec minus the operation; ``resource``/``actions`` (",Created,Updated,")
# are copied out so a change finds the triggers it concerns in one indexed read.
triggers = Table(
    "triggers", metadata,
    _id(),
    _fk("project_id", "projects.id", index=False),
    _fk("service_id", "services.id"),
    Column("name", NAME, nullable=False),
    Column("function_name", String(255), nullable=False),
    Column("type", String(16), nullable=False),         # Event | Cron
    Column("resource", String(32), nullable=True),      # Item | Dataset | Annotation (Event)
    Column("actions", String(64), nullable=True),       # ",Created,Deleted," (Event)
    Column("spec", JSONText, nullable=False, default=dict),
    Column("active", Boolean, nullable=False, default=True),
    Column("next_fire_at", TS, nullable=True),          # Cron: the next due time
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
    Column("creator", String(255), nullable=False),
    UniqueConstraint("project_id", "name", name="uq_triggers_project_name"),
)

# The outbox (migration 6): one row per (event trigger, change), written in the transaction of
# the change itself; the trigger's service home turns it into an execution and sets
# ``done_at`` in one transaction (``store/events.py``).
trigger_events = Table(
    "trigger_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("trigger_id", ID, ForeignKey("triggers.id", ondelete="CASCADE"), nullable=False),
    Column("action", String(16), nullable=False),
    Column("resource_id", ID, nullable=False),
    Column("body", JSONText, nullable=False),           # the resource's JSON at the change
    Column("created_at", TS, nullable=False),
    Column("done_at", TS, nullable=True),
    Column("outcome", String(32), nullable=True),       # fired | filtered | paused | refused
    Column("execution_id", ID, nullable=True),
)

# Append-only: the status log and progress updates of an execution.
execution_events = Table(
    "execution_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _fk("execution_id", "executions.id"),
    Column("ts", TS, nullable=False),
    Column("kind", String(16), nullable=False),  # status | progress
    Column("status", String(32), nullable=True),
    Column("progress", Integer, nullable=True),
    Column("message", Text, nullable=True),
    Column("data", JSONText, nullable=True),
)

execution_logs = Table(
    "execution_logs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _fk("execution_id", "executions.id"),
    Column("ts", TS, nullable=False),
    Column("stream", String(16), nullable=False),  # stdout | stderr | logging
    Column("text", Text, nullable=False),
)

datasets = Table(
    "datasets", metadata,
    _id(),
    _fk("project_id", "projects.id"),
    Column("name", NAME, nullable=False),
    Column("created_at", TS, nullable=False),
    Column("creator", String(255), nullable=False),
    Column("metadata", JSONText, nullable=False, default=dict),
    UniqueConstraint("project_id", "name", name="uq_datasets_project_name"),
)

items = Table(
    "items", metadata,
    _id(),
    _fk("project_id", "projects.id"),
    _fk("dataset_id", "datasets.id", nullable=True),
    Column("key", String(255), nullable=False),
    Column("artifact_type", String(64), nullable=False),
    Column("packager", String(255), nullable=True),
    Column("path", String(2048), nullable=True),  # relative to the artifact root
    Column("url", String(2048), nullable=True),
    Column("size", Integer, nullable=True),
    Column("hash", String(64), nullable=True),
    Column("instructions", JSONText, nullable=False, default=dict),
    Column("value", JSONText, nullable=True),  # results stored inline (JSON)
    Column("metadata", JSONText, nullable=False, default=dict),
    _fk("execution_id", "executions.id", nullable=True, ondelete="SET NULL"),
    Column("created_at", TS, nullable=False),
    Column("creator", String(255), nullable=False),
)

annotations = Table(
    "annotations", metadata,
    _id(),
    _fk("item_id", "items.id"),
    Column("type", String(64), nullable=True),
    Column("label", String(255), nullable=True),
    Column("data", JSONText, nullable=False, default=dict),
    Column("created_at", TS, nullable=False),
    Column("creator", String(255), nullable=False),
)

custom_packagers = Table(
    "custom_packagers", metadata,
    _id(),
    _fk("project_id", "projects.id"),
    Column("class_path", String(512), nullable=False),  # "module:QualName"
    Column("priority", Integer, nullable=True),
    Column("is_mandatory", Boolean, nullable=False, default=False),  # migration 2
    Column("created_at", TS, nullable=False),
    Column("creator", String(255), nullable=False),
    UniqueConstraint("project_id", "class_path", name="uq_custom_packagers_class"),
)

Index("ix_executions_service_created", executions.c.service_id, executions.c.created_at)
Index("ix_executions_status_owner", executions.c.status, executions.c.owner)  # queue, settling
EXECUTION_INDEXES = [
    Index("ix_executions_project_created", executions.c.project_id, executions.c.created_at,
          executions.c.id),
    Index("ix_executions_project_service_created", executions.c.project_id,
          executions.c.service_name, executions.c.created_at, executions.c.id),
    Index("ix_executions_project_status_created", executions.c.project_id, executions.c.status,
          executions.c.created_at, executions.c.id),
    Index("ix_executions_project_change", executions.c.project_id, executions.c.change_seq),
]

# migration 7: a home polls "terminate requests after event N" every tick; without this the
# poll scanned every status event written since the home started (it grew with each execution)
EVENT_KIND_INDEX = Index("ix_execution_events_kind_id", execution_events.c.kind, execution_events.c.id)

# migration 6: one execution per (trigger, event), and per (trigger, resource) under Once;
# partial since migration 8 (an execution no trigger made has no entry: NULLs never collide)
_BY_TRIGGER = executions.c.trigger_id.is_not(None)
TRIGGER_UNIQUE = [
    Index("uq_executions_trigger_event", executions.c.trigger_id, executions.c.trigger_event, unique=True,
          sqlite_where=_BY_TRIGGER, postgresql_where=_BY_TRIGGER),
    Index("uq_executions_trigger_once", executions.c.trigger_id, executions.c.trigger_once, unique=True,
          sqlite_where=_BY_TRIGGER, postgresql_where=_BY_TRIGGER),
]
TRIGGER_INDEXES = [
    *TRIGGER_UNIQUE,
    Index("ix_trigger_events_pending", trigger_events.c.trigger_id, trigger_events.c.done_at,
          trigger_events.c.id),
]
