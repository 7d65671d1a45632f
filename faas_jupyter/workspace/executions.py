"""Executions: ``svc.execute`` records one; ``ws.executions.get/list``; the bound ``Execution``.

An Execution object is a snapshot: ``ex.refresh()`` (or ``ex.wait()``) reads the latest
state. Its output is JSON; items the function produced (a DataFrame, an array, a file)
are referenced there as ``{"item_id", "key", "artifact_type"}`` and resolved lazily
by ``ex.output_items()`` / ``ex.get_output()``.
"""
from __future__ import annotations

import copy
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from faas_jupyter.errors import NotFound
from faas_jupyter.model.entities import FINAL_STATUSES, Execution as ExecutionModel
from faas_jupyter.model.entities import ExecutionStatus
from faas_jupyter.model.jsonable import jsonable
from faas_jupyter.model.refs import ItemRef, item_refs, map_refs
from faas_jupyter.runner.invoke import check_inputs
from faas_jupyter.runner.supervisor import Countdown
from faas_jupyter.store import executions as sql
from faas_jupyter.workspace._bound import Bound
from faas_jupyter.workspace import _hosts
from faas_jupyter.workspace import _runtime_bridge as bridge
from faas_jupyter.workspace._entity_lookup import prepare_inputs
from faas_jupyter.workspace._item_records import record_of
from faas_jupyter.workspace._recorder import Pending
from faas_jupyter.workspace._settle import settle

if TYPE_CHECKING:
    from faas_jupyter.store.db import Connection
    from faas_jupyter.workspace.services import Service
    from faas_jupyter.model.package import PackageFunction
    from faas_jupyter.workspace._base import Workspace
    from faas_jupyter.workspace._runtime_bridge import RunningService

_FINAL = {s.value for s in FINAL_STATUSES}


def status_log(events: list[dict]) -> list[dict]:
    """Dataloop's ``statusLog`` entries from stored events (progress updates included)."""
    out, current = [], "created"
    for e in events:
        if e["kind"] == "status":
            current = e["status"]
        out.append({"status": e.get("status") or current, "timestamp": e["ts"],
                    "message": e.get("message"), "progress": e.get("progress")})
    return out


