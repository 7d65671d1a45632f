"""`faas triggers create|ls|show|activate|deactivate|delete` through cli.main (exit status, --json)."""
from __future__ import annotations

import json

import pytest

import faas_jupyter
from faas_jupyter import cli

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
def faas(tmp_home, tmp_path, capsys):
    def run(*argv):
        code = cli.main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err
    src = tmp_path / "trig"
    src.mkdir()
    (src / "main.py").write_text(MAIN)
    assert run("push", src)[0] == 0
    assert run("deploy", "trig", "--service", "ts")[0] == 0
    yield run
    with faas_jupyter.workspace() as ws:
        ws.services.delete("ts")


def test_create_ls_show_toggle_delete(faas):
    code, out, err = faas("triggers", "create", "ts", "on_item", "--on", "item:created,deleted", "--json")
    assert code == 0, err
    made = json.loads(out)
    assert made["spec"]["actions"] == ["Created", "Deleted"] and made["name"] == "ts"
    code, out, err = faas("triggers", "create", "ts", "tick", "--cron", "0 3 * * *", "--name", "nightly",
                          "--end-at", "2099-01-01T00:00:00+00:00")
    assert (code, out.strip()) == (0, "trigger nightly: cron '0 3 * * *' runs ts.tick"), err
    code, out, _ = faas("triggers", "ls", "--json")
    assert [t["name"] for t in json.loads(out)] == ["nightly", "ts"]
    code, out, _ = faas("triggers", "show", "nightly")
    assert "until 2099-01-01T00:00:00+00:00" in out
    assert faas("triggers", "deactivate", "nightly")[1].strip() == "trigger nightly deactivated"
    assert faas("triggers", "delete", "nightly", "--json")[1].count('"deleted": "nightly"') == 1


def test_an_error_is_one_line_and_exit_1(faas):
    code, out, err = faas("triggers", "create", "ts", "tick", "--cron", "* * *")
    assert code == 1 and out == ""
    assert err.startswith("faas: error: ") and err.count("\n") == 1 and "5 fields" in err
    code, out, err = faas("triggers", "show", "nope")
    assert code == 1 and "nope" in err
