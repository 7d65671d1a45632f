"""Push benchmarks on a 50-file codebase (SQLite, WAL), each beside a baseline from the same run.

    .venv/bin/python benchmarks/bench_push.py [--revisions 10000] [--repeat 30]

Figures: a no-change push, a one-file-change push, listing 10,000 revisions, and store
growth per one-file-change revision. Baselines: Codebase.from_dir alone, a raw sqlite3
INSERT+commit, a raw SELECT of the same revision rows, and the changed file's own size.
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
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


def raw_insert_commit_ms(path: Path, repeat: int) -> float:
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")

    def one():
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO t (v) VALUES (?)", ("x" * 100,))
        con.execute("COMMIT")
    try:
        return median_ms(one, repeat)
    finally:
        con.close()


def db_bytes(db: Path) -> int:
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return db.stat().st_size


def bench_pushes(ws, src: Path, repeat: int) -> dict:
    ws.packages.push(src)
    warnings.simplefilter("ignore", NoChangeWarning)
    from_dir = median_ms(lambda: Codebase.from_dir(src), repeat)
    no_change = median_ms(lambda: ws.packages.push(src), repeat)
    target, counter = src / "pkg" / "mod00.py", iter(range(10**9))

    def change_one():
        target.write_text(target.read_text() + f"# {next(counter)}\n")
        ws.packages.push(src)
    one_change = median_ms(change_one, repeat)
    return {"from_dir": from_dir, "no_change": no_change, "one_change": one_change,
            "file_bytes": target.stat().st_size}


def bench_growth(ws, src: Path, db: Path, n: int) -> float:
    target = src / "pkg" / "mod01.py"
    before = db_bytes(db)
    for i in range(n):
        target.write_text(target.read_text() + f"# g{i}\n")
        ws.packages.push(src)
    return (db_bytes(db) - before) / n


def bench_listing(ws, db: Path, count: int, repeat: int) -> dict:
    cb = Codebase({"main.py": b"x = 1\n"})
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
    listing = median_ms(lambda: ws.packages.revisions("many"), max(3, repeat // 10))
    con = sqlite3.connect(db)
    raw = median_ms(lambda: con.execute("SELECT * FROM revisions WHERE package_id=? ORDER BY seq",
                                        (pkg_id,)).fetchall(), max(3, repeat // 10))
    con.close()
    assert len(ws.packages.revisions("many")) == count
    return {"listing": listing, "raw_select": raw}


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--revisions", type=int, default=10_000)
    p.add_argument("--repeat", type=int, default=30)
    p.add_argument("--growth", type=int, default=50, help="one-file-change pushes for growth")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        src, db = make_codebase(root), root / "faas.db"
        ws = faas.workspace(str(db), artifacts=str(root / "art"), user="bench")
        push = bench_pushes(ws, src, args.repeat)
        growth = bench_growth(ws, src, db, args.growth)
        listing = bench_listing(ws, db, args.revisions, args.repeat)
        raw = raw_insert_commit_ms(root / "raw.db", args.repeat * 10)
        ws.close()
    rows = [
        ("no-change push (50 files)", push["no_change"], "ms", "Codebase.from_dir alone", push["from_dir"], "ms"),
        ("one-file-change push", push["one_change"], "ms", "raw sqlite3 INSERT+commit", raw, "ms"),
        (f"list {args.revisions:,} revisions", listing["listing"], "ms", "raw SELECT of the rows",
         listing["raw_select"], "ms"),
        ("store growth per revision", growth, "B", "size of the changed file", push["file_bytes"], "B"),
    ]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, SQLite {sqlite3.sqlite_version}")
    print(f"{'measure':30} {'value':>12}   {'baseline':28} {'value':>10}   ratio")
    for name, v, unit, bname, b, bunit in rows:
        print(f"{name:30} {v:10.2f} {unit:2}   {bname:28} {b:8.2f} {bunit:2}   {v / b:6.1f}x")


if __name__ == "__main__":
    main()
