"""The text tables of packages, revisions, services and executions: one renderer each,
used by the commands (magics, CLI) and the widgets' plain-text forms."""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from faas_jupyter import _text

if TYPE_CHECKING:
    from faas_jupyter.model.entities import Revision
    from faas_jupyter.workspace.executions import Execution
    from faas_jupyter.workspace.packages import Package
    from faas_jupyter.workspace.services import Service


def when(iso: str | None) -> str:
    """``2026-01-02T10:11:12.345+00:00`` -> ``2026-01-02 10:11:12`` (UTC, as stored)."""
    return iso[:19].replace("T", " ") if iso else ""


def packages_text(packages: Sequence[Package]) -> str:
    rows = [[p.name, p.version, ", ".join(m.name for m in p.modules)] for p in packages]
    return _text.table(rows, ["package", "version", "modules"], empty="(no packages)")


def files_changed(rev: Revision) -> str:
    changes = rev.changes or {}
    parts = [f"{len(changes.get(k) or [])} {k}" for k in ("added", "changed", "removed") if changes.get(k)]
    if changes.get("spec") and rev.version != "1.0.0":
        parts.append("JSON")
    return ", ".join(parts) or "-"


REVISION_HEADERS = ["version", "time", "author", "message", "files changed"]


def revision_rows(revisions: Sequence[Revision]) -> list[list[Any]]:
    """Latest first."""
    return [[r.version, when(r.created_at), r.creator, r.message, files_changed(r)]
            for r in reversed(revisions)]


def revisions_text(package: str, revisions: Sequence[Revision]) -> str:
    return f"package {package}: revisions (latest first)\n" + \
        _text.table(revision_rows(revisions), REVISION_HEADERS)


SERVICE_HEADERS = ["service", "package", "revision", "behind", "module", "runtime", "active"]


def services_text(services: Sequence[Service]) -> str:
    rows = [[s.name, s.package, s.revision, s.behind, s.module_name, s.runtime,
             "yes" if s.active else "paused"] for s in services]
    return _text.table(rows, SERVICE_HEADERS, empty="(no services)")


EXECUTION_HEADERS = ["id", "service", "function", "status", "progress", "duration", "created", "trigger"]


def progress_of(ex: Execution) -> str:
    progress = getattr(ex, "progress", None)  # the live Execution knows it
    if progress is not None:
        return f"{progress}%"
    for event in reversed(ex.status_log or []):
        if event.get("progress") is not None:
            return f"{event['progress']}%"
    return "100%" if str(ex.status) == "success" else ""


def duration_of(ex: Execution) -> str:
    return "" if ex.duration is None else f"{ex.duration:.2f}s"


def execution_row(ex: Execution) -> list[str]:
    return [str(ex.id)[:8], str(ex.service), ex.function_name, str(ex.status), progress_of(ex),
            duration_of(ex), when(ex.created_at), (ex.trigger or {}).get("name", "")]


def executions_text(executions: Sequence[Execution], service: str | None = None,
                    more: bool = False) -> str:
    """The table; ``more``: older executions exist beyond this page (say how to see them)."""
    title = f"executions of {service}" if service else "executions"
    text = f"{title} (newest first)\n" + _text.table([execution_row(e) for e in executions],
                                                      EXECUTION_HEADERS)
    if more:
        text += (f"\n... more: these are the newest {len(executions)}; older ones with "
                 "ws.executions.list(limit=..., offset=...) or `faas executions --offset N`")
    return text
