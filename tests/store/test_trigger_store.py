"""The trigger tables: migration 6 on an older database, the outbox (record / claim / finish),
and the unique indexes that make one event (or one resource under Once) one execution."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy import exc, insert, select

from faas_jupyter.store import events, migrations
from faas_jupyter.store import triggers as trigger_sql
from faas_jupyter.store.db import Store, new_id, now
from faas_jupyter.store.schema import executions, projects, services, trigger_events

NEW_COLUMNS = ("trigger_id", "trigger_event", "trigger_once")


def test_migration_6_adds_triggers_to_a_version_5_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'v5.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for name in migrations.V1_TABLES + ["hosts"]:  # version 5's shape: no trigger columns/tables
            table = migrations.schema.metadata.tables[name]
            cols = [c._copy() for c in table.c if c.name not in NEW_COLUMNS]  # no public copy
            sa.Table(name, sa.MetaData(), *cols).create(conn)
        conn.execute(sa.text("INSERT INTO executions (id, project_id, function_name, status, input, attempts, "
                             "max_attempts, created_at, creator, metadata, change_seq) VALUES "
                             "('e', 'p', 'run', 'success', '{}', 1, 1, 't', 'u', '{}', 0)"))
        migrations.schema.schema_version.create(conn)
        for version in range(1, 6):
            conn.execute(sa.insert(migrations.schema.schema_version).values(version=version, applied_at="t"))
    engine.dispose()
    store = Store(url)
    with store.connect() as conn:
        insp = sa.inspect(conn)
        assert migrations.current_version(conn) == len(migrations.MIGRATIONS)
        assert {"triggers", "trigger_events"} <= set(insp.get_table_names())
        assert set(NEW_COLUMNS) <= {c["name"] for c in insp.get_columns("executions")}
        assert {"uq_executions_trigger_event", "uq_executions_trigger_once"} <= {
            i["name"] for i in insp.get_indexes("executions")}
        assert conn.execute(sa.text("SELECT trigger_id FROM executions WHERE id = 'e'")).scalar() is None
    store.close()


def make_world(store, triggers: dict) -> dict:
    """A project, an active service homed at host 'h1', and Event triggers on items
    (``{key: (filter, actions, mode)}``); returns the ids."""
    stamp = now()
    ids = {"project": new_id(), "service": new_id(), **{key: new_id() for key in triggers}}

    def fn(conn):
        conn.execute(insert(projects).values(id=ids["project"], name="p", created_at=stamp, creator="u"))
        conn.execute(sa.text("INSERT INTO packages (id, project_id, name, created_at, creator) "
                             "VALUES ('pk', :p, 'pkg', :t, 'u')"), {"p": ids["project"], "t": stamp})
        conn.execute(insert(services).values(
            id=ids["service"], project_id=ids["project"], name="svc", package_id="pk", module_name="m",
            revision="1.0.0", created_at=stamp, updated_at=stamp, creator="u", home="h1"))
        for key, (flt, actions, mode) in triggers.items():
            trigger_sql.insert_trigger(conn, {
                "id": ids[key], "project_id": ids["project"], "service_id": ids["service"], "name": key,
                "function_name": "run", "type": "Event", "resource": "Item", "actions": actions,
                "spec": {"filter": flt, "executionMode": mode}, "active": True,
                "created_at": stamp, "updated_at": stamp, "creator": "u"})
    store.write(fn)
    return ids


@pytest.fixture
def world(store):
    return make_world(store, {"t_all": ({}, ",Created,Updated,", "Once"),
                              "t_raw": ({"dataset": "raw"}, ",Created,", "Once")})


def pending(store, trigger_id):
    with store.connect() as conn:
        return events.pending_count(conn, trigger_id)


def test_record_writes_one_row_per_matching_trigger(store, world):
    docs = [("i1", {"id": "i1", "dataset": "raw"}), ("i2", {"id": "i2", "dataset": "other"})]
    assert store.write(lambda c: events.record(c, world["project"], "Item", "Created", docs, now())) == 3
    assert (pending(store, world["t_all"]), pending(store, world["t_raw"])) == (2, 1)
    assert store.write(lambda c: events.record(c, world["project"], "Item", "Deleted", docs, now())) == 0
    assert store.write(lambda c: events.record(c, world["project"], "Dataset", "Created", docs, now())) == 0
    store.write(lambda c: trigger_sql.update_trigger(c, world["t_all"], active=False))
    assert store.write(lambda c: events.record(c, world["project"], "Item", "Updated", docs, now())) == 0


def _work_due(store, home: str, service_ids: list[str]) -> tuple[bool, str | None]:
    """The plain read and the home's polled (on SQLite: cached) read agree, or the test fails."""
    with store.connect() as conn:
        plain = events.work_due(conn, home, service_ids)
    assert events.poll_work_due(store, home, service_ids) == plain
    return plain


