"""``Store(url)``: the engine, its transactions, and the migrations run on open.

SQLite (the default): WAL, ``busy_timeout`` and ``BEGIN IMMEDIATE`` for writes,
so a read-then-write such as "next version" is serialized across processes.
PostgreSQL (``postgresql+psycopg://``): READ COMMITTED plus unique constraints;
``store.write(fn)`` reruns ``fn`` when a concurrent writer won the race.
"""
from __future__ import annotations

import random
import sqlite3
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

from sqlalchemy import create_engine, event, exc, insert, inspect, text
from sqlalchemy.engine import Connection, Engine, make_url

from faas_jupyter.errors import Conflict, FaasError
from faas_jupyter.model.clock import now as now  # the store's timestamps; re-exported (store.now)
from faas_jupyter.store import schema
from faas_jupyter.store.migrations import MIGRATIONS, PG_LOCK_KEY, current_version

T = TypeVar("T")

BUSY_TIMEOUT_MS = 30_000
_WRITE = "faas_write"
# SQLSTATEs worth a retry: unique violation, serialization failure, deadlock.
_RETRY_SQLSTATES = {"23505", "40001", "40P01"}


def new_id() -> str:
    return uuid.uuid4().hex


class Store:
    """One database: ``transaction()`` to write, ``connect()`` to read."""

    def __init__(self, url: str, *, migrate: bool = True, echo: bool = False):
        self.url = _normalize_url(url)
        self.dialect = make_url(self.url).get_backend_name()
        self.engine = _make_engine(self.url, self.dialect, echo)
        self.hot_connections: Any = None  # store.hot: this store's per-thread SQLite connections
        self.hot_made = False
        if migrate:
            run_migrations(self)

    @property
    def safe_url(self) -> str:
        """The URL with any password masked (for display)."""
        return make_url(self.url).render_as_string(hide_password=True)

    def __repr__(self) -> str:
        return f"Store({self.safe_url!r})"

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction: committed on success, rolled back on any error.

        On SQLite the write lock is taken at BEGIN, so reads inside see the
        latest committed state and nobody else can write until we commit.
        """
        with self.engine.connect() as conn:
            conn.execution_options(**{_WRITE: True})
            with conn.begin(), _bind_errors():
                yield conn

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A read connection (a consistent snapshot until it closes)."""
        with self.engine.connect() as conn:
            yield conn

    def write(self, fn: Callable[[Connection], T], retries: int = 30) -> T:
        """Run ``fn(conn)`` in a transaction; rerun it when a concurrent writer won a race.

        ``fn`` must be safe to rerun (it re-reads what it depends on). On
        PostgreSQL a duplicate key or a serialization failure triggers the
        rerun; on SQLite writes are already serialized, so it rarely happens.
        """
        for attempt in range(retries + 1):
            try:
                with self.transaction() as conn:
                    return fn(conn)
            except (exc.IntegrityError, exc.OperationalError) as e:
                if attempt == retries or not _retryable(e):
                    raise _translate(e) from e
                time.sleep(random.uniform(0, 0.01 * (attempt + 1)))
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.engine.dispose()


@contextmanager
def _bind_errors() -> Iterator[None]:
    """A value a column cannot take (``JSONText``: not JSON) raises what the conversion raised
    (``TypeError``/``ValueError``), as when the caller encoded it, not SQLAlchemy's wrapper."""
    try:
        yield
    except exc.StatementError as e:
        if isinstance(e, exc.DBAPIError) or not isinstance(e.orig, (TypeError, ValueError)):
            raise
        raise e.orig from None


def is_row_error(e: BaseException) -> bool:
    """An error caused by the rows written (a constraint, bad data), not by the database
    being unavailable: retrying the same rows can never succeed."""
    if isinstance(e, (exc.IntegrityError, exc.DataError, exc.ProgrammingError)):
        return True
    return isinstance(e, (sqlite3.IntegrityError, sqlite3.DataError, sqlite3.InterfaceError,
                          TypeError, ValueError))


def _normalize_url(url: str) -> str:
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        # psycopg 3 is the driver we support; plain URLs would ask for psycopg2
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    return url


def _make_engine(url: str, dialect: str, echo: bool) -> Engine:
    if dialect != "sqlite":
        return create_engine(url, echo=echo, pool_pre_ping=True)
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, echo=echo, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    # The pysqlite recipe from the SQLAlchemy docs: stop the driver from
    # issuing its own BEGIN, and emit ours, so writes can say IMMEDIATE.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        for pragma in ("journal_mode=WAL", f"busy_timeout={BUSY_TIMEOUT_MS}",
                       "synchronous=NORMAL", "foreign_keys=ON"):
            cur.execute(f"PRAGMA {pragma}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_WRITE)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _sqlstate(e: exc.DBAPIError) -> str | None:
    return getattr(e.orig, "sqlstate", None) or getattr(e.orig, "pgcode", None)


def _retryable(e: exc.DBAPIError) -> bool:
    state = _sqlstate(e)
    if state is not None:
        return state in _RETRY_SQLSTATES
    # SQLite: a UNIQUE clash can only come from a racing writer that took the
    # lock first (e.g. two stores racing through migrations); "locked" means
    # busy_timeout ran out under heavy load.
    text = str(e.orig).lower()
    return "unique constraint" in text or "database is locked" in text


def _translate(e: exc.DBAPIError) -> FaasError:
    if isinstance(e, exc.IntegrityError):
        return Conflict(f"the store changed under this request and retries ran out: {e.orig}")
    return FaasError(f"database error: {e.orig}")


def run_migrations(store: Store) -> int:
    """Bring the database up to ``len(MIGRATIONS)``; return the version reached."""
    with store.connect() as conn:  # the common case: already current, no write lock
        version = current_version(conn) if inspect(conn).has_table("schema_version") else 0
    if version >= len(MIGRATIONS):
        return version
    return store.write(_migrate)


def _migrate(conn: Connection) -> int:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LOCK_KEY})
    schema.schema_version.create(conn, checkfirst=True)
    version = current_version(conn)
    for number in range(version + 1, len(MIGRATIONS) + 1):
        MIGRATIONS[number - 1](conn)
        conn.execute(insert(schema.schema_version).values(version=number, applied_at=now()))
    return max(version, len(MIGRATIONS))
