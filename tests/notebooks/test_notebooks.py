"""Every notebook in notebooks/ runs end to end in a real kernel (nbclient)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))
sys.path.insert(0, str(NOTEBOOKS[0].parent)) if NOTEBOOKS else None


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no .ipynb"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path, tmp_path, monkeypatch):
    import run_notebook

    monkeypatch.setenv("FAAS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("FAAS_WIDGETS", "0")  # nbclient has no widget front end: text tables
    nb = run_notebook.run(path, timeout=600)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    text = "".join(run_notebook.text_of(o) for c in nb.cells for o in c.get("outputs", []))
    assert "Traceback" not in text
