"""Event triggers on one host: event-to-execution-start latency and sustained events/s,
beside the registry queue's own claim latency and rate measured in the same run.

    .venv/bin/python benchmarks/bench_triggers.py [--events 200] [--burst 500] [--db URL]
                                                  [--runtime kernel|process] [--poll 0.025]

This process deploys a service (its home) with an Event trigger on items (Created and
Updated, ``Always``). Latency, one at a time, the two paths interleaved (order alternating):

* ours: ``ws.items.log(...)`` writes the item and its outbox event in one transaction; the
  home's poll dispatches the event into a queued execution, claims it and starts it.
  Latency = the execution's ``started_at`` - the item's ``created_at``.
* raw: the queue alone: a queued execution of the same function with the same item input
  (``_queue.enqueue``, what another process's ``svc.execute`` writes); the home claims and
  starts it. Latency = ``started_at`` - ``created_at``.

Sustained rate: ``--burst`` events produced back to back (``item.update()`` of pre-logged
items, one transaction each) vs the same number of queued executions inserted at once (the
home's claim-and-start rate alone); rate = count / (last start - first write).
Target: p50 latency < 100 ms.
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from datetime import datetime

MAIN = b"class ServiceRunner:\n    def run(self, item):\n        return 1\n"
SPEC = {"name": "tbench", "modules": [{"name": "m", "entryPoint": "main.py", "className": "ServiceRunner",
        "functions": [{"name": "run", "input": [{"name": "item", "type": "Item"}],
                       "output": [{"name": "output", "type": "Integer"}]}]}]}
TARGET_MS = 100.0


def ts(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] * 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


class Bench:
    def __init__(self, ws, runtime: str) -> None:
        from faas_jupyter.workspace import _queue
        self.ws, self.queue = ws, _queue
        pkg = ws.packages.push(codebase={"main.py": MAIN, "package.json": json.dumps(SPEC).encode()},
                               package_name="tbench")
        self.svc = pkg.deploy(service_name="tb", runtime=runtime)  # this process is its home
        self.seed = ws.items.log(0, key="seed")
        self.svc.execute("run", {"item": self.seed.id})            # warm: start, imports, connections
        self.trigger = self.svc.triggers.create("run", actions=["Created", "Updated"], execution_mode="Always")
        self.dispatch: list[float] = []

    def started(self, execution_id: str, timeout: float = 60.0) -> dict:
        """Poll the row (2 ms) until it started; returns it."""
        from faas_jupyter.store import executions as exec_sql
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.ws.store.connect() as conn:
                row = exec_sql.get_execution(conn, execution_id)
            if row and row["started_at"]:
                return row
            time.sleep(0.002)
        raise SystemExit(f"execution {execution_id} did not start")

    def fired_for(self, item_id: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for ex in self.trigger.executions(limit=5):
                if ex.input.get("item") == item_id:
                    return ex.id
            time.sleep(0.002)
        raise SystemExit(f"no execution for item {item_id}")

    def ours(self, i: int) -> float:
        item = self.ws.items.log(i, key=f"e{i}")
        row = self.started(self.fired_for(item.id))
        self.dispatch.append(ts(row["created_at"]) - ts(item.created_at))  # event -> queued row
        return ts(row["started_at"]) - ts(item.created_at)

    def raw(self, i: int) -> float:
        state = self.queue.state_of(self.ws, self.svc.id, self.svc.name)
        row = self.queue.enqueue(self.ws, self.svc, state, "run", {"item": self.seed.id})
        done = self.started(row["id"])
        return ts(done["started_at"]) - ts(done["created_at"])

    def burst_ours(self, n: int) -> float:
        self.trigger.update(actions=["Created"])   # log the items without events
        items = [self.ws.items.log(i, key=f"b{i}") for i in range(n)]
        self.trigger.update(actions=["Updated"])
        first = time.time()
        for item in items:
            item.update()
        ids = set()
        while len(ids) < n:
            ids = {ex.id for ex in self.trigger.executions(limit=n) if ex.input.get("item") in {i.id for i in items}}
            time.sleep(0.01)
        last = max(ts(self.started(e)["started_at"]) for e in ids)
        return n / (last - first)

    def burst_raw(self, n: int) -> float:
        """The same number of queued rows (what enqueue writes), inserted in one transaction: the
        home's claim-and-start rate with no producer in the way."""
        from faas_jupyter.store import executions as exec_sql
        from faas_jupyter.workspace import _runtime_bridge as bridge
        rows = [bridge.new_row(self.ws, self.svc, "run", {"item": self.seed.id}, owner=None) for _ in range(n)]
        first = time.time()
        self.ws.store.write(lambda conn: exec_sql.insert_executions(conn, rows))
        last = max(ts(self.started(r["id"])["started_at"]) for r in rows)
        return n / (last - first)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--burst", type=int, default=500)
    parser.add_argument("--db", help="database URL (default: a SQLite file in a temp folder)")
    parser.add_argument("--runtime", default="kernel", choices=["kernel", "process"])
    parser.add_argument("--poll", type=float, default=0.025, help="FAAS_QUEUE_POLL_SECONDS of the home")
    args = parser.parse_args()
    os.environ["FAAS_QUEUE_POLL_SECONDS"] = str(args.poll)
    import faas_jupyter as faas
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or f"{tmp}/faas.db"
        ws = faas.workspace(db, artifacts=f"{tmp}/artifacts", user="bench", home=f"{tmp}/home")
        bench = Bench(ws, args.runtime)
        ours, raw = [], []
        for i in range(args.events):  # paired, the order alternating
            pair = (lambda: ours.append(bench.ours(i)), lambda: raw.append(bench.raw(i)))
            for run in (pair if i % 2 == 0 else pair[::-1]):
                run()
        ours_rate, raw_rate = bench.burst_ours(args.burst), bench.burst_raw(args.burst)
        bench_dispatch = bench.dispatch
        bench.svc.delete()
        ws.close()
    (op50, op99), (rp50, rp99) = percentiles(ours), percentiles(raw)
    backend = "PostgreSQL" if db.startswith("postgres") else "SQLite"
    print(f"{backend}, {args.runtime} service, {args.events} events one at a time, bursts of {args.burst}, "
          f"home polls every {args.poll * 1000:g} ms")
    print(f"event -> execution start (ours): p50 {op50:7.2f} ms   p99 {op99:7.2f} ms")
    print(f"queued -> execution start (raw): p50 {rp50:7.2f} ms   p99 {rp99:7.2f} ms")
    print(f"ratio ours / raw:                p50 {op50 / rp50:.2f}x   p99 {op99 / rp99:.2f}x")
    dp50, _ = percentiles(bench_dispatch)
    print(f"  of which event -> queued row (the dispatch): p50 {dp50:7.2f} ms")
    met = "met" if op50 < TARGET_MS else "NOT met"
    print(f"target: p50 < {TARGET_MS:g} ms: {met}")
    print(f"sustained: ours {ours_rate:7.1f} events/s   raw {raw_rate:7.1f} queued executions/s   "
          f"ratio {ours_rate / raw_rate:.2f}x")


if __name__ == "__main__":
    main()
