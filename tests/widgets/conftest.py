"""A real workspace (tmp SQLite) with a pushed package whose inputs cover the field types."""
from __future__ import annotations

import textwrap

import pytest

MAIN = textwrap.dedent('''
    import faas_jupyter as faas

    class ServiceRunner(faas.BaseServiceRunner):
        def __init__(self, threshold: float = 0.5, retries: int = 2, verbose: bool = False,
                     config: dict = None, label: str = "x"):
            self.threshold = threshold

        def run(self, x: int, scale: float = 1.0, tags: list = None, name: str = "a"):
            print("running", x)
            return x * scale * self.threshold

        def fail(self, message: str):
            raise ValueError(message)

        def frame(self, n: int):
            import pandas as pd
            return pd.DataFrame({"i": list(range(n)), "sq": [i * i for i in range(n)]})

        def sleepy(self, seconds: float):
            import time
            time.sleep(seconds)
            return seconds

        def ticker(self, n: int):
            import time
            for i in range(n):
                self.kill_event()  # a terminated run stops here (a kernel thread cannot be killed)
                print("tick", i, flush=True)
                time.sleep(0.1)
''')


@pytest.fixture
def ws(tmp_home, tmp_path):
    """SQLite is enough here: the widgets only talk to the workspace API."""
    import faas_jupyter as faas

    w = faas.workspace(str(tmp_path / "db" / "faas.db"), artifacts=str(tmp_path / "artifacts"),
                       user="tester")
    yield w
    w.close()


@pytest.fixture
def src(tmp_path):
    d = tmp_path / "src"
    d.mkdir()
    (d / "main.py").write_text(MAIN)
    return d


@pytest.fixture
def pkg(ws, src):
    """Package 'shapes' with revisions 1.0.0 and 1.0.1 (main.py changed, utils.py added)."""
    ws.packages.push(src_path=str(src), package_name="shapes", message="first")
    (src / "main.py").write_text(MAIN + "\n# tuned\n")
    (src / "utils.py").write_text("HELP = 1\n")
    return ws.packages.push(src_path=str(src), package_name="shapes", message="second")


@pytest.fixture(autouse=True)
def _widgets_on(monkeypatch):
    monkeypatch.delenv("FAAS_WIDGETS", raising=False)
