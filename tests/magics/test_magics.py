"""`%%faas` / `%faas` on a real InteractiveShell and a real workspace."""
from __future__ import annotations

import re
import textwrap

import nbformat
import pytest
from IPython.core.error import UsageError

from faas_jupyter.workspace import cells as working

RUNNER = textwrap.dedent('''\
    from faas_jupyter import BaseServiceRunner
    from helpers import clean

    class ServiceRunner(BaseServiceRunner):
        """Scores rows."""
        def __init__(self, threshold: float = 0.5):
            self.threshold = threshold

        def score(self, rows: list, limit: int = 10, progress=None) -> list:
            """Keep the rows above the threshold."""
            return [clean(r) for r in rows if len(r) > self.threshold][:limit]

        def hello(self, item):
            return item
    ''')
HELPER = "def clean(s):\n    return s.strip().title()\n"


def run_cells(ip, package="scoring"):
    ip.run_cell_magic("faas", f"file helpers.py --package {package}", HELPER)
    ip.run_cell_magic("faas", f"module scorer --package {package}", RUNNER)
    return ip.faas.packages[package]


def test_module_cell_runs_in_the_user_namespace_and_becomes_the_entry_point(ip):
    pkg = run_cells(ip)
    assert ip.user_ns["ServiceRunner"](0).score([" ada "]) == ["Ada"]
    assert pkg.files["main.py"] == RUNNER.encode()
    assert pkg.files["helpers.py"] == HELPER.encode()


def test_module_json_is_inferred_from_the_class(ip):
    module = run_cells(ip).modules["scorer"]
    assert [io.to_json() for io in module.init_inputs] == [
        {"name": "threshold", "type": "Float", "defaultValue": 0.5}]
    score = module.function("score")
    assert [(i.name, i.type) for i in score.input] == [("rows", "Json"), ("limit", "Integer")]
    assert score.description == "Keep the rows above the threshold."
    assert [(o.name, o.type) for o in score.output] == [("output", "Json")]
    assert [(i.name, i.type) for i in module.function("hello").input] == [("item", "Item")]


def test_rerunning_a_module_cell_replaces_its_file(ip):
    run_cells(ip)
    ip.run_cell_magic("faas", "module scorer --package scoring --entry scorer.py", RUNNER)
    pkg = ip.faas.packages["scoring"]
    assert "main.py" not in pkg.files and "scorer.py" in pkg.files
    assert pkg.modules["scorer"].entry_point == "scorer.py"


def test_two_modules_cannot_share_an_entry_file(ip):
    run_cells(ip)
    with pytest.raises(UsageError, match="already module scorer's file.*--entry"):
        ip.run_cell_magic("faas", "module other --package scoring", RUNNER)
    assert set(ip.faas.packages["scoring"].modules) == {"scorer"}


@pytest.mark.parametrize("source, message", [
    ("class ServiceRunner:\n    pass\n", r"cell line 2: .*BaseServiceRunner"),
    ("x = 1\n", r"no class 'ServiceRunner'"),
    ("def broken(:\n", r"cell line 2: "),
])
def test_mistakes_are_one_line_usage_errors_pointing_at_the_cell_line(ip, source, message):
    with pytest.raises(UsageError, match=message):
        ip.run_cell_magic("faas", "module bad --package p", source)
    assert "p" not in ip.faas.packages


def test_a_cell_that_raises_records_nothing(ip):
    ip.run_cell_magic("faas", "module m --package p",
                      RUNNER.replace('"""Scores rows."""', '"""Scores rows."""\n    1 / 0'))
    assert "p" not in ip.faas.packages


def test_a_module_cell_is_parsed_once_and_its_traceback_counts_the_magic_line(ip, capsys, monkeypatch):
    import ast as ast_module
    parsed = []
    real_parse = ast_module.parse
    monkeypatch.setattr(ast_module, "parse",  # count the parses of the cell body itself
                        lambda src, *a, **k: parsed.append(str(src).startswith("from faas_jupyter"))
                        or real_parse(src, *a, **k))
    transformed = []
    real_transform = ip.transform_cell
    monkeypatch.setattr(ip, "transform_cell", lambda src: transformed.append(src) or real_transform(src))
    result = ip.run_cell("%%faas module m --package p\nfrom faas_jupyter import BaseServiceRunner\n"
                         "class ServiceRunner(BaseServiceRunner):\n    def run(self, x: int):\n        return x\n"
                         "x_from_cell = 41 + 1\nx_from_cell / 0\n")
    assert sum(parsed) == 1  # inference and execution share one tree; IPython does not re-parse...
    assert [t.split("\n")[0][:6] for t in transformed] == ["%%faas"]  # ...nor re-tokenize the body
    assert ip.user_ns["x_from_cell"] == 42 and result.success  # the %%faas line itself ran fine
    out = capsys.readouterr().out
    assert "ZeroDivisionError" in out and "----> 7 x_from_cell / 0" in out  # cell line 7
    assert "p" not in ip.faas.packages


