"""``ExecutionMonitor``: a live table of executions, a status filter, detail, Rerun/Terminate."""
from __future__ import annotations

from typing import TYPE_CHECKING

import threading

import ipywidgets as W

from faas_jupyter.commands.tables import EXECUTION_HEADERS, execution_row, executions_text
from faas_jupyter.model.entities import ExecutionStatus

from ._base import StatusLine, TextRepr, esc, guarded
from .detail import ExecutionDetail

if TYPE_CHECKING:
    from faas_jupyter.workspace import Workspace

WIDTHS = (8, 16, 16, 14, 8, 9, 19, 16)  # id, service, function, status, progress, duration, created, trigger
_MONO = ("<style>.faas-mono select, .faas-mono-head {font-family: var(--jp-code-font-family, "
         "monospace) !important; font-size: 12px; white-space: pre;}</style>")


def row_text(values) -> str:
    cells = [str(v or "")[:w].ljust(w) for v, w in zip(values, WIDTHS)]
    return "  ".join(cells).rstrip()


class ExecutionMonitor(TextRepr, W.VBox):
    """The newest ``limit`` executions; while ``live`` is on, polls for changes every ``interval``
    seconds (one indexed delta read, ``ws.executions.changes``) and re-lists only when something
    changed. Polling stops when the monitor is closed, by ``close()`` or from the front end."""

    def __init__(self, ws: Workspace, service: str | None = None, interval: float = 1.0, live: bool = True,
                 limit: int = 50) -> None:
        super().__init__()
        self.ws, self.service, self.interval, self.limit = ws, getattr(service, "name", service), interval, limit
        self.filter = W.Dropdown(options=["all", *(s.value for s in ExecutionStatus)], value="all",
                                 description="status", layout=W.Layout(width="220px"))
        self.refresh_button = W.Button(description="Refresh", icon="refresh")
        self.live = W.ToggleButton(value=False, description="live", icon="circle",
                                   tooltip="refresh every second while on")
        self.head = W.HTML(f"<div class='faas-mono-head'>{esc(row_text(EXECUTION_HEADERS))}</div>")
        self.table = W.Select(options=[], rows=10, layout=W.Layout(width="100%"))
        self.table.add_class("faas-mono")
        self.detail = ExecutionDetail(ws)
        self.rerun_button = W.Button(description="Rerun", icon="repeat", disabled=True)
        self.terminate_button = W.Button(description="Terminate", icon="stop", disabled=True,
                                         button_style="danger")
        self.status = StatusLine()
        self.note = W.HTML()  # "there are more" under the table
        self.executions = []
        self.more = False  # older executions exist beyond the page shown
        self._cursor = None
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread = None
        self._shown = None  # (id, status, progress) on display, to redraw only on change
        self.add_class("faas-execution-monitor")
        self._wire()
        self.refresh()
        self.live.value = live
        title = f"executions of {self.service}" if self.service else "executions"
        self.children = [W.HTML(_MONO + f"<b>{esc(title)}</b>"),
                         W.HBox([self.filter, self.refresh_button, self.live]),
                         self.head, self.table, self.note, W.HBox([self.rerun_button, self.terminate_button]),
                         self.status, self.detail]

    def _wire(self) -> None:
        self.filter.observe(lambda _: self.refresh(), "value")
        self.refresh_button.on_click(lambda _: self.refresh())
        self.live.observe(lambda ch: self.start() if ch["new"] else self.stop(), "value")
        self.table.observe(lambda _: self._show_selected(), "value")
        self.rerun_button.on_click(lambda _: self.rerun())
        self.terminate_button.on_click(lambda _: self.terminate())

    # -- data ----------------------------------------------------------------------------------
    def _list(self):
        status = None if self.filter.value == "all" else self.filter.value
        self._cursor = self.ws.executions.cursor()  # before the list: no change falls in between
        page = self.ws.executions.list(service=self.service, status=status, limit=self.limit + 1)
        self.more = len(page) > self.limit
        return page[:self.limit]

    def refresh(self) -> None:
        """Re-read the executions; keep the selection and redraw its detail if it changed."""
        with self._lock:
            self.executions = self._list()
            self.note.value = (f"<small>the newest {self.limit}; older ones: "
                               "<code>ws.executions.list(limit=..., offset=...)</code></small>"
                               if self.more else "")
            options = [(row_text(execution_row(e)), e.id) for e in self.executions]
            if options != list(self.table.options):
                keep = self.table.value
                self.table.options = options
                self.table.value = keep if keep in {i for _, i in options} else None
            self._show_selected()

    def select(self, execution_id: str) -> None:
        self.table.value = execution_id

    @property
    def selected(self):
        return next((e for e in self.executions if e.id == self.table.value), None)

    def _show_selected(self) -> None:
        ex = self.selected
        self.rerun_button.disabled = ex is None or not ex.done
        # a run hosted elsewhere (the Jupyter server, another kernel) is asked to stop through
        # the registry and its home stops it; a finished one has nothing to stop
        self.terminate_button.disabled = ex is None or ex.done
        key = None if ex is None else (ex.id, str(ex.status), execution_row(ex)[4], ex.duration)
        if key != self._shown and ex is not None:
            self.detail.show(ex)
        self._shown = key

    # -- live polling --------------------------------------------------------------------------
    def start(self) -> None:
        """Poll in a background thread until ``stop()`` (or the live toggle goes off)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        if self.comm is not None:  # the front end closing the widget stops the polling too
            self.comm.on_close(lambda _msg: self._stop.set())
        self._thread = threading.Thread(target=self._poll, name="faas-execution-monitor", daemon=True)
        self._thread.start()

    def poll(self) -> bool:
        """One delta read; re-list only if an execution of ours changed. True if it did."""
        if self._cursor is None:
            self.refresh()
            return True
        delta = self.ws.executions.changes(self._cursor, service=self.service)
        changed = bool(delta.executions or delta.more)
        if changed:
            self.refresh()
        else:
            self._cursor = delta.cursor  # others' changes: skip them next time
        self._stream_logs()
        return changed

    def _stream_logs(self) -> None:
        """A running execution that is open shows its new log lines each tick (a new log line
        does not change the execution's row, so the delta read does not see it)."""
        ex = self.selected
        if ex is not None and not ex.done:
            self.detail.show(ex)

    def _poll(self) -> None:
        while not self._stop.wait(self.interval):
            if self.comm is None:  # closed (here or by the front end): nobody sees it any more
                self._stop.set()
                return
            try:
                self.poll()
            except Exception as e:  # a dropped database must not kill the kernel thread silently
                self.status.error(f"live refresh stopped: {type(e).__name__}: {e}")
                self.live.value = False
                return

    def stop(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join()
        if self.live.value:
            self.live.value = False

    @property
    def polling(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def close(self) -> None:
        self.stop()
        super().close()

    # -- actions -------------------------------------------------------------------------------
    def rerun(self):
        """Run the selected execution again with the same inputs; selects the new one."""
        ex = self.selected
        if ex is None:
            return None
        self.status.clear()
        new, _ = guarded(self.status, ex.rerun, wait=False)  # never block the kernel on a long run
        if new is not None:
            self.status.ok(f"rerun of {ex.id[:8]} is {new.id[:8]} ({new.status})")
            self.refresh()
            self.select(new.id)
        return new

    def terminate(self):
        ex = self.selected
        if ex is None:
            return None
        self.status.clear()
        sent, _ = guarded(self.status, ex.terminate)
        if sent:
            self.status.ok(f"terminate sent to {ex.id[:8]}")
        elif sent is False:
            self.status.error(f"execution {ex.id[:8]} had already ended ({ex.refresh().status})")
        self.refresh()
        return ex

    def text(self) -> str:
        return executions_text(self.executions, self.service, more=self.more)
