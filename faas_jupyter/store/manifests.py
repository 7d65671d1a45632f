"""Revision file lists (``{path: blob digest}``), stored compactly.

A revision row names a *base* manifest (``revisions.manifest``: the digest of a row of
``manifests``, content-addressed JSON) and holds the few entries where it differs from
that base (``revisions.manifest_delta``: ``{path: digest}``, ``null`` for a removed path).
A push that changes one file of fifty therefore stores the file's blob and one delta entry
(~90 bytes), not fifty rows; an unchanged list reuses the base at no cost. When a delta
grows past an eighth of the files, the revision starts a new base (stored once per
distinct list). Reading is one base (cached: a digest never changes) plus one delta,
never a chain.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any, Mapping, cast

from sqlalchemy import Connection, delete, insert, select

from faas_jupyter.store.schema import manifests, revisions

MIN_DELTA = 8  # entries a delta may always hold before a new base pays for itself
_CACHE: dict[str, dict[str, str]] = {}  # digest -> manifest: immutable, so safe to share
_CACHE_MAX = 256


def encode(files: Mapping[str, str | None]) -> str:
    return json.dumps(dict(sorted(files.items())), separators=(",", ":"))


def load(conn: Connection, digest: str) -> dict[str, str]:
    """The base manifest stored under ``digest`` (a copy is not needed: callers never mutate it)."""
    found = _CACHE.get(digest)
    if found is None:
        data = conn.scalar(select(manifests.c.data).where(manifests.c.digest == digest))
        found = json.loads(cast(str, data))  # a revision's manifest row exists (foreign key)
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[digest] = found
    return found


def _diff(base: Mapping[str, str], new: Mapping[str, str]) -> dict[str, str | None]:
    delta: dict[str, str | None] = {p: d for p, d in new.items() if base.get(p) != d}
    delta.update({p: None for p in base if p not in new})
    return delta


def plan(conn: Connection, parent: dict[str, Any] | None, files: Mapping[str, str]) -> dict[str, Any]:
    """The ``manifest`` / ``manifest_delta`` columns of a new revision whose files are
    ``files``, next to its ``parent`` revision row (None for the first)."""
    if parent is not None and parent.get("manifest"):
        delta = _diff(load(conn, parent["manifest"]), files)
        if len(delta) <= max(MIN_DELTA, len(files) // 8):
            return {"manifest": parent["manifest"], "manifest_delta": encode(delta) if delta else None}
    text = encode(files)
    digest = hashlib.sha256(text.encode()).hexdigest()
    if conn.scalar(select(manifests.c.digest).where(manifests.c.digest == digest)) is None:
        conn.execute(insert(manifests).values(digest=digest, data=text))
    return {"manifest": digest, "manifest_delta": None}


def files_of(conn: Connection, row: Mapping[Any, Any]) -> dict[str, str]:
    """``{path: digest}`` of a revision row (its ``manifest`` and ``manifest_delta``)."""
    out = dict(load(conn, row["manifest"]))
    for path, digest in json.loads(row["manifest_delta"] or "{}").items():
        if digest is None:
            out.pop(path, None)
        else:
            out[path] = digest
    return out


def used_digests(conn: Connection) -> set[str]:
    """Every blob digest some revision's file list references (for garbage collection)."""
    used: set[str] = set()
    for digest in conn.scalars(select(revisions.c.manifest).where(revisions.c.manifest.is_not(None))
                               .distinct()):
        used.update(load(conn, digest).values())
    for delta in conn.scalars(select(revisions.c.manifest_delta)
                              .where(revisions.c.manifest_delta.is_not(None))):
        used.update(d for d in json.loads(delta).values() if d is not None)
    return used


def gc(conn: Connection) -> int:
    """Delete manifests no revision uses; return how many."""
    used = select(revisions.c.manifest).where(revisions.c.manifest.is_not(None)).distinct()
    return conn.execute(delete(manifests).where(manifests.c.digest.not_in(used))).rowcount
