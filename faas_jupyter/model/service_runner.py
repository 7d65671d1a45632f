"""What user code subclasses or receives: ``BaseServiceRunner``, ``Progress``, ``Context``.

Dataloop-compatible (``dtlpy/utilities/base_package_runner.py``), stdlib only.
The runner marks the execution a thread is running with :func:`execution_scope`,
so ``kill_event()`` answers for *that* execution even when several run at once.
"""
from __future__ import annotations

import contextvars
import logging
import time
from typing import Any, Callable

_TERMINATED_MESSAGE = "Execution received termination signal"


class ExecutionScope:
    """Per-execution flags the runner shares with user code (one per running execution)."""

    __slots__ = ("execution_id", "_terminate", "deadline", "timed_out", "reset_requested")

    def __init__(self, execution_id: str, deadline: float | None = None):
        self.execution_id = execution_id
        self._terminate = False  # a plain flag: one is built per execution, Events cost ~3 us
        self.deadline = deadline  # time.monotonic() past which kill_event() stops the run
        self.timed_out = False
        self.reset_requested = False

    def request_terminate(self) -> None:
        self._terminate = True

    @property
    def terminate_requested(self) -> bool:
        if self._terminate:
            return True
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.timed_out = True  # cooperative timeout: the runner reports it as a failure
            return True
        return False


# the running execution of this thread (context): ``execution_scope``, or the runner's own
# context around one execution (``runner.capture.in_execution``)
CURRENT: contextvars.ContextVar[ExecutionScope | None] = contextvars.ContextVar(
    "faas_current_execution", default=None)


def current_scope() -> ExecutionScope | None:
    """The execution the calling thread is running, if any."""
    return CURRENT.get()


class execution_scope:  # used as a function: ``with execution_scope(scope):``
    """Mark ``scope`` as the running execution of this thread (context) for the block (a class,
    not a ``@contextmanager`` generator: every execution opens one)."""

    __slots__ = ("scope", "_token")

    def __init__(self, scope: ExecutionScope):
        self.scope = scope

    def __enter__(self) -> ExecutionScope:
        self._token = CURRENT.set(self.scope)
        return self.scope

    def __exit__(self, *_exc: object) -> None:
        CURRENT.reset(self._token)


class BaseServiceRunner:
    """Optional base of a module's class (a plain class works too)."""

    service_entity: Any = None  # set by the runtime to the deployed service record

    def kill_event(self) -> None:
        """A termination checkpoint: raise ``InterruptedError`` if this execution must stop."""
        scope = CURRENT.get()
        if scope is not None and scope.terminate_requested:
            raise InterruptedError(_TERMINATED_MESSAGE)

    def do_reset(self) -> None:
        """Ask the runtime to build a fresh instance after the current execution."""
        scope = CURRENT.get()
        if scope is not None:
            scope.reset_requested = True

    def ping(self, progress: "Progress | None" = None) -> str:
        """Health check: log and return ``'pong'``."""
        if progress is not None and progress.logger is not None:
            progress.logger.info("pong")
        return "pong"


ProgressCallback = Callable[[dict[str, Any]], None]


class Progress:
    """Progress of one execution; every ``update`` is recorded (no throttling)."""

    def __init__(self, execution_id: str | None = None, callback: ProgressCallback | None = None,
                 logger: logging.Logger | logging.LoggerAdapter[logging.Logger] | None = None):
        self.execution_id = execution_id
        self.logger = logger
        self._callback = callback
        self.status: str | None = None
        self.progress: float | None = None
        self.message: str | None = None
        self.output: Any = None

    def update(self, status: str | None = None, progress: float | None = None,
               message: str | None = None, output: Any = None, **_ignored: Any) -> None:
        """Record a progress event (extra Dataloop keywords such as ``duration`` are ignored)."""
        event: dict[str, Any] = {"timestamp": time.time()}
        for key, value in (("status", status), ("progress", progress),
                           ("message", message), ("output", output)):
            if value is not None:
                setattr(self, key, value)
                event[key] = value
        if self._callback is not None:
            self._callback(event)

    def __repr__(self) -> str:
        return f"Progress(execution_id={self.execution_id!r}, progress={self.progress!r})"


class Context:
    """What a function receives as ``context``: which execution, service and package it runs in."""

    def __init__(self, execution_id: str, service: str | None = None, package: str | None = None,
                 revision: str | None = None, function_name: str = "run",
                 logger: logging.Logger | logging.LoggerAdapter[logging.Logger] | None = None,
                 progress: Progress | None = None, project: str | None = None,
                 trigger_id: str | None = None, event: dict[str, Any] | None = None):
        self.execution_id = execution_id
        self.service = service
        self.package = package
        self.revision = revision
        self.function_name = function_name
        self.project = project
        self.logger = logger if logger is not None else execution_logger(execution_id)
        self.progress = progress
        # Dataloop's ``context.trigger_id`` / ``context.event``: the trigger that made this
        # execution and its event ({"resource", "action", "resourceId"}); None when called directly
        self.trigger_id = trigger_id
        self.event = event

    def __repr__(self) -> str:
        return (f"Context(execution_id={self.execution_id!r}, service={self.service!r}, "
                f"package={self.package!r}, revision={self.revision!r}, "
                f"function_name={self.function_name!r})")


_LOGGER = logging.getLogger("faas_jupyter.execution")
_LOGGER.setLevel(logging.DEBUG)  # user messages pass; the runner's capture handler decides where they go


def execution_logger(execution_id: str) -> logging.LoggerAdapter[logging.Logger]:
    """A logger whose records carry the execution id (``record.execution_id``)."""
    return logging.LoggerAdapter(_LOGGER, {"execution_id": execution_id})
