"""Shared by the browser tests: a real, token-protected ``jupyter-lab`` and the node drivers
in ``ui-tests/`` (playwright-core + Debian's chromium, no browser download).

Locally a test skips when chromium, node or ui-tests/node_modules is missing; with
CI=true it fails instead. (Test modules use these through the ``make_lab`` fixture:
pytest runs with --import-mode=importlib, so they cannot import a helper module.)
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

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "ui-tests"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
BUILT = ROOT / "faas_jupyter" / "labextension"
JUPYTER_LAB = Path(sys.executable).with_name("jupyter-lab")


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
    """``jupyter-lab`` started directly (its pid is the server: killing it stops it).

    With ``extension=True`` the faas_jupyter server extension and the built labextension
    are enabled in the lab's own config/data dirs, and readiness is ``/faas/api/whoami``.
    """

    def __init__(self, tmp_path: Path, extension: bool):
        self.tmp, self.token, self.proc, self.url = tmp_path, secrets.token_hex(16), None, ""
        self.root = tmp_path / "notebooks"
        self.log = tmp_path / "lab.log"
        self.ready_path = "/faas/api/whoami" if extension else "/api/status"
        self.env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "jcfg"),
                    "JUPYTER_RUNTIME_DIR": str(tmp_path / "jrt"), "JUPYTER_DATA_DIR": str(tmp_path / "jdata")}
        self.root.mkdir(exist_ok=True)
        if extension:
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
        with open(self.log, "ab") as log:  # the child keeps its own descriptor
            self.proc = subprocess.Popen(
                [str(JUPYTER_LAB), "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}",
                 "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
                 f"--ServerApp.root_dir={self.root}", "--LabApp.news_url=None"],
                env=self.env, stdout=log, stderr=subprocess.STDOUT)
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter-lab exited ({self.proc.returncode}); see {self.log}")
            try:
                req = urllib.request.Request(f"{self.url}{self.ready_path}",
                                             headers={"Authorization": f"token {self.token}"})
                with urllib.request.urlopen(req, timeout=2):
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"jupyter-lab did not answer {self.ready_path} in time; see {self.log}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # a clean shutdown: the extension stops its workers
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def drive(self, script: str, *args: str, timeout: float) -> dict:
        """Run ``ui-tests/<script>`` against this lab; its last stdout line is the JSON result,
        which must be ``ok`` (the failed checks, console and lab.log tail say why not)."""
        out = subprocess.run(["node", str(UI / script), "--url", self.url, "--token", self.token, *args],
                             capture_output=True, text=True, timeout=timeout, cwd=UI)
        lines = out.stdout.strip().splitlines()
        assert lines, f"{script} printed nothing: {out.stderr[-2000:]}\nlab.log tail: {self._log_tail()}"
        result = json.loads(lines[-1])
        failed = [c for c in result["checks"] if not c["passed"]]
        assert result["ok"], (f"{script} {' '.join(args)}: error={result['error']} failed={failed} "
                              f"console={result['console'][-20:]}\nlab.log tail: {self._log_tail()}")
        return result

    def _log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else "(no lab.log)"


@pytest.fixture
def make_lab(tmp_path, tmp_home):
    """``make_lab(extension=...)``: a Lab (not started yet; stopped after the test), FAAS_HOME in tmp.

    Skips (fails with CI=true) when chromium, node, playwright-core or jupyter-lab is missing,
    or, with the extension, when the labextension is not built.
    """
    _need(Path(CHROMIUM).exists(), f"no chromium at {CHROMIUM} (apt-get install -y chromium)")
    _need((UI / "node_modules" / "playwright-core").is_dir(),
          "ui-tests/node_modules lacks playwright-core (cd ui-tests && npm ci)")
    _need(shutil.which("node") is not None, "node is not installed")
    _need(JUPYTER_LAB.exists(), f"no {JUPYTER_LAB}")
    labs: list[Lab] = []

    def make(extension: bool) -> Lab:
        if extension:
            _need((BUILT / "static" / "style.js").exists(), "the labextension is not built (./dev setup)")
        labs.append(Lab(tmp_path, extension))
        return labs[-1]

    yield make
    for lab in labs:
        lab.stop()
