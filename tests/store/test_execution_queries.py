"""Execution queries that do not grow with the table: the indexes exist and the planner uses
them (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL), pages are the right rows, delta
polls return exactly the rows changed since a cursor, and migration 3 upgrades a version-2
database in place (SQLite and PostgreSQL)."""
from __future__ import annotations

from sqlalchemy import inspect, select, text

from faas_jupyter.store import Store
from faas_jupyter.store import executions as sql
from faas_jupyter.store import projects as P
from faas_jupyter.store.db import new_id
from faas_jupyter.store.schema import EXECUTION_INDEXES, executions

NEW_INDEXES = {ix.name for ix in EXECUTION_INDEXES}


def _rows(project_id: str, n: int, *, start: int = 0, service: str = "svc", status: str = "success"):
    return [{"id": new_id(), "project_id": project_id, "service_id": None, "service_name": service,
             "package_name": "pkg", "revision": "1.0.0", "module_name": "m", "function_name": "run",
             "status": status, "input": {}, "output": None, "error": None, "attempts": 1,
             "max_attempts": 1, "created_at": f"2026-01-01T00:00:{(start + i) // 1000:02d}.{(start + i) % 1000:03d}000+00:00",
             "started_at": None, "finished_at": None, "duration": None, "creator": "tester",
             "rerun_of": None, "metadata": {}} for i in range(n)]


def _project(store, name="p") -> str:
    with store.transaction() as conn:
        P.insert_project(conn, name, "tester")
        return P.get_project(conn, name)["id"]


def _plan(conn, query) -> str:
    compiled = query.compile(conn, compile_kwargs={"literal_binds": True})
    if conn.dialect.name == "sqlite":
        return " | ".join(r[-1] for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))
    conn.exec_driver_sql("ANALYZE executions")
    for kind in ("seqscan", "bitmapscan", "sort"):  # tiny test tables: ask for the plan at size
        conn.exec_driver_sql(f"SET enable_{kind} = off")
    return " | ".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {compiled}"))


def _list_query(pid, **filters):
    q = select(executions).where(executions.c.project_id == pid)
    for column, value in filters.items():
        q = q.where(executions.c[column] == value)
    return q.order_by(executions.c.created_at.desc(), executions.c.id.desc()).limit(50)


def test_the_fronts_queries_each_use_their_index_and_need_no_sort(store):
    pid = _project(store)
    sql.write_batch(store, _rows(pid, 300) + _rows(pid, 50, start=300, service="b", status="failed"),
                    [], [], [], [])
    cases = {"ix_executions_project_created": _list_query(pid),
             "ix_executions_project_service_created": _list_query(pid, service_name="b"),
             "ix_executions_project_status_created": _list_query(pid, status="failed"),
             "ix_executions_project_change": select(executions).where(
                 executions.c.project_id == pid, executions.c.change_seq > 10)
             .order_by(executions.c.change_seq).limit(500)}
    with store.connect() as conn:
        assert NEW_INDEXES <= {ix["name"] for ix in inspect(conn).get_indexes("executions")}
        for index, query in cases.items():
            plan = _plan(conn, query)
            assert index in plan, plan
            assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan  # the index gives the order


def test_pages_are_newest_first_and_disjoint(store):
    pid = _project(store)
    rows = _rows(pid, 120)
    sql.write_batch(store, rows, [], [], [], [])
    newest_first = [r["id"] for r in reversed(rows)]
    with store.connect() as conn:
        pages = [[r["id"] for r in sql.list_executions(conn, pid, limit=50, offset=o)] for o in (0, 50, 100)]
        assert [len(p) for p in pages] == [50, 50, 20]
        assert sum(pages, []) == newest_first
        assert [r["id"] for r in sql.list_executions(conn, pid, service_name="nope", limit=50)] == []


def test_a_negative_page_or_an_empty_poll_limit_is_one_error_on_both_databases(store):
    import pytest

    from faas_jupyter.errors import ValidationError
    pid = _project(store)
    sql.write_batch(store, _rows(pid, 3), [], [], [], [])
    with store.connect() as conn:  # SQLite read LIMIT -1 as "all"; PostgreSQL raised its own error
        for limit, offset in ((-1, 0), (10, -5), ("7", 0)):
            with pytest.raises(ValidationError, match="needs limit >= 0 .None: all. and offset >= 0"):
                sql.list_executions(conn, pid, limit=limit, offset=offset)
        assert len(sql.list_executions(conn, pid, limit=None)) == 3 and sql.list_executions(conn, pid, limit=0) == []
        for limit in (0, -1):
            with pytest.raises(ValidationError, match="a delta poll needs limit >= 1"):
                sql.changed_since(conn, pid, 0, limit=limit)


