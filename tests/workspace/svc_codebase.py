"""The service codebase the services/executions tests deploy (a real package, pushed)."""
from __future__ import annotations

import json

MAIN = '''
import ctypes, logging, os, sys, time
import pandas as pd
import numpy as np
import helper
from faas_jupyter import BaseServiceRunner

log = logging.getLogger("svc")


class ServiceRunner(BaseServiceRunner):
    def __init__(self, scale: int = 1):
        self.scale = scale

    def add(self, x: int, y: int = 10):
        return (x + y) * self.scale

    def version(self):
        return helper.VERSION

    def talk(self, tag: str, n: int, progress, context):
        for i in range(n):
            print(f"{tag} out {i}")
            print(f"{tag} err {i}", file=sys.stderr)
            log.warning("%s log %d", tag, i)
            progress.update(progress=int(100 * (i + 1) / n), message=f"{tag} {i}")
            time.sleep(0.001)
        return context.execution_id

    def frame(self, n: int) -> pd.DataFrame:
        return pd.DataFrame({"a": list(range(n)), "b": [float(i) / 2 for i in range(n)]})

    def rows(self, table: pd.DataFrame) -> int:
        return int(len(table)) if isinstance(table, pd.DataFrame) else -1

    def both(self, n: int):
        return pd.DataFrame({"x": list(range(n))}), np.arange(n) * 2

    def unpicklable(self):
        return lambda: 1

    def boom(self):
        raise ValueError("bad thing")

    def leave(self):
        sys.exit(3)

    def segfault(self):
        ctypes.string_at(0)

    def hang(self, seconds: float = 600):
        time.sleep(seconds)

    def loop(self):
        while True:
            self.kill_event()
            time.sleep(0.005)

    def flaky(self, marker: str):
        if not os.path.exists(marker):
            open(marker, "w").close()
            raise RuntimeError("first attempt fails")
        return "ok"

    def stall_once(self, marker: str):
        """Stalls (until its parent process goes away) the first time, returns 'ok' after."""
        if os.path.exists(marker):
            return "ok"
        open(marker, "w").close()
        parent = os.getppid()
        for _ in range(6000):
            if os.getppid() != parent:
                os._exit(0)
            time.sleep(0.01)
'''

I, S, F = "Integer", "String", "Float"
FUNCTIONS = {
    "add": ([("x", I), ("y", I, 10)], [("output", I)]), "version": ([], [("output", S)]),
    "talk": ([("tag", S), ("n", I)], [("output", S)]), "frame": ([("n", I)], [("output", "Item")]),
    "rows": ([("table", "Item")], [("output", I)]), "both": ([("n", I)], []),
    "unpicklable": ([], []), "boom": ([], []), "leave": ([], []), "segfault": ([], []),
    "hang": ([("seconds", F, 600)], []), "loop": ([], []), "flaky": ([("marker", S)], [("output", S)]),
    "stall_once": ([("marker", S)], [("output", S)]),
}


def _io(spec):
    d = {"name": spec[0], "type": spec[1]}
    if len(spec) > 2:
        d["defaultValue"] = spec[2]
    return d


def package_json(name: str = "svcpkg") -> dict:
    functions = [{"name": n, "input": [_io(i) for i in ins], "output": [_io(o) for o in outs]}
                 for n, (ins, outs) in FUNCTIONS.items()]
    return {"name": name, "modules": [{"name": "default_module", "entryPoint": "main.py",
                                       "className": "ServiceRunner",
                                       "initInputs": [{"name": "scale", "type": I, "defaultValue": 1}],
                                       "functions": functions}]}


def files(version: str = "1", name: str = "svcpkg") -> dict[str, bytes]:
    return {"main.py": MAIN.encode(), "helper.py": f"VERSION = {version!r}\n".encode(),
            "package.json": json.dumps(package_json(name)).encode()}


def statuses(ex) -> list[str]:
    """An execution's status changes (progress updates left out)."""
    return [e["status"] for e in ex.status_log if e["progress"] is None]


def push(ws, version: str = "1", name: str = "svcpkg"):
    return ws.packages.push(codebase=files(version, name), package_name=name)
