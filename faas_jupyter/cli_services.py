"""``faas test``, ``faas deploy``, ``faas execute``, ``faas services``, ``faas executions``,
``faas logs``: registered into ``faas_jupyter.cli`` (listed in its ``COMMAND_MODULES``)."""
from __future__ import annotations

import json
import sys

from faas_jupyter import _text
from faas_jupyter.cli import _TEXT, arg, command
from faas_jupyter.errors import ExecutionError
from faas_jupyter.workspace._io_bridge import parse_pairs  # the one K=V parser (magics use it too)


@command("test", arg("dir", help="a Dataloop package folder (package.json + mock.json)"),
         arg("--mock", default="mock.json", help="the mock file in DIR (default mock.json)"),
         arg("--function", help="function to call when mock.json names none (default run)"),
         arg("--concurrency", type=int, help="threads for a list of calls (default: one per call)"),
         help="run a package folder locally with its mock.json; exit 1 if any call fails")
def test(ws, args):
    from faas_jupyter.workspace.local_test import run_local_test
    result = run_local_test(ws, args.dir, args.mock, args.function, args.concurrency)
    if not result.ok:
        print(json.dumps(result.to_json(), indent=2, default=str) if args.json else result.text())
        failed = sum(c.status != "success" for c in result.calls)
        raise ExecutionError(f"{failed} of {len(result.calls)} call(s) of {result.function!r} failed")
    return result.to_json() if args.json else result.text()


@command("deploy", arg("package", help="NAME or NAME@VERSION"), arg("--service", help="service name"),
         arg("--module", help="module (default the first)"), arg("--revision", help="default latest"),
         arg("--init", nargs="*", metavar="K=V", help="init inputs (JSON values)"),
         arg("--runtime", choices=("kernel", "process", "dask"), default="kernel"),
         arg("--concurrency", type=int, default=1), arg("--execution-timeout", type=float, default=3600),
         arg("--max-attempts", type=int, default=1), arg("--on-reset", choices=("failed", "rerun"), default="failed"),
         arg("--scheduler", help="dask: the scheduler address, e.g. tcp://host:8786 (default: a LocalCluster)"),
         arg("--shared-filesystem", action="store_true",
             help="dask: the local artifact root is one shared folder on every worker"),
         arg("--no-install-requirements", dest="install_requirements", action="store_false",
             help="dask: check the package's requirements on the workers instead of pip-installing them"),
         help="deploy a package revision as a service")
def deploy(ws, args):
    name, _, at = args.package.partition("@")
    svc = ws.packages.get(name).deploy(
        service_name=args.service, module_name=args.module, revision=args.revision or at or None,
        init_input=parse_pairs(args.init, "init input"), runtime=args.runtime,
        concurrency=args.concurrency, execution_timeout=args.execution_timeout,
        max_attempts=args.max_attempts, on_reset=args.on_reset, scheduler=args.scheduler,
        shared_filesystem=args.shared_filesystem, install_requirements=args.install_requirements)
    return svc.to_json()


@command("execute", arg("service"), arg("function"), arg("inputs", nargs="*", metavar="K=V",
         help="inputs (JSON values, else strings)"), arg("--input-json", help="all inputs as one JSON object"),
         arg("--returns", nargs="*", help="log hints for the outputs"),
         help="run a function of a service and wait for it; exit 1 if it fails")
def execute(ws, args):
    inputs = json.loads(args.input_json) if args.input_json else {}
    inputs.update(parse_pairs(args.inputs))
    ex = ws.services.get(args.service).execute(args.function, inputs, returns=args.returns or None)
    d = {**ex.to_json(), "logs": ex.logs()}
    if str(ex.status) != "success":
        print(json.dumps(d, indent=2, default=str) if args.json else _execution_text(d), file=sys.stderr)
        raise ExecutionError(f"execution {ex.id} {ex.status}: {ex.error}")
    return d


def _execution_text(d: dict) -> str:
    took = "" if d.get("duration") is None else f" in {d['duration'] * 1000:.1f} ms"
    lines = [f"execution {d['id']} {d['service']}.{d['functionName']}: {d['status']}{took}"]
    if d.get("logs"):
        lines.append(d["logs"].rstrip())
    lines.append(json.dumps(d["output"], indent=2, default=str) if d["status"] == "success" else str(d["error"]))
    if d.get("traceback"):
        lines.append(d["traceback"].rstrip())
    return "\n".join(lines)


@command("services", help="list the services of the project")
def services(ws, args):
    return [{**s.to_json(), "behind": s.behind} for s in ws.services.list()]


@command("executions", arg("service", nargs="?"), arg("--status"), arg("--function"),
         arg("--limit", type=int, default=50), arg("--offset", type=int, default=0),
         help="list executions, newest first, a page at a time (--limit, --offset)")
def executions(ws, args):
    return [e.to_json() for e in ws.executions.list(service=args.service, status=args.status,
                                                    function=args.function, limit=args.limit,
                                                    offset=args.offset)]


@command("logs", arg("execution", help="execution id (or a unique prefix, as tables show)"), help="print an execution's captured logs")
def logs(ws, args):
    return ws.executions.get(args.execution).logs()


_TEXT.update({
    "deploy": lambda d: f"{d['name']} deployed: {d['package']} {d['packageRevision']}, module "
                        f"{d['moduleName']}, runtime {d['runtime']}",
    "execute": _execution_text,
    "services": lambda rows: _text.table([[r["name"], r["package"], r["packageRevision"], r["behind"],
                                           r["moduleName"], r["runtime"], "yes" if r["active"] else "paused"]
                                          for r in rows], ["service", "package", "revision", "behind",
                                                           "module", "runtime", "active"], empty="(no services)"),
    "executions": lambda rows: _text.table([[r["id"][:8], r["service"], r["functionName"], r["status"],
                                             "" if r["duration"] is None else f"{r['duration']:.3f}s",
                                             r["createdAt"]] for r in rows],
                                           ["id", "service", "function", "status", "duration", "created"],
                                           empty="(no executions)"),
})
