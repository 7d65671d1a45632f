"""Project and workspace commands: whoami, workspace, members, gc, packagers, items, serve."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from faas_jupyter import _text
from faas_jupyter.commands.base import Args, arg, command
from faas_jupyter.commands.tables import when
from faas_jupyter.workspace import workspace as open_workspace

if TYPE_CHECKING:
    from faas_jupyter.workspace import Workspace
    from faas_jupyter.workspace.gc import GcReport
    from faas_jupyter.workspace.items import Item


def _whoami_json(ws: Workspace) -> dict[str, Any]:
    return {"user": ws.user, "project": ws.project.name, "role": ws.project.role_of(ws.user),
            "db": ws.store.safe_url, "artifacts": ws.settings.artifacts}


def _whoami_text(ws: Workspace) -> str:
    d = _whoami_json(ws)
    return (f"user {d['user']}, project {d['project']} ({d['role'] or 'not a member'}), "
            f"db {d['db']}, artifacts {d['artifacts']}")


@command("whoami", text=_whoami_text, json=_whoami_json, help="who acts, in which project and workspace")
def whoami(ws: Workspace, args: Args) -> Workspace:
    return ws


@command("workspace", arg("url", nargs="?", help="database URL or SQLite path (default: $FAAS_HOME)"),
         arg("--artifacts", metavar="URL", help="artifact root (folder or fsspec URL)"), arg("--user", metavar="USER", help="act as"),
         arg("--artifacts-options", metavar="JSON", help="the artifact root's fsspec storage options"),
         text=_whoami_text, json=_whoami_json, fronts=frozenset({"magic"}),
         help="show or switch the workspace (the CLI takes --db, --artifacts, --user before the command)")
def workspace(ws: Workspace, args: Args) -> Workspace:
    """The workspace the arguments name (the magics switch to it), else ``ws``."""
    if not (args.url or args.artifacts or args.user or args.artifacts_options):
        return ws
    return open_workspace(args.url, artifacts=args.artifacts, user=args.user,
                          storage_options=args.artifacts_options)


@command("members", arg("--add", metavar="USER", help="add USER (with --role)"),
         arg("--role", default="developer", metavar="ROLE",
             help="owner, developer, annotationManager or annotator, or Dataloop's names "
                  "('Project Owner', 'Annotation Manager' ...) (default developer)"),
         arg("--remove", metavar="USER", help="remove USER"),
         text=lambda members: _text.table([[m.user, m.role] for m in members], ["user", "role"]),
         help="list (or change) the members of the project")
def members(ws: Workspace, args: Args) -> list[Any]:
    if args.add:
        ws.project.members.add(args.add, role=args.role)
    if args.remove:
        ws.project.members.remove(args.remove)
    return list(ws.project.members.list())


@command("gc", arg("--min-age", type=float, default=3600.0, metavar="SECONDS",
                   help="keep unreferenced artifacts younger than this many seconds (default 3600)"),
         arg("--dry-run", action="store_true", help="report what would be removed, remove nothing"),
         text=str, help="remove stale temp files, unreferenced artifacts and unused codebase blobs")
def gc(ws: Workspace, args: Args) -> GcReport:
    return ws.gc(min_age=args.min_age, dry_run=args.dry_run, quiet=True)


def _packagers_text(rows: list[dict[str, Any]]) -> str:
    return _text.table([[p["priority"], p["name"], p["packable_type"], ", ".join(p["artifact_types"]),
                         p["source"]] for p in rows], ["priority", "packager", "type", "artifact types", "source"])


@command("packagers", text=_packagers_text,
         help="list the packagers in the order they are tried (priority, specificity, registration)")
def packagers(ws: Workspace, args: Args) -> list[dict[str, Any]]:
    return list(ws.packagers.list())


def size(n: float | None) -> str:
    if n is None:
        return "-"
    for unit in ("B", "KB", "MB"):
        if n < 1000:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"


def _items_text(items: list[Item]) -> str:
    rows = [[str(i.id)[:12], i.key, i.artifact_type, i.format or "-", size(i.size), i.dataset or "-",
             when(i.created_at)] for i in items]
    return _text.table(rows, ["id", "key", "type", "format", "size", "dataset", "created"], empty="(no items)")


@command("items", arg("dataset", nargs="?", help="only the items of this dataset"), text=_items_text,
         help="list stored items (artifacts and results)")
def items(ws: Workspace, args: Args) -> list[Item]:
    return list(ws.items.list(dataset=args.dataset))


@command("serve", arg("--lease", type=float, metavar="SECONDS", help="lease in seconds (default $FAAS_LEASE_SECONDS, else 30)"),
         fronts=frozenset({"cli"}),
         help="host the project's process services here and run the executions queued for them "
              "from any process, until Ctrl-C / SIGTERM")
def serve(ws: Workspace, args: Args) -> str:
    # imported when asked: hosting starts threads and takes the queue's home role
    from faas_jupyter.workspace.hosting import serve_forever
    if args.lease:
        os.environ["FAAS_LEASE_SECONDS"] = str(args.lease)
    serve_forever(ws, ready=lambda line: print(line, flush=True))  # the ready line, before blocking
    return f"faas serve: stopped; project {ws.project.name!r}'s services were given up for another host"
