"""This process as a *host*: an identity in the ``hosts`` table with a lease kept by a heartbeat.

Every process that records executions or is the home of a service registers one row per
store (lazily, on first use) and renews ``lease_until`` every ``heartbeat`` seconds from
a daemon thread. Readers treat a row whose lease passed, or (on the same machine) whose
pid is gone, as dead: its executions are settled per ``on_reset`` (``_settle``) and its
services may be adopted by another process. The same thread claims queued executions
for the services homed here (``_queue.claim_tick``).

Tuning (environment, read when the host starts; short values are for tests):
``FAAS_LEASE_SECONDS`` (30), ``FAAS_HEARTBEAT_SECONDS`` (lease / 3),
``FAAS_QUEUE_POLL_SECONDS`` (0.025: how often a home looks for queued executions; one
indexed read each time, a write only when something is queued),
``FAAS_HOSTNAME`` (the machine name recorded; default the real one).
"""
from __future__ import annotations

import atexit
import logging
import os
import socket
import sys
import threading
import time
import uuid
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from faas_jupyter.model.clock import iso_in, now
from faas_jupyter.store import hosts as sql

if TYPE_CHECKING:
    from faas_jupyter.store.db import Store
    from faas_jupyter.workspace._base import Workspace

_log = logging.getLogger("faas_jupyter")
_HOSTS: dict[str, "Host"] = {}   # by database URL: one identity per process and registry
_LOCK = threading.Lock()


def hostname() -> str:
    return os.environ.get("FAAS_HOSTNAME") or socket.gethostname()


def lease_seconds() -> float:
    return float(os.environ.get("FAAS_LEASE_SECONDS") or 30)


def heartbeat_seconds() -> float:
    return float(os.environ.get("FAAS_HEARTBEAT_SECONDS") or lease_seconds() / 3)


def poll_seconds() -> float:
    return float(os.environ.get("FAAS_QUEUE_POLL_SECONDS") or 0.025)


def pid_start(pid: int) -> str | None:
    try:  # field 22 of /proc/<pid>/stat: start time in clock ticks; tells a reused pid apart
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _default_kind() -> str:
    return "kernel" if "ipykernel" in sys.modules else "process"


class Host:
    """This process's row in ``hosts`` for one store, and the thread that keeps it alive."""

    def __init__(self, store: Store, kind: str | None = None) -> None:
        self.stores: "weakref.WeakSet[Any]" = weakref.WeakSet([store])  # open stores on this registry
        self._store = store
        self.id = uuid.uuid4().hex
        self.pid = os.getpid()
        self.kind = kind or _default_kind()
        self.project_id: str | None = None
        self.serving: Workspace | None = None  # the workspace whose project this process serves (server/serve)
        self.seen_event = 0   # the last execution_events id checked for terminate requests
        self.lease = lease_seconds()
        self.heartbeat = heartbeat_seconds()
        self.poll = poll_seconds()
        self.registered = False
        self.ticks: list[Callable[["Host"], None]] = []   # run every poll (claiming)
        self.beats: list[Callable[["Host"], None]] = []   # run every heartbeat (adopting)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def stopped(self) -> bool:
        """``close()`` was called: this lease ends (a new Host takes over the store)."""
        return self._stop.is_set()

    @property
    def store(self):
        """An open store of this registry (workspaces may open several Store objects on it)."""
        if self._store not in self.stores:
            self._store = next(iter(self.stores), self._store)
        return self._store

    def serves(self, store: Store) -> bool:
        """Is ``store`` one of this registry's open stores (the first one, usually)?"""
        return store is self._store or store in self.stores

    def forget(self, store: Store) -> None:
        """``store`` closed: no longer one of this registry's open stores."""
        self.stores.discard(store)
        if self._store is store:
            self._store = next(iter(self.stores), store)

    def describe(self) -> str:
        return describe({"kind": self.kind, "pid": self.pid, "hostname": hostname()})

    def ensure(self) -> str:
        """Register (once) and keep the lease; returns the host id."""
        if self.registered:
            return self.id
        with self._lock:
            if not self.registered:
                self._insert()
                self.registered = True
                self._thread = threading.Thread(target=self._loop, name="faas-host", daemon=True)
                self._thread.start()
                threading.Thread(target=self._lease_loop, name="faas-lease", daemon=True).start()
        return self.id

    def _insert(self) -> None:
        stamp = now()
        self.store.write(lambda conn: sql.insert_host(
            conn, id=self.id, hostname=hostname(), pid=self.pid, pid_start=pid_start(self.pid),
            kind=self.kind, project_id=self.project_id, started_at=stamp, heartbeat_at=stamp,
            lease_until=iso_in(self.lease), metadata={"python": sys.executable}))

    def wake(self) -> None:
        """Run the ticks now (e.g. a service was adopted: claim its queue at once)."""
        self._wake.set()

    def _loop(self) -> None:
        next_beat = time.monotonic() + self.heartbeat
        while not self._stop.is_set():
            self._wake.wait(self.poll if self.ticks else min(self.heartbeat, 1.0))
            self._wake.clear()
            if self._stop.is_set():
                return
            if time.monotonic() >= next_beat:
                next_beat = time.monotonic() + self.heartbeat
                for beat in list(self.beats):
                    self._run(beat)
            for tick in list(self.ticks):
                self._run(tick)

    def _lease_loop(self) -> None:
        # its own thread: starting an adopted service can take seconds, the lease must not wait
        while not self._stop.wait(self.heartbeat):
            self._run(Host._renew)

    def _run(self, fn) -> None:
        try:
            fn(self)
        except Exception as exc:  # the store may be briefly away: try again next time
            _log.warning("faas_jupyter: host %s: %s: %s", self.id[:8], getattr(fn, "__name__", fn), exc)

    def _renew(self) -> None:
        if not self.store.write(lambda conn: sql.renew(conn, self.id, now(), iso_in(self.lease))):
            _log.error("faas_jupyter: this process's host row %s was removed: it was taken for dead "
                       "(its lease of %g s ran out); executions it held were settled elsewhere",
                       self.id[:8], self.lease)
            self._insert()

    def close(self) -> None:
        """End the lease now (clean exit): what this process still holds is settled at once."""
        self._stop.set()
        self._wake.set()
        if self.registered:
            try:
                self.store.write(lambda conn: sql.expire(conn, self.id, now()))
            except Exception:  # at exit the database may be gone
                pass


