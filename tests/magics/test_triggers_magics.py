"""%faas trigger on a real InteractiveShell: the issue's two forms, list/show/toggle/delete, and
a mistake as one UsageError line."""
from __future__ import annotations

import pytest
from IPython.core.error import UsageError

MAIN = '''
import dtlpy as dl
from faas_jupyter import BaseServiceRunner


class ServiceRunner(BaseServiceRunner):
    def on_item(self, item: dl.Item):
        return item.id

    def tick(self):
        return 1
'''


@pytest.fixture
def deployed(ip, tmp_path):
    src = tmp_path / "trig"
    src.mkdir()
    (src / "main.py").write_text(MAIN)
    ip.run_line_magic("faas", f"push {src}")
    ip.run_line_magic("faas", "deploy trig --service ts")
    yield ip
    ip.faas.ws.services.delete("ts")


def test_the_issues_forms_and_the_lifecycle(deployed, capsys):
    ip = deployed
    ip.run_line_magic("faas", """trigger ts on_item --on item:created --filter '{"dataset": "raw"}'""")
    ip.run_line_magic("faas", "trigger ts tick --cron '*/5 * * * *' --name every5")
    out = capsys.readouterr().out
    assert "trigger ts: Item Created (once) runs ts.on_item" in out
    assert "trigger every5: cron '*/5 * * * *' runs ts.tick" in out
    ip.run_line_magic("faas", "triggers ts")
    table = capsys.readouterr().out
    assert table.startswith("triggers of ts") and "every5" in table and "on event" in table
    ip.run_line_magic("faas", "trigger deactivate every5")
    ip.run_line_magic("faas", "trigger show every5")
    out = capsys.readouterr().out
    assert "trigger every5 deactivated" in out and "tick, inactive" in out
    ip.run_line_magic("faas", "trigger delete every5")
    assert [t.name for t in ip.faas.ws.triggers.list()] == ["ts"]


def test_a_mistake_is_one_usage_error(deployed):
    with pytest.raises(UsageError, match=r"--on 'item:made': unknown action 'made'; use created, updated, "
                                         r"deleted \(e.g. --on item:created"):
        deployed.run_line_magic("faas", "trigger ts on_item --on item:made")
    with pytest.raises(UsageError, match=r"minute field '99' is not valid \(allowed 0-59"):
        deployed.run_line_magic("faas", "trigger ts tick --cron '99 * * * *'")
    assert deployed.faas.ws.triggers.list() == []