def test_work_due_and_claim_see_only_active_services_homed_here(store, world):
    assert _work_due(store, "h1", [world["service"]]) == (False, None)  # cached now, on SQLite
    store.write(lambda c: events.record(c, world["project"], "Item", "Created", [("i1", {"id": "i1"})], now()))
    assert _work_due(store, "h1", [world["service"]]) == (True, None)
    assert _work_due(store, "h2", [world["service"]]) == (False, None)
    store.write(lambda c: c.execute(services.update().values(active=False)))
    assert _work_due(store, "h1", [world["service"]]) == (False, None)  # paused: it waits
    store.write(lambda c: c.execute(services.update().values(active=True)))
    assert _work_due(store, "h1", [world["service"]]) == (True, None)
    claimed = store.write(lambda c: events.claim(c, "h1", [world["service"]], 10))
    assert [(e["trigger_name"], e["resource_id"]) for e in claimed] == [("t_all", "i1")]
    store.write(lambda c: events.finish(c, [(claimed[0]["id"], "fired", None)], now()))
    assert _work_due(store, "h1", [world["service"]]) == (False, None)
    with store.connect() as conn:
        assert conn.scalar(select(trigger_events.c.outcome)) == "fired"
    stamp = now()
    store.write(lambda c: trigger_sql.insert_trigger(c, {
        "id": new_id(), "project_id": world["project"], "service_id": world["service"], "name": "tick",
        "function_name": "run", "type": "Cron", "resource": None, "actions": None,
        "spec": {"cron": "* * * * *"}, "active": True, "next_fire_at": "2030-01-01T00:00:00+00:00",
        "created_at": stamp, "updated_at": stamp, "creator": "u"}))
    assert _work_due(store, "h1", [world["service"]]) == (False, "2030-01-01T00:00:00+00:00")


def _execution(project_id: str, trigger_id: str, event: str, once: str | None) -> dict:
    return {"id": new_id(), "project_id": project_id, "function_name": "run", "status": "created",
            "input": {}, "attempts": 0, "max_attempts": 1, "created_at": now(), "creator": "u",
            "metadata": {}, "change_seq": 0, "trigger_id": trigger_id, "trigger_event": event,
            "trigger_once": once}


@pytest.mark.parametrize("first, second", [
    (("e1", None), ("e1", None)),      # the same event twice
    (("e1", "i1"), ("e2", "i1")),      # under Once: a second event of the same resource
])
def test_unique_indexes_refuse_a_second_execution(store, world, first, second):
    t, p = world["t_all"], world["project"]
    store.write(lambda c: c.execute(insert(executions), [_execution(p, t, *first)]))
    with pytest.raises(exc.IntegrityError):
        with store.transaction() as conn:
            conn.execute(insert(executions), [_execution(p, t, *second)])
    # other triggers, other events, and executions without a trigger are not constrained
    store.write(lambda c: c.execute(insert(executions), [_execution(p, world["t_raw"], *first),
                                                         _execution(p, t, "e3", None),
                                                         _execution(p, None, None, None),
                                                         _execution(p, None, None, None)]))


@pytest.mark.postgres
def test_two_claimers_take_disjoint_batches(postgres_url):
    store = Store(postgres_url)
    try:
        ids = make_world(store, {"t": ({}, ",Created,", "Always")})
        docs = [(f"i{n}", {"id": f"i{n}"}) for n in range(20)]
        store.write(lambda c: events.record(c, ids["project"], "Item", "Created", docs, now()))
        barrier, taken = threading.Barrier(2), []

        def claimer():
            with store.transaction() as conn:
                rows = events.claim(conn, "h1", [ids["service"]], 8)
                barrier.wait(10)  # both hold their rows locked at once
                taken.append({r["id"] for r in rows})
        threads = [threading.Thread(target=claimer) for _ in range(2)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(30)
        assert len(taken) == 2 and all(len(t) == 8 for t in taken) and not (taken[0] & taken[1])
    finally:
        store.close()
