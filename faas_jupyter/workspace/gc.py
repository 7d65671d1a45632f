"""``ws.gc()`` / ``faas gc``: remove what interrupted writes and deletions left behind.

* stale parts: temporary files of artifact writes whose process is gone
  (``store/parts.py``), and the older kind beside their final name;
* artifacts no item references (across all projects) that are older than
  ``min_age`` seconds: younger ones may belong to a write whose item row is not
  committed yet (an execution's outputs are recorded after they are packed);
* codebase blobs no revision references;
* trigger outbox rows dispatched more than ``min_age`` seconds ago (the executions they made
  keep the event id).

``dry_run=True`` reports the same without removing anything.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

from faas_jupyter.store import entities as entity_sql
from faas_jupyter.store import events as event_sql
from faas_jupyter.store import packages as package_sql

if TYPE_CHECKING:
    from faas_jupyter.store.db import Store
    from faas_jupyter.store.db import Connection
    from faas_jupyter.workspace._base import Workspace

MIN_AGE = 3600.0


@dataclass
class GcReport:
    """What ``gc`` removed (or, with ``dry_run``, would remove): ``(path, bytes)`` pairs."""

    parts: list = field(default_factory=list)
    artifacts: list = field(default_factory=list)
    blobs: int = 0
    blob_bytes: int = 0
    trigger_events: int = 0
    dry_run: bool = False

    @property
    def freed(self) -> int:
        return sum(s for _, s in self.parts) + sum(s for _, s in self.artifacts) + self.blob_bytes

    def to_json(self) -> dict:
        return {"parts": [{"path": p, "bytes": s} for p, s in self.parts],
                "artifacts": [{"path": p, "bytes": s} for p, s in self.artifacts],
                "blobs": self.blobs, "blobBytes": self.blob_bytes, "triggerEvents": self.trigger_events,
                "freed": self.freed,
                "dryRun": self.dry_run}

    def summary(self) -> str:
        verb = "would free" if self.dry_run else "freed"
        events = f", {self.trigger_events} dispatched trigger event(s)" if self.trigger_events else ""
        return (f"{verb} {_mb(self.freed)}: {len(self.parts)} stale part file(s), "
                f"{len(self.artifacts)} unreferenced artifact(s), {self.blobs} unreferenced "
                f"codebase blob(s) ({_mb(self.blob_bytes)}){events}")

    def __str__(self) -> str:
        lines = [f"{'would remove' if self.dry_run else 'removed'} {p} ({s:,} bytes)"
                 for p, s in self.parts + self.artifacts]
        return "\n".join(lines + [self.summary()])

    def __repr__(self) -> str:
        return f"<GcReport {self.summary()}>"


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n:,} bytes"


def collect(ws: Workspace, min_age: float = MIN_AGE, dry_run: bool = False) -> GcReport:
    """Remove stale parts, unreferenced artifacts older than ``min_age`` s and unused blobs."""
    report = GcReport(dry_run=dry_run)
    store = ws.artifacts
    report.parts = _parts(store, dry_run)
    report.artifacts = _artifacts(ws, store, min_age, dry_run)
    report.blobs, report.blob_bytes = _blobs(ws, dry_run)
    report.trigger_events = _trigger_events(ws, min_age, dry_run)
    return report


def _trigger_events(ws: Workspace, min_age: float, dry_run: bool) -> int:
    before = datetime.fromtimestamp(time.time() - min_age, timezone.utc).isoformat(timespec="microseconds")
    if dry_run:
        with ws.store.connect() as conn:
            return event_sql.prune_done(conn, before, dry_run=True)
    return ws.store.write(lambda conn: event_sql.prune_done(conn, before))


def _parts(store: Store, dry_run: bool) -> list:
    found = store.stale_parts() + store.legacy_parts()
    if not dry_run:
        for full, _ in found:
            store.remove_full(full)
    return found


def _artifacts(ws: Workspace, store: Store, min_age: float, dry_run: bool) -> list:
    from faas_jupyter.runner.runtimes.base import codebase_path
    with ws.store.connect() as conn:
        used = entity_sql.item_paths(conn)
        # the codebase zips Dask workers load services from stay while their revision exists
        used |= {codebase_path(d) for d in package_sql.codebase_digests(conn)}
    cutoff = time.time() - min_age
    removed = []
    for rel, size, mtime in store.files():
        if rel in used or (mtime is not None and mtime > cutoff):
            continue
        if not dry_run:
            store.delete(rel)
        removed.append((rel, size))
    return removed


def _blobs(ws: Workspace, dry_run: bool) -> tuple[int, int]:
    # the same rule as package_sql.gc_blobs: revisions reference blobs through their manifests
    def run(conn: Connection):
        unused = package_sql.unused_blobs(conn)
        size = package_sql.blobs_size(conn, unused)
        if unused and not dry_run:
            package_sql.gc_blobs(conn)
        return len(unused), int(size)
    if dry_run:
        with ws.store.connect() as conn:
            return run(conn)
    return ws.store.write(run)
