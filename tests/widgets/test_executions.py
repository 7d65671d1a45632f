from __future__ import annotations

import pytest

from faas_jupyter.widgets.executions import ExecutionMonitor


@pytest.fixture
def svc(pkg):
    return pkg.deploy(service_name="calc", module_name="default_module")


def _rows(mon):
    return [label for label, _ in mon.table.options]


def test_table_lists_and_filters_by_status(ws, svc):
    svc.execute("run", execution_input={"x": 1})
    svc.execute("fail", execution_input={"message": "bad"}, wait=True)
    mon = ExecutionMonitor(ws, service="calc", live=False)
    assert len(mon.table.options) == 2
    assert any("fail" in r and "failed" in r for r in _rows(mon))
    mon.filter.value = "failed"
    assert len(mon.table.options) == 1 and "failed" in _rows(mon)[0]
    mon.filter.value = "success"
    assert len(mon.table.options) == 1 and "100%" in _rows(mon)[0]


def test_selecting_shows_inputs_outputs_logs_and_traceback(ws, svc):
    failed = svc.execute("fail", execution_input={"message": "bad"})
    mon = ExecutionMonitor(ws, service=svc, live=False)
    mon.select(failed.id)
    html = mon.detail.html.value
    assert "&quot;message&quot;: &quot;bad&quot;" in html and "ValueError" in html
    assert not mon.rerun_button.disabled and mon.terminate_button.disabled


def test_dataframe_output_is_previewed(ws, svc):
    pytest.importorskip("pandas")
    ex = svc.execute("frame", execution_input={"n": 7})
    mon = ExecutionMonitor(ws, live=False)
    mon.select(ex.id)
    assert "DataFrame shape 7 × 2" in mon.detail.html.value


def test_rerun_makes_a_new_execution_and_selects_it(ws, svc):
    first = svc.execute("run", execution_input={"x": 2})
    mon = ExecutionMonitor(ws, service="calc", live=False)
    mon.select(first.id)
    mon.rerun_button.click()
    new = mon.selected
    assert new is not None and new.id != first.id
    ws.executions.get(new.id).wait()
    mon.refresh()
    assert len(ws.executions.list(service="calc")) == 2
    assert ws.executions.get(new.id).input == first.input and mon.status.kind == "ok"


def test_refresh_picks_up_new_executions(ws, svc):
    mon = ExecutionMonitor(ws, service="calc", live=False)
    assert mon.table.options == ()
    svc.execute("run", execution_input={"x": 5})
    mon.refresh_button.click()
    assert len(mon.table.options) == 1


def test_live_polling_starts_and_stops(ws, svc):
    mon = ExecutionMonitor(ws, service="calc", interval=0.05)
    assert mon.live.value and mon.polling
    mon.live.value = False
    assert not mon.polling
    mon.live.value = True
    mon.close()
    assert not mon.polling


def test_terminate_a_running_execution(ws, pkg):
    svc = pkg.deploy(service_name="slow", module_name="default_module", runtime="kernel",
                     concurrency=2)
    ex = svc.execute("sleepy", execution_input={"seconds": 30}, wait=False)
    mon = ExecutionMonitor(ws, service="slow", live=False)
    mon.select(ex.id)
    assert not mon.terminate_button.disabled
    mon.terminate_button.click()
    assert mon.status.kind == "ok", mon.status.message
    assert ex.wait(timeout=60).status == "terminated"


def test_a_poll_reads_deltas_and_relists_only_when_ours_changed(ws, svc, pkg):
    other = pkg.deploy(service_name="other", module_name="default_module")
    mon = ExecutionMonitor(ws, service="calc", live=False)
    assert mon.poll() is False  # nothing changed since the first list
    other.execute("run", execution_input={"x": 1})
    assert mon.poll() is False and mon.table.options == ()  # another service's execution
    svc.execute("run", execution_input={"x": 5})
    assert mon.poll() is True and len(mon.table.options) == 1
    assert mon.poll() is False


def test_only_the_newest_page_is_shown_with_a_more_note(ws, svc):
    svc.map("run", [{"x": i} for i in range(4)], progress=False)
    mon = ExecutionMonitor(ws, service="calc", live=False, limit=3)
    assert len(mon.table.options) == 3 and mon.more and "older ones" in mon.note.value
    assert "... more: these are the newest 3" in mon.text()


def test_closing_from_the_front_end_stops_the_polling(ws, svc):
    mon = ExecutionMonitor(ws, service="calc", interval=0.02)
    assert mon.polling
    mon.comm.handle_close({"content": {"comm_id": mon.comm.comm_id, "data": {}}})
    mon._thread.join(timeout=10)
    assert not mon.polling


def _poll_until(mon, predicate, deadline=30.0):
    import time
    end = time.monotonic() + deadline
    while not predicate():
        assert time.monotonic() < end, mon.detail.html.value[-500:]
        mon.poll()
        time.sleep(0.1)


def test_a_live_monitor_streams_the_logs_of_the_open_running_execution(ws, pkg):
    svc = pkg.deploy(service_name="tick", module_name="default_module", runtime="kernel")
    ex = svc.execute("ticker", execution_input={"n": 600}, wait=False)
    mon = ExecutionMonitor(ws, service="tick", live=False)
    _poll_until(mon, lambda: mon.table.options)
    mon.select(ex.id)
    _poll_until(mon, lambda: "tick 2" in mon.detail.html.value)
    seen = mon.detail.html.value.count("tick ")
    _poll_until(mon, lambda: mon.detail.html.value.count("tick ") > seen)  # more lines, same run
    assert not mon.terminate_button.disabled
    mon.terminate_button.click()
    assert ex.wait(timeout=60).status == "terminated"


def test_terminate_is_offered_only_while_the_run_can_be_stopped(ws, svc):
    done = svc.execute("run", execution_input={"x": 1})
    mon = ExecutionMonitor(ws, service="calc", live=False)
    mon.select(done.id)
    assert mon.terminate_button.disabled  # finished: nothing to stop
