"""What checking digests costs on read, and what a preview of a big item costs.

    .venv/bin/python benchmarks/bench_artifact_reads.py [--rows 3000000] [--mb 400]

1. Digest check vs an unverified read (``trust=True``), same item, file in the page cache:
   a ``--mb`` MB ndarray (npy: memory-mapped, so the unverified load reads nothing, the
   first verified load hashes the whole file and later loads only ``stat`` it), the same
   bytes as a ``bytes`` item (streamed, hashed while read), and a parquet DataFrame.
2. Preview of a ``--rows``-row parquet item (4 columns) in a fresh process: peak RSS growth
   and time, against loading the whole frame (what the REST preview did before).
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time


def median_s(fn, n: int = 5) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def digests(ws, mb: float) -> None:
    import numpy as np
    import pandas as pd
    from faas_jupyter.store import digests as d
    arr = np.random.default_rng(0).random(int(mb * 1e6 / 8))
    items = {"npy (mmap)": ws.items.log(arr, key="arr"),
             "bytes (stream)": ws.items.log(arr.tobytes(), key="raw"),
             "parquet": ws.items.log(pd.DataFrame({"v": arr[: len(arr) // 4]}), key="df")}
    for name, item in items.items():
        item.get(trust=True)  # page cache warm
        plain = median_s(lambda: item.get(trust=True))
        d._verified.clear()
        t = time.perf_counter()
        item.get()
        first = time.perf_counter() - t
        again = median_s(item.get)
        print(f"{name:15} {item.size / 1e6:7.0f} MB: unverified {plain * 1e3:8.1f} ms | verified first "
              f"{first * 1e3:8.1f} ms (+{(first - plain) * 1e3:.1f} ms, {item.size / 1e9 / max(first - plain, 1e-9):.1f} GB/s "
              f"hashing) | verified again {again * 1e3:8.1f} ms")


PROBE = textwrap.dedent("""
    import json, sys, time, faas_jupyter as faas
    from faas_jupyter.workspace.previews import preview
    def rss():
        fields = dict(l.split(":", 1) for l in open("/proc/self/status"))
        return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])
    ws = faas.workspace(sys.argv[1], artifacts=sys.argv[2], user="bench")
    small, big = ws.items.get(sys.argv[3]), ws.items.get(sys.argv[4])
    preview(small); small.get()
    open("/proc/self/clear_refs", "w").write("5")
    before, _ = rss()
    t = time.perf_counter()
    preview(big) if sys.argv[5] == "preview" else big.get().head(50).to_json()
    took = time.perf_counter() - t
    print(json.dumps({"growth_mb": (rss()[1] - before) / 1024, "s": took}))
""")


def previews(ws, rows: int) -> None:
    import numpy as np
    import pandas as pd
    rng = np.random.default_rng(0)
    big = ws.items.log(pd.DataFrame({"a": np.arange(rows), "b": rng.random(rows), "c": rng.random(rows),
                                     "d": rng.integers(0, 1000, rows)}), key="big")
    small = ws.items.log(pd.DataFrame({"a": [1, 2]}), key="small")
    for mode in ("preview", "whole frame"):
        out = subprocess.run([sys.executable, "-c", PROBE, ws.settings.db_url, ws.settings.artifacts,
                              small.id, big.id, mode], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout)
        print(f"{rows:,}-row parquet ({big.size / 1e6:.0f} MB file), {mode:11}: peak RSS growth "
              f"{r['growth_mb']:6.1f} MB, {r['s'] * 1e3:7.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=3_000_000)
    ap.add_argument("--mb", type=float, default=400)
    args = ap.parse_args()
    import faas_jupyter as faas
    with tempfile.TemporaryDirectory() as tmp:
        ws = faas.workspace(f"sqlite:///{tmp}/faas.db", artifacts=f"{tmp}/artifacts", user="bench")
        digests(ws, args.mb)
        previews(ws, args.rows)
        ws.close()


if __name__ == "__main__":
    main()
