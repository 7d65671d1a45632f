"""%faas deploy/run/services/executions/logs/test/pause/resume on a real InteractiveShell."""
from __future__ import annotations

from pathlib import Path

import pytest
from IPython.core.error import UsageError

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "shapes"


@pytest.fixture
def deployed(ip, capsys):
    ip.run_line_magic("faas", f"import {EXAMPLE}")
    ip.run_line_magic("faas", "deploy shapes --service s1 --init threshold=0.3")
    yield ip
    ip.faas.ws.services.get("s1").stop()


def test_deploy_and_run_show_the_execution_and_return_its_output(deployed, capsys):
    assert "s1 deployed: shapes 1.0.0, module default_module, runtime kernel" in capsys.readouterr().out
    out = deployed.run_line_magic("faas", """run s1 score rows='[{"name": "a", "score": 0.4}]' limit=1""")
    assert out == [{"name": "A", "score": 0.4}]
    assert "s1.score success" in capsys.readouterr().out
    assert deployed.run_line_magic("faas", "run s1 hello name=bob") == "hello Bob"


def test_a_failed_run_prints_the_error_and_returns_nothing(deployed, capsys):
    assert deployed.run_line_magic("faas", "run s1 score limit=3") is None  # rows missing
    assert "missing input 'rows'" in capsys.readouterr().out


def test_a_run_with_a_wrong_input_type_is_refused_in_one_line(deployed):
    with pytest.raises(UsageError, match="input 'limit' of function 'score' must be an Integer"):
        deployed.run_line_magic("faas", "run s1 score rows=[] limit=x")
    assert deployed.faas.ws.executions.list() == []  # refused before anything was stored


def test_services_executions_and_logs(deployed, capsys):
    ex = deployed.faas.ws.services.get("s1").execute("hello", {"name": "x"})
    capsys.readouterr()
    deployed.run_line_magic("faas", "services")
    out = capsys.readouterr().out
    assert "s1" in out and "1.0.0" in out and "kernel" in out
    deployed.run_line_magic("faas", "executions s1")
    assert ex.id[:8] in capsys.readouterr().out
    deployed.run_line_magic("faas", f"logs {ex.id[:8]}")
    assert "logged nothing" in capsys.readouterr().out


def test_executions_shows_the_newest_50_and_says_there_are_more(deployed, capsys):
    svc = deployed.faas.ws.services.get("s1")
    done = svc.map("hello", [{"name": str(i)} for i in range(51)], progress=False)
    capsys.readouterr()
    deployed.run_line_magic("faas", "executions s1")
    out = capsys.readouterr().out
    assert done[-1].id[:8] in out and done[0].id[:8] not in out  # newest first, one page
    assert "... more: these are the newest 50" in out


def test_pause_resume_and_update(deployed, capsys):
    deployed.run_line_magic("faas", "pause s1")
    with pytest.raises(UsageError, match="paused"):
        deployed.run_line_magic("faas", "run s1 hello")
    deployed.run_line_magic("faas", "resume s1")
    deployed.run_line_magic("faas", "update-service s1 --init threshold=0.9")
    assert "init_input: {'threshold': 0.3} -> {'threshold': 0.9}" in capsys.readouterr().out


def test_faas_test_passes_and_fails_like_the_cli(ip, capsys, tmp_path):
    ip.run_line_magic("faas", f"test {EXAMPLE}")
    assert "[0] success" in capsys.readouterr().out
    bad = tmp_path / "bad"
    bad.mkdir()
    for name in ("main.py", "utils.py", "package.json"):
        (bad / name).write_bytes((EXAMPLE / name).read_bytes())
    (bad / "mock.json").write_text('{"function_name": "score", "inputs": [{"name": "limit", "value": 1}]}')
    with pytest.raises(UsageError, match="1 of 1 call"):
        ip.run_line_magic("faas", f"test {bad}")
    assert "missing input 'rows'" in capsys.readouterr().out


def test_the_old_timeout_flag_still_works_and_names_the_new_one(deployed, capsys):
    capsys.readouterr()
    deployed.run_line_magic("faas", "update-service s1 --timeout 7")
    out, err = capsys.readouterr()
    assert err.strip() == ("%faas: --timeout is deprecated; use --execution-timeout "
                           "(the old spelling goes in the next release)")
    assert "execution_timeout: 3600.0 -> 7.0" in out
    deployed.run_line_magic("faas", "update-service s1 --execution-timeout 8")
    out, err = capsys.readouterr()
    assert "execution_timeout: 7.0 -> 8.0" in out and err == ""


def test_execute_is_run_and_an_unknown_flag_is_one_usage_error(deployed, capsys):
    assert deployed.run_line_magic("faas", "execute s1 hello name=bob") == "hello Bob"
    with pytest.raises(UsageError, match="unrecognized arguments: --bogus"):
        deployed.run_line_magic("faas", "run s1 hello --bogus")


def test_a_widget_for_an_unknown_name_is_one_usage_error(ip, monkeypatch):
    monkeypatch.setenv("FAAS_WIDGETS", "1")  # as in a kernel with a widget front end
    with pytest.raises(UsageError, match="ghost"):
        ip.run_line_magic("faas", "revisions ghost")
    with pytest.raises(UsageError, match="ghost"):
        ip.run_line_magic("faas", "deploy ghost")
