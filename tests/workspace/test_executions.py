"""svc.execute in the kernel runtime: statuses, records, inputs, outputs, retries, timeouts,
terminate, logs under concurrency, map (real workspace, SQLite and PostgreSQL)."""
from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import svc_codebase as cb  # noqa: E402

from faas_jupyter.errors import NotFound, ValidationError  # noqa: E402

from faas_jupyter.workspace import _runtime_bridge as bridge  # noqa: E402


@pytest.fixture
def svc(ws):
    svc = cb.push(ws).deploy(service_name="calc", concurrency=4, execution_timeout=30)
    yield svc
    bridge.stop(svc.id)


statuses = cb.statuses


def test_a_successful_execution_is_recorded_with_its_status_log(ws, svc):
    ex = svc.execute("add", {"x": 2, "y": 3})
    assert (str(ex.status), ex.output, ex.attempts, ex.error) == ("success", 5, 1, None)
    assert statuses(ex) == ["created", "in-progress", "success"]
    stored = ws.executions.get(ex.id)
    assert stored.to_json() == ex.to_json()
    assert stored.duration >= 0 and stored.started_at <= stored.finished_at
    assert stored.input == {"x": 2, "y": 3} and stored.revision == "1.0.0" and stored.service == "calc"
    assert [e.id for e in ws.executions.list(service="calc")] == [ex.id]


def test_a_failure_keeps_the_error_and_a_traceback_starting_in_user_code(ws, svc):
    ex = ws.executions.get(svc.execute("boom").id)
    assert str(ex.status) == "failed" and ex.error == "ValueError: bad thing"
    assert "main.py" in ex.traceback and 'raise ValueError("bad thing")' in ex.traceback
    assert "faas_jupyter/runner" not in ex.traceback
    # the frame names the file as written in the codebase, not its extracted copy
    assert re.search(r'File "main\.py", line \d+, in ', ex.traceback), ex.traceback
    assert "codebases" not in ex.traceback


@pytest.mark.parametrize(("inputs", "message"), [
    ({"x": "x"}, r"input 'x' of function 'add' must be an Integer, got 'x'"),
    ({"x": None}, r"input 'x' of function 'add' must be an Integer, got None"),
    ({"x": 1, "z": 2}, r"function 'add' has no input 'z'; inputs: x, y"),
])
def test_bad_inputs_are_refused_before_anything_is_stored(ws, svc, inputs, message):
    before = len(ws.executions.list())
    with pytest.raises(ValidationError, match=message):
        svc.execute("add", inputs)
    assert len(ws.executions.list()) == before  # no execution, so no stored input


def test_a_missing_input_fails_the_execution_naming_it_without_retry(ws):
    # only the signature knows its defaults, so this one is found where the function runs
    svc = cb.push(ws).deploy(service_name="strict", max_attempts=3)
    ex = svc.execute("add", {})
    assert str(ex.status) == "failed" and ex.attempts == 1
    assert ValidationError.__name__ in ex.error
    assert "function 'add' is missing input 'x'" in ex.error
    bridge.stop(svc.id)


def test_an_unknown_function_or_item_is_refused_before_anything_is_recorded(ws, svc):
    with pytest.raises(NotFound, match="no function 'nope'"):
        svc.execute("nope")
    with pytest.raises(NotFound, match="input 'table': no Item with id 'missing'"):
        svc.execute("rows", {"table": "missing"})
    assert ws.executions.list() == []


def test_retries_up_to_max_attempts(ws, tmp_path):
    svc = cb.push(ws).deploy(service_name="retry", max_attempts=2)
    ex = svc.execute("flaky", {"marker": str(tmp_path / "m")})
    assert (str(ex.status), ex.output, ex.attempts) == ("success", "ok", 2)
    assert statuses(ex) == ["created", "in-progress", "failed", "in-progress", "success"]
    assert "attempt 1 of 2 failed: RuntimeError: first attempt fails; retrying" in ex.status_log[2]["message"]
    bridge.stop(svc.id)


def test_a_cooperative_timeout_fails_the_execution(ws):
    svc = cb.push(ws).deploy(service_name="slow", execution_timeout=0.2)
    ex = svc.execute("loop")
    assert str(ex.status) == "failed" and "timed out after 0.2 s" in ex.error
    assert ex.error_type == "TimeoutError"
    ex = svc.execute("loop", wait=False).wait(10)  # the watchdog path (a pool thread)
    assert str(ex.status) == "failed" and "timed out" in ex.error
    bridge.stop(svc.id)


