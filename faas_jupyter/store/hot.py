"""The hot path of an execution on SQLite: one held connection per thread, cached reads.

Every ``svc.execute`` reads the service's routing state and the caller's role, then writes
its record. Through the engine's pool each of those is a checkout and a checkin (~10 us
each), and both reads return the same answer thousands of times in a row. Here each
thread keeps one plain ``sqlite3`` connection (the pool's pragmas: WAL, busy timeout,
``synchronous=NORMAL``, foreign keys), and a read is served from memory while
``PRAGMA data_version`` says no other connection (of any process) committed since: the
connection's own commits never change it, and it only writes execution records, so a
cached service or member row is exactly what a fresh read would return.

PostgreSQL and in-memory SQLite databases have no hot connection (``conn`` returns None):
their callers use the pool as before.
"""
from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, event
from sqlalchemy.engine import make_url

from faas_jupyter.store.db import BUSY_TIMEOUT_MS, Store

T = TypeVar("T")
_PRAGMAS = ("journal_mode=WAL", f"busy_timeout={BUSY_TIMEOUT_MS}", "synchronous=NORMAL",
            "foreign_keys=ON")


class _Held(threading.local):
    """This thread's connection to one database and its cached reads."""

    conn: sqlite3.Connection | None = None
    cache: dict[Any, tuple[int, Any]]

    def __init__(self) -> None:
        self.cache = {}


class HotConnections:
    """The per-thread connections of one store (closed with the store's engine)."""

    def __init__(self, database: str) -> None:
        self.database = database
        self._held = _Held()
        self.closed = False

    def conn(self) -> sqlite3.Connection:
        held = self._held
        if held.conn is None:
            held.conn = self._connect()
        return held.conn

    def _connect(self) -> sqlite3.Connection:
        # one thread uses it; check_same_thread=False only so whichever thread drops the last
        # reference (see close_all) may finalise it
        conn = sqlite3.connect(self.database, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
        for pragma in _PRAGMAS:
            conn.execute(f"PRAGMA {pragma}")
        return conn

    def cached(self, key: tuple[Any, ...], read: Callable[[sqlite3.Connection], T]) -> T:
        """``read(conn)``, or its last answer for ``key`` when nothing was committed since by
        any other connection (the caller must not change the value it gets)."""
        return cast(T, self.cached_by_key(key, lambda conn, _key: read(conn)))

    def cached_by_key(self, key: tuple[Any, ...], read: Callable[[sqlite3.Connection, tuple[Any, ...]], Any]) -> Any:
        """``cached`` for a ``read(conn, key)`` that finds what to read in its key: no closure
        to build per call (an execute's route asks on every execute)."""
        conn = self.conn()
        version = conn.execute("PRAGMA data_version").fetchone()[0]
        entry = self._held.cache.get(key)
        if entry is not None and entry[0] == version:
            return entry[1]
        value = read(conn, key)
        self._held.cache[key] = (version, value)
        return value

    def close_all(self) -> None:
        """Forget every thread's connection (the store closed; a thread's next use reopens).

        Only the calling thread's own connection is closed here; another thread's closes when
        that thread lets go of it (its slot goes with the old ``_Held``). Closing it from here
        while its thread was inside a statement (a home's terminate poll during a workspace
        close) crashed the interpreter with a segfault in sqlite3."""
        held, self._held = self._held, _Held()
        if held.conn is not None:
            held.conn.close()


_LOCK = threading.Lock()


def hot(store: Store) -> HotConnections | None:
    """The store's per-thread connections; None on PostgreSQL and in-memory SQLite. Kept
    on the store itself: a ``WeakKeyDictionary`` lookup cost ~0.5 us on every execute."""
    held: HotConnections | None = store.hot_connections
    if store.hot_made:
        return held
    with _LOCK:
        if not store.hot_made:
            store.hot_connections = _make(store)
            store.hot_made = True
    held = store.hot_connections
    return held


def polled(store: Store, key: tuple[Any, ...], text: str, params: Sequence[Any],
           shape: Callable[[sqlite3.Cursor], T], plain: Callable[[Connection], T]) -> T:
    """A read a home repeats every poll: on SQLite the plain ``text`` on this thread's hot
    connection, answered from memory while nothing was committed since (``cached``, under
    ``key``); elsewhere ``plain(conn)`` on a pooled connection."""
    held = hot(store)
    if held is None:
        with store.connect() as conn:
            return plain(conn)
    return held.cached(key, lambda raw: shape(raw.execute(text, params)))


def _make(store: Store) -> HotConnections | None:
    if store.dialect != "sqlite":
        return None
    database = make_url(store.url).database
    if not database or database == ":memory:" or "mode=memory" in store.url:
        return None
    held = HotConnections(database)
    event.listen(store.engine, "engine_disposed", lambda _engine: held.close_all())
    return held
