import pytest
from sqlalchemy import func, insert, select, text

from faas_jupyter.errors import Conflict
from faas_jupyter.store import Store
from faas_jupyter.store import projects as P
from faas_jupyter.store.schema import projects


def test_sqlite_creates_parent_folder_and_uses_wal(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'a' / 'b' / 'faas.db'}")
    with s.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    assert (tmp_path / "a" / "b" / "faas.db").exists()


def test_bare_path_means_sqlite(tmp_path):
    s = Store(str(tmp_path / "x.db"))
    assert s.dialect == "sqlite"


def test_transaction_commits(store):
    with store.transaction() as conn:
        P.insert_project(conn, "p1", "alice")
    with store.connect() as conn:
        assert P.get_project(conn, "p1")["creator"] == "alice"
        assert P.get_role(conn, P.get_project(conn, "p1")["id"], "alice") == "owner"


def test_transaction_rolls_back_on_error(store):
    with pytest.raises(RuntimeError):
        with store.transaction() as conn:
            P.insert_project(conn, "p1", "alice")
            raise RuntimeError("boom")
    with store.connect() as conn:
        assert P.get_project(conn, "p1") is None
        assert conn.scalar(select(func.count()).select_from(projects)) == 0


def test_write_reruns_after_a_lost_race(store):
    with store.transaction() as conn:
        P.insert_project(conn, "taken", "alice")
    calls = []

    def fn(conn):
        calls.append(1)
        name = "taken" if len(calls) == 1 else "free"  # first attempt collides
        return P.insert_project(conn, name, "bob")["name"]

    assert store.write(fn) == "free"
    assert len(calls) == 2


def test_write_gives_up_with_conflict(store):
    with store.transaction() as conn:
        P.insert_project(conn, "taken", "alice")
    with pytest.raises(Conflict, match="retries ran out"):
        store.write(lambda conn: P.insert_project(conn, "taken", "bob"), retries=2)


def test_sqlite_write_takes_the_lock_at_begin(tmp_path):
    # A second writer must wait for the first even before the first wrote anything.
    url = f"sqlite:///{tmp_path / 'faas.db'}"
    import sqlite3

    a = Store(url)
    with a.transaction() as conn:
        conn.execute(select(1))
        other = sqlite3.connect(tmp_path / "faas.db", timeout=0.05, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()


def test_members_set_update_delete(store):
    with store.transaction() as conn:
        pid = P.insert_project(conn, "p", "alice")["id"]
        P.set_member(conn, pid, "bob", "annotator")
        P.set_member(conn, pid, "bob", "developer")
    with store.connect() as conn:
        assert [(m["user"], m["role"]) for m in P.list_members(conn, pid)] == [
            ("alice", "owner"), ("bob", "developer")]
    with store.transaction() as conn:
        assert P.delete_member(conn, pid, "bob")
        assert not P.delete_member(conn, pid, "bob")
