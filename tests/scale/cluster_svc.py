"""The service the scale-out tests deploy onto a real Dask cluster (a pushed package)."""
from __future__ import annotations

import json

MAIN = '''
import os, sys, time
import pandas as pd
from faas_jupyter import BaseServiceRunner


class ServiceRunner(BaseServiceRunner):
    def __init__(self, scale: int = 1):
        self.scale = scale

    def add(self, x: int) -> int:
        return x * self.scale

    def pid(self) -> int:
        return os.getpid()

    def slow(self, x: int, seconds: float = 1.0) -> int:
        print(f"begin {x}", flush=True)
        time.sleep(seconds)
        print(f"end {x}")
        return os.getpid()

    def span(self, seconds: float = 0.4) -> list:
        start = time.time()
        time.sleep(seconds)
        return [start, time.time()]

    def frame(self, n: int) -> pd.DataFrame:
        return pd.DataFrame({"a": list(range(n))})

    def rows(self, table: pd.DataFrame) -> int:
        return int(len(table))

    def block(self, x: int, marker: str) -> int:
        """Says where it runs, then waits for ``marker`` to exist (the test decides when it ends)."""
        print(f"begin {x} pid {os.getpid()}", flush=True)
        for _ in range(12000):
            if os.path.exists(marker):
                break
            time.sleep(0.01)
        print(f"end {x}")
        return os.getpid()

    def spin(self, marker: str) -> str:
        """Runs until terminated (at kill_event), then leaves ``marker`` behind."""
        print(f"spinning pid {os.getpid()}", flush=True)
        try:
            for _ in range(6000):
                self.kill_event()
                time.sleep(0.01)
        except InterruptedError:
            open(marker, "w").write("stopped")
            raise
        return "never stopped"

    def copy_of(self, item: str) -> list:
        """The local path the item arrived at, and whether it exists while running."""
        return [item, os.path.exists(item)]
'''

I, S, F = "Integer", "String", "Float"
FUNCTIONS = {
    "add": ([("x", I)], [("output", I)]), "pid": ([], [("output", I)]),
    "slow": ([("x", I), ("seconds", F, 1.0)], [("output", I)]), "span": ([("seconds", F, 0.4)], [("output", "Json")]),
    "frame": ([("n", I)], [("output", "Item")]), "rows": ([("table", "Item")], [("output", I)]),
    "copy_of": ([("item", "Item")], [("output", "Json")]),
    "block": ([("x", I), ("marker", S)], [("output", I)]),
    "spin": ([("marker", S)], [("output", S)]),
}


def _io(spec):
    d = {"name": spec[0], "type": spec[1]}
    if len(spec) > 2:
        d["defaultValue"] = spec[2]
    return d


def package_json(name: str, requirements: list | None = None) -> dict:
    functions = [{"name": n, "input": [_io(i) for i in ins], "output": [_io(o) for o in outs]}
                 for n, (ins, outs) in FUNCTIONS.items()]
    d = {"name": name, "modules": [{"name": "default_module", "entryPoint": "main.py",
                                    "className": "ServiceRunner",
                                    "initInputs": [{"name": "scale", "type": I, "defaultValue": 1}],
                                    "functions": functions}]}
    if requirements:
        d["requirements"] = requirements
    return d


def push(ws, name: str = "scalepkg", requirements: list | None = None):
    files = {"main.py": MAIN.encode(), "package.json": json.dumps(package_json(name, requirements)).encode()}
    return ws.packages.push(codebase=files, package_name=name)


def pushed_workspace(tmp_path, **options):
    """A workspace under ``tmp_path`` with ``scalepkg`` pushed, for a fixture to ``yield from``:
    its services are stopped and it is closed after the test."""
    from faas_jupyter.workspace import _runtime_bridge as bridge, workspace
    ws = workspace(str(tmp_path / "faas.db"), user="tester", home=str(tmp_path / "home"), **options)
    push(ws)
    yield ws
    for svc in ws.services.list():
        bridge.stop(svc.id)
    ws.close()


def statuses(ex) -> list[str]:
    return [e["status"] for e in ex.status_log if e["progress"] is None]
