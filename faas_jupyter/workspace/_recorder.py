"""``StoreRecorder``: the runner's ExecutionRecorder writing to the store, in few transactions.

Each execution is buffered in memory (its row, new status/progress events, new log
lines). It is written:

* at once when it ends and its caller waits (``sync``): one transaction holding the
  row, its whole status log, its logs and its output items. A trivial kernel call is
  therefore one INSERT transaction, and it is durable before ``execute`` returns;
* otherwise by a flusher thread that writes every ended or older-than-``delay``
  execution together in one transaction (``svc.map`` writes thousands per commit);
  a running execution appears in the store within ``delay`` seconds and its logs
  follow in batches, so a crash loses at most that much.

``svc.map`` registers its executions ``lazy``: a row is first written when its execution
starts (or ends), never as a ``created`` row that is updated a moment later. The flusher's
periodic look covers only executions with something new to write (``_dirty``), and a wake-up
for an ended execution is O(1): the scan does not grow with a 100k-input map's queue.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from faas_jupyter.errors import FaasError
from faas_jupyter.model.clock import iso
from faas_jupyter.model.jsonable import jsonable
from faas_jupyter.runner.adapters import PackedOutput
from faas_jupyter.runner.invoke import is_json
from faas_jupyter.store import executions as sql
from faas_jupyter.store.db import is_row_error
from faas_jupyter.workspace._hosts import current_pid
from faas_jupyter.workspace._item_records import item_row

if TYPE_CHECKING:
    from faas_jupyter.store.db import Store

FLUSH_DELAY = 0.25
# group commit: a flusher that wrote less than GATHER seconds ago waits out the rest of that
# window before writing fewer than GATHER_ROWS ended executions, so a busy ``svc.map`` commits
# hundreds of rows at a time instead of one or two per wake-up; an execution ending alone is
# still written at once (the cross-process queue's latency depends on that)
GATHER = 0.01
GATHER_ROWS = 256
# a map's ended executions (lazy) are gathered for ``delay`` (as a running one waits to be
# seen): each commit rewrites every index page it touches in the WAL, and on a large table
# a 100k map's ~40 commits of 2,500 random-id rows cost 46 -> 100 us a row as the table grew
# to 400k rows (raw's one commit 40 -> 55 us); commits every 0.5 s kept it at 39 -> 61 us
MAP_GATHER_ROWS = 65536
_log = logging.getLogger("faas_jupyter")
_NONE: tuple[()] = ()  # the logs and items of a Pending until it has one (most calls have none)


class Pending:
    """One execution not yet (fully) written."""

    __slots__ = ("row", "events", "logs", "items", "inserted", "final", "sync", "lazy", "since",
                 "lock", "write_lock", "written", "dirty", "started", "history", "error")

    def __init__(self, row: dict, inserted: bool, sync: bool, lazy: bool = False,
                 locks: tuple[threading.Lock, threading.Lock] | None = None):
        self.row = row
        self.events: list[dict] = []
        # lists once there is a line or an item: fewer objects per execution for the cyclic
        # GC to walk (each one a map keeps alive cost ~0.8 us/execution in full collections)
        self.logs: list[dict] | tuple[()] = _NONE
        self.items: list[dict] | tuple[()] = _NONE
        self.inserted = inserted
        self.final = False
        self.sync = sync
        self.lazy = lazy                # not written before it starts (svc.map)
        self.since = time.monotonic()
        # a map's executions share theirs (begin_lazy); _write_batch takes each lock once
        self.lock, self.write_lock = locks or (threading.Lock(), threading.Lock())
        self.written = False            # the final state is in the store (StoreRecorder.wait)
        self.dirty = not inserted and not lazy  # in the recorder's _dirty: has news to write
        self.started: float | None = None
        self.history: list[dict] = []   # every event, kept for the Execution built from memory
        self.error: FaasError | None = None  # set when this row could not be written (isolated)

    def raise_error(self) -> None:
        """Raise the isolation error once (the caller waiting for this execution sees it)."""
        error, self.error = self.error, None
        if error is not None:
            raise error


class StoreRecorder:
    """Buffers executions and writes them to ``store``; see the module docstring."""

    def __init__(self, store: Store, delay: float = FLUSH_DELAY) -> None:
        self.store = store
        self.delay = delay
        self._pending: dict[str, Pending] = {}
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None
        self._thread_pid = 0
        # ended executions waiting for the flusher: a wake-up costs O(1) per ended execution;
        # the scan of all pending ones (running ones with news) runs once per delay/2 only
        self._ready: list[Pending] = []
        self._dirty: dict[str, Pending] = {}   # pending executions with something to write
        self._written = threading.Condition(self._lock)  # notified after each write
        self._waiters = 0  # threads in ``wait`` (under ``_lock``)
        self._next_scan = 0.0
        self._last_write = 0.0
        # held by the flusher while it writes: ``pace`` waits on it (see there)
        self._flushing = threading.Lock()

    # -- registration ------------------------------------------------------------------------
    def begin(self, row: dict, *, inserted: bool = False, sync: bool = False, created: bool = False) -> Pending:
        """Track execution ``row`` (all its columns); ``inserted`` if the row exists already;
        ``created``: record its ``created`` status now, stamped with the row's ``created_at``."""
        pending = Pending(row, inserted, sync)
        if created:
            event = _status_event(row["id"], row["created_at"], "created", None)
            pending.events.append(event)
            pending.history.append(event)
        with self._lock:
            self._pending[row["id"]] = pending
            if pending.dirty:
                self._dirty[row["id"]] = pending
            self._ensure_thread()
        return pending

    def begin_lazy(self, rows: list[dict]) -> list[Pending]:
        """Track a batch of new executions (``svc.map``) that are written once they start;
        each gets its ``created`` status event now, stamped with the row's ``created_at``."""
        locks = (threading.Lock(), threading.Lock())  # one pair for the batch: see Pending
        held = [Pending(row, False, False, True, locks) for row in rows]
        for p in held:
            event = _status_event(p.row["id"], p.row["created_at"], "created", None)
            p.events.append(event)
            p.history.append(event)
        with self._lock:
            self._pending.update((p.row["id"], p) for p in held)
            self._ensure_thread()
        return held

    def pace(self) -> None:
        """Wait while the flusher writes (``svc.map``'s worker threads call it between calls).

        SQLite releases the GIL for each row it steps and must take it back; while threads
        run Python (a map's quick calls) each of those takes costs a thread switch, and a
        batch written beside four busy workers took 5-15x as long as alone (1,000 rows:
        16 ms alone, ~200 ms beside two busy threads). Calls already running go on; only
        the next one starts after the write."""
        if self._flushing.locked():
            with self._flushing:
                pass

    def wait(self, pending: Pending, timeout: float | None = None) -> bool:
        """Block until ``pending``'s final state is in the store (or was dropped as a bad row)."""
        with self._written:
            self._waiters += 1
            try:
                return self._written.wait_for(lambda: pending.written, timeout)
            finally:
                self._waiters -= 1

    def _touch(self, p: Pending) -> None:
        """``p`` has news to write: the flusher's periodic look includes it from now on."""
        with p.lock:
            if p.dirty:
                return
            p.dirty = True
        with self._lock:
            self._dirty[p.row["id"]] = p

    def pending(self, execution_id: str) -> Pending | None:
        return self._pending.get(execution_id)

    # -- ExecutionRecorder ---------------------------------------------------------------------
    def status(self, execution_id: str, status: str, ts: float, message: str | None = None,
               attempt: int = 1) -> None:
        p = self._pending.get(execution_id)
        if p is None:
            return
        stamp = iso(ts)
        event = _status_event(execution_id, stamp, status, message)
        with p.lock:
            row = p.row
            row["status"] = status
            attempts = row.get("attempts") or 0
            row["attempts"] = attempt if status != "created" and attempt > attempts else attempts
            if status == "in-progress" and p.started is None:
                p.started = ts
                row["started_at"] = stamp
                if p.lazy:  # queued until now: visible ``delay`` after it started, not at once
                    p.since = time.monotonic()
            p.events.append(event)
            p.history.append(event)
            if p.dirty:  # already in ``_dirty`` (``_touch`` without a second lock)
                return
        self._touch(p)

    def started(self, execution_id: str, ts: float) -> None:
        self.status(execution_id, "in-progress", ts)

    def log(self, execution_id: str, stream: str, text: str, ts: float) -> None:
        p = self._pending.get(execution_id)
        if p is not None:
            line = {"execution_id": execution_id, "ts": iso(ts), "stream": stream, "text": text}
            with p.lock:
                if p.logs:
                    p.logs.append(line)  # type: ignore[union-attr]  # a non-empty one is a list
                else:
                    p.logs = [line]
            self._touch(p)

    def progress(self, execution_id: str, event: dict) -> None:
        p = self._pending.get(execution_id)
        if p is None:
            return
        data = {k: v for k, v in event.items() if k not in ("timestamp", "progress", "message")}
        percent = event.get("progress")
        row = {"execution_id": execution_id, "ts": iso(event.get("timestamp") or time.time()),
               "kind": "progress", "status": event.get("status"),
               "progress": None if percent is None else int(percent), "message": event.get("message"),
               "data": jsonable(data, repr) if data else None}
        with p.lock:
            p.events.append(row)
            p.history.append(row)
        self._touch(p)

    def finished(self, execution_id: str, result, attempts: int) -> None:
        """The final status event and the result, under one lock; a waited execution is
        written now, in this thread."""
        p = self._pending.get(execution_id)
        if p is None:
            return
        ended = result.finished_at or time.time()
        stamp = iso(ended)
        event = _status_event(execution_id, stamp, result.status, result.error)
        with p.lock:
            p.events.append(event)
            p.history.append(event)
            _apply_result(p, result, attempts, ended, stamp)
            p.final = True
            dirty = p.dirty
        if not dirty:  # a write that fails leaves it for the flusher's periodic look
            self._touch(p)
        if p.sync:
            self._write([p])
        else:
            with self._lock:
                self._ready.append(p)
                self._wake.notify()

    # -- writing -------------------------------------------------------------------------------
    def flush(self, execution_id: str | None = None) -> None:
        """Write one execution (or all) now; returns once it is in the store."""
        with self._lock:
            targets = ([self._pending[execution_id]] if execution_id in self._pending else []) \
                if execution_id is not None else list(self._pending.values())
        if targets:
            self._write(targets)

    def flush_all(self, held: list[Pending]) -> None:
        """Write those of ``held`` not written yet, in one transaction, now."""
        targets = [p for p in held if not p.written]
        if targets:
            self._write(sorted(targets, key=lambda p: p.row["id"]))

    def _write(self, targets: list[Pending]) -> None:
        """Write ``targets`` in one transaction; if a row-specific error fails it, write them
        one by one so a bad row never holds the others back, and isolate the bad one."""
        try:
            if len(targets) == 1:
                self._write_one(targets[0])
            else:
                self._write_batch(targets)
        except Exception as exc:
            if not is_row_error(exc):
                raise
            for p in targets:
                try:
                    self._write_one(p)
                except Exception as one:
                    if not is_row_error(one):
                        raise
                    self._isolate(p, one)

    def _isolate(self, p: Pending, exc: Exception) -> None:
        eid = p.row["id"]
        p.error = FaasError(f"execution {eid} could not be recorded ({type(exc).__name__}: "
                            f"{getattr(exc, 'orig', exc)}); it was dropped and no other execution "
                            "was affected. If its service was deleted meanwhile, this is expected")
        _log.error("faas_jupyter: %s", p.error)  # reported once; the waiter raises it
        with self._lock:
            self._pending.pop(eid, None)
            self._dirty.pop(eid, None)
            p.written = True
            self._written.notify_all()

    def _write_batch(self, targets: list[Pending]) -> None:
        # each lock once (a map's executions share one), always in one order: their ids
        locks = sorted({id(p.write_lock): p.write_lock for p in targets}.values(), key=id)
        for lock in locks:
            lock.acquire()
        batch: list[tuple[Pending, _Snap]] = []
        try:
            inserts: list[dict] = []
            updates: list[dict] = []
            events: list[dict] = []
            logs: list[dict] = []
            new_items: list[dict] = []
            for p in targets:  # one pass (most batches are one waited execution)
                if p.written:  # another thread wrote its final state meanwhile
                    continue
                snap = _take(p)
                batch.append((p, snap))
                (updates if snap.was_inserted else inserts).append(snap.row)
                events += snap.events
                if snap.logs:
                    logs += snap.logs
                if snap.items:
                    new_items += snap.items
            if not batch:
                return
            sql.write_batch(self.store, inserts, updates, events, logs, new_items)
        except BaseException:
            for p, snap in batch:
                _restore(p, snap)
            raise
        else:  # before the locks go: a writer waiting on them must find these written, or it
            self._written_now(batch)  # writes each ended row again as an UPDATE with no news
        finally:
            for lock in locks:
                lock.release()

    def _write_one(self, p: Pending) -> None:
        """``_write_batch([p])`` without the batch's lists (every waited execution comes here)."""
        with p.write_lock:
            if p.written:  # another thread wrote its final state meanwhile
                return
            snap = _take(p)
            rows = [snap.row]
            try:
                sql.write_batch(self.store, [] if snap.was_inserted else rows, rows if snap.was_inserted else [],
                                snap.events, snap.logs, snap.items)
            except BaseException:
                _restore(p, snap)
                raise
            self._written_now(((p, snap),))  # under the lock, as in _write_batch

    def _written_now(self, batch: Iterable[tuple[Pending, _Snap]]) -> None:
        """Forget what ``batch`` wrote for good; wake ``wait`` callers."""
        with self._lock:
            for p, snap in batch:
                eid = p.row["id"]
                with p.lock:
                    if snap.final:
                        p.written = True
                    clean = snap.final or not (p.events or p.logs or p.items)
                    if clean:
                        p.dirty = False
                if clean:
                    self._dirty.pop(eid, None)
                if snap.final:
                    self._pending.pop(eid, None)
            if self._waiters:  # a Condition's notify_all costs ~1 us even when nobody waits
                self._written.notify_all()

    def _ensure_thread(self) -> None:
        # under ``_lock``; the flusher sets ``_thread`` to None itself when it ends, however it
        # ends (``Thread.is_alive`` costs ~0.5 us per execution)
        if self._thread is None or self._thread_pid != current_pid():  # (a forked child has none)
            self._thread = threading.Thread(target=self._run_loop, name="faas-recorder", daemon=True)
            self._thread_pid = current_pid()
            self._thread.start()

    def _run_loop(self) -> None:
        try:
            self._loop()
        finally:
            with self._lock:
                if self._thread is threading.current_thread():
                    self._thread = None

    def _due(self) -> list[Pending]:
        now = time.monotonic()
        ready, self._ready = self._ready, []
        due = {id(p): p for p in ready if self._pending.get(p.row["id"]) is p}  # not flushed meanwhile
        if now >= self._next_scan:
            self._next_scan = now + self.delay / 2
            # a waited-for execution is written by its own thread when it ends; while it runs
            # long, the flusher makes it visible like any other
            due.update((id(p), p) for p in self._dirty.values()
                       if not (p.sync and p.final) and (p.final or now - p.since >= self.delay)
                       and (p.final or p.events or p.logs or not p.inserted))
        return sorted(due.values(), key=lambda p: p.row["id"])

    def _loop(self) -> None:
        while True:
            since, ready = time.monotonic() - self._last_write, self._ready  # unlocked peek: a hint only
            window, rows = (self.delay, MAP_GATHER_ROWS) if ready and ready[0].lazy else (GATHER, GATHER_ROWS)
            if since < window and 0 < len(ready) < rows:
                time.sleep(window - since)
            with self._lock:
                due = self._due()
                if not due:
                    if not self._pending:
                        self._wake.wait(5.0)
                        if not self._pending:
                            self._thread = None  # under the lock: the next begin starts another
                            return
                        continue  # woken by new work: look again before sleeping more
                    self._wake.wait(self.delay / 2)
                    continue
            try:
                with self._flushing:
                    self._write(due)
                self._last_write = time.monotonic()
            except Exception as exc:  # the store is briefly unavailable: keep the data, retry
                import warnings
                warnings.warn(f"faas_jupyter: could not record executions yet: {exc}", stacklevel=1)
                time.sleep(self.delay)
            for p in due:
                p.since = time.monotonic()


