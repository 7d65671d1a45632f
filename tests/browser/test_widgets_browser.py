"""The RevisionBrowser and DeployPanel in real Chromium against a real, token-protected
``jupyter lab``; a click on Deploy creates the service (checked through the workspace API).

Driven by ``ui-tests/widgets.mjs`` through conftest's ``make_lab`` (skips or, with CI=true,
fails when chromium, node or ui-tests/node_modules is missing).
"""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

import faas_jupyter as faas

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "test-results" / "widgets"
CELLS = ["import faas_jupyter as faas\nfrom faas_jupyter.widgets import RevisionBrowser, DeployPanel\n"
         "ws = faas.workspace()\nRevisionBrowser(ws, 'shapes')",
         "DeployPanel(ws, 'shapes')"]


def _package(tmp_path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "main.py").write_text(
        "import faas_jupyter as faas\n\nclass ServiceRunner(faas.BaseServiceRunner):\n"
        "    def __init__(self, threshold: float = 0.5):\n        self.threshold = threshold\n\n"
        "    def run(self, x: int):\n        return x * self.threshold\n")
    with faas.workspace() as ws:
        ws.packages.push(src_path=str(src), package_name="shapes", message="first")
        (src / "main.py").write_text((src / "main.py").read_text() + "\n# second\n")
        ws.packages.push(src_path=str(src), package_name="shapes", message="second")


def test_revision_browser_and_deploy_panel_render_and_deploy(make_lab, tmp_path):
    lab = make_lab(extension=True)  # the codebase download link is served by the extension
    _package(tmp_path)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, lab.root / "widgets.ipynb")
    lab.start()
    lab.drive("widgets.mjs", "--out", str(RESULTS), "--notebook", "widgets.ipynb", "--service", "shapes",
              "--timeout", "90000", timeout=300)
    with faas.workspace() as ws:
        svc = ws.services.get("shapes")
        assert (svc.package, svc.revision, svc.module_name) == ("shapes", "1.0.1", "default_module")
        assert svc.init_input == {"threshold": 0.5}
