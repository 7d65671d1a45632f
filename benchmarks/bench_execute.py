"""Execution overheads of the runner, each beside a baseline from the same run.

    .venv/bin/python benchmarks/bench_execute.py [--calls 5000] [--map 10000]

Runner level (statuses recorded in memory): kernel runtime per execution against a
plain method call; process runtime warm round trip against a raw Pipe round trip;
process cold start; threaded kernel throughput over many trivial inputs.

Full durable path (a real workspace on SQLite: ``svc.execute`` writes the execution,
its status log and logs to the store before returning): kernel trivial execution
against a plain method call (median; aim < 0.5 ms overhead), process warm round trip,
process deploy (cold start), ``svc.map`` throughput over ``--map`` inputs.
"""
from __future__ import annotations

import argparse
import multiprocessing
import statistics
import tempfile
import time

from faas_jupyter.model.package import FunctionIO, PackageFunction, PackageModule
from faas_jupyter.runner.runtimes.base import ServiceConfig
from faas_jupyter.runner.runtimes.kernel import KernelRuntime
from faas_jupyter.runner.runtimes.process import ProcessRuntime
from faas_jupyter.runner.supervisor import MemoryRecorder, Supervisor

MAIN = b"class ServiceRunner:\n    def add(self, x: int):\n        return x + 1\n"


def config(tmp: str, concurrency: int = 1) -> ServiceConfig:
    module = PackageModule(functions=[PackageFunction("add", input=[FunctionIO("x", "Integer")])])
    return ServiceConfig("bench", module, {"main.py": MAIN}, cache_dir=tmp, concurrency=concurrency)


def median_us(fn, n: int) -> float:
    times = []
    for i in range(n):
        t = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e6


def _echo(conn) -> None:
    while (msg := conn.recv()) is not None:
        conn.send(msg)


def pipe_round_trip_us(n: int) -> float:
    parent, child = multiprocessing.get_context("spawn").Pipe()
    proc = multiprocessing.get_context("spawn").Process(target=_echo, args=(child,))
    proc.start()
    result = median_us(lambda i: (parent.send(("call", i)), parent.recv()), n)
    parent.send(None)
    proc.join()
    return result


def durable(args, tmp: str) -> None:
    import faas_jupyter as faas
    ws = faas.workspace(f"{tmp}/faas.db", artifacts=f"{tmp}/artifacts", user="bench", home=f"{tmp}/home")
    spec = {"name": "bench", "modules": [{"name": "m", "entryPoint": "main.py", "className": "ServiceRunner",
            "functions": [{"name": "add", "input": [{"name": "x", "type": "Integer"}],
                           "output": [{"name": "output", "type": "Integer"}]}]}]}
    import json
    pkg = ws.packages.push(codebase={"main.py": MAIN, "package.json": json.dumps(spec).encode()},
                           package_name="bench")
    svc = pkg.deploy(service_name="k", concurrency=4)
    instance = svc._running().runtime.host.invoker.instance
    svc.execute("add", {"x": 0})
    plain = median_us(lambda i: instance.add(x=i), args.calls)
    record = median_us(lambda i: svc.execute("add", {"x": i}), args.calls)
    print(f"durable kernel execution: {record:8.1f} us   plain call {plain:.2f} us   "
          f"overhead {record - plain:.1f} us (aim < 500)")
    t = time.perf_counter()
    exs = svc.map("add", [{"x": i} for i in range(args.map)], progress=False)
    took = time.perf_counter() - t
    assert [e.output for e in exs[:3]] == [1, 2, 3] and all(str(e.status) == "success" for e in exs)
    print(f"durable map, {args.map} inputs, concurrency 4: {args.map / took:,.0f} executions/s "
          f"({took:.2f} s, records included)")
    t = time.perf_counter()
    psvc = pkg.deploy(service_name="p", runtime="process")
    cold = time.perf_counter() - t
    n = max(100, args.calls // 5)
    warm = median_us(lambda i: psvc.execute("add", {"x": i}), n)
    print(f"durable process warm round trip: {warm:8.1f} us   process deploy (cold start): {cold * 1000:.0f} ms")
    psvc.stop()
    svc.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--map", type=int, default=10000)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()

    kernel = KernelRuntime()
    kernel.start(config(tmp))
    sup = Supervisor(kernel, MemoryRecorder(), 1, 3600)
    instance = kernel.host.invoker.instance
    plain = median_us(lambda i: instance.add(x=i), args.calls)
    inline = median_us(lambda i: sup.submit(f"k{i}", "add", {"x": i}, block=True), args.calls)
    print(f"kernel execution (in-memory record): {inline:8.1f} us   plain call {plain:.2f} us   "
          f"ratio {inline / plain:,.0f}x")

    threaded = KernelRuntime()
    threaded.start(config(tmp, concurrency=4))
    sup4 = Supervisor(threaded, MemoryRecorder(), 1, 3600)
    t = time.perf_counter()
    futures = [sup4.submit(f"m{i}", "add", {"x": i}) for i in range(args.map)]
    assert all(f.result().status == "success" for f in futures)
    print(f"kernel map, 4 threads: {args.map / (time.perf_counter() - t):,.0f} executions/s")
    threaded.stop()

    t = time.perf_counter()
    proc = ProcessRuntime()
    proc.start(config(tmp))
    cold = time.perf_counter() - t
    psup = Supervisor(proc, MemoryRecorder(), 1, 3600)
    n = max(100, args.calls // 5)
    warm = median_us(lambda i: psup.submit(f"p{i}", "add", {"x": i}).result(), n)
    pipe = pipe_round_trip_us(n)
    print(f"process warm round trip: {warm:8.1f} us   raw Pipe round trip {pipe:.1f} us   "
          f"ratio {warm / pipe:.1f}x")
    print(f"process cold start (spawn + load codebase + init): {cold * 1000:.0f} ms")
    proc.stop()
    kernel.stop()
    durable(args, tempfile.mkdtemp())


if __name__ == "__main__":
    main()