_PID = [os.getpid()]  # this process's id (a syscall each time otherwise); a forked child resets it
os.register_at_fork(after_in_child=lambda: _PID.__setitem__(0, os.getpid()))


def current_pid() -> int:
    """``os.getpid()`` without the system call (kept right across ``fork``)."""
    return _PID[0]


def host_for(store: Store) -> Host:
    """This process's Host for ``store``'s registry (a forked child gets its own)."""
    host = _HOSTS.get(store.url)  # every execute asks: the usual answer needs no lock
    if host is not None and host.pid == current_pid() and not host.stopped and host.serves(store):
        return host
    with _LOCK:
        host = _HOSTS.get(store.url)
        if host is None or host.pid != os.getpid() or host.stopped:
            host = _HOSTS[store.url] = Host(store)
        else:
            host.stores.add(store)
        return host


@atexit.register
def _close_all() -> None:
    for host in list(_HOSTS.values()):
        if host.pid == os.getpid():
            host.close()


def close_for(store: Store) -> None:
    """The workspace closes its store: end this process's lease on it."""
    with _LOCK:
        host = _HOSTS.get(store.url)
        if host is None or host.pid != os.getpid():
            return
        host.forget(store)
        if len(host.stores):
            return  # another workspace still uses this registry
        _HOSTS.pop(store.url, None)
    host.close()


def describe(row: dict | None) -> str:
    if not row:
        return "an unknown process"
    return f"{row.get('kind', 'process')} pid {row.get('pid')} on {row.get('hostname')}"


def alive(row: dict | None, stamp: str | None = None) -> bool:
    """Is the host of ``row`` alive: lease valid and, on this machine, its pid still the same process."""
    if row is None or row["lease_until"] < (stamp or now()):
        return False
    if row["hostname"] != hostname():
        return True
    pid = int(row["pid"])
    if pid == os.getpid():
        host = _HOSTS_BY_ID().get(row["id"])
        return host is not None and not host.stopped
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    start = row.get("pid_start")
    return not start or pid_start(pid) in (None, start)


def _HOSTS_BY_ID() -> dict[str, Host]:  # reads like the constant it mirrors
    return {h.id: h for h in list(_HOSTS.values())}


def legacy_owner_alive(owner: str | None) -> bool | None:
    """For rows written before hosts existed (``metadata.owner`` = ``host:pid:start``): is
    that process alive? None when it cannot be told (another machine)."""
    if not owner or owner.count(":") < 2:
        return False
    host, pid, start = owner.rsplit(":", 2)
    if host != hostname():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, ValueError):
        return True
    return not start or pid_start(int(pid)) == start
