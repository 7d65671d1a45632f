"""Stored logs are capped per execution and read back as a few rows (kernel and process runtimes)."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from faas_jupyter.store.schema import execution_logs
from faas_jupyter.workspace import _runtime_bridge as bridge

MAIN = '''
import sys
from faas_jupyter import BaseServiceRunner


class ServiceRunner(BaseServiceRunner):
    def spam(self, mb: float, newlines: bool = True):
        line = "x" * 99 + ("\\n" if newlines else "\\r")
        for _ in range(int(mb * 10_000)):
            sys.stdout.write(line)
        return "done"
'''
PACKAGE = {"name": "spammer", "modules": [{"name": "m", "entryPoint": "main.py", "className": "ServiceRunner",
                                           "functions": [{"name": "spam", "input": [
                                               {"name": "mb", "type": "Float"},
                                               {"name": "newlines", "type": "Boolean", "defaultValue": True}],
                                               "output": [{"name": "output", "type": "String"}]}]}]}


@pytest.fixture
def spammer(ws):
    pkg = ws.packages.push(codebase={"main.py": MAIN.encode(), "package.json": json.dumps(PACKAGE).encode()},
                           package_name="spammer")
    return pkg


def _rows(ws, execution_id) -> int:
    with ws.store.connect() as conn:
        return conn.scalar(select(func.count()).select_from(execution_logs)
                           .where(execution_logs.c.execution_id == execution_id))


@pytest.mark.parametrize("runtime", ["kernel", "process"])
def test_output_past_the_cap_is_stored_up_to_the_cap_with_a_marker(ws, spammer, monkeypatch, runtime):
    monkeypatch.setenv("FAAS_MAX_LOG_MB", "0.5")
    svc = spammer.deploy(service_name=f"spam-{runtime}", runtime=runtime)
    try:
        ex = svc.execute("spam", {"mb": 3})
        assert ex.output == "done", ex.error
        logs = ws.executions.get(ex.id).logs()
        assert len(logs) <= 500_000
        assert logs.startswith("x" * 99 + "\n")
        assert "log reached its cap of 500,000 characters" in logs
        assert "characters of output were not stored" in logs
        assert _rows(ws, ex.id) < 50  # whole batches of lines per row, not a row per line
    finally:
        bridge.stop(svc.id)


def test_output_without_newlines_is_stored_whole(ws, spammer):
    svc = spammer.deploy(service_name="spam-cr")
    try:
        ex = svc.execute("spam", {"mb": 1, "newlines": False})
        logs = ws.executions.get(ex.id).logs()
        assert logs == ("x" * 99 + "\r") * 10_000
    finally:
        bridge.stop(svc.id)
