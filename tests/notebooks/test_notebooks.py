"""Every notebook in notebooks/ runs end to end in a real kernel (nbclient)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))


def _runner():
    """notebooks/run_notebook.py, the same runner `./dev quickstart` uses."""
    spec = importlib.util.spec_from_file_location("run_notebook", NOTEBOOK_DIR / "run_notebook.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no .ipynb"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path, tmp_path, monkeypatch):
    run_notebook = _runner()
    monkeypatch.setenv("FAAS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("FAAS_WIDGETS", "0")  # nbclient has no widget front end: text tables
    monkeypatch.setenv("FAAS_DEMO_CRON", "*/2 * * * * *")  # 04-triggers: its summary every 2 s, not every minute
    nb = run_notebook.run(path, timeout=600)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    text = "".join(run_notebook.text_of(o) for c in nb.cells for o in c.get("outputs", []))
    assert "Traceback" not in text
