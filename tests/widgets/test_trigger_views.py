"""An execution a trigger started says so in the widgets: the monitor's row and text table
(trigger column) and the detail header (trigger and event), next to runs someone started."""
from __future__ import annotations

import time

from faas_jupyter.widgets.detail import ExecutionDetail, started_by
from faas_jupyter.widgets.executions import ExecutionMonitor


def test_triggered_runs_name_their_trigger_everywhere(ws, pkg):
    svc = pkg.deploy(service_name="calc", module_name="default_module")
    by_hand = svc.execute("run", {"x": 2})
    trigger = svc.triggers.create("run", name="every-second", cron="* * * * * *", input={"x": 1})
    end = time.monotonic() + 30
    while not trigger.executions(limit=1):
        assert time.monotonic() < end, "the cron trigger did not fire"
        time.sleep(0.1)
    trigger.deactivate()
    fired = trigger.executions(limit=1)[0]
    assert fired.trigger["name"] == "every-second" and fired.trigger["eventId"].startswith("cron:")
    assert started_by(by_hand) == "started by tester"
    assert started_by(fired) == f"started by trigger every-second (event {fired.trigger['eventId'][:12]})"
    detail = ExecutionDetail(ws)
    detail.show(fired)
    assert "started by trigger every-second" in detail.html.value
    monitor = ExecutionMonitor(ws, "calc", live=False)
    rows = {ex_id: label for label, ex_id in monitor.table.options}
    assert rows[fired.id].rstrip().endswith("every-second") and not rows[by_hand.id].rstrip().endswith("every-second")
    assert "trigger" in monitor.text().splitlines()[1] and "every-second" in monitor.text()
    assert repr(fired).endswith("by trigger every-second>")
    monitor.close()
    svc.delete()