def test_a_delta_poll_returns_exactly_the_rows_written_since_the_cursor(store):
    pid, other = _project(store), _project(store, "other")
    first = _rows(pid, 30)
    sql.write_batch(store, first, [], [], [], [])
    with store.connect() as conn:
        cursor = sql.change_cursor(conn)
        assert sql.changed_since(conn, pid, cursor) == []
    late = _rows(pid, 5, start=30)
    updated = [{**first[3], "status": "failed"}, {**first[7], "status": "failed"}]
    sql.write_batch(store, late, updated, [], [], [])
    sql.write_batch(store, _rows(other, 4), [], [], [], [])  # another project's: not ours
    with store.transaction() as conn:
        sql.update_execution(conn, first[9]["id"], status="in-progress")
    with store.connect() as conn:
        changed = sql.changed_since(conn, pid, cursor)
        ids = [r["id"] for r in changed]
        assert sorted(ids) == sorted([r["id"] for r in late] + [first[i]["id"] for i in (3, 7, 9)])
        assert ids[-1] == first[9]["id"]  # in change order
        seqs = [r["change_seq"] for r in changed]
        assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
        page = sql.changed_since(conn, pid, cursor, limit=4)
        rest = sql.changed_since(conn, pid, page[-1]["change_seq"])
        assert [r["id"] for r in page + rest] == ids  # a paged poll loses nothing
        assert sql.changed_since(conn, pid, seqs[-1]) == []


def _downgrade_to_v2(store_url: str) -> None:
    """Turn a fresh database into what migration 2 left: old indexes, no change_seq, no counter."""
    s = Store(store_url)
    with s.transaction() as conn:
        for name in NEW_INDEXES:
            conn.execute(text(f"DROP INDEX {name}"))
        conn.execute(text("ALTER TABLE executions DROP COLUMN change_seq"))
        for name, column in (("project_id", "project_id"), ("service_id", "service_id"),
                             ("created_at", "created_at")):
            conn.execute(text(f"CREATE INDEX ix_executions_{name} ON executions ({column})"))
        conn.execute(text("DROP TABLE change_counters"))
        conn.execute(text("DELETE FROM schema_version WHERE version > 2"))
    s.close()


def test_migration_3_upgrades_a_version_2_database(store_url):
    s = Store(store_url)
    pid = _project(s)
    s.close()
    _downgrade_to_v2(store_url)
    raw = Store(store_url, migrate=False)
    with raw.transaction() as conn:  # a row written by a version-2 writer
        row = _rows(pid, 1)[0]
        conn.execute(text("INSERT INTO executions (id, project_id, service_name, function_name, status, input, "
                "attempts, max_attempts, created_at, creator, metadata) VALUES "
                "(:id, :project_id, 's', 'run', 'success', '{}', 1, 1, :created_at, 'u', '{}')"), row)
    raw.close()
    s = Store(store_url)
    with s.connect() as conn:
        names = {ix["name"] for ix in inspect(conn).get_indexes("executions")}
        assert NEW_INDEXES <= names
        assert not names & {"ix_executions_project_id", "ix_executions_service_id", "ix_executions_created_at"}
        assert [r["id"] for r in sql.list_executions(conn, pid)] == [row["id"]]
        assert sql.changed_since(conn, pid, sql.change_cursor(conn)) == []
    sql.write_batch(s, _rows(pid, 2, start=5), [], [], [], [])
    with s.connect() as conn:
        assert len(sql.changed_since(conn, pid, 0)) == 2  # the old row has change 0
    s.close()


def test_the_terminate_request_poll_reads_only_terminate_events(store):
    from faas_jupyter.store.hosts import request_terminate, terminate_query, terminate_requests
    from faas_jupyter.store.schema import execution_events
    pid = _project(store)
    rows = _rows(pid, 40)
    events = [{"execution_id": r["id"], "ts": r["created_at"], "kind": "status", "status": "success",
               "progress": None, "message": None, "data": None} for r in rows for _ in range(3)]
    sql.write_batch(store, rows, [], events, [], [])
    with store.transaction() as conn:
        request_terminate(conn, rows[7]["id"], rows[7]["created_at"], "terminate requested by tester")
    with store.connect() as conn:
        assert [eid for _, eid in terminate_requests(conn, 5)] == [rows[7]["id"]]
        assert "ix_execution_events_kind_id" in {ix["name"] for ix in inspect(conn).get_indexes("execution_events")}
        if conn.dialect.name == "sqlite":  # one range of (kind, id), not every event after id 5
            plan = _plan(conn, terminate_query(5))
            assert "ix_execution_events_kind_id" in plan and "TEMP B-TREE" not in plan, plan
        assert conn.scalar(select(execution_events.c.id).order_by(execution_events.c.id.desc()).limit(1)) > 100


