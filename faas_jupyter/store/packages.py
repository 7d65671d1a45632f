"""SQL for packages, revisions and content-addressed codebase files.

Rows come back as dicts; ``spec`` and ``changes`` are Python values (``schema.JSONText``;
``spec`` is stored canonically), which the workspace turns into model objects. A revision's files are a compact
manifest (``store/manifests.py``: a shared base plus a small delta) pointing at
``blobs``, so a revision that changes one file adds one blob and one delta entry.
"""
from __future__ import annotations

import hashlib
import zlib
from typing import Any, Iterable, Mapping

from sqlalchemy import Connection, Subquery, delete, func, insert, select

from faas_jupyter.store import manifests
from faas_jupyter.store.db import new_id, now
from faas_jupyter.store.schema import blobs, packages, revision_files, revisions

_CHUNK = 500  # bound the IN (...) lists: SQLite allows 32k parameters, stay far below


def blob_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def get_package(conn: Connection, project_id: str, name: str) -> dict[str, Any] | None:
    q = select(packages).where(packages.c.project_id == project_id, packages.c.name == name)
    row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def get_revision_by_id(conn: Connection, project_id: str, revision_id: str) -> dict[str, Any] | None:
    """A revision row of a package of ``project_id`` by its id, with ``package_name``."""
    q = (select(revisions, packages.c.name.label("package_name"))
         .join(packages, packages.c.id == revisions.c.package_id)
         .where(revisions.c.id == revision_id, packages.c.project_id == project_id))
    row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def insert_package(conn: Connection, project_id: str, name: str, creator: str) -> dict[str, Any]:
    row = {"id": new_id(), "project_id": project_id, "name": name, "created_at": now(),
           "creator": creator}
    conn.execute(insert(packages).values(**row))
    return row


def _latest_seqs() -> Subquery:
    """(package_id, seq) of each package's latest revision."""
    return (select(revisions.c.package_id, func.max(revisions.c.seq).label("seq"))
            .group_by(revisions.c.package_id).subquery())


def list_packages(conn: Connection, project_id: str) -> list[dict[str, Any]]:
    """Packages of a project with their latest revision's version and count."""
    latest = _latest_seqs()
    q = (select(packages, revisions.c.version, latest.c.seq.label("revision_count"))
         .join(latest, latest.c.package_id == packages.c.id)
         .join(revisions, (revisions.c.package_id == latest.c.package_id)
               & (revisions.c.seq == latest.c.seq))
         .where(packages.c.project_id == project_id).order_by(packages.c.name))
    return [dict(r) for r in conn.execute(q).mappings()]


def latest_revisions(conn: Connection, project_id: str) -> dict[str, dict[str, Any]]:
    """``{package name: its latest revision row}`` for a project, by name (one query)."""
    latest = _latest_seqs()
    q = (select(packages.c.name, revisions)
         .join(latest, (latest.c.package_id == revisions.c.package_id)
               & (latest.c.seq == revisions.c.seq))
         .join(packages, packages.c.id == revisions.c.package_id)
         .where(packages.c.project_id == project_id).order_by(packages.c.name))
    return {r["name"]: {k: v for k, v in r.items() if k != "name"} for r in conn.execute(q).mappings()}


def latest_revision(conn: Connection, package_id: str) -> dict[str, Any] | None:
    q = (select(revisions).where(revisions.c.package_id == package_id)
         .order_by(revisions.c.seq.desc()).limit(1))
    row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def get_revision(conn: Connection, package_id: str, version: str) -> dict[str, Any] | None:
    q = select(revisions).where(revisions.c.package_id == package_id,
                                revisions.c.version == version)
    row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def list_revisions(conn: Connection, package_id: str, limit: int | None = None,
                   offset: int = 0) -> list[dict[str, Any]]:
    """Revisions oldest first."""
    q = (select(revisions).where(revisions.c.package_id == package_id)
         .order_by(revisions.c.seq).offset(offset))
    if limit is not None:
        q = q.limit(limit)
    return [dict(r) for r in conn.execute(q).mappings()]


def put_blobs(conn: Connection, files: Mapping[str, bytes],
              digests: Mapping[str, str] | None = None) -> dict[str, str]:
    """Store each distinct content once; return ``{path: digest}``.

    ``digests``: the ``blob_digest`` of each file when the caller has them already
    (``Codebase.file_digests``), so nothing is hashed twice.
    """
    digests = dict(digests) if digests is not None else {p: blob_digest(d) for p, d in files.items()}
    by_digest = {d: files[p] for p, d in digests.items()}
    missing = set(by_digest) - _existing_blobs(conn, by_digest)
    if missing:
        conn.execute(insert(blobs), [_blob_row(d, by_digest[d]) for d in sorted(missing)])
    return digests


