"""Plain-text forms of every widget, for terminals, nbconvert and kernels without widgets."""
from __future__ import annotations

from faas_jupyter import _text


def when(iso: str | None) -> str:
    """``2026-01-02T10:11:12.345+00:00`` -> ``2026-01-02 10:11:12`` (UTC, as stored)."""
    return iso[:19].replace("T", " ") if iso else ""


def files_changed(rev) -> str:
    changes = rev.changes or {}
    parts = [f"{len(changes.get(k) or [])} {k}" for k in ("added", "changed", "removed") if changes.get(k)]
    if changes.get("spec") and rev.version != "1.0.0":
        parts.append("JSON")
    return ", ".join(parts) or "-"


def revision_rows(pkg) -> list[list]:
    return [[r.version, when(r.created_at), r.creator, r.message, files_changed(r)]
            for r in reversed(pkg.revisions)]


REVISION_HEADERS = ["version", "time", "author", "message", "files changed"]


def revisions_text(pkg) -> str:
    return f"package {pkg.name}: revisions (latest first)\n" + \
        _text.table(revision_rows(pkg), REVISION_HEADERS)


def io_rows(ios) -> list[list]:
    return [[io.name, io.type.value, repr(io.default) if io.has_default else "(required)",
             io.description or ""] for io in ios]


IO_HEADERS = ["name", "type", "default", "description"]


def deploy_text(pkg) -> str:
    lines = [f"package {pkg.name} {pkg.version}: modules"]
    for m in pkg.modules:
        lines += ["", f"module {m.name} (functions: {', '.join(f.name for f in m.functions) or '-'})",
                  "init inputs:", _text.table(io_rows(m.init_inputs), IO_HEADERS)]
    lines += ["", f"deploy with: pkg.deploy(service_name=..., module_name={pkg.modules[0].name!r}, "
                  "init_input={...}, runtime='kernel')" if pkg.modules else ""]
    return "\n".join(lines)


def function_text(service, function) -> str:
    return (f"service {service.name}, function {function.name}: inputs\n"
            f"{_text.table(io_rows(function.input), IO_HEADERS)}\n\n"
            f"run with: svc.execute({function.name!r}, execution_input={{...}})")


EXECUTION_HEADERS = ["id", "service", "function", "status", "progress", "duration", "created"]


def progress_of(ex) -> str:
    progress = getattr(ex, "progress", None)  # the live Execution knows it
    if progress is not None:
        return f"{progress}%"
    for event in reversed(ex.status_log or []):
        if event.get("progress") is not None:
            return f"{event['progress']}%"
    return "100%" if str(ex.status) == "success" else ""


def duration_of(ex) -> str:
    return "" if ex.duration is None else f"{ex.duration:.2f}s"


def execution_row(ex) -> list:
    return [str(ex.id)[:8], ex.service, ex.function_name, str(ex.status), progress_of(ex),
            duration_of(ex), when(ex.created_at)]


def executions_text(executions, service=None, more: bool = False) -> str:
    """The table; ``more``: older executions exist beyond this page (say how to see them)."""
    title = f"executions of {service}" if service else "executions"
    text = f"{title} (newest first)\n" + _text.table([execution_row(e) for e in executions],
                                                      EXECUTION_HEADERS)
    if more:
        text += (f"\n... more: these are the newest {len(executions)}; older ones with "
                 "ws.executions.list(limit=..., offset=...) or `faas executions --offset N`")
    return text
