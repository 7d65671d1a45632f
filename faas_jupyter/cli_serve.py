"""``faas serve``: host a project's process services on this machine, over the shared registry."""
from __future__ import annotations

from faas_jupyter.cli import arg, command


@command("serve", arg("--lease", type=float, help="lease in seconds (default $FAAS_LEASE_SECONDS, else 30)"),
         help="host the project's process services here and run the executions queued for them "
              "from any process, until Ctrl-C / SIGTERM")
def serve(ws, args):
    import os
    if args.lease:
        os.environ["FAAS_LEASE_SECONDS"] = str(args.lease)
    from faas_jupyter.workspace.hosting import serve_forever
    serve_forever(ws, ready=lambda line: print(line, flush=True))
    return f"faas serve: stopped; project {ws.project.name!r}'s services were given up for another host"
