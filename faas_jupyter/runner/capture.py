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
from contextlib import contextmanager
from typing import Callable, Iterator

Emit = Callable[[str, str], None]
_current: contextvars.ContextVar["Capture | None"] = contextvars.ContextVar("faas_capture", default=None)


class Capture:
    """Buffers partial lines per stream and emits complete ones."""

    __slots__ = ("emit", "echo", "_partial")

    def __init__(self, emit: Emit, echo: bool = False):
        self.emit = emit
        self.echo = echo
        self._partial: dict[str, str] = {}

    def write(self, stream: str, text: str) -> None:
        pending = self._partial.pop(stream, "") + text
        head, sep, tail = pending.rpartition("\n")
        if sep:
            self.emit(stream, head + sep)
        if tail:
            self._partial[stream] = tail

    def flush(self) -> None:
        for stream, text in self._partial.items():
            self.emit(stream, text)
        self._partial.clear()


class _RoutingStream(io.TextIOBase):
    """Stands in for ``sys.stdout``/``sys.stderr``; routes by the writing thread's execution."""

    def __init__(self, name: str, original):
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
    def encoding(self):
        return getattr(self.original, "encoding", "utf-8")

    def __getattr__(self, name):  # whatever else the wrapped stream offers (ipykernel's OutStream)
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
    root = logging.getLogger()
    if _HANDLER not in root.handlers:
        root.addHandler(_HANDLER)


@contextmanager
def capturing(cap: Capture) -> Iterator[Capture]:
    """Route this thread's output to ``cap`` for the block."""
    _install()
    token = _current.set(cap)
    try:
        yield cap
    finally:
        _current.reset(token)
        cap.flush()
