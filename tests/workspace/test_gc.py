"""Interrupted artifact writes leave no garbage: stale parts go when a workspace opens;
``ws.gc()`` / ``faas gc`` remove them, unreferenced artifacts and unused blobs, and say so."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import faas_jupyter as faas
from faas_jupyter.cli import main as cli

WRITER = textwrap.dedent("""
    import sys, numpy as np, faas_jupyter as faas
    ws = faas.workspace(sys.argv[1], artifacts=sys.argv[2], user="tester")
    arr = np.random.default_rng(0).random(4_000_000)   # 32 MB: long enough to be killed mid-write
    print("ready", flush=True)
    while True:
        ws.items.log(arr, key="big", file_format="csv")
""")


def _parts(root: Path) -> list[Path]:
    return [p for p in root.rglob("*.part") if p.is_file()]


def test_kill_9_during_items_log_leaves_no_part_after_reopening(ws, tmp_path):
    root = Path(ws.settings.artifacts)
    kills, seen = 5, 0
    for _ in range(kills):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, ws.settings.db_url, str(root)],
                                stdout=subprocess.PIPE, text=True)
        try:
            assert proc.stdout.readline().strip() == "ready"
            deadline = time.monotonic() + 60
            while not _parts(root) and time.monotonic() < deadline:
                time.sleep(0.02)
            seen += bool(_parts(root))
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
    assert seen == kills  # each process died mid-write, leaving its part
    assert _parts(root)
    faas.workspace(ws.settings.db_url, artifacts=str(root), user="tester").close()
    assert _parts(root) == []


def test_a_live_writers_part_is_kept(ws):
    w = ws.artifacts.open_write("p/live.bin")
    w.write(b"x" * 100)
    faas.workspace(ws.settings.db_url, artifacts=ws.settings.artifacts, user="tester").close()
    assert ws.artifacts.stale_parts() == [] and ws.gc().parts == []
    w.commit()
    assert ws.artifacts.exists("p/live.bin")


def test_gc_removes_unreferenced_artifacts_older_than_min_age_and_unused_blobs(ws, capsys, tmp_path):
    import numpy as np
    kept = ws.items.log(np.arange(100), key="kept")
    (tmp_path / "main.py").write_text("from faas_jupyter import BaseServiceRunner\n\n\n"
                                      "class ServiceRunner(BaseServiceRunner):\n"
                                      "    def run(self, x: int) -> int:\n        return x\n")
    ws.packages.push(src_path=str(tmp_path), package_name="kept-code")  # its blobs are in use
    orphan = ws.artifacts.write_bytes("default/orphan/x.bin", b"y" * 5000).path
    legacy = Path(ws.settings.artifacts) / "default" / ".z.bin.0123456789ab.part"
    legacy.write_bytes(b"z" * 10)
    os.utime(legacy, (time.time() - 7200, time.time() - 7200))
    from faas_jupyter.store.packages import put_blobs  # a blob no revision references (a crashed push)
    ws.store.write(lambda conn: put_blobs(conn, {"lost.py": b"lost = 1\n"}))
    young = ws.gc(dry_run=True)
    assert young.artifacts == [] and young.blobs >= 1 and young.dry_run
    assert young.blobs == 1 and young.blob_bytes == len(b"lost = 1\n")  # the revision's blobs are used
    assert ws.artifacts.exists(orphan)
    report = ws.gc(min_age=0)
    assert report.artifacts == [(orphan, 5000)] and not ws.artifacts.exists(orphan)
    assert [Path(p).name for p, _ in report.parts] == [legacy.name] and not legacy.exists()
    assert report.blobs >= 1 and report.freed >= 5010
    assert "freed" in str(report) and "orphan/x.bin" in str(report)
    printed = capsys.readouterr().out
    assert f"removed {orphan} (5,000 bytes)" in printed and report.summary() in printed
    assert kept.get().tolist() == list(range(100))
    assert ws.gc(min_age=0).freed == 0
    assert b"def run" in ws.packages.get("kept-code").codebase["main.py"]


def test_faas_gc_prints_what_it_freed(ws, capsys):
    orphan = ws.artifacts.write_bytes("default/o/y.bin", b"q" * 2000).path
    code = cli(["gc", "--min-age", "0", "--db", ws.settings.db_url, "--artifacts", ws.settings.artifacts])
    out = capsys.readouterr().out
    assert code == 0 and f"removed {orphan} (2,000 bytes)" in out
    assert "freed 2,000 bytes: 0 stale part file(s), 1 unreferenced artifact(s)" in out
