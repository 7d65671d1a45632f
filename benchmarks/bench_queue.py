"""Cross-process execute latency through the registry queue, beside an in-process execute.

    .venv/bin/python benchmarks/bench_queue.py [--calls 300] [--db URL] [--poll 0.025]

This process deploys a kernel service and is its home. First it times ``svc.execute``
here (the in-process path: one read of the service row, the call, one write). Then a
second OS process on the same registry times ``svc.execute`` of the same service: its
execution is a queued ``created`` row that this process (the home) claims within
``FAAS_QUEUE_POLL_SECONDS`` (``--poll``), runs and records, while the submitter polls
the row until it is final. Prints p50/p99 of both and their ratio. SQLite file by
default; ``--db postgresql+psycopg://...`` for PostgreSQL (SKIP LOCKED claims).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time

MAIN = b"class ServiceRunner:\n    def add(self, x: int):\n        return x + 1\n"
SPEC = {"name": "qbench", "modules": [{"name": "m", "entryPoint": "main.py", "className": "ServiceRunner",
        "functions": [{"name": "add", "input": [{"name": "x", "type": "Integer"}],
                       "output": [{"name": "output", "type": "Integer"}]}]}]}

SUBMITTER = textwrap.dedent("""
    import json, sys, time
    import faas_jupyter as faas
    ws = faas.workspace(sys.argv[1], artifacts=sys.argv[2], user="bench", home=sys.argv[3])
    svc = ws.services.get("q")
    svc.execute("add", {"x": -1})  # warm: imports, connections, the first claim
    times = []
    for i in range(int(sys.argv[4])):
        t = time.perf_counter()
        ex = svc.execute("add", {"x": i})
        times.append(time.perf_counter() - t)
        assert ex.output == i + 1, ex
    print(json.dumps(times))
""")


def percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return ordered[len(ordered) // 2] * 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--db", help="database URL (default: a SQLite file in a temp folder)")
    parser.add_argument("--poll", type=float, default=0.025, help="FAAS_QUEUE_POLL_SECONDS of the home")
    args = parser.parse_args()
    os.environ["FAAS_QUEUE_POLL_SECONDS"] = str(args.poll)
    import faas_jupyter as faas
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or f"{tmp}/faas.db"
        art, home = f"{tmp}/artifacts", f"{tmp}/home"
        ws = faas.workspace(db, artifacts=art, user="bench", home=home)
        pkg = ws.packages.push(codebase={"main.py": MAIN, "package.json": json.dumps(SPEC).encode()},
                               package_name="qbench")
        svc = pkg.deploy(service_name="q")  # this process is its home
        svc.execute("add", {"x": 0})
        local = []
        for i in range(args.calls):
            t = time.perf_counter()
            svc.execute("add", {"x": i})
            local.append(time.perf_counter() - t)
        out = subprocess.run([sys.executable, "-c", SUBMITTER, db, art, home, str(args.calls)],
                             capture_output=True, text=True, timeout=600)
        if out.returncode:
            raise SystemExit(out.stderr)
        remote = json.loads(out.stdout.strip().splitlines()[-1])
        svc.delete()
        ws.close()
    (lp50, lp99), (rp50, rp99) = percentiles(local), percentiles(remote)
    backend = "PostgreSQL" if db.startswith("postgres") else "SQLite"
    print(f"{backend}, {args.calls} calls, home polls every {args.poll * 1000:g} ms")
    print(f"in-process execute:              p50 {lp50:7.2f} ms   p99 {lp99:7.2f} ms")
    print(f"cross-process execute via queue: p50 {rp50:7.2f} ms   p99 {rp99:7.2f} ms")
    print(f"ratio cross-process / in-process: p50 {rp50 / lp50:.1f}x   p99 {rp99 / lp99:.1f}x")


if __name__ == "__main__":
    main()