def _blob_row(digest: str, data: bytes) -> dict[str, Any]:
    """Compressed when that saves a tenth or more (source code: 3-4x smaller, like git's objects)."""
    packed = zlib.compress(data, 6) if len(data) >= 64 else data
    if len(packed) <= 0.9 * len(data):
        return {"digest": digest, "size": len(data), "data": packed, "compression": "zlib"}
    return {"digest": digest, "size": len(data), "data": data, "compression": None}


def _existing_blobs(conn: Connection, digests: Iterable[str]) -> set[str]:
    found: set[str] = set()
    todo = sorted(digests)
    for i in range(0, len(todo), _CHUNK):
        q = select(blobs.c.digest).where(blobs.c.digest.in_(todo[i:i + _CHUNK]))
        found.update(conn.scalars(q))
    return found


def insert_revision(conn: Connection, package_id: str, *, version: str, creator: str,
                    message: str, codebase_digest: str, spec: dict[str, Any], changes: dict[str, Any],
                    files: Mapping[str, bytes], digests: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Append the next revision (seq = last + 1) with its files."""
    last = latest_revision(conn, package_id)
    digests = put_blobs(conn, files, digests)
    row = {"id": new_id(), "package_id": package_id, "seq": (last["seq"] if last else 0) + 1,
           "version": version, "created_at": now(), "creator": creator, "message": message,
           "codebase_digest": codebase_digest, "spec": spec, "changes": changes,
           **manifests.plan(conn, last, digests)}
    conn.execute(insert(revisions).values(**row))
    return row


def revision_file_digests(conn: Connection, revision_id: str) -> dict[str, str]:
    q = select(revisions.c.manifest, revisions.c.manifest_delta).where(revisions.c.id == revision_id)
    row = conn.execute(q).mappings().first()
    return manifests.files_of(conn, row) if row is not None and row["manifest"] else {}


def read_files(conn: Connection, revision_id: str) -> dict[str, bytes]:
    """The codebase of a revision as ``{path: bytes}`` (sorted by path)."""
    digests = revision_file_digests(conn, revision_id)
    data = _blob_data(conn, set(digests.values()))
    return {path: data[digests[path]] for path in sorted(digests)}


def _blob_data(conn: Connection, digests: set[str]) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    todo = sorted(digests)
    for i in range(0, len(todo), _CHUNK):
        q = (select(blobs.c.digest, blobs.c.data, blobs.c.compression)
             .where(blobs.c.digest.in_(todo[i:i + _CHUNK])))
        out.update((d, zlib.decompress(data) if how == "zlib" else bytes(data))
                   for d, data, how in conn.execute(q))
    return out


def delete_package(conn: Connection, package_id: str) -> None:
    """Delete a package, its revisions and their file rows; then unreferenced blobs."""
    rev_ids = select(revisions.c.id).where(revisions.c.package_id == package_id)
    conn.execute(delete(revision_files).where(revision_files.c.revision_id.in_(rev_ids)))
    conn.execute(delete(revisions).where(revisions.c.package_id == package_id))
    conn.execute(delete(packages).where(packages.c.id == package_id))
    gc_blobs(conn)


def unused_blobs(conn: Connection) -> list[str]:
    """Digests of the blobs no revision references (through its manifest or file rows)."""
    used = manifests.used_digests(conn) | set(conn.scalars(select(revision_files.c.digest).distinct()))
    return sorted(set(conn.scalars(select(blobs.c.digest))) - used)


def codebase_digests(conn: Connection) -> set[str]:
    """The codebase digests of all revisions."""
    return set(conn.scalars(select(revisions.c.codebase_digest).distinct()))


def blobs_size(conn: Connection, digests: list[str]) -> int:
    """The total size of the blobs ``digests`` (0 for none)."""
    return int(sum(conn.scalar(select(func.coalesce(func.sum(blobs.c.size), 0))
                               .where(blobs.c.digest.in_(digests[i:i + _CHUNK]))) or 0
                   for i in range(0, len(digests), _CHUNK)))


def gc_blobs(conn: Connection) -> int:
    """Delete blobs (and manifests) no revision references; return how many blobs."""
    manifests.gc(conn)
    unused = unused_blobs(conn)
    for i in range(0, len(unused), _CHUNK):
        conn.execute(delete(blobs).where(blobs.c.digest.in_(unused[i:i + _CHUNK])))
    return len(unused)