def test_a_module_cell_shows_its_last_expression(ip, capsys):
    ip.run_cell(f"%%faas module scorer --package p\n{RUNNER}'shown ' + 'value'\n".replace(
        "from helpers import clean\n", ""), store_history=True)
    assert "shown value" in capsys.readouterr().out


def test_a_module_cell_does_not_import_sqlalchemy():
    import subprocess
    import sys
    code = ("import sys\nfrom IPython.testing.globalipapp import get_ipython\nip = get_ipython()\n"
            "ip.run_line_magic('load_ext', 'faas_jupyter')\n"
            "ip.run_cell('%%faas module m --package p\\nfrom faas_jupyter import BaseServiceRunner\\n"
            "class ServiceRunner(BaseServiceRunner):\\n    def run(self, x: int):\\n        return x\\n')\n"
            "assert 'p' in ip.magics_manager.registry['FaasMagics'].packages\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sqlalchemy'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"  # not until a push needs the store


@pytest.mark.parametrize("line", ["module m --package p --bogus", "module m", "widget x --package p"])
def test_cell_arguments_are_strict(ip, line):
    with pytest.raises(UsageError):
        ip.run_cell_magic("faas", line, RUNNER)


@pytest.mark.parametrize("line", ["push", "push p --nope", "frobnicate", "revisions"])
def test_line_arguments_are_strict(ip, line):
    with pytest.raises(UsageError):
        ip.run_line_magic("faas", line)


def test_help_lists_every_command():
    from faas_jupyter.magics.core import FaasMagics
    for name in ("push", "revisions", "diff", "notebook", "workspace", "export", "import"):
        assert f"%faas {name}" in FaasMagics.faas.__doc__
    assert "\n%faas deploy PACKAGE [--service NAME] " in FaasMagics.faas.__doc__  # as the README shows
    assert "%faas serve" not in FaasMagics.faas.__doc__  # a CLI-only command
    assert "--package" in FaasMagics.faas_cell.__doc__


def test_push_revisions_diff(ip, capsys):
    run_cells(ip)
    ip.run_line_magic("faas", "push scoring -m first")
    ip.run_line_magic("faas", "push scoring")
    assert "unchanged at 1.0.0" in capsys.readouterr().out
    ip.run_cell_magic("faas", "file helpers.py --package scoring", HELPER.replace("title", "upper"))
    ip.run_line_magic("faas", "push scoring -m second")
    pkg = ip.faas.ws.packages.get("scoring")
    assert [r.version for r in pkg.revisions] == ["1.0.0", "1.0.1"]
    assert pkg.codebase.files["helpers.py"] == HELPER.replace("title", "upper").encode()
    capsys.readouterr()
    ip.run_line_magic("faas", "diff scoring 1.0.0 1.0.1")
    out = capsys.readouterr().out
    assert "-    return s.strip().title()" in out and "+    return s.strip().upper()" in out
    ip.run_line_magic("faas", "revisions scoring")  # FAAS_WIDGETS=0: the widgets' text table
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "package scoring: revisions (latest first)"
    assert [line.split()[0] for line in lines[3:]] == ["1.0.1", "1.0.0"]
    assert "second" in lines[3] and "1 changed" in lines[3]
    with pytest.raises(UsageError, match="ghost"):
        ip.run_line_magic("faas", "revisions ghost")


def test_cell_push_flag(ip):
    ip.run_cell_magic("faas", "file helpers.py --package p", HELPER)
    ip.run_cell_magic("faas", "module scorer --package p --push -m 'from the cell'", RUNNER)
    assert ip.faas.ws.packages.get("p").revisions[-1].message == "from the cell"


def test_cell_push_runs_the_push_command_without_parsing_a_command_line(ip, monkeypatch):
    monkeypatch.setattr(ip.faas.line_parser, "parse_args", lambda *a, **k: pytest.fail("parsed again"))
    ip.run_cell_magic("faas", "file helpers.py --package p", HELPER)
    ip.run_cell_magic("faas", "module scorer --package p --push -m \"it's --force\"", RUNNER)
    assert ip.faas.ws.packages.get("p").revisions[-1].message == "it's --force"


def test_unknown_package_is_a_usage_error_that_names_the_fix(ip):
    with pytest.raises(UsageError, match="no %%faas cells for package 'ghost'.*--package ghost"):
        ip.run_line_magic("faas", "push ghost")
    with pytest.raises(UsageError, match="ghost"):
        ip.run_line_magic("faas", "show ghost")


def _notebook(path, cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# demo")] + [nbformat.v4.new_code_cell(c) for c in cells]
    nbformat.write(nb, str(path))


def test_a_saved_notebook_gives_the_same_digest_as_running_its_cells(ip, tmp_path, capsys):
    live = run_cells(ip)
    path = tmp_path / "nb.ipynb"
    # notebook sources have no trailing newline; IPython adds one before calling the magic
    _notebook(path, ["x = 1", f"%%faas file helpers.py --package scoring\n{HELPER.rstrip()}",
                     f"%%faas module scorer --package scoring\n{RUNNER.rstrip()}"])
    built = working.packages_from_notebook(path)["scoring"]
    assert built.codebase.digest == live.codebase.digest
    assert [m.to_json() for m in built.module_list()] == [m.to_json() for m in live.module_list()]
    ip.run_line_magic("faas", f"notebook {path} --push -m ci")
    assert ip.faas.ws.packages.get("scoring").codebase.digest == live.codebase.digest


def test_working_codebase_ignores_other_kernel_state(ip):
    first = run_cells(ip).codebase.digest
    ip.run_cell("import os; threshold = 99; os.environ['SOMETHING'] = 'else'")
    ip.faas.packages = {}
    assert run_cells(ip).codebase.digest == first


def test_packages_do_not_share_a_working_codebase(ip):
    run_cells(ip, "one")
    ip.run_cell_magic("faas", "file other.py --package two", "X = 1\n")
    assert set(ip.faas.packages["one"].files) == {"helpers.py", "main.py"}
    assert set(ip.faas.packages["two"].files) == {"other.py"}


def test_helper_files_are_importable_in_the_kernel(ip):
    ip.run_cell_magic("faas", "file pkgutil_demo.py --package p", "VALUE = 41 + 1\n")
    ip.run_cell("import pkgutil_demo; got = pkgutil_demo.VALUE")
    assert ip.user_ns["got"] == 42


def test_non_python_files_are_stored_not_run(ip):
    ip.run_cell_magic("faas", "file config/settings.json --package p", '{"a": 1}\n')
    assert ip.faas.packages["p"].files["config/settings.json"] == b'{"a": 1}\n'


def test_paths_outside_the_codebase_are_refused(ip):
    with pytest.raises(UsageError, match="relative to the codebase root"):
        ip.run_cell_magic("faas", "file ../escape.py --package p", "X = 1\n")


def test_workspace_whoami_ls_show_delete(ip, capsys, tmp_path):
    run_cells(ip)
    ip.run_line_magic("faas", "push scoring")
    ip.run_line_magic("faas", "whoami")
    ip.run_line_magic("faas", "ls")
    ip.run_line_magic("faas", "show scoring")
    out = capsys.readouterr().out
    assert "user alice, project default" in out and "scoring  1.0.0" in out and '"className": "ServiceRunner"' in out
    ip.run_line_magic("faas", f"export scoring {tmp_path / 'out'}")
    assert (tmp_path / "out" / "package.json").exists()
    ip.run_line_magic("faas", "delete scoring")
    with pytest.raises(UsageError):
        ip.run_line_magic("faas", "show scoring")
    ip.run_line_magic("faas", f"import {tmp_path / 'out'} --name scoring2")
    assert ip.faas.ws.packages.get("scoring2").version == "1.0.0"


@pytest.mark.parametrize("typed, near", [("deplyo", "deploy"), ("revsions", "revisions"), ("pussh", "push")])
def test_an_unknown_subcommand_names_the_nearest(ip, typed, near):
    with pytest.raises(UsageError, match=f"no command '{typed}'; did you mean %faas {near}\\?"):
        ip.run_line_magic("faas", f"{typed} x")


def test_an_unknown_subcommand_far_from_all_lists_them(ip):
    with pytest.raises(UsageError, match="no command 'zzzzzz'; use one of: .*deploy"):
        ip.run_line_magic("faas", "zzzzzz")


def test_diff_is_coloured_html_in_a_rich_front_end(ip, monkeypatch):
    run_cells(ip)
    ip.run_line_magic("faas", "push scoring -m first")
    ip.run_cell_magic("faas", "file helpers.py --package scoring", HELPER.replace("title", "upper"))
    ip.run_line_magic("faas", "push scoring -m second")
    monkeypatch.setenv("FAAS_WIDGETS", "1")  # as in a kernel with a widget front end
    shown = ip.run_line_magic("faas", "diff scoring 1.0.0 1.0.1")
    html = shown._repr_html_()
    assert "scoring 1.0.0 → 1.0.1" in html and "helpers.py" in html
    removed = next(line for line in html.split("<span") if "return s.strip().title()" in line)
    added = next(line for line in html.split("<span") if "return s.strip().upper()" in line)
    assert "--jp-error-color1" in removed and "--jp-success-color1" in added
    assert "+    return s.strip().upper()" in repr(shown)  # the plain-text form


def test_a_failure_traceback_names_the_cell_a_module_came_from(ip, monkeypatch):
    from faas_jupyter.widgets.detail import ExecutionDetail
    ip.run_cell_magic("faas", "module boom --package cells", (
        "from faas_jupyter import BaseServiceRunner\n\n\n"
        "class ServiceRunner(BaseServiceRunner):\n"
        "    def run(self, x: int):\n"
        "        raise ValueError(f'bad {x}')\n"))
    cell = f"In[{ip.execution_count}]"
    ip.run_line_magic("faas", "push cells -m one")
    svc = ip.faas.ws.packages.get("cells").deploy(service_name="cells-svc", module_name="boom")
    ex = svc.execute("run", {"x": 1}, wait=False).wait()
    assert re.search(r'File "main\.py", line 6, in run', ex.traceback), ex.traceback
    detail = ExecutionDetail(ip.faas.ws)
    detail.show(ex)
    assert f"(notebook cell {cell}, line 7)" in detail.html.value  # the %%faas line is line 1