# pytest-timeout's SIGALRM timer (method "signal") would send the main thread's call to the
# helper thread; this test times itself by thread so the main thread's SIGALRM path runs
@pytest.mark.timeout(120, method="thread")
def test_a_sleeping_execution_times_out_from_the_main_thread_and_from_another(ws):
    import threading
    svc = cb.push(ws).deploy(service_name="sleepy", execution_timeout=0.5)
    began = time.monotonic()
    ex = svc.execute("hang", {"seconds": 30})
    assert str(ex.status) == "failed" and "timed out after 0.5 s" in ex.error and time.monotonic() - began < 10
    stored = ws.executions.get(ex.id)
    assert stored.error_type == "TimeoutError" and statuses(stored) == ["created", "in-progress", "failed"]
    done = []
    caller = threading.Thread(target=lambda: done.append(svc.execute("hang", {"seconds": 30})))
    caller.start()
    caller.join(10)
    assert not caller.is_alive() and str(done[0].status) == "failed" and "timed out" in done[0].error
    assert svc.execute("add", {"x": 1}).output == 11  # the service goes on
    bridge.stop(svc.id)


def test_terminate_stops_a_running_execution_at_kill_event(ws, svc):
    ex = svc.execute("loop", wait=False)
    deadline = time.monotonic() + 10
    while ex.refresh().status != "in-progress" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert ex.terminate() is True
    done = ex.wait(10)
    assert str(done.status) == "terminated" and statuses(done)[-1] == "terminated"
    assert done.terminate() is False


def test_wait_false_returns_at_once_and_wait_gives_the_result(ws, svc):
    ex = svc.execute("hang", {"seconds": 0.2}, wait=False)
    assert str(ex.status) in ("created", "in-progress")
    with pytest.raises(TimeoutError, match="still"):
        ex.wait(0.01)
    assert str(ex.wait().status) == "success" and str(ws.executions.get(ex.id).status) == "success"


def test_a_long_execution_is_visible_in_the_store_while_it_runs(ws, svc):
    ex = svc.execute("hang", {"seconds": 1.0}, wait=False)
    deadline = time.monotonic() + 5
    import faas_jupyter as faas
    other = faas.workspace(ws.settings.db_url, artifacts=ws.settings.artifacts, user="tester")
    while time.monotonic() < deadline:
        seen = [e for e in other.executions.list() if e.id == ex.id]
        if seen and str(seen[0].status) == "in-progress":
            break
        time.sleep(0.05)
    else:
        pytest.fail("the running execution never appeared in the store")
    ex.wait()


def test_logs_and_progress_are_captured_per_execution_and_never_mix(ws, svc):
    tags = [f"t{i}" for i in range(8)]
    exs = [svc.execute("talk", {"tag": t, "n": 20}, wait=False) for t in tags]
    for tag, ex in zip(tags, exs):
        ex.wait()
        assert ex.output == ex.id  # context.execution_id
        records = ex.log_records()
        assert len(records) == 60
        assert all(r["text"].split()[0] == tag or f" {tag} " in r["text"] for r in records)
        assert ex.logs("stdout").splitlines() == [f"{tag} out {i}" for i in range(20)]
        assert ex.logs("logging").splitlines()[0] == f"WARNING svc: {tag} log 0"
        progress = [e["progress"] for e in ex.status_log if e["progress"] is not None]
        assert progress == [5 * (i + 1) for i in range(20)] and ex.progress == 100


def test_map_keeps_input_order_and_uses_the_concurrency(ws, svc):
    exs = svc.map("add", [{"x": i} for i in range(50)], progress=False)
    assert [e.output for e in exs] == [i + 10 for i in range(50)]
    assert all(str(e.status) == "success" for e in exs)
    assert len(ws.executions.list(service="calc", function="add", status="success", limit=100)) == 50
    assert [e.id for e in ws.executions.list(limit=5, offset=5)] == [e.id for e in ws.executions.list()[5:10]]
    stored = ws.executions.many([e.id for e in exs])  # map built them from memory: the same
    assert [e.to_json() for e in exs] == [e.to_json() for e in stored]
    # built without the dataclass checks, yet equal to a checked one, status log included
    checked = type(exs[0]).from_json(exs[0].to_json())
    assert exs[0] == checked and type(exs[0].status) is type(checked.status)
    assert [s["status"] for s in exs[0].status_log] == ["created", "in-progress", "success"]


def test_a_map_with_one_bad_input_runs_and_stores_nothing(ws, svc):
    from faas_jupyter.errors import ValidationError
    before = len(ws.executions.list(limit=None))
    with pytest.raises(ValidationError):
        svc.map("add", [{"x": 1}, {"x": "not a number"}, {"x": 3}], progress=False)
    assert len(ws.executions.list(limit=None)) == before


