"""The sidebar's TypeScript unit tests (jest) and build, run from the Python suite."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

LABEXT = Path(__file__).resolve().parents[2] / "labextension"
VENV_BIN = Path(__file__).resolve().parents[2] / ".venv" / "bin"


def _jlpm(*args, timeout=600):
    env = dict(os.environ, PATH=f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}", CI="true")
    jlpm = shutil.which("jlpm", path=env["PATH"])
    if jlpm is None or not (LABEXT / "node_modules").is_dir():
        pytest.fail("labextension/node_modules is missing: run ./dev setup (jlpm install)")
    return subprocess.run([jlpm, *args], cwd=LABEXT, env=env, capture_output=True, text=True, timeout=timeout)


def test_jest_unit_tests_pass():
    out = _jlpm("test")
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-4000:]
    assert "failed" not in (out.stdout + out.stderr).split("Tests:")[-1].split("\n")[0]


def test_built_extension_is_in_the_python_package():
    built = LABEXT.parent / "faas_jupyter" / "labextension"
    assert (built / "package.json").exists() and (built / "static" / "style.js").exists()
