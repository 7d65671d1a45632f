"""``ExecutionDetail``: one execution's inputs, outputs, status log, error, traceback and logs."""
from __future__ import annotations

from typing import TYPE_CHECKING

import json

import ipywidgets as W

from faas_jupyter.commands.tables import duration_of, progress_of, when
from faas_jupyter.errors import FaasError
from faas_jupyter.model import cell_origins
from faas_jupyter.model.refs import ItemRef, is_item_ref, is_item_ref_json

from ._base import ERROR_STYLE, esc, html_table
from .previews import _pre, _short, preview_item, section

if TYPE_CHECKING:
    from faas_jupyter.workspace.executions import Execution
    from faas_jupyter.workspace import Workspace


def logs_text(logs) -> str:
    """``ex.logs()`` as text, whether it gives a string, lines, or {stream, text} records."""
    if isinstance(logs, str):
        return logs
    lines = []
    for entry in logs or []:
        if isinstance(entry, dict):
            stream = entry.get("stream")
            text = str(entry.get("text", "")).rstrip("\n")
            lines.append(f"[{stream}] {text}" if stream and stream != "stdout" else text)
        else:
            lines.append(str(entry).rstrip("\n"))
    return "\n".join(lines)


def item_ref(value):
    """The item id when ``value`` is an item or an item reference, else None: the two shapes of
    ``model/refs.py``, plus the looser ``{"itemId"/"item_id": id}`` and item records."""
    if hasattr(value, "artifact_type") and hasattr(value, "get"):
        return value.id
    if is_item_ref(value):
        return ItemRef.from_stored(value).id
    if not isinstance(value, dict):
        return None
    if isinstance(value.get("itemId"), str) or isinstance(value.get("item_id"), str):
        return value["itemId"] if isinstance(value.get("itemId"), str) else value["item_id"]
    if is_item_ref_json(value) or (isinstance(value.get("id"), str) and "packager" in value):
        return value["id"]
    return None


def started_by(ex: Execution) -> str:
    """``started by trigger T (event E)`` or ``started by USER``."""
    trigger = ex.trigger
    if not trigger:
        return f"started by {ex.creator}"
    event = f" (event {trigger['eventId'][:12]})" if trigger.get("eventId") else ""
    return f"started by trigger {trigger['name']}{event}"


class ExecutionDetail(W.VBox):
    """Shows ``show(ex)``; empty until an execution is chosen."""

    def __init__(self, ws: Workspace) -> None:
        super().__init__()
        self.ws = ws
        self.execution = None
        self.html = W.HTML("<i>select an execution</i>")
        self.children = [self.html]

    def show(self, ex: Execution) -> None:
        self.execution = ex
        parts = [self._header(ex), section("inputs", _pre(json.dumps(ex.input, indent=1, default=str))),
                 section("outputs", self._outputs(ex)), section("status log", self._status_log(ex))]
        if ex.error:
            parts.append(section("error", _pre(ex.error, "faas-error")))
        if ex.traceback:
            # frames of files written in %%faas cells also name the cell
            parts.append(section("traceback", _pre(cell_origins.annotate(ex.traceback, ex.package),
                                                   "faas-traceback")))
        parts.append(section("logs", _pre(self._logs(ex) or "(no logs)", "faas-logs")))
        self.html.value = "".join(parts)

    def _header(self, ex: Execution) -> str:
        return (f"<div class='faas-ex-head'><b>execution {esc(ex.id)}</b>: {esc(ex.service)}."
                f"{esc(ex.function_name)} — <b>{esc(ex.status)}</b> {esc(progress_of(ex))}, "
                f"duration {esc(duration_of(ex) or '-')}, attempts {esc(ex.attempts)}, "
                f"revision {esc(ex.revision)}, {esc(started_by(ex))}</div>")

    def _outputs(self, ex: Execution) -> str:
        out = ex.output
        if out is None:
            return "<div><i>none</i></div>"
        pairs = out.items() if isinstance(out, dict) and item_ref(out) is None else [("output", out)]
        return "".join(f"<div style='margin:4px 0'>{esc(k)}: {self._value(v)}</div>" for k, v in pairs)

    def _value(self, value) -> str:
        if isinstance(value, list) and value and all(item_ref(v) for v in value):
            return "".join(self._value(v) for v in value)
        ref = item_ref(value)
        if ref is None:
            return _pre(_short(value))
        try:
            return preview_item(self.ws.items.get(ref))
        except FaasError as e:
            return f"<span class='faas-error' style='{ERROR_STYLE}'>{esc(e)}</span>"

    def _status_log(self, ex: Execution) -> str:
        rows = [[when(e.get("timestamp")), e.get("status"), e.get("progress"), e.get("message")]
                for e in ex.status_log or []]
        return html_table(rows, ["time", "status", "progress", "message"])

    def _logs(self, ex: Execution) -> str:
        try:
            return logs_text(ex.logs())
        except FaasError as e:
            return f"(logs unavailable: {e})"