def _plans_of(conn, run) -> list[str]:
    """The plan of every statement ``run(conn)`` sends: the store's own SQL, as it runs."""
    from sqlalchemy import event
    sent = []

    def grab(_conn, _cursor, statement, parameters, _context, _many):
        sent.append((statement, parameters))
    event.listen(conn, "before_cursor_execute", grab)
    try:
        run(conn)
    finally:
        event.remove(conn, "before_cursor_execute", grab)
    explain = "EXPLAIN QUERY PLAN " if conn.dialect.name == "sqlite" else "EXPLAIN "
    if conn.dialect.name != "sqlite":
        conn.exec_driver_sql("ANALYZE executions")
        for kind in ("seqscan", "bitmapscan"):  # tiny test tables: ask for the plan at size
            conn.exec_driver_sql(f"SET enable_{kind} = off")
    return [" | ".join(str(r[-1]) for r in conn.exec_driver_sql(explain + statement, parameters))
            for statement, parameters in sent]


_TRIGGER_UNIQUE = {"uq_executions_trigger_event": "trigger_event", "uq_executions_trigger_once": "trigger_once"}


def test_migration_8_drops_the_status_index_and_makes_the_trigger_uniques_partial(store_url):
    import pytest
    from faas_jupyter.store.db import is_row_error
    s = Store(store_url)
    pid = _project(s)
    with s.transaction() as conn:  # what migration 7 left
        conn.execute(text("CREATE INDEX ix_executions_status ON executions (status)"))
        for name, column in _TRIGGER_UNIQUE.items():
            conn.execute(text(f"DROP INDEX {name}"))
            conn.execute(text(f"CREATE UNIQUE INDEX {name} ON executions (trigger_id, {column})"))
        conn.execute(text("DELETE FROM schema_version WHERE version > 7"))
    s.close()
    s = Store(store_url)
    with s.connect() as conn:
        found = {ix["name"]: ix for ix in inspect(conn).get_indexes("executions")}
    assert "ix_executions_status" not in found and "ix_executions_status_owner" in found
    for name in _TRIGGER_UNIQUE:  # only executions a trigger made have an entry
        assert {"sqlite_where", "postgresql_where"} & set(found[name]["dialect_options"]), found[name]
    rows = [dict(r, trigger_id=None, trigger_event=None, trigger_once=None) for r in _rows(pid, 4)]
    rows[0].update(trigger_id="t1", trigger_event="e1")
    sql.write_batch(s, rows[:3], [], [], [], [])  # two executions without a trigger: no collision
    rows[3].update(trigger_id="t1", trigger_event="e1")
    with pytest.raises(Exception) as refused:  # the same uniqueness as before
        sql.write_batch(s, rows[3:], [], [], [], [])
    assert is_row_error(refused.value)
    s.close()


def test_the_trigger_reads_use_the_partial_unique_indexes(store):
    from faas_jupyter.store import events as E
    from faas_jupyter.store import triggers as T
    pid = _project(store)
    rows = [dict(r, trigger_id=None, trigger_event=None, trigger_once=None) for r in _rows(pid, 40)]
    for i, row in enumerate(rows[:10]):
        row.update(trigger_id="t1", trigger_event=f"e{i}", trigger_once=f"r{i}")
    sql.write_batch(store, rows, [], [], [], [])
    with store.connect() as conn:
        assert T.stats(conn, ["t1"])["t1"]["fire_count"] == 10
        assert E.once_taken(conn, [("t1", "r3"), ("t1", "r99")]) == {("t1", "r3")}
        plans = _plans_of(conn, lambda c: (T.stats(c, ["t1", "t2"]), T.execution_ids(c, "t1", 5),
                                           E.once_taken(c, [("t1", "r1"), ("t1", "r2")])))
    assert len(plans) == 3
    for plan in plans:
        assert "uq_executions_trigger" in plan, plan
