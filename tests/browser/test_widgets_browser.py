"""The RevisionBrowser and DeployPanel in real Chromium against a real, token-protected
``jupyter lab``; a click on Deploy creates the service (checked through the workspace API).

Driven by ``ui-tests/widgets.mjs`` (playwright-core + Debian's chromium, no browser
download). Locally it skips when chromium or ui-tests/node_modules is missing; with
CI=true it fails instead.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

import faas_jupyter as faas

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "ui-tests"
RESULTS = ROOT / "test-results" / "widgets"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CELLS = ["import faas_jupyter as faas\nfrom faas_jupyter.widgets import RevisionBrowser, DeployPanel\n"
         "ws = faas.workspace()\nRevisionBrowser(ws, 'shapes')",
         "DeployPanel(ws, 'shapes')"]


def _need(ok: bool, what: str) -> None:
    if ok:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {what}")
    pytest.skip(what)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(url: str, token: str, proc, deadline: float) -> None:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with status {proc.returncode}")
        try:
            req = urllib.request.Request(f"{url}/api/status", headers={"Authorization": f"token {token}"})
            with urllib.request.urlopen(req, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("jupyter lab did not answer /api/status in time")


@pytest.fixture
def lab(tmp_path, tmp_home):
    """A jupyter lab on a free port with a token, notebooks in tmp, FAAS_HOME in tmp."""
    _need(Path(CHROMIUM).exists(), f"no chromium at {CHROMIUM} (apt-get install -y chromium)")
    _need((UI / "node_modules" / "playwright-core").is_dir(),
          "ui-tests/node_modules lacks playwright-core (cd ui-tests && npm ci)")
    _need(shutil.which("node") is not None, "node is not installed")
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    token, port = secrets.token_hex(16), _free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "jcfg"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "jrt"), "JUPYTER_DATA_DIR": str(tmp_path / "jdata")}
    log = open(tmp_path / "lab.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
         f"--port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={notebooks}"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, token, proc, time.monotonic() + 90)
        yield {"url": url, "token": token, "root": notebooks, "log": tmp_path / "lab.log"}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


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


def test_revision_browser_and_deploy_panel_render_and_deploy(lab, tmp_path):
    _package(tmp_path)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, lab["root"] / "widgets.ipynb")
    proc = subprocess.run(
        ["node", str(UI / "widgets.mjs"), "--url", lab["url"], "--token", lab["token"],
         "--out", str(RESULTS), "--notebook", "widgets.ipynb", "--service", "shapes",
         "--timeout", "90000"],
        cwd=UI, capture_output=True, text=True, timeout=300)
    lines = proc.stdout.strip().splitlines()
    assert lines, f"no result from widgets.mjs; stderr:\n{proc.stderr}\nlab log:\n{lab['log'].read_text()[-3000:]}"
    result = json.loads(lines[-1])
    failed = [c for c in result["checks"] if not c["passed"]]
    assert result["ok"], f"error={result['error']}\nfailed={failed}\nconsole={result['console'][-20:]}"
    with faas.workspace() as ws:
        svc = ws.services.get("shapes")
        assert (svc.package, svc.revision, svc.module_name) == ("shapes", "1.0.1", "default_module")
        assert svc.init_input == {"threshold": 0.5}
