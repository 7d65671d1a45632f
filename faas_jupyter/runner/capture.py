"""Per-execution capture of stdout, stderr and ``logging``, safe under threads.

``sys.stdout``/``sys.stderr`` are wrapped once by a routing stream that looks up
the running execution of the *writing thread* (a context variable) and sends the
text there; threads with no execution write through unchanged. Lines are handed
to ``emit(stream, text)`` whole, so concurrent executions never mix.
"""
from __future__ import annotations

import contextvars
import io
import logging
import sys
from typing import Any, Callable, TextIO

from faas_jupyter.model.service_runner import CURRENT, ExecutionScope
from faas_jupyter.packagers.clearing import MARKED, clear_marked

Emit = Callable[[str, str], None]
_current: contextvars.ContextVar["Capture | None"] = contextvars.ContextVar("faas_capture", default=None)


PARTIAL_LIMIT = 64 * 1024   # a line longer than this (a \r progress bar) is emitted in pieces
TRUNCATED = ("\n[faas_jupyter: this execution's log reached its cap of {cap:,} characters; "
             "further output is not stored (raise FAAS_MAX_LOG_MB to keep more)]\n")
DROPPED = "[faas_jupyter: {n:,} characters of output were not stored]\n"
MARKERS_ROOM = 256  # TRUNCATED + DROPPED always fit


class Capture:
    """Buffers partial lines per stream and emits complete ones, up to ``max_chars`` in all.

    Partial lines are kept as a list of pieces (joining once, so output without newlines
    stays linear) and emitted once they pass ``PARTIAL_LIMIT``.  Past ``max_chars`` one
    truncation marker is emitted and the rest is counted, not stored.
    """

    __slots__ = ("emit", "echo", "_partial", "_sizes", "_max_chars", "emitted", "dropped")

    def __init__(self, emit: Emit, echo: bool = False, max_chars: int | None = None):
        self.emit = emit
        self.echo = echo
        self._partial: dict[str, list[str]] = {}
        self._sizes: dict[str, int] = {}
        self._max_chars = max_chars
        self.emitted = 0
        self.dropped = 0

    @property
    def max_chars(self) -> int:
        """The cap, read from the environment at the first output (a silent call reads nothing)."""
        if self._max_chars is None:
            self._max_chars = max_log_chars()
        return self._max_chars

    def write(self, stream: str, text: str) -> None:
        if self.dropped:  # capped already: only count
            self.dropped += len(text)
            return
        cut = text.rfind("\n") + 1
        if cut:
            pieces = self._partial.pop(stream, [])
            self._sizes.pop(stream, None)
            pieces.append(text[:cut])
            self._emit(stream, "".join(pieces))
            text = text[cut:]
        if text:
            self._partial.setdefault(stream, []).append(text)
            size = self._sizes[stream] = self._sizes.get(stream, 0) + len(text)
            if size >= PARTIAL_LIMIT:
                self._sizes.pop(stream)
                self._emit(stream, "".join(self._partial.pop(stream)))

    def _emit(self, stream: str, text: str) -> None:
        if self.dropped:
            self.dropped += len(text)
            return
        room = self.max_chars - MARKERS_ROOM - self.emitted  # the markers fit inside the cap
        if len(text) > room:
            keep = max(room, 0)
            self.dropped = len(text) - keep
            text = text[:keep] + TRUNCATED.format(cap=self.max_chars)
        self.emitted += len(text)
        if text:
            self.emit(stream, text)

    def flush(self) -> None:
        if not self._partial and not self.dropped:  # most calls end on a newline, or print nothing
            return
        for stream, pieces in list(self._partial.items()):
            self._emit(stream, "".join(pieces))
        self._partial.clear()
        self._sizes.clear()
        if self.dropped:
            self.emit("stderr", DROPPED.format(n=self.dropped))
            self.dropped = 0


def max_log_chars() -> int:
    """The per-execution log cap: ``FAAS_MAX_LOG_MB`` (default 10) million characters."""
    from faas_jupyter.config import max_log_chars as configured
    return configured()


class _RoutingStream(io.TextIOBase):
    """Stands in for ``sys.stdout``/``sys.stderr``; routes by the writing thread's execution."""

    def __init__(self, name: str, original: TextIO):
        self.name = name
        self.original = original

    def write(self, text: str) -> int:
        cap = _current.get()
        if cap is None:
            return self.original.write(text)
        cap.write(self.name, text)
        if cap.echo:
            self.original.write(text)
        return len(text)

    def flush(self) -> None:
        if _current.get() is None:
            self.original.flush()

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.original.fileno()

    def isatty(self) -> bool:
        return False

    @property
    def encoding(self) -> str:  # type: ignore[override]  # read-only: the wrapped stream's
        return getattr(self.original, "encoding", "utf-8")

    def __getattr__(self, name: str) -> Any:  # whatever else the wrapped stream offers (ipykernel's OutStream)
        return getattr(self.original, name)


class _LogHandler(logging.Handler):
    """Root handler: a record logged by a thread running an execution goes to that execution."""

    def emit(self, record: logging.LogRecord) -> None:
        cap = _current.get()
        if cap is not None:
            try:
                cap.write("logging", self.format(record) + "\n")
            except Exception:
                self.handleError(record)


_HANDLER = _LogHandler()
_HANDLER.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))


def _install() -> None:
    # Re-checked per execution: a notebook tool (or pytest) may have swapped sys.stdout since.
    if not isinstance(sys.stdout, _RoutingStream):
        sys.stdout = _RoutingStream("stdout", sys.stdout)
    if not isinstance(sys.stderr, _RoutingStream):
        sys.stderr = _RoutingStream("stderr", sys.stderr)
    root = logging.root  # logging.getLogger() with no name, without the call
    if _HANDLER not in root.handlers:
        root.addHandler(_HANDLER)


class in_execution:  # used as a function: ``with in_execution(scope, cap):``
    """For the block, this thread runs one execution: ``scope`` is its ``current_scope()``
    (``kill_event``, timeouts), its output goes to ``cap``, and what packagers mark for
    clearing (unpacking its inputs, packing its outputs) is deleted at the end.

    One class for what ``execution_scope``, a capture and ``clearing_scope`` each do: every
    execution opens it, and three context managers cost three times the calls."""

    __slots__ = ("scope", "cap", "_marked", "_tokens")

    def __init__(self, scope: ExecutionScope, cap: Capture):
        self.scope = scope
        self.cap = cap

    def __enter__(self) -> Capture:
        _install()
        self._marked: list[Any] = []
        self._tokens = (CURRENT.set(self.scope), _current.set(self.cap), MARKED.set(self._marked))
        return self.cap

    def __exit__(self, *_exc: object) -> None:
        scope, cap, marked = self._tokens
        MARKED.reset(marked)  # the inner scopes end first, as nested ``with`` blocks would
        try:
            if self._marked:
                clear_marked(self._marked)
        finally:
            _current.reset(cap)
            try:
                self.cap.flush()
            finally:
                CURRENT.reset(scope)
