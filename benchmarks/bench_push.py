"""Push benchmarks on a 50-file codebase (SQLite, WAL), each beside the same work done raw.

    .venv/bin/python benchmarks/bench_push.py [--revisions 10000] [--repeat 30] [--reps 5] [--growth 200]

Each figure prints ours, raw, ratio and the target. Raw is the same work without our code:
a no-change push against reading + sha256 of the 50 files + one read of the latest digest;
a one-file-change push against reading + hashing the 50 files + one transaction writing
the changed blob and a revision row (plain sqlite3, tables of the same shape); listing
revisions against the raw SELECT; store growth per one-file push against the changed
file's own size (target <= 1.5x, issue 16 item 5). Times are paired and interleaved:
``--reps`` runs of each, every run the median of ``--repeat`` calls; medians printed.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
import warnings
from pathlib import Path

import faas_jupyter as faas
from faas_jupyter.errors import NoChangeWarning
from faas_jupyter.model.codebase import Codebase
from faas_jupyter.store import packages as sql


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def make_codebase(root: Path) -> Path:
    src = root / "src"
    (src / "pkg").mkdir(parents=True)
    (src / "main.py").write_text("from faas_jupyter import BaseServiceRunner\n\n\n"
                                 "class ServiceRunner(BaseServiceRunner):\n"
                                 "    def run(self, item):\n        return item\n")
    for i in range(49):
        body = "".join(f"def f{i}_{j}(x):\n    return x * {j} + {i}\n\n" for j in range(40))
        (src / "pkg" / f"mod{i:02d}.py").write_text(body)
    (src / "package.json").write_text(json.dumps({"name": "bench", "modules": [
        {"name": "default_module", "functions": [{"name": "run", "input": [{"name": "item", "type": "Item"}]}]}]}))
    return src


def paired_ms(ours, raw, repeat: int, reps: int) -> tuple[float, float]:
    """Medians of ``reps`` interleaved runs (order alternating), each the median of ``repeat`` calls."""
    a, b = [], []
    for rep in range(reps):
        for fn, out in ([(ours, a), (raw, b)] if rep % 2 == 0 else [(raw, b), (ours, a)]):
            out.append(median_ms(fn, repeat))
    return statistics.median(a), statistics.median(b)


def read_and_hash(src: Path) -> dict[str, tuple[bytes, str]]:
    """The raw floor of looking at a codebase: walk, read and sha256 every file."""
    out = {}
    for dirpath, _dirs, names in os.walk(src):
        for name in names:
            path = Path(dirpath) / name
            data = path.read_bytes()
            out[str(path.relative_to(src))] = (data, hashlib.sha256(data).hexdigest())
    return out


class RawStore:
    """Plain sqlite3 tables shaped like ours (blobs, revisions), for the raw pushes."""

    def __init__(self, path: Path):
        self.con = sqlite3.connect(path, isolation_level=None)
        self.con.execute("PRAGMA journal_mode=WAL")
        self.con.execute("PRAGMA synchronous=NORMAL")
        self.con.execute("CREATE TABLE blobs (digest TEXT PRIMARY KEY, size INTEGER, data BLOB)")
        self.con.execute("CREATE TABLE revisions (id TEXT PRIMARY KEY, package_id TEXT, seq INTEGER, "
                         "version TEXT, created_at TEXT, codebase_digest TEXT, spec TEXT, changes TEXT, "
                         "UNIQUE (package_id, seq))")
        self.seq = 0

    def no_change(self, src: Path) -> None:
        read_and_hash(src)
        self.con.execute("SELECT codebase_digest FROM revisions ORDER BY seq DESC LIMIT 1").fetchall()

    def one_change(self, src: Path, changed: str) -> None:
        files = read_and_hash(src)
        digest = hashlib.sha256("".join(d for _, d in sorted(files.values())).encode()).hexdigest()
        self.seq += 1
        self.con.execute("BEGIN IMMEDIATE")
        data, blob = files[changed]
        self.con.execute("INSERT OR IGNORE INTO blobs VALUES (?, ?, ?)", (blob, len(data), data))
        self.con.execute("INSERT INTO revisions VALUES (?, 'p', ?, ?, '2026', ?, '{}', '{}')",
                         (uuid.uuid4().hex, self.seq, f"1.0.{self.seq}", digest))
        self.con.execute("COMMIT")


def db_bytes(db: Path) -> int:
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return db.stat().st_size


def bench_pushes(ws, src: Path, raw: RawStore, repeat: int, reps: int) -> dict:
    ws.packages.push(src)
    warnings.simplefilter("ignore", NoChangeWarning)
    no_change = paired_ms(lambda: ws.packages.push(src), lambda: raw.no_change(src), repeat, reps)
    target, counter = src / "pkg" / "mod00.py", iter(range(10**9))

    def edit():
        target.write_text(target.read_text() + f"# {next(counter)}\n")

    one_change = paired_ms(lambda: (edit(), ws.packages.push(src)),
                           lambda: (edit(), raw.one_change(src, "pkg/mod00.py")), repeat, reps)
    return {"no_change": no_change, "one_change": one_change}


def bench_growth(ws, src: Path, db: Path, n: int) -> tuple[float, float]:
    """Bytes the database grows per one-file push, and the changed file's mean size."""
    target = src / "pkg" / "mod01.py"
    before, sizes = db_bytes(db), []
    for i in range(n):
        target.write_text(target.read_text() + f"# g{i}\n")
        sizes.append(target.stat().st_size)
        ws.packages.push(src)
    return (db_bytes(db) - before) / n, statistics.mean(sizes)


