"""Kill -9 writers mid-``ws.items.log`` and count the temporary files left after reopening.

    .venv/bin/python benchmarks/bench_kill_parts.py [--kills 20]

Each writer logs a 32 MB array as csv in a loop and is killed (SIGKILL) once its part
file exists, at a random moment of the write. Prints the part files the kills orphaned
(each next writer's open removes the one before) and how many remain after
``faas.workspace(...)`` opens the workspace again.
"""
from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WRITER = """
import sys, numpy as np, faas_jupyter as faas
ws = faas.workspace(sys.argv[1], artifacts=sys.argv[2], user="bench")
arr = np.random.default_rng(0).random(4_000_000)
print("ready", flush=True)
while True:
    ws.items.log(arr, key="big", file_format="csv")
"""


def parts(root: Path) -> list[Path]:
    return [p for p in root.rglob("*.part") if p.is_file()]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kills", type=int, default=20)
    args = ap.parse_args()
    import faas_jupyter as faas
    with tempfile.TemporaryDirectory() as tmp:
        db, root = f"sqlite:///{tmp}/faas.db", Path(tmp) / "artifacts"
        faas.workspace(db, artifacts=str(root), user="bench").close()
        orphaned = 0
        for _ in range(args.kills):
            proc = subprocess.Popen([sys.executable, "-c", WRITER, db, str(root)], stdout=subprocess.PIPE, text=True)
            proc.stdout.readline()
            while not parts(root):
                time.sleep(0.01)
            time.sleep(random.uniform(0, 0.3))
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            orphaned += len(parts(root))  # the next writer's open removes this one already
        left = len(parts(root))
        t = time.perf_counter()
        faas.workspace(db, artifacts=str(root), user="bench").close()
        took = time.perf_counter() - t
        print(f"{args.kills} kill -9 during ws.items.log: {orphaned} part files orphaned by the kills, "
              f"{left} present before the last reopen; after reopening: {len(parts(root))} "
              f"(open took {took * 1e3:.0f} ms)")


if __name__ == "__main__":
    main()
