"""Packager benchmarks, each a ratio against the plain library call measured in the same run.

    .venv/bin/python benchmarks/bench_packagers.py [--small] [--reps 5] [--dir DIR]

Figures: a 100,000,000-element float64 array packed (npy, hashed) vs ``np.save`` and
unpacked vs ``np.load``; a 5,000,000 x 5 DataFrame packed as ``dataset`` and as
``file`` (parquet) vs ``df.to_parquet`` and unpacked vs ``pd.read_parquet``; a list of
1,000,000 floats logged as a result; ``import faas_jupyter`` time in a fresh process.
Each pair alternates which side runs first; medians are reported.  ``--small`` uses
1/20 of the sizes for a quick check.  Files go to DIR (default: a fresh folder next
to the system temp folder, removed at the end).
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from faas_jupyter.packagers import PackagersManager
from faas_jupyter.store.artifacts import ArtifactStore


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def pair(ours, plain, reps: int, cleanup=lambda: None) -> dict:
    """Median seconds of ``ours()`` and ``plain()``, alternating order, after one warm-up each."""
    a, b = [], []
    ours(), plain(), cleanup()
    for i in range(reps):
        first, second = (ours, plain) if i % 2 == 0 else (plain, ours)
        t1, t2 = timed(first), timed(second)
        (a if first is ours else b).append(t1)
        (b if first is ours else a).append(t2)
        cleanup()
    ours_s, plain_s = statistics.median(a), statistics.median(b)
    return {"ours_s": round(ours_s, 4), "plain_s": round(plain_s, 4), "ratio": round(ours_s / plain_s, 3)}


class Bench:
    def __init__(self, folder: Path, reps: int):
        self.folder, self.reps = folder, reps
        self.store = ArtifactStore(folder / "store")
        self.manager = PackagersManager(entry_points=False)
        self.n = 0

    def prefix(self) -> str:
        self.n += 1
        return f"bench/{self.n}"

    def clean(self) -> None:
        shutil.rmtree(self.folder / "store" / "bench", ignore_errors=True)
        for p in self.folder.glob("plain*"):
            p.unlink()
        self.manager.clear_packagers_outputs()

    def pack_vs(self, obj, hint, plain_write) -> dict:
        return pair(lambda: self.manager.pack(obj, hint, self.store, self.prefix()),
                    lambda: plain_write(self.folder / f"plain{self.n}.bin.npy"), self.reps, self.clean)

    def unpack_vs(self, obj, hint, plain_read, plain_write, touch=lambda x: None) -> dict:
        (rec,) = self.manager.pack(obj, hint, self.store, f"keep/{self.prefix()}")
        plain_path = self.folder / "keep.npy"
        plain_write(plain_path)
        out = pair(lambda: touch(self.manager.unpack(rec, None, self.store)),
                   lambda: touch(plain_read(plain_path)), self.reps)
        plain_path.unlink()
        return out


def bench_array(b: Bench, n: int) -> dict:
    arr = np.random.default_rng(0).random(n)
    out = {"array_pack_vs_np_save": b.pack_vs(arr, "arr", lambda p: np.save(p, arr))}
    out["array_unpack_vs_np_load"] = b.unpack_vs(arr, "arr", lambda p: np.load(p),
                                                 lambda p: np.save(p, arr))
    out["array_unpack_and_sum_vs_np_load_and_sum"] = b.unpack_vs(
        arr, "arr", lambda p: np.load(p), lambda p: np.save(p, arr),
        touch=lambda a: float(a.sum()))
    return out


def bench_frame(b: Bench, rows: int) -> dict:
    rng = np.random.default_rng(1)
    df = pd.DataFrame({c: rng.random(rows) for c in "abcde"})
    write = lambda p: df.to_parquet(p)  # noqa: E731
    return {"df_dataset_vs_to_parquet": b.pack_vs(df, "df", write),
            "df_file_vs_to_parquet": b.pack_vs(df, "df:file", write),
            "df_unpack_vs_read_parquet": b.unpack_vs(df, "df", pd.read_parquet, write)}


def bench_list(b: Bench, n: int) -> dict:
    values = np.random.default_rng(2).random(n).tolist()
    times, unpack = [], []
    for _ in range(b.reps):
        t = time.perf_counter()
        (rec,) = b.manager.pack(values, "floats", b.store, b.prefix())
        times.append(time.perf_counter() - t)
        unpack.append(timed(lambda: b.manager.unpack(rec, None, b.store)))
    dumps = statistics.median(timed(lambda: json.dumps(values)) for _ in range(3))
    return {"list_result": {"pack_s": round(statistics.median(times), 4), "unpack_s": round(statistics.median(unpack), 4),
                            "stored_as": rec["artifact_type"] + "/" + rec["format"], "json_dumps_s": round(dumps, 4)}}


def bench_import(reps: int) -> dict:
    def run(code):
        return timed(lambda: subprocess.run([sys.executable, "-c", code], check=True))
    base = statistics.median(run("pass") for _ in range(reps))
    ours = statistics.median(run("import faas_jupyter, faas_jupyter.packagers") for _ in range(reps))
    light = subprocess.run([sys.executable, "-c", "import sys, faas_jupyter, faas_jupyter.packagers; "
                            "print([m for m in ('numpy', 'pandas', 'pyarrow') if m in sys.modules])"],
                           capture_output=True, text=True, check=True).stdout.strip()
    return {"import_faas_jupyter": {"seconds_over_bare_python": round(ours - base, 4),
                                    "heavy_modules_imported": light}}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--small", action="store_true", help="1/20 of the sizes, for a quick run")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--dir", type=Path, default=None)
    args = ap.parse_args(argv)
    div = 20 if args.small else 1
    folder = args.dir or Path(tempfile.mkdtemp(prefix="faas-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    results = {"sizes": {"array": 100_000_000 // div, "df_rows": 5_000_000 // div, "list": 1_000_000}}
    try:
        b = Bench(folder, args.reps)
        results.update(bench_array(b, results["sizes"]["array"]))
        results.update(bench_frame(b, results["sizes"]["df_rows"]))
        results.update(bench_list(b, results["sizes"]["list"]))
        results.update(bench_import(args.reps))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