def bench_listing(ws, db: Path, count: int, repeat: int, reps: int) -> tuple[float, float]:
    cb = Codebase({"main.py": b"class ServiceRunner:\n    def run(self):\n        return 1\n"})
    module = faas.PackageModule(functions=[faas.PackageFunction()])
    first = ws.packages.push(codebase=cb, package_name="many", modules=[module])
    pkg_id = first._row["package_id"]

    def fill(conn):  # straight through the store: one transaction, not `count` pushes
        row = first._row
        for i in range(1, count):
            sql.insert_revision(conn, pkg_id, version=f"1.0.{i}", creator="bench", message=f"r{i}",
                                codebase_digest=row["codebase_digest"], spec=row["spec"],
                                changes=row["changes"], files=cb.files)
    ws.store.write(fill)
    con = sqlite3.connect(db)
    out = paired_ms(lambda: ws.packages.revisions("many"),
                    lambda: con.execute("SELECT * FROM revisions WHERE package_id=? ORDER BY seq",
                                        (pkg_id,)).fetchall(), max(3, repeat // 10), reps)
    con.close()
    assert len(ws.packages.revisions("many")) == count
    return out


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--revisions", type=int, default=10_000)
    p.add_argument("--repeat", type=int, default=30)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--growth", type=int, default=200, help="one-file-change pushes for growth")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        src, db = make_codebase(root), root / "faas.db"
        ws = faas.workspace(str(db), artifacts=str(root / "art"), user="bench")
        push = bench_pushes(ws, src, RawStore(root / "raw.db"), args.repeat, args.reps)
        growth, file_bytes = bench_growth(ws, src, db, args.growth)
        listing = bench_listing(ws, db, args.revisions, args.repeat, args.reps)
        ws.close()
    rows = [
        ("no-change push (50 files)", *push["no_change"], "ms", "-"),
        ("one-file-change push", *push["one_change"], "ms", "-"),
        (f"list {args.revisions:,} revisions", *listing, "ms", "-"),
        ("store growth per 1-file push", growth, file_bytes, "B", "<= 1.5x the file"),
    ]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, SQLite {sqlite3.sqlite_version}; "
          f"medians of {args.reps} paired runs")
    print(f"{'measure':30} {'ours':>10} {'raw':>10}   {'ratio':>6}   target")
    for name, ours, raw, unit, target in rows:
        print(f"{name:30} {ours:8.2f}{unit:>2} {raw:8.2f}{unit:>2}   {ours / raw:5.2f}x   {target}")


if __name__ == "__main__":
    main()
