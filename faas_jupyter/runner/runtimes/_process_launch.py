"""Starting the ``process`` runtime's workers, and saying how one ended."""
from __future__ import annotations

import os
import queue
import signal
import threading
from concurrent.futures import Future
from typing import Any, Callable


class _Launcher:
    """Starts every worker from one long-lived thread.

    Workers ask the kernel for ``PR_SET_PDEATHSIG``, which fires when the *thread* that
    forked them ends, not the process: a worker started from a short-lived thread (a
    REST pool thread, a restart thread) would be killed with it.
    """

    def __init__(self) -> None:
        self._jobs: queue.Queue[tuple[Callable[[], Any], Future[Any]]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()

    def run(self, fn: Callable[[], Any]) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive() or self._pid != os.getpid():
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._loop, name="faas-launcher", daemon=True)
                self._thread.start()
        done: Future[Any] = Future()
        self._jobs.put((fn, done))
        done.result()

    def _loop(self) -> None:
        while True:
            fn, done = self._jobs.get()
            try:
                done.set_result(fn())
            except BaseException as exc:  # handed to the caller
                done.set_exception(exc)


launcher = _Launcher()


def exit_text(proc: Any) -> str:
    code = proc.exitcode
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"