@dataclass(eq=True)
class Execution(ExecutionModel, Bound):
    """One execution; ``wait``, ``refresh``, ``logs``, ``rerun``, ``terminate``, outputs."""

    _ws: Any = field(default=None, repr=False, compare=False)
    _service_id: str | None = field(default=None, repr=False, compare=False)
    _future: Future | None = field(default=None, repr=False, compare=False)
    _metadata: dict = field(default_factory=dict, repr=False, compare=False)
    _pending: Pending | None = field(default=None, repr=False, compare=False)

    def __getattr__(self, name: str) -> Any:
        # ``status_log`` of an Execution built by ``from_row`` is made from its events on first
        # use: most callers of ``svc.execute`` never read it (1 us of an execute's 100)
        if name == "status_log" and "_events" in self.__dict__:
            value = self.__dict__["status_log"] = status_log(self.__dict__.pop("_events"))
            return value
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def service_id(self) -> str | None:
        """The id of the service that runs it (None once that service was deleted)."""
        return self._service_id

    @property
    def error_type(self) -> str | None:
        return self._metadata.get("error_type")

    @property
    def progress(self) -> int | None:
        """The latest progress percentage reported (100 once it succeeded)."""
        if self.status == "success":
            return 100
        for e in reversed(self.status_log):
            if e.get("progress") is not None:
                return e["progress"]
        return None

    # -- state ---------------------------------------------------------------------------------
    def refresh(self) -> "Execution":
        """Re-read this execution (this process's unwritten changes are written first)."""
        fresh = self._ws.executions.get(self.id)
        for name in ("status", "status_log", "output", "error", "traceback", "attempts",
                     "duration", "started_at", "finished_at", "_metadata"):
            setattr(self, name, getattr(fresh, name))
        return self

    def wait(self, timeout: float | None = None, *, _refresh: bool = True) -> "Execution":
        """Block until the execution ends (TimeoutError after ``timeout`` seconds)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        future = self._future or _live_future(self)
        if future is not None:
            try:
                future.result(timeout)
            except FutureTimeout:
                raise TimeoutError(f"execution {self.id} is still {self._state()} after {timeout:g} s; "
                                   "wait longer or ex.terminate()") from None
            recorder = bridge.recorder_for(self._ws.store)
            pending = self._pending or recorder.pending(self.id)
            if pending is not None and not recorder.wait(pending, _left(deadline, 30.0)):
                recorder.flush(self.id)
            if pending is not None:
                pending.raise_error()  # this row could not be recorded: say so once
            return self.refresh() if _refresh else self
        delay, began = 0.002, time.monotonic()
        while self.refresh().status not in _FINAL:  # runs elsewhere (another process): poll
            if deadline is not None and time.monotonic() >= deadline:
                raise TimeoutError(f"execution {self.id} is still {self.status} after {timeout:g} s"
                                   + _last_message(self))
            time.sleep(min(delay, _left(deadline, delay)))
            # short polls while a quick call is likely to end, then gentler ones
            delay = min(delay * 1.5, 0.02 if time.monotonic() - began < 2.0 else 0.25)
        return self

    def _state(self) -> str:
        p = bridge.recorder_for(self._ws.store).pending(self.id)
        return p.row["status"] if p is not None else str(self.status)

    def terminate(self) -> bool:
        """Stop it: queued ones never start, running ones stop at ``kill_event()`` (or are
        killed in the process runtime after the grace time). False if it already ended.

        Any member may terminate their own executions; someone else's needs owner or
        developer. The status log records who asked."""
        _check_others(self, "terminate")
        running = bridge.get_running(self._service_id) if self._service_id else None
        recorder = bridge.recorder_for(self._ws.store)
        if running is not None and recorder.pending(self.id) is not None:
            # before the runtime settles it, so the message precedes the final status
            recorder.progress(self.id, {"message": f"terminate requested by {self._ws.user}"})
        if running is not None and running.terminate(self.id):
            return True
        if self.refresh().status in _FINAL:
            return False
        from faas_jupyter.workspace._queue import terminate_elsewhere
        return terminate_elsewhere(self)

    def rerun(self, wait: bool = True, input: dict | None = None) -> "Execution":
        """Run the same function again, as a new execution: with the same inputs, or with
        ``input`` replacing some of them (the console's "Rerun with edited inputs")."""
        _check_others(self, "rerun")
        if self.service is None:
            raise NotFound(f"execution {self.id} has no service any more; it cannot be rerun")
        svc = self._ws.services.get(self.service)
        inputs = {**self.input, **(input or {})}
        return start_execution(self._ws, svc, svc.route(), self.function_name, inputs,
                               wait=wait, returns=self._metadata.get("returns"), rerun_of=self.id)

    # -- logs and outputs ----------------------------------------------------------------------
    def log_records(self) -> list[dict]:
        """Captured lines as ``{"ts", "stream", "text"}`` (stdout, stderr, logging)."""
        bridge.recorder_for(self._ws.store).flush(self.id)
        with self._ws.store.connect() as conn:
            return [{"ts": r["ts"], "stream": r["stream"], "text": r["text"]}
                    for r in sql.logs_of(conn, self.id)]

    def logs(self, stream: str | None = None) -> str:
        """The captured output as text (one stream: "stdout", "stderr" or "logging")."""
        return "".join(r["text"] for r in self.log_records() if stream is None or r["stream"] == stream)

    def output_items(self) -> list:
        """The items this execution's output references, in output order."""
        return [self._ws.items.get(r.id) for r in item_refs(self.output)]

    def get_output(self, type_hint: Any = None, trust: bool = False) -> Any:
        """The output with each item reference replaced by its unpacked object (the project's
        own packagers included, and the digest and pickle checks of ``item.get(trust=...)``)."""
        from faas_jupyter.packagers.api import read_policy
        manager, artifacts = self._ws.packagers.manager, self._ws.artifacts
        with self._ws.store.connect() as conn, read_policy(trust or self._ws.settings.trust_pickles, self._ws.user):
            def load(ref: ItemRef) -> Any:
                record = record_of(sql.get_item(conn, ref.id))
                if record.get("packager") == "bundle":  # a *key bundle: its parts come too
                    return self._ws.items.get(record["id"]).get(type_hint)
                return manager.unpack(record, type_hint, artifacts)
            return map_refs(self.output, load)

    def __repr__(self) -> str:
        took = "" if self.duration is None else f" in {self.duration * 1000:.1f} ms"
        error = f": {self.error}" if self.error else ""
        by = f" by trigger {self.trigger['name']}" if self.trigger else ""
        return (f"<Execution {self.id[:8]} {self.service}.{self.function_name} {self.status}{took}{by}"
                f"{error}>")


def _last_message(ex: Execution) -> str:
    messages = [e["message"] for e in ex.status_log if e.get("message")]
    return f" ({messages[-1]})" if messages else ""


def _check_others(ex: Execution, action: str) -> None:
    """Members act on their own executions; someone else's needs owner or developer."""
    ws = ex.workspace
    with ws.store.connect() as conn:
        ws.check_member(f"{action} execution {ex.id}", conn)
        if ex.creator != ws.user:
            ws.check_role(conn, f"{action} execution {ex.id} of {ex.creator!r}")


def _left(deadline: float | None, default: float) -> float:
    return default if deadline is None else max(0.0, deadline - time.monotonic())




def _live_future(ex: Execution) -> Future | None:
    running = bridge.get_running(ex.service_id) if ex.service_id else None
    return None if running is None else running.futures.get(ex.id)


# -- starting ----------------------------------------------------------------------------------
def start_execution(ws: Workspace, svc: Service, running: RunningService | None, function_name: str,
                    inputs: dict, *, wait: bool,
                    returns: list | None = None, rerun_of: str | None = None,
                    member_checked: bool = False) -> Execution:
    """Check the function and entity inputs, record the execution, run it (``running`` None:
    queue it for the service's home in another process, see ``_queue``).

    ``member_checked``: the caller checked membership once for many (``svc.map``)."""
    if not member_checked:
        ws.check_member(f"execute {svc.name}.{function_name}")
    if returns is not None:  # a malformed hint or unknown artifact type fails before anything runs
        ws.packagers.manager.check_artifact_types(returns)
        returns = list(returns)
    if running is None:
        return _start_queued(ws, svc, function_name, inputs, wait, returns, rerun_of)
    function = running.module.function(function_name)  # NotFound lists the functions
    check_inputs(f"function {function_name!r}", function.input, inputs)  # refused: nothing stored
    prepared = prepare_inputs(ws, function, inputs)
    row = bridge.new_row(ws, running.service, function_name, inputs, rerun_of=rerun_of,
                         owner=running.owner_id(), template=running.row_template(ws.project.id))
    if returns:
        row["metadata"] = {**row["metadata"], "returns": jsonable(returns, str)}
    pending = running.submit(row, prepared, wait=wait, returns=returns)
    if wait and pending.error is not None:
        pending.raise_error()
    return from_pending(ws, pending, None if wait else running.futures.get(pending.row["id"]))


def _start_queued(ws: Workspace, svc: Service, function_name: str, inputs: dict, wait: bool,
                  returns: list | None, rerun_of: str | None) -> Execution:
    """Queue the execution for the service's home in another process (``_queue``)."""
    from faas_jupyter.workspace import _queue
    state = _queue.state_of(ws, svc.id, svc.name)
    row = _queue.enqueue(ws, svc, state, function_name, inputs, returns=returns, rerun_of=rerun_of)
    with ws.store.connect() as conn:
        ex = from_row(ws, row, sql.events_of(conn, row["id"]))
    return ex.wait() if wait else ex


def submit_batch(ws: Workspace, running: RunningService, function: PackageFunction, inputs: list[dict],
                 returns: list | None = None) -> tuple[list[Pending], Countdown]:
    """``svc.map``'s path: check every input first (a bad one refuses the whole batch, nothing
    stored), then hand all of them to the runtime at once; their rows are written when they
    start (``StoreRecorder.begin_lazy``). The Countdown says when all have ended."""
    where, declared = f"function {function.name!r}", function.input
    for values in inputs:
        check_inputs(where, declared, values)
    prepared = [prepare_inputs(ws, function, values) for values in inputs]
    owner = _hosts.host_for(ws.store).ensure()
    metadata = {"returns": jsonable(returns, str)} if returns else None
    rows = bridge.new_rows(ws, running, function.name, inputs, owner, metadata)
    return running.submit_batch(rows, prepared, returns)


def from_pending(ws: Workspace, pending: Pending, future: Future | None = None) -> Execution:
    if pending.written:  # the recorder let go of it: its row is final (the history is copied
        # as it is now: the Execution's status_log, made on first read, shows this moment)
        return from_row(ws, pending.row, list(pending.history), pending=pending, future=future)
    with pending.lock:  # until it is written, the row's JSON values are the recorder's own
        row = copy.deepcopy(pending.row)
        history = list(pending.history)
    return from_row(ws, row, history, pending=pending, future=future)


def from_row(ws: Workspace, row: dict, events: list[dict], *, pending: Pending | None = None,
             future: Future | None = None) -> Execution:
    meta = row.get("metadata") or {}
    values = {"id": row["id"], "service": row["service_name"], "package": row["package_name"],
              "revision": row["revision"], "function_name": row["function_name"], "status": row["status"],
              "input": row.get("input") or {}, "output": row.get("output"),
              "error": row["error"], "traceback": meta.get("traceback"), "attempts": row["attempts"],
              "max_attempts": row["max_attempts"], "duration": row["duration"],
              "created_at": row["created_at"], "started_at": row["started_at"],
              "finished_at": row["finished_at"], "creator": row["creator"], "project": ws.project.name,
              "trigger": meta.get("trigger")}
    private = {"_ws": ws, "_service_id": row["service_id"], "_metadata": meta, "_pending": pending,
               "_future": future}
    status = _STATUSES.get(values["status"])
    if status is None or not isinstance(values["input"], dict):  # let validation say what is wrong
        return Execution(**values, status_log=status_log(events), **private)
    # a row we wrote or read back: the dataclass checks would only repeat the schema's
    ex = Execution.__new__(Execution)
    values["status"] = status
    values["_events"] = events  # ``status_log`` from these when first read (``__getattr__``)
    values.update(private)
    ex.__dict__ = values
    return ex


_STATUSES = {s.value: s for s in ExecutionStatus}


PAGE = 50  # the default page: fronts show the newest 50 and say there are more


@dataclass
class ExecutionChanges:
    """One delta poll: executions written after the cursor asked for, oldest change first.

    ``cursor`` is where the next poll starts; ``more`` says a poll from there right away
    has more (the page held ``limit`` rows). Clients upsert by id: a row changed twice
    since the last poll comes once, in its latest state.
    """

    executions: list
    cursor: int
    more: bool = False


class Executions:
    """``ws.executions``: the executions of the current project."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def get(self, execution_id: str) -> Execution:
        """An execution by id, or by a unique prefix of one (as tables show 8 characters)."""
        self._ws.check_member(f"read execution {execution_id!r}")
        rec = bridge.recorder_for(self._ws.store)
        pending = rec.pending(execution_id)
        if pending is not None and pending.row["project_id"] == self._ws.project.id:
            return from_pending(self._ws, pending)  # this process holds its latest state
        with self._ws.store.connect() as conn:
            row = sql.get_execution(conn, execution_id)
            if row is None or row["project_id"] != self._ws.project.id:
                full_id = self._unique_id(conn, execution_id)
                pending = rec.pending(full_id)
                if pending is not None:
                    return from_pending(self._ws, pending)
                row = sql.get_execution(conn, full_id)
        if settle(self._ws, [row], rec.pending):  # its owner is gone: settled just now
            with self._ws.store.connect() as conn:
                row = sql.get_execution(conn, row["id"])
        with self._ws.store.connect() as conn:
            return from_row(self._ws, row, sql.events_of(conn, row["id"]))

    def _unique_id(self, conn: Connection, prefix: str) -> str:
        matches = sql.ids_starting_with(conn, self._ws.project.id, prefix) if prefix else []
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise NotFound(f"several executions start with {prefix!r}; give more characters of the id")
        raise NotFound(f"no execution {prefix!r} in project {self._ws.project.name!r}; "
                       "list them with ws.executions.list()")

    def list(self, service: Any = None, function: str | None = None, status: Any = None,
             limit: int | None = PAGE, offset: int = 0) -> list[Execution]:
        """Newest first, one page (``limit=None``: all); ``service`` is a name or a Service,
        ``status`` one status or several."""
        rec = bridge.recorder_for(self._ws.store)
        rec.flush()
        name = getattr(service, "name", service)
        if status is not None and not isinstance(status, str):
            status = [str(s) for s in status]
        elif status is not None:
            status = str(status)
        query = dict(service_name=name, function=function, status=status, limit=limit, offset=offset)
        with self._ws.store.connect() as conn:
            self._ws.check_member("list executions", conn)
            rows = sql.list_executions(conn, self._ws.project.id, **query)
        if settle(self._ws, rows, rec.pending):  # some owners are gone: settled just now
            with self._ws.store.connect() as conn:
                rows = sql.list_executions(conn, self._ws.project.id, **query)
        with self._ws.store.connect() as conn:
            events = sql.events_for(conn, [r["id"] for r in rows])
        return [from_row(self._ws, r, events[r["id"]]) for r in rows]

    def cursor(self) -> int:
        """The current change cursor: ``changes(cursor)`` later returns what changed since."""
        bridge.recorder_for(self._ws.store).flush()
        with self._ws.store.connect() as conn:
            self._ws.check_member("poll executions", conn)
            return sql.change_cursor(conn)

    def changes(self, since: int | None = None, service: Any = None, limit: int = 500) -> ExecutionChanges:
        """Executions written after cursor ``since`` (``None``: nothing yet, just the cursor).

        A monitor lists one page, keeps ``cursor()`` taken *before* that list, then polls
        ``changes(cursor)`` and upserts what comes back: one index range read per poll,
        however many executions the project holds.
        """
        bridge.recorder_for(self._ws.store).flush()
        with self._ws.store.connect() as conn:
            self._ws.check_member("poll executions", conn)
            if since is None:
                return ExecutionChanges([], sql.change_cursor(conn))
            scanned = sql.changed_since(conn, self._ws.project.id, int(since), limit=limit)
            name = getattr(service, "name", service)
            rows = [r for r in scanned if name is None or r["service_name"] == name]
            events = sql.events_for(conn, [r["id"] for r in rows])
        cursor = scanned[-1]["change_seq"] if scanned else int(since)
        return ExecutionChanges([from_row(self._ws, r, events[r["id"]]) for r in rows], cursor,
                                more=len(scanned) == limit)

    def many(self, ids: list[str]) -> list[Execution]:
        """The executions with these ids, in that order (each must exist)."""
        rows, events = self._rows_and_events(ids)
        return [from_row(self._ws, rows[i], events[i]) for i in ids]

    def current(self, ids: list[str]) -> list[Execution]:
        """The executions with these ids (each must exist), in that order, as ``get`` would
        give each: this process's unwritten state from memory, the rest in one read, orphans
        settled first. (A trigger's executions: one query, not one per id.)"""
        self._ws.check_member("read executions")
        rec = bridge.recorder_for(self._ws.store)
        held = {i: p for i in ids if (p := rec.pending(i)) is not None}
        rest = [i for i in ids if i not in held]
        rows, events = self._rows_and_events(rest)
        if settle(self._ws, list(rows.values()), rec.pending):  # their owners are gone: settled just now
            rows, events = self._rows_and_events(rest)
        return [from_pending(self._ws, held[i]) if i in held else from_row(self._ws, rows[i], events[i])
                for i in ids]

    def _rows_and_events(self, ids: list[str]) -> tuple[dict, dict]:
        with self._ws.store.connect() as conn:
            return sql.get_executions(conn, ids), sql.events_for(conn, ids)

    def __iter__(self):
        """Every execution, newest first, read a page at a time."""
        offset = 0
        while page := self.list(limit=500, offset=offset):
            yield from page
            offset += len(page)


__all__ = ["Execution", "ExecutionChanges", "Executions", "start_execution"]
