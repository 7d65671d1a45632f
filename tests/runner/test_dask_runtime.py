from __future__ import annotations

import importlib.util
import os

import pytest

from faas_jupyter.runner.supervisor import MemoryRecorder, Supervisor

if importlib.util.find_spec("distributed") is None:
    if os.environ.get("CI", "").lower() == "true":  # never a silent pass in CI
        pytest.fail("CI=true but dask.distributed is not installed (pip install -e '.[dask]')",
                    pytrace=False)
    pytest.skip("dask.distributed is not installed (the dask extra)", allow_module_level=True)


def test_a_local_cluster_runs_calls_and_replays_their_logs(make_config):
    from faas_jupyter.runner.runtimes.dask import DaskRuntime
    runtime = DaskRuntime(processes=False)  # one in-process worker keeps CI cheap
    runtime.start(make_config())
    try:
        recorder = MemoryRecorder()
        sup = Supervisor(runtime, recorder)
        ok, bad = sup.submit("d1", "run", {"x": 5}), sup.submit("d2", "plain", {"x": "nope"})
        assert (ok.result(60).status, ok.result().output) == ("success", 10)
        assert bad.result(60).status == "failed" and "must be an Integer" in bad.result().error
        record = recorder.records["d1"]
        assert [s["status"] for s in record.status_log] == ["created", "in-progress", "success"]
        assert record.text("stdout") == "start 5\n" and record.progress[0]["progress"] == 50
    finally:
        runtime.stop()
