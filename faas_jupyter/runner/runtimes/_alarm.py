"""An execution timeout for a call run in the main thread: ``SIGALRM`` at the deadline.

A waited kernel call with ``execution_timeout`` used to run on a helper thread while the
caller waited on a lock, so that the caller could get the execution back at the deadline.
That hand-off (two thread switches and futex wake-ups) was a third of a durable execute.
In the main thread, with no interval timer armed and no one else's ``SIGALRM`` handler,
the call runs in the caller's thread instead, with ``setitimer(ITIMER_REAL)`` armed at the
deadline (pytest-timeout's ``signal`` method is the precedent). The handler raises
:class:`ExecutionDeadline`, a ``BaseException``, so a function's ``except Exception`` does
not swallow it; signals interrupt ``time.sleep`` and blocking system calls.

The handler raises only while the *user's* code runs (the first faas_jupyter frame up the
stack is the call of the user's method): in our own code (capturing output, recording a
status, packing an output, a nested execute waiting) it marks the execution timed out and
tries again a few milliseconds later, so runner state is never left half-changed. A
function that catches even ``BaseException`` is interrupted again every ``AGAIN`` seconds;
one stuck in C code that never returns to Python cannot be interrupted at all (the helper
thread path, used everywhere else, returns to the caller at the deadline regardless).
"""
from __future__ import annotations

import _signal  # the C functions under signal: signal.signal/getsignal map handlers to enums (~10 us)
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any, TypeVar

from faas_jupyter.model.service_runner import ExecutionScope
from faas_jupyter.runner.invoke import CallPlan

T = TypeVar("T")
SOON = 0.005   # in our own code at the deadline: look again this much later
AGAIN = 0.5    # the user's code went on after being interrupted (it caught the exception)
_USER_CALL = CallPlan.call.__code__               # its callee is the user's method
_HAS_TIMER = hasattr(_signal, "setitimer")


class ExecutionDeadline(BaseException):
    """Raised in the main thread at an execution's deadline (not an ``Exception``, so the
    function's own ``except Exception`` lets it through)."""


def usable() -> bool:
    """True when a call may be timed by ``SIGALRM`` in this thread: the main thread, no
    interval timer armed (a nested execute, a test timeout) and no one else's handler."""
    return (_HAS_TIMER and threading.get_ident() == threading.main_thread().ident
            and _signal.getsignal(_signal.SIGALRM) in (_signal.SIG_DFL, _signal.SIG_IGN)
            and _signal.getitimer(_signal.ITIMER_REAL) == (0.0, 0.0))


class _Alarm:
    __slots__ = ("scope", "active")

    def __init__(self, scope: ExecutionScope):
        self.scope = scope
        self.active = True

    def __call__(self, _signum: int, frame: FrameType | None) -> None:
        if not self.active:
            return
        self.scope.timed_out = True
        self.scope.request_terminate()  # kill_event() answers True from now on
        user = _in_user_code(frame)
        _signal.setitimer(_signal.ITIMER_REAL, AGAIN if user else SOON)
        if user:
            raise ExecutionDeadline("execution timed out (execution_timeout)")


def _in_user_code(frame: FrameType | None) -> bool:
    """Is the innermost faas_jupyter frame on the stack the call of the user's method?"""
    while frame is not None:
        module = frame.f_globals.get("__name__") or ""  # by module, not path: any install works
        if module == "faas_jupyter" or module.startswith("faas_jupyter."):
            return frame.f_code is _USER_CALL
        frame = frame.f_back
    return False


def run_alarmed(scope: ExecutionScope, seconds: float, run: Callable[..., T], *args: Any) -> T | None:
    """``run(*args)`` in this (the main) thread with ``SIGALRM`` at ``seconds``; ``scope.timed_out``
    says whether the deadline passed. None when the deadline ended it outside the user's code
    (not expected: the handler raises only inside it)."""
    alarm = _Alarm(scope)
    previous = _signal.signal(_signal.SIGALRM, alarm)
    try:
        try:
            _signal.setitimer(_signal.ITIMER_REAL, seconds)
            return run(*args)
        finally:
            alarm.active = False  # from here on a late signal does nothing
            _signal.setitimer(_signal.ITIMER_REAL, 0)
    except ExecutionDeadline:
        return None
    finally:
        if _signal.getsignal(_signal.SIGALRM) is alarm:  # the function may have set its own
            _signal.signal(_signal.SIGALRM, previous)
