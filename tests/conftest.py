"""Shared fixtures: a private FAAS_HOME, a store URL per backend, a workspace.

``store_url`` runs each test on SQLite and on PostgreSQL. PostgreSQL comes from
``FAAS_TEST_POSTGRES_URL`` (``./dev test`` starts one); each test gets its own
schema, so tests are isolated and subprocesses see the same schema through the
URL. Locally the PostgreSQL case is skipped when the variable is unset; in CI
(``CI=true``) it fails instead, so a missing database is never a silent pass.
"""
from __future__ import annotations

import os
import uuid
from urllib.parse import quote

import pytest

_ENV = ("FAAS_HOME", "FAAS_DB_URL", "FAAS_ARTIFACTS", "FAAS_USER", "FAAS_MAX_CODEBASE_MB", "FAAS_MAX_LOG_MB",
        "FAAS_TRUST_PICKLES")


@pytest.fixture
def tmp_home(tmp_path, monkeypatch):
    """FAAS_HOME in tmp_path, and no other FAAS_* setting leaking in from the shell."""
    for name in _ENV:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "faas_home"
    monkeypatch.setenv("FAAS_HOME", str(home))
    monkeypatch.setenv("FAAS_USER", "tester")
    return home


def _postgres_base_url() -> str:
    url = os.environ.get("FAAS_TEST_POSTGRES_URL")
    if url:
        return url
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI=true but FAAS_TEST_POSTGRES_URL is unset: the PostgreSQL store tests "
                    "cannot run (start one, e.g. with ./dev test)")
    pytest.skip("FAAS_TEST_POSTGRES_URL is unset (set it to run the PostgreSQL store tests)")


def _open_hosts() -> dict:
    from faas_jupyter.workspace import _hosts
    return dict(_hosts._HOSTS)


def _close_hosts_opened_since(before: dict) -> None:
    """End the hosts (this process's registry leases) opened since ``before`` that are still
    open: a workspace a test opened and never closed keeps its host polling every 25 ms for
    the rest of the run (over a hundred by the end of the suite: most of a core)."""
    from faas_jupyter.workspace import _hosts
    for key, host in list(_hosts._HOSTS.items()):
        if before.get(key) is host or host.pid != os.getpid():
            continue
        if _hosts._HOSTS.get(key) is host:
            del _hosts._HOSTS[key]
        host.close()


@pytest.fixture(autouse=True)
def _no_host_outlives_its_test():
    """Hosts of module fixtures were opened before this test and stay open."""
    before = _open_hosts()
    yield
    _close_hosts_opened_since(before)


@pytest.fixture
def postgres_url():
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    from sqlalchemy import create_engine, text

    base = _postgres_base_url()
    if base.startswith("postgresql://"):
        base = "postgresql+psycopg://" + base[len("postgresql://"):]
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    before = _open_hosts()
    yield f"{base}{sep}options={quote(f'-csearch_path={schema}')}"
    _close_hosts_opened_since(before)  # a host still polling the schema blocks its DROP
    _drop_schema(admin, schema)
    admin.dispose()


def _drop_schema(admin, schema: str, tries: int = 5) -> None:
    """DROP SCHEMA, tried again when PostgreSQL picked it as a deadlock's victim: a daemon
    thread of the test (a recorder flushing, a lease renewing) may still be mid-write."""
    import time

    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError
    for attempt in range(tries):
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            return
        except OperationalError as exc:
            if "deadlock" not in str(exc) or attempt == tries - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'faas.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(store_url):
    from faas_jupyter.store import Store

    s = Store(store_url)
    yield s
    s.close()


@pytest.fixture
def ws(store_url, tmp_home, tmp_path):
    """A workspace on ``store_url`` with a tmp artifact folder, acting as 'tester'."""
    import faas_jupyter as faas

    w = faas.workspace(store_url, artifacts=str(tmp_path / "artifacts"), user="tester")
    yield w
    w.close()