def _status_event(execution_id: str, stamp: str, status: str, message: str | None) -> dict:
    return {"execution_id": execution_id, "ts": stamp, "kind": "status", "status": status,
            "progress": None, "message": message, "data": None}


def _apply_result(p: Pending, result, attempts: int, finished: float, stamp: str) -> None:
    row = p.row
    output = result.output
    if isinstance(output, PackedOutput):
        if output.items:
            made = iso(time.time())
            p.items = [*p.items, *(item_row(r, row["project_id"], row["id"], row["creator"], made)
                                   for r in output.items)]
        output = output.value
    elif output is not None and not is_json(output):
        output = repr(output)  # only when no packer ran (a raw runner): keep something readable
    row.update(status=result.status, output=jsonable(output, _not_json),
               error=result.error, attempts=attempts, finished_at=stamp,
               duration=None if p.started is None else max(0.0, finished - p.started))
    if result.traceback or result.error_type or result.timed_out:  # a success has none of them
        meta = dict(row.get("metadata") or {})
        for key in ("traceback", "error_type"):
            if getattr(result, key, None):
                meta[key] = getattr(result, key)
        if result.timed_out:
            meta["timed_out"] = True
        row["metadata"] = meta


def _not_json(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


class _Snap(NamedTuple):
    """What one write takes of a Pending (``_restore`` puts it back if the write fails)."""

    row: dict
    events: list[dict]
    logs: list[dict] | tuple[()]
    items: list[dict] | tuple[()]
    final: bool
    was_inserted: bool


def _take(p: Pending) -> _Snap:
    with p.lock:
        # a final row changes no more: written as it is; a running one is copied, since its
        # thread may set the next status while this one is written
        snap = _Snap(p.row if p.final else dict(p.row), p.events, p.logs, p.items, p.final, p.inserted)
        p.events, p.logs, p.items = [], _NONE, _NONE
        p.inserted = True
    return snap


def _restore(p: Pending, snap: _Snap) -> None:
    with p.lock:
        p.events[:0] = snap.events
        if snap.logs:
            p.logs = [*snap.logs, *p.logs]
        if snap.items:
            p.items = [*snap.items, *p.items]
        p.inserted = snap.was_inserted
