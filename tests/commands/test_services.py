"""Service and execution commands on a real workspace (kernel runtime, SQLite and PostgreSQL)."""
from __future__ import annotations

import pytest

from faas_jupyter.commands import COMMANDS

MAIN = ("from faas_jupyter import BaseServiceRunner\n\n\nclass ServiceRunner(BaseServiceRunner):\n"
        "    def __init__(self, k: int = 1):\n        self.k = k\n\n"
        "    def run(self, x: int) -> int:\n        print('got', x)\n        return x * self.k\n")


@pytest.fixture
def pushed(ws, tmp_path):
    d = tmp_path / "calc"
    d.mkdir()
    (d / "main.py").write_text(MAIN)
    COMMANDS["push"](ws, source=str(d))
    yield ws
    for svc in ws.services.list():
        ws.services.delete(svc.name)


def run(ws, name, **values):
    cmd = COMMANDS[name]
    data = cmd(ws, **values)
    return data, cmd.text(data), cmd.json(data), cmd.failed(data)


def test_deploy_takes_name_at_version_and_keeps_the_workspace_defaults(pushed):
    svc, text, as_json, _ = run(pushed, "deploy", package="calc@1.0.0", service_name="c", init=["k=3"],
                                execution_timeout=5.0)
    assert text == "c deployed: calc 1.0.0, module default_module, runtime kernel"
    assert (as_json["executionTimeout"], as_json["concurrency"], as_json["maxAttempts"]) == (5.0, 1, 1)
    assert svc.init_input == {"k": 3}


def test_execute_success_and_failure(pushed):
    run(pushed, "deploy", package="calc", service_name="c", init=["k=3"])
    ran, text, as_json, failed = run(pushed, "execute", service="c", function="run", inputs=["x=2"])
    assert failed is None and as_json["output"] == 6 and "got 2" in as_json["logs"]
    assert text.splitlines()[0].startswith(f"execution {ran.execution.id[:8]} c.run success")
    assert text.splitlines()[-1] == "6"
    assert run(pushed, "execute", service="c", function="run", input_json='{"x": 4}')[2]["output"] == 12
    ran, text, _, failed = run(pushed, "execute", service="c", function="run", input_json="{}")
    assert failed.startswith(f"execution {ran.execution.id} failed: ") and "missing input 'x'" in text


def test_executions_pages_say_when_there_are_more(pushed):
    run(pushed, "deploy", package="calc", service_name="c")
    ids = [run(pushed, "execute", service="c", function="run", inputs=[f"x={i}"])[0].execution.id
           for i in range(3)]
    page, text, as_json, _ = run(pushed, "executions", service="c", limit=2)
    assert [e["id"] for e in as_json] == ids[:0:-1] and page.more
    assert text.startswith("executions of c (newest first)") and "... more: these are the newest 2" in text
    page, text, as_json, _ = run(pushed, "executions", service="c", limit=2, offset=2)
    assert [e["id"] for e in as_json] == ids[:1] and not page.more and "more" not in text


def test_logs_services_update_pause_resume(pushed):
    run(pushed, "deploy", package="calc", service_name="c")
    ran = run(pushed, "execute", service="c", function="run", inputs=["x=1"])[0]
    assert run(pushed, "logs", execution=ran.execution.id[:8])[1] == "got 1"
    _, text, as_json, _ = run(pushed, "services")
    assert text.splitlines()[2].split() == ["c", "calc", "1.0.0", "0", "default_module", "kernel", "yes"]
    assert as_json[0]["behind"] == 0
    _, text, as_json, _ = run(pushed, "update-service", service="c", init=["k=2"], execution_timeout=9.0)
    assert text.splitlines() == ["service 'c' updated:", "  execution_timeout: 3600.0 -> 9.0",
                                 "  init_input: {} -> {'k': 2}"]
    assert as_json["service"]["executionTimeout"] == 9.0
    assert run(pushed, "update-service", service="c", execution_timeout=9.0)[1] == "service 'c': nothing to change"
    assert run(pushed, "pause", service="c")[1] == "c paused"
    assert run(pushed, "services")[1].split()[-1] == "paused"
    assert run(pushed, "resume", service="c")[1] == "c resumed"
