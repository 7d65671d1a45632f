"""`faas test/deploy/execute/services/executions/logs` through cli.main, on a real workspace."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from faas_jupyter import cli

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "shapes"


@pytest.fixture
def faas(tmp_home, capsys):
    def run(*argv):
        code = cli.main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err
    return run


def test_faas_test_runs_the_example_with_its_mock(faas):
    code, out, err = faas("test", EXAMPLE, "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["ok"] and result["function"] == "score"
    assert result["calls"][0]["output"] == [{"name": "Ada Lovelace", "score": 0.9}]


def _copy(tmp_path, mock: dict, main: str | None = None) -> Path:
    folder = tmp_path / "pkg"
    shutil.copytree(EXAMPLE, folder)
    (folder / "mock.json").write_text(json.dumps(mock))
    if main is not None:
        (folder / "main.py").write_text(main)
    return folder


def test_a_failing_mock_exits_1_and_shows_the_error(faas, tmp_path):
    folder = _copy(tmp_path, {"function_name": "score", "inputs": [{"name": "rows", "value": "x"},
                                                                   {"name": "limit", "value": "x"}]})
    code, out, err = faas("test", folder)
    assert code == 1
    assert "input 'limit' of function 'score' must be an Integer" in out
    assert "1 of 1 call(s) of 'score' failed" in err


def test_a_list_of_lists_is_one_call_each_and_config_gives_init_inputs(faas, tmp_path):
    rows = [{"name": "a", "score": 0.6}, {"name": "b", "score": 0.8}]
    folder = _copy(tmp_path, {"function_name": "score", "config": {"threshold": 0.7},
                              "inputs": [[{"name": "rows", "value": rows}], [{"name": "rows", "value": rows},
                                                                             {"name": "limit", "value": 0}]]})
    code, out, err = faas("test", folder, "--json")
    assert code == 0, err
    assert [c["output"] for c in json.loads(out)["calls"]] == [[{"name": "B", "score": 0.8}], []]


def test_entry_point_and_class_name_come_from_package_json(faas, tmp_path):
    folder = _copy(tmp_path, {"function_name": "hello", "inputs": [{"name": "name", "value": "x"}]})
    (folder / "src").mkdir()
    (folder / "src" / "app.py").write_text("from utils import clean_name\n\nclass Runner:\n"
                                           "    def hello(self, name: str = 'w'):\n        return 'hi ' + clean_name(name)\n")
    (folder / "main.py").unlink()
    spec = json.loads((folder / "package.json").read_text())
    spec["modules"][0].update(entryPoint="src/app.py", className="Runner", initInputs=[])
    (folder / "package.json").write_text(json.dumps(spec))
    (folder / "src" / "utils.py").write_text("def clean_name(n):\n    return n.upper()\n")
    code, out, err = faas("test", folder, "--json")
    assert code == 0, err
    assert json.loads(out)["calls"][0]["output"] == "hi X"


def test_deploy_execute_list_and_logs(faas):
    assert faas("push", EXAMPLE)[0] == 0
    code, out, err = faas("deploy", "shapes", "--service", "s1", "--init", "threshold=0.1")
    assert code == 0 and "s1 deployed: shapes 1.0.0" in out, err
    code, out, err = faas("execute", "s1", "hello", "name=ada", "--json")
    assert code == 0, err
    ex = json.loads(out)
    assert ex["output"] == "hello Ada" and ex["status"] == "success"
    code, out, _ = faas("execute", "s1", "score", "rows=[]", "limit=x")
    assert code == 1 and "must be an Integer" in _  # refused: not stored
    code, out, _ = faas("execute", "s1", "score", "limit=3")
    assert code == 1 and "missing input 'rows'" in _  # fails where it runs: stored as failed
    code, out, _ = faas("services")
    assert "s1" in out and "shapes" in out
    code, out, _ = faas("executions", "s1", "--json")
    assert [e["status"] for e in json.loads(out)] == ["failed", "success"]
    code, out, _ = faas("executions", "s1", "--limit", "1", "--offset", "1", "--json")
    assert [e["id"] for e in json.loads(out)] == [ex["id"]]  # the second page of one
    assert faas("logs", ex["id"])[0] == 0


def test_the_old_timeout_flag_still_works_and_names_the_new_one(faas):
    faas("push", EXAMPLE)
    code, out, err = faas("deploy", "shapes@1.0.0", "--service", "s2", "--timeout", "7", "--json")
    assert code == 0 and json.loads(out)["executionTimeout"] == 7.0
    assert err.splitlines()[0] == ("faas: warning: --timeout is deprecated; use --execution-timeout "
                                   "(the old spelling goes in the next release)")
    code, out, err = faas("update-service", "s2", "--execution-timeout", "8", "--json")
    assert code == 0 and json.loads(out)["service"]["executionTimeout"] == 8.0 and err == ""


def test_a_failed_execution_prints_its_record_and_exits_1(faas):
    faas("push", EXAMPLE)
    faas("deploy", "shapes", "--service", "s3")
    code, out, err = faas("execute", "s3", "score", "limit=3", "--json")
    assert code == 1 and json.loads(out)["status"] == "failed"
    assert err.startswith("faas: error: execution ") and "missing input 'rows'" in err
