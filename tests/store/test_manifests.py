"""Compact revision file lists: a base manifest + a small delta per revision round-trip every
revision exactly; an unchanged list costs no manifest; migration 4 converts revisions stored
as one revision_files row per file (SQLite and PostgreSQL)."""
from __future__ import annotations

import json

from sqlalchemy import func, insert, select, text

from faas_jupyter.store import Store
from faas_jupyter.store import manifests as M
from faas_jupyter.store import packages as K
from faas_jupyter.store import projects as P
from faas_jupyter.store.db import new_id, now
from faas_jupyter.store.schema import blobs, manifests, revision_files, revisions


def _setup(store):
    with store.transaction() as conn:
        pid = P.insert_project(conn, "p", "alice")["id"]
        return K.insert_package(conn, pid, "pkg", "alice")["id"]


def _push(store, pkg, n, files):
    with store.transaction() as conn:
        return K.insert_revision(conn, pkg, version=f"1.0.{n}", creator="a", message="", codebase_digest=str(n),
                                 spec={}, changes={}, files=files)


def _count(store, table):
    with store.connect() as conn:
        return conn.scalar(select(func.count()).select_from(table))


def _history():
    """Twenty codebases of 40 files: one-file edits, an addition, a removal, a big rewrite."""
    files = {f"pkg/mod{i:02d}.py": f"x = {i}\n".encode() for i in range(40)}
    out = [dict(files)]
    for n in range(1, 20):
        files = dict(files)
        if n == 5:
            files["new.py"] = b"new"
        elif n == 6:
            del files["pkg/mod03.py"]
        elif n == 10:
            files = {p: d + b"# rewrite\n" for p, d in files.items()}
        else:
            files[f"pkg/mod{n % 40:02d}.py"] += f"# {n}\n".encode()
        out.append(files)
    return out


def test_every_revision_reads_back_exactly_and_deltas_stay_small(store):
    pkg = _setup(store)
    history = _history()
    rows = [_push(store, pkg, n, files) for n, files in enumerate(history)]
    with store.connect() as conn:
        for row, files in zip(rows, history):
            assert K.read_files(conn, row["id"]) == files
    assert rows[1]["manifest"] == rows[0]["manifest"]  # one file changed: same base...
    assert json.loads(rows[1]["manifest_delta"]) == {"pkg/mod01.py": K.blob_digest(history[1]["pkg/mod01.py"])}
    assert json.loads(rows[6]["manifest_delta"])["pkg/mod03.py"] is None  # ...a removal is a null
    assert rows[10]["manifest"] != rows[0]["manifest"] and rows[10]["manifest_delta"] is None  # rewrite
    assert all(len(json.loads(r["manifest_delta"] or "{}")) <= M.MIN_DELTA for r in rows)
    # bases: the first, the rewrite, and revision 19 (its ninth edit since the rewrite)
    assert [n for n, r in enumerate(rows) if r["manifest_delta"] is None] == [0, 10, 19]
    assert _count(store, manifests) == 3


def test_an_unchanged_file_list_costs_no_manifest(store):
    pkg = _setup(store)
    files = {f"f{i}.py": b"same %d" % i for i in range(30)}
    first = _push(store, pkg, 0, files)
    again = _push(store, pkg, 1, files)  # e.g. a spec-only update
    assert (again["manifest"], again["manifest_delta"]) == (first["manifest"], None)
    assert _count(store, manifests) == 1
    other = _setup_other(store)
    assert _push(store, other, 0, files)["manifest"] == first["manifest"]  # shared across packages
    assert _count(store, manifests) == 1


def _setup_other(store):
    with store.transaction() as conn:
        pid = P.get_project(conn, "p")["id"]
        return K.insert_package(conn, pid, "other", "alice")["id"]


def test_source_blobs_are_stored_compressed_and_read_back_exactly(store):
    pkg = _setup(store)
    files = {"big.py": b"def f(x):\n    return x\n" * 200, "tiny.py": b"x = 1\n", "rand.bin": bytes(range(256)) * 4}
    row = _push(store, pkg, 0, files)
    with store.connect() as conn:
        stored = {d: (len(data), how) for d, data, how in conn.execute(
            select(blobs.c.digest, blobs.c.data, blobs.c.compression))}
        assert K.read_files(conn, row["id"]) == files
    big = stored[K.blob_digest(files["big.py"])]
    assert big[1] == "zlib" and big[0] < len(files["big.py"]) / 10
    assert stored[K.blob_digest(files["tiny.py"])] == (6, None)


def test_gc_keeps_blobs_a_delta_references(store):
    pkg = _setup(store)
    base = {f"f{i}.py": b"v0 %d" % i for i in range(20)}
    _push(store, pkg, 0, base)
    row = _push(store, pkg, 1, {**base, "f1.py": b"only in the delta"})
    with store.transaction() as conn:
        assert K.gc_blobs(conn) == 0
    with store.connect() as conn:
        assert K.read_files(conn, row["id"])["f1.py"] == b"only in the delta"


def _as_version_3(store_url, pkg, history) -> list[str]:
    """Write revisions as a version-3 store did (one revision_files row per file), then
    take the database back to version 3 (no manifests table, no manifest columns)."""
    s = Store(store_url)
    ids = []
    with s.transaction() as conn:
        for n, files in enumerate(history):
            digests = {p: K.blob_digest(d) for p, d in files.items()}
            for p, d in digests.items():  # raw, as version 3 stored them
                if not conn.scalar(select(func.count()).select_from(blobs).where(blobs.c.digest == d)):
                    conn.execute(insert(blobs).values(digest=d, size=len(files[p]), data=files[p]))
            rid = new_id()
            conn.execute(insert(revisions).values(id=rid, package_id=pkg, seq=n + 1, version=f"1.0.{n}",
                                                  created_at=now(), creator="a", message="",
                                                  codebase_digest=str(n), spec={}, changes={}))
            conn.execute(insert(revision_files), [{"revision_id": rid, "path": p, "digest": d}
                                                  for p, d in digests.items()])
            ids.append(rid)
        conn.execute(text("ALTER TABLE revisions DROP COLUMN manifest"))
        conn.execute(text("ALTER TABLE revisions DROP COLUMN manifest_delta"))
        conn.execute(text("ALTER TABLE blobs DROP COLUMN compression"))
        conn.execute(text("DROP TABLE manifests"))
        conn.execute(text("DELETE FROM schema_version WHERE version > 3"))
    s.close()
    return ids


def test_migration_4_converts_revisions_stored_one_row_per_file(store_url):
    s = Store(store_url)
    pkg = _setup(s)
    s.close()
    history = _history()
    ids = _as_version_3(store_url, pkg, history)
    s = Store(store_url)  # migrates
    with s.connect() as conn:
        for rid, files in zip(ids, history):
            assert K.read_files(conn, rid) == files
        assert conn.scalar(select(func.count()).select_from(revision_files)) == 0
        assert conn.scalar(select(func.count()).select_from(manifests)) == 3
        assert conn.scalar(select(func.count()).select_from(blobs)) == len(
            {d for files in history for d in files.values()})
    row = _push(s, pkg, 20, {**history[-1], "after.py": b"after"})
    with s.connect() as conn:
        assert K.read_files(conn, row["id"]) == {**history[-1], "after.py": b"after"}
    s.close()
