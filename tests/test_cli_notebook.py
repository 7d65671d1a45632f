"""`faas notebook` builds the same package as running the notebook's cells."""
import json
import subprocess
import sys
from pathlib import Path

import nbformat

from faas_jupyter.workspace import cells as working

RUNNER = ("from faas_jupyter import BaseServiceRunner\n\n"
          "class ServiceRunner(BaseServiceRunner):\n"
          "    def run(self, item, limit: int = 3) -> list:\n"
          "        return [item] * limit\n")


def _faas(home, *args):
    return subprocess.run([sys.executable, "-m", "faas_jupyter.cli", "--home", str(home), *args],
                          capture_output=True, text=True)


def test_faas_notebook_pushes_the_cells_package(tmp_path):
    path = tmp_path / "nb.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("%%faas module m --package demo\n" + RUNNER)]
    nbformat.write(nb, str(path))
    out = _faas(tmp_path / "home", "--json", "notebook", str(path), "--push", "-m", "ci")
    assert out.returncode == 0, out.stderr
    [built] = json.loads(out.stdout)
    assert built["pushed"] == "1.0.0"
    assert built["digest"] == working.packages_from_notebook(path)["demo"].codebase.digest
    shown = json.loads(_faas(tmp_path / "home", "--json", "show", "demo").stdout)
    assert shown["modules"][0]["functions"][0]["input"][0] == {"name": "item", "type": "Item"}


def test_faas_notebook_reports_a_bad_cell_with_exit_1(tmp_path):
    path = tmp_path / "bad.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("%%faas module m --package demo\nclass ServiceRunner:\n    pass\n")]
    nbformat.write(nb, str(path))
    out = _faas(tmp_path / "home", "notebook", str(path))
    assert out.returncode == 1
    assert "cell 1" in out.stderr and "BaseServiceRunner" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
