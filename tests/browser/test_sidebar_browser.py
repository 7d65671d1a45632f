"""The JupyterLab sidebar in real Chromium against a real, token-protected ``jupyter-lab``
with the faas_jupyter server extension: a package pushed from Python is listed, deployed
from the sidebar (process runtime, hosted by the server), executed with logs and a
DataFrame preview; after the server restarts on the same store the service is back and
runs again. Screenshots go to test-results/sidebar/ (the best one to docs/sidebar.png).

Driven by ``ui-tests/flow.mjs`` (playwright-core + Debian's chromium). Locally it skips
when chromium, node or ui-tests/node_modules is missing; with CI=true it fails instead.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "ui-tests"
RESULTS = ROOT / "test-results" / "sidebar"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
BUILT = ROOT / "faas_jupyter" / "labextension"
JUPYTER_LAB = Path(sys.executable).with_name("jupyter-lab")
CODE = '''
import logging
import pandas as pd
from faas_jupyter import BaseServiceRunner


class ServiceRunner(BaseServiceRunner):
    def table(self, n: int) -> pd.DataFrame:
        logging.getLogger("shapes").warning("making %d rows", n)
        return pd.DataFrame({"a": list(range(n)), "b": [i * 1.5 for i in range(n)]})
'''


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


class Lab:
    """``jupyter-lab`` started directly (its pid is the server: killing it stops it)."""

    def __init__(self, tmp_path: Path):
        self.tmp, self.token, self.proc, self.url = tmp_path, secrets.token_hex(16), None, ""
        self.env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "jcfg"),
                    "JUPYTER_RUNTIME_DIR": str(tmp_path / "jrt"), "JUPYTER_DATA_DIR": str(tmp_path / "jdata")}
        (tmp_path / "notebooks").mkdir(exist_ok=True)
        # the config file the wheel installs, whether or not this venv has it under etc/
        conf_d = tmp_path / "jcfg" / "jupyter_server_config.d"
        conf_d.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "jupyter-config" / "server-config" / "faas_jupyter.json", conf_d)
        # and the built labextension, as `jupyter labextension develop` links it
        (tmp_path / "jdata" / "labextensions").mkdir(parents=True, exist_ok=True)
        (tmp_path / "jdata" / "labextensions" / "faas-jupyter").symlink_to(BUILT)

    def start(self, deadline: float = 90) -> None:
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        log = open(self.tmp / "lab.log", "ab")
        self.proc = subprocess.Popen(
            [str(JUPYTER_LAB), "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}",
             "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
             f"--ServerApp.root_dir={self.tmp / 'notebooks'}", "--LabApp.news_url=None"],
            env=self.env, stdout=log, stderr=subprocess.STDOUT)
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter-lab exited ({self.proc.returncode}); see {self.tmp / 'lab.log'}")
            try:
                req = urllib.request.Request(f"{self.url}/faas/api/whoami",
                                             headers={"Authorization": f"token {self.token}"})
                with urllib.request.urlopen(req, timeout=2):
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("jupyter-lab did not answer /faas/api/whoami in time")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # a clean shutdown: the extension stops its workers
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def flow(self, phase: str) -> dict:
        out = subprocess.run(
            ["node", str(UI / "flow.mjs"), "--url", self.url, "--token", self.token, "--out", str(RESULTS),
             "--phase", phase, "--timeout", "45000"],
            capture_output=True, text=True, timeout=150, cwd=UI)
        lines = out.stdout.strip().splitlines()
        assert lines, f"flow.mjs printed nothing: {out.stderr[-2000:]}"
        result = json.loads(lines[-1])
        failed = [c for c in result["checks"] if not c["passed"]]
        assert result["ok"], (f"phase {phase}: error={result['error']} failed={failed} "
                              f"console={result['console'][-10:]}\nlab.log tail: "
                              f"{(self.tmp / 'lab.log').read_text(errors='replace')[-3000:]}")
        return result


@pytest.fixture
def lab(tmp_path, tmp_home):
    _need(Path(CHROMIUM).exists(), f"no chromium at {CHROMIUM} (apt-get install -y chromium)")
    _need((UI / "node_modules" / "playwright-core").is_dir(),
          "ui-tests/node_modules lacks playwright-core (cd ui-tests && npm ci)")
    _need(shutil.which("node") is not None, "node is not installed")
    _need(JUPYTER_LAB.exists(), f"no {JUPYTER_LAB}")
    _need((BUILT / "static" / "style.js").exists(), "the labextension is not built (./dev setup)")
    lab = Lab(tmp_path)
    yield lab
    lab.stop()


def _push(tmp_path: Path) -> None:
    from faas_jupyter.workspace import workspace
    src = tmp_path / "shapes"
    src.mkdir()
    (src / "main.py").write_text(CODE)
    ws = workspace()
    ws.packages.push(src, package_name="shapes", message="a table")
    (src / "README.md").write_text("shapes\n")
    ws.packages.push(src, package_name="shapes", message="readme")  # 1.0.1: the service is 1 behind
    ws.close()


def test_sidebar_deploys_executes_and_the_service_survives_a_restart(lab, tmp_path):
    shutil.rmtree(RESULTS, ignore_errors=True)
    _push(tmp_path)
    lab.start()
    first = lab.flow("deploy")
    service = next(s for s in first["state"]["services"] if s["name"] == "tablesvc")
    assert service["drift"] == "1 behind"
    assert "shape 3 × 2" in first["previews"][0]

    lab.stop()
    lab.start()  # the same FAAS_HOME store: the extension starts the stored service again
    again = lab.flow("restarted")
    assert [e["status"] for e in again["state"]["executions"]] == ["success", "success"]

    from faas_jupyter.workspace import workspace
    ws = workspace()
    done = ws.executions.list(service="tablesvc")
    assert [(e.status.value, e.creator) for e in done] == [("success", "tester")] * 2
    best = RESULTS / "sidebar-deploy.png"
    assert best.stat().st_size > 10_000
    shutil.copyfile(best, ROOT / "docs" / "sidebar.png")
