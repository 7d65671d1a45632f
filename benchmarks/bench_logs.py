"""Log capture cost and the stored log's size (a real SQLite workspace, kernel runtime).

    .venv/bin/python benchmarks/bench_logs.py [--mb-cr 8] [--mb-prints 100] [--runtime kernel|process]

1. ``--mb-cr`` MB written as 80-character carriage-return frames (a progress bar, no
   newline at all): time inside the function with capture, against the same writes to
   an in-memory sink (no capture), and the stored size.
2. ``--mb-prints`` MB of ``print()`` lines: stored log size against the cap
   (``FAAS_MAX_LOG_MB``, default 10), database growth, and the time to read the log back.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import tempfile
import time
from pathlib import Path

MAIN = '''
import sys, time
from faas_jupyter import BaseServiceRunner


class ServiceRunner(BaseServiceRunner):
    def bar(self, mb: float):
        frame = "\\r" + "#" * 79
        t = time.perf_counter()
        for _ in range(int(mb * 1_000_000 / 80)):
            sys.stderr.write(frame)
        return time.perf_counter() - t

    def prints(self, mb: float):
        t = time.perf_counter()
        for i in range(int(mb * 1_000_000 / 100)):
            print(f"{i:>10} " + "y" * 88)
        return time.perf_counter() - t
'''
F = lambda name: {"name": name, "input": [{"name": "mb", "type": "Float"}],  # noqa: E731
                  "output": [{"name": "output", "type": "Float"}]}
PACKAGE = {"name": "logbench", "modules": [{"name": "m", "functions": [F("bar"), F("prints")]}]}


def baseline(mb: float) -> float:
    sink, frame = io.StringIO(), "\r" + "#" * 79
    t = time.perf_counter()
    for _ in range(int(mb * 1_000_000 / 80)):
        sink.write(frame)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb-cr", type=float, default=8)
    ap.add_argument("--mb-prints", type=float, default=100)
    ap.add_argument("--runtime", default="kernel", choices=("kernel", "process"))
    args = ap.parse_args()
    import faas_jupyter as faas
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "faas.db"
        ws = faas.workspace(f"sqlite:///{db}", artifacts=f"{tmp}/artifacts", user="bench")
        pkg = ws.packages.push(codebase={"main.py": MAIN.encode(),
                                         "package.json": json.dumps(PACKAGE).encode()}, package_name="logbench")
        svc = pkg.deploy(service_name="logbench", runtime=args.runtime)
        print(f"runtime {args.runtime}")
        t = time.perf_counter()
        ex = svc.execute("bar", {"mb": args.mb_cr})
        total = time.perf_counter() - t
        stored = len(ws.executions.get(ex.id).logs())
        base = baseline(args.mb_cr)
        print(f"{args.mb_cr:g} MB of \\r frames, no newline: {ex.output:.3f} s in the function "
              f"({total:.3f} s execute incl. recording) vs {base:.3f} s to a StringIO "
              f"(x{ex.output / base:.1f}); stored {stored:,} chars")
        size0 = db.stat().st_size + _wal(db)
        ex = svc.execute("prints", {"mb": args.mb_prints})
        t = time.perf_counter()
        logs = ws.executions.get(ex.id).logs()
        read = time.perf_counter() - t
        grown = db.stat().st_size + _wal(db) - size0
        cap = int(float(os.environ.get("FAAS_MAX_LOG_MB", 10)) * 1_000_000)
        print(f"{args.mb_prints:g} MB of prints: {ex.output:.2f} s in the function; stored log "
              f"{len(logs):,} chars (cap {cap:,}, within: {len(logs) <= cap}); database grew "
              f"{grown / 1e6:.1f} MB; read back in {read:.3f} s")
        svc.delete()
        ws.close()


def _wal(db: Path) -> int:
    wal = db.with_name(db.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


if __name__ == "__main__":
    main()
