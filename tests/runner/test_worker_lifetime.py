"""Worker processes die with their owner (issue 11 item 11): a real owner process is
SIGKILLed, idle and mid-call, and its workers exit within seconds; a worker started from
a thread that ends lives on (PR_SET_PDEATHSIG follows the forking thread)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from faas_jupyter.runner.runtimes.process import ProcessRuntime
from faas_jupyter.runner.supervisor import MemoryRecorder, Supervisor

OWNER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, sys.argv[1])
    from pathlib import Path
    from conftest import _make_config
    from faas_jupyter.runner.runtimes.process import ProcessRuntime
    runtime = ProcessRuntime()
    runtime.start(_make_config(Path(sys.argv[2]), concurrency=2))
    if sys.argv[3] == "busy":
        from faas_jupyter.runner.runtimes.base import CallSpec
        runtime.submit(CallSpec("busy", "hang", {}))
        time.sleep(0.5)
    print(" ".join(str(p) for p in runtime.pids), flush=True)
    time.sleep(600)
""")


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:  # a zombie is dead for our purpose
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("state", ["idle", "busy"])
def test_workers_exit_within_seconds_after_their_owner_is_sigkilled(tmp_path, state):
    here = os.path.dirname(__file__)
    owner = subprocess.Popen([sys.executable, "-c", OWNER, here, str(tmp_path), state],
                             stdout=subprocess.PIPE, text=True)
    try:
        pids = [int(p) for p in owner.stdout.readline().split()]
        assert len(pids) == 2 and all(_alive(p) for p in pids)
    finally:
        os.kill(owner.pid, signal.SIGKILL)
        owner.wait()
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [p for p in pids if _alive(p)], "workers outlived their owner"


def test_a_worker_started_from_a_thread_that_ends_keeps_serving(make_config):
    runtime = ProcessRuntime()
    starter = threading.Thread(target=runtime.start, args=(make_config(),))
    starter.start()
    starter.join()
    try:
        time.sleep(0.2)  # PDEATHSIG would fire now if it followed the starter thread
        sup = Supervisor(runtime, MemoryRecorder())
        assert sup.submit("after", "plain", {"x": 1}).result(60).output == 2
    finally:
        runtime.stop()