def test_a_dataframe_output_becomes_an_item_and_an_item_input_a_dataframe(ws, svc):
    import pandas as pd
    ex = svc.execute("frame", {"n": 4})
    ref = ex.output
    assert set(ref) == {"item_id", "key", "artifact_type"} and ref["key"] == "output"
    [item] = ex.output_items()
    assert item.id == ref["item_id"]
    frame = ex.get_output()
    pd.testing.assert_frame_equal(frame, pd.DataFrame({"a": [0, 1, 2, 3], "b": [0.0, 0.5, 1.0, 1.5]}))
    assert svc.execute("rows", {"table": ref["item_id"]}).output == 4
    assert svc.execute("rows", {"table": {"item_id": ref["item_id"]}}).output == 4
    assert svc.execute("rows", {"table": item}).output == 4


def test_returns_hints_pack_several_outputs_and_a_packing_failure_fails(ws, svc):
    import numpy as np
    ex = svc.execute("both", {"n": 3}, returns=["table", "values"])
    assert str(ex.status) == "success" and set(ex.output) == {"table", "values"}
    out = ex.get_output()
    assert list(out["table"]["x"]) == [0, 1, 2] and np.array_equal(out["values"], np.array([0, 2, 4]))
    bad = svc.execute("both", {"n": 3}, returns=["only_one"])
    assert str(bad.status) == "success"  # one hint: the tuple is one output (pickled) – not lost
    with pytest.raises(ValidationError, match="cannot read log hint"):
        svc.execute("both", {"n": 3}, returns=["a b c"])
    fail = svc.execute("add", {"x": 1}, returns=["a", "b"])
    assert str(fail.status) == "failed" and "PackingError" in (fail.error_type or "") + fail.error


def test_rerun_makes_a_new_execution_of_the_same_inputs(ws, svc):
    ex = svc.execute("add", {"x": 5})
    again = ex.rerun()
    assert again.id != ex.id and again.output == 15 and again.input == ex.input


def test_an_execution_is_found_by_a_unique_prefix_of_its_id(ws, svc):
    """Tables and the CLI show 8 characters of an id; get() accepts them (faas logs <8 chars>)."""
    ex = svc.execute("add", {"x": 2, "y": 3})
    assert ws.executions.get(ex.id[:8]).id == ex.id
    with pytest.raises(NotFound, match="no execution 'zzzz'"):
        ws.executions.get("zzzz")
    with pytest.raises(NotFound, match="no execution '%'"):
        ws.executions.get("%")  # LIKE wildcards are literal


def test_list_pages_by_default_and_iteration_reads_every_page(ws, svc):
    from faas_jupyter.workspace.executions import PAGE
    exs = svc.map("add", [{"x": i} for i in range(PAGE + 3)], progress=False)
    assert len(ws.executions.list()) == PAGE
    assert len(ws.executions.list(limit=None)) == PAGE + 3
    assert sorted(e.id for e in ws.executions) == sorted(e.id for e in exs)


def test_changes_since_a_cursor_are_exactly_the_executions_written_after_it(ws, svc):
    old = svc.execute("add", {"x": 1})
    start = ws.executions.changes()
    assert start.executions == [] and start.cursor == ws.executions.cursor()
    assert ws.executions.changes(start.cursor).executions == []
    new = [svc.execute("add", {"x": i}) for i in range(3)]
    running = svc.execute("loop", {}, wait=False)
    delta = ws.executions.changes(start.cursor)
    assert [e.id for e in delta.executions] == [e.id for e in new + [running]] and not delta.more
    assert old.id not in {e.id for e in delta.executions}
    running.terminate()
    running.wait(timeout=30)
    later = ws.executions.changes(delta.cursor)
    assert [(e.id, str(e.status)) for e in later.executions] == [(running.id, "terminated")]
    assert ws.executions.changes(later.cursor, service="nope").executions == []


def test_current_reads_many_executions_in_order_with_a_running_one_from_memory(ws, svc):
    done = [svc.execute("add", {"x": i}) for i in range(3)]
    running = svc.execute("hang", {"seconds": 1.0}, wait=False)
    ids = [done[2].id, running.id, done[0].id, done[1].id]
    got = ws.executions.current(ids)
    assert [e.id for e in got] == ids
    assert [e.output for e in got if e.id != running.id] == [12, 10, 11]
    assert str(got[1].status) in ("created", "in-progress")  # the store may not have it yet
    assert [e.to_json() for e in got if e.id != running.id] == [ws.executions.get(i).to_json()
                                                               for i in ids if i != running.id]
    running.wait()
    assert str(ws.executions.current([running.id])[0].status) == "success"
