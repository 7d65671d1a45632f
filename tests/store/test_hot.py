"""The hot path's per-thread SQLite connection and its reads cached by ``data_version``."""
from __future__ import annotations

import sqlite3
import threading
import time

from faas_jupyter.store import Store
from faas_jupyter.store.hosts import read_service_state
from faas_jupyter.store.hot import hot
from faas_jupyter.store.projects import insert_project, read_role, set_member


def _project(store: Store) -> str:
    with store.transaction() as conn:
        project = insert_project(conn, "p", "ann")
        set_member(conn, project["id"], "bob", "Developer")
    return project["id"]


def test_a_cached_read_sees_a_commit_by_any_other_connection(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'faas.db'}")
    pid = _project(store)
    assert read_role(store, pid, "bob") == "Developer"
    outside = sqlite3.connect(tmp_path / "faas.db", isolation_level=None)  # as another process would
    outside.execute("UPDATE members SET role = 'Annotator' WHERE \"user\" = 'bob'")
    assert read_role(store, pid, "bob") == "Annotator"
    with store.transaction() as conn:  # the engine's pool is another connection too
        set_member(conn, pid, "bob", "Project Owner")
    assert read_role(store, pid, "bob") == "Project Owner"
    assert read_service_state(store, "no-such-service") is None
    store.close()


def test_each_thread_has_its_own_connection_and_close_closes_them(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'faas.db'}")
    held = hot(store)
    assert held is not None
    mine = held.conn()
    theirs: list = []
    thread = threading.Thread(target=lambda: theirs.append(held.conn()))
    thread.start()
    thread.join()
    assert theirs[0] is not mine and held.conn() is mine
    store.close()
    reopened = held.conn()
    assert reopened is not mine and reopened.execute("SELECT 1").fetchone() == (1,)
    store.close()


SLOW = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) SELECT count(*) FROM n"


def test_closing_the_store_while_another_thread_reads_does_not_crash(tmp_path):
    # a home's poll thread reads through its own connection while the workspace closes the
    # store: closing that connection from the closing thread segfaulted the interpreter
    store = Store(f"sqlite:///{tmp_path / 'faas.db'}")
    held = hot(store)
    assert held is not None
    stop, reads = threading.Event(), []

    def poll() -> None:
        while not stop.is_set():
            reads.append(held.cached(("n", len(reads)), lambda c: c.execute(SLOW).fetchone()[0]))

    thread = threading.Thread(target=poll)
    thread.start()
    for _ in range(300):
        store.close()
        time.sleep(0.0005)
    stop.set()
    thread.join()
    assert reads and set(reads) == {5000}


def test_no_hot_connection_off_file_sqlite(store_url, tmp_path):
    store = Store(store_url)
    assert (hot(store) is None) == (store.dialect != "sqlite")
    store.close()
    assert hot(Store("sqlite://")) is None
