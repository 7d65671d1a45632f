"""Triggers in real Chromium against a real, token-protected ``jupyter-lab`` whose server hosts
the service they fire on (driven by ``ui-tests/triggers.mjs``):

- the sidebar lists a service's triggers with what they fire on (resource/actions and filter,
  or the cron spec), next and last fire, fire and failure counts; the event trigger's runs open
  an execution whose detail says which trigger and event started it; the executions table tags
  triggered runs; the active toggle deactivates the cron trigger;
- **Add trigger…** refuses bad JSON in the form and shows the server's message for a bad cron
  next to the form, then adds a good one;
- the console's Triggers tab lists every trigger of the project; a run opens in Executions.

Screenshots: test-results/triggers/.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "test-results" / "triggers"
CODE = '''
import pandas as pd
from faas_jupyter import BaseServiceRunner


class ServiceRunner(BaseServiceRunner):
    def count(self, table: pd.DataFrame) -> int:
        return len(table)

    def tick(self, label: str = "t") -> str:
        return label
'''


def _seed(tmp_path: Path) -> None:
    """A process service with an event and a cron trigger, then an item the event one matches.

    The service is stopped before the item is logged: its event waits in the outbox until the
    Jupyter server (the service's next home) dispatches it."""
    import pandas as pd

    from faas_jupyter.workspace import workspace
    src = tmp_path / "counter"
    src.mkdir()
    (src / "main.py").write_text(CODE)
    with workspace() as ws:
        ws.packages.push(src, package_name="counter")
        svc = ws.packages.get("counter").deploy(service_name="svc", runtime="process")
        svc.triggers.create("count", name="on-orders", filter={"key": "orders"})
        svc.triggers.create("tick", name="ticker", cron="*/2 * * * * *")
        svc.stop()
        ws.items.log(pd.DataFrame({"a": [1, 2, 3]}), key="orders")
        ws.items.log(pd.DataFrame({"a": [1]}), key="other")  # filtered out


def test_triggers_in_the_sidebar_and_the_console(make_lab, tmp_path):
    shutil.rmtree(RESULTS, ignore_errors=True)
    _seed(tmp_path)
    lab = make_lab(extension=True)
    lab.start()
    result = lab.drive("triggers.mjs", "--out", str(RESULTS), "--timeout", "45000", timeout=300)
    assert all(Path(p).stat().st_size > 10_000 for p in result["screenshots"])

    from faas_jupyter.workspace import workspace
    with workspace() as ws:
        assert ws.triggers.get("ticker").active is False  # the toggle
        nightly = ws.triggers.get("nightly")  # the form
        assert (nightly.type, nightly.cron, nightly.function, nightly.input) == (
            "Cron", "0 3 * * *", "tick", {"label": "night"})
        assert sorted(t.name for t in ws.triggers.list()) == ["nightly", "on-orders", "ticker"]
        runs = ws.triggers.get("on-orders").executions()
        assert [(r.status.value, r.output) for r in runs] == [("success", 3)]  # once, the matching item only
