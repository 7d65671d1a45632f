import json
import subprocess
import sys

import pytest

from faas_jupyter.cli import main
from faas_jupyter.commands import COMMANDS

MAIN = '''from faas_jupyter import BaseServiceRunner


class ServiceRunner(BaseServiceRunner):
    def run(self, item, limit: int = 3) -> int:
        return limit
'''


@pytest.fixture
def src(tmp_path):
    d = tmp_path / "shapes"
    d.mkdir()
    (d / "main.py").write_text(MAIN)
    (d / "utils.py").write_text("X = 1\n")
    return d


@pytest.fixture
def faas(tmp_home, capsys):
    """Run ``faas ARGS...`` in-process; return (exit status, stdout, stderr)."""
    def run(*argv):
        code = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err
    return run


def test_push_revisions_show_ls(faas, src):
    assert faas("push", src, "-m", "first")[1].startswith("shapes 1.0.0 pushed (2 files")
    code, out, err = faas("push", src)
    assert code == 0 and "unchanged at 1.0.0" in out
    (src / "utils.py").write_text("X = 2\n")
    code, out, _ = faas("--json", "push", src, "--bump", "minor")
    assert json.loads(out) | {"digest": None} == {"name": "shapes", "version": "1.1.0",
                                                 "pushed": True, "files": 2, "digest": None}
    revs = json.loads(faas("revisions", "shapes", "--json")[1])
    assert [(r["version"], r["message"]) for r in revs] == [("1.0.0", "first"), ("1.1.0", "")]
    assert "1.1.0" in faas("revisions", "shapes")[1]
    assert json.loads(faas("show", "shapes@1.0.0")[1])["version"] == "1.0.0"
    assert json.loads(faas("show", "shapes", "--version", "1.1.0")[1])["modules"][0]["functions"][0]["name"] == "run"
    assert json.loads(faas("ls", "--json")[1]) == [
        {"name": "shapes", "version": "1.1.0", "modules": ["default_module"]}]


def test_diff_download_export_import_delete(faas, src, tmp_path):
    faas("push", src)
    (src / "utils.py").write_text("X = 2\n")
    faas("push", src)
    code, out, _ = faas("diff", "shapes", "1.0.0", "1.0.1")
    assert code == 0 and "-X = 1" in out and "+X = 2" in out
    assert json.loads(faas("--json", "diff", "shapes", "1.0.0", "1.0.1")[1])["changed"] == ["utils.py"]
    faas("download", "shapes@1.0.0", tmp_path / "dl")
    assert (tmp_path / "dl" / "utils.py").read_text() == "X = 1\n"
    faas("export", "shapes", tmp_path / "exp")
    assert json.loads((tmp_path / "exp" / "package.json").read_text())["name"] == "shapes"
    code, out, _ = faas("--db", tmp_path / "other.db", "import", tmp_path / "exp")
    assert code == 0 and out.startswith("shapes 1.0.0 pushed")
    assert faas("delete", "shapes")[0] == 0
    assert "(no packages)" in faas("ls")[1]


def test_errors_are_one_line_and_exit_1(faas, src):
    faas("push", src)
    code, out, err = faas("show", "shapes@1.0.9")
    assert (code, out) == (1, "")
    assert err == "faas: error: package 'shapes' has no revision 1.0.9; latest is 1.0.0\n"
    code, _, err = faas("revisions", "nope")
    assert code == 1 and "no package 'nope'" in err and err.count("\n") == 1


def test_members_whoami_and_permissions(faas, src):
    faas("push", src)
    code, out, _ = faas("members", "--add", "bob", "--role", "annotator", "--json")
    assert json.loads(out) == [{"user": "tester", "role": "owner"}, {"user": "bob", "role": "annotator"}]
    assert json.loads(faas("whoami", "--json", "--user", "bob")[1])["role"] == "annotator"
    code, _, err = faas("--user", "bob", "delete", "shapes")
    assert code == 1 and "user 'bob' may not delete package 'shapes' in project 'default'" in err


def test_usage_errors_exit_2(faas):
    with pytest.raises(SystemExit) as e:
        main(["bogus"])
    assert e.value.code == 2
    with pytest.raises(SystemExit) as e:
        main(["push"])
    assert e.value.code == 2


def test_registry_is_extensible(faas):
    from faas_jupyter.commands import arg, command

    @command("echo-test", arg("word"), help="test command")
    def echo(ws, args):
        return {"word": args.word, "user": ws.user}
    try:
        assert json.loads(faas("echo-test", "hi", "--json")[1]) == {"word": "hi", "user": "tester"}
    finally:
        COMMANDS.pop("echo-test")


def test_console_entry_exit_status(tmp_home, src):
    run = lambda *a: subprocess.run([sys.executable, "-m", "faas_jupyter.cli", *map(str, a)],
                                    capture_output=True, text=True)
    assert run("push", src).returncode == 0
    bad = run("show", "missing")
    assert bad.returncode == 1 and bad.stderr.startswith("faas: error: no package 'missing'")


def test_push_prints_what_inference_guessed(faas, tmp_path):
    d = tmp_path / "guess"
    d.mkdir()
    (d / "main.py").write_text("from faas_jupyter import BaseServiceRunner\nfrom shapes import Box\n\n\n"
                               "class ServiceRunner(BaseServiceRunner):\n    def run(self, box: Box):\n"
                               "        return 1\n")
    code, out, err = faas("push", d)
    assert code == 0 and "warning: main.py line 6: annotation 'Box' of input 'box' is not a FunctionIO " \
        "type; Json will be used" in err


def test_members_take_dataloops_role_names(faas):
    code, out, _ = faas("members", "--add", "bob", "--role", "Annotation Manager", "--json")
    assert code == 0 and {"user": "bob", "role": "annotationManager"} in json.loads(out)
