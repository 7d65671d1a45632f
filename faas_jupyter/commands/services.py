"""Service and execution commands: deploy, execute (run), services, executions, logs,
update-service, pause, resume, test."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from faas_jupyter.commands import tables
from faas_jupyter.commands.base import Args, arg, command
from faas_jupyter.commands.flags import (
    CONCURRENCY,
    EXECUTION_TIMEOUT,
    INIT,
    INPUTS,
    MAX_ATTEMPTS,
    ON_RESET,
    PACKAGE,
    RETURNS,
    RUNTIME,
    SERVICE,
    given,
    parse_pairs,
    split_ref,
)

if TYPE_CHECKING:
    from faas_jupyter.workspace import Workspace
    from faas_jupyter.workspace.executions import Execution
    from faas_jupyter.workspace.local_test import LocalTestResult
    from faas_jupyter.workspace.services import Service

DEPLOY_OPTIONS = ("module_name", "revision", "service_name", "runtime", "concurrency", "execution_timeout",
                  "max_attempts", "on_reset", "scheduler", "shared_filesystem", "install_requirements")


def service_json(svc: Service) -> dict[str, Any]:
    """A service's JSON: ``Service.to_json()`` plus how many revisions it is behind the latest."""
    return {**svc.to_json(), "behind": svc.behind}


def _deployed(svc: Service) -> str:
    return (f"{svc.name} deployed: {svc.package} {svc.revision}, module {svc.module_name}, "
            f"runtime {svc.runtime}")


@command("deploy", PACKAGE, arg("--service", dest="service_name", metavar="NAME", help="service name (default the package's)"),
         arg("--module", dest="module_name", metavar="NAME", help="module (default the first)"),
         arg("--revision", metavar="VERSION", help="a version (default the latest, or NAME@VERSION's)"), INIT, RUNTIME,
         CONCURRENCY, EXECUTION_TIMEOUT, MAX_ATTEMPTS, ON_RESET,
         arg("--scheduler", metavar="ADDRESS", help="dask: scheduler address, e.g. tcp://host:8786 (default a LocalCluster)"),
         arg("--shared-filesystem", action="store_true", default=None,
             help="dask: the local artifact root is one shared folder on every worker"),
         arg("--no-install-requirements", dest="install_requirements", action="store_false", default=None,
             help="dask: check the requirements on the workers instead of pip-installing them"),
         text=_deployed, json=service_json, help="deploy a package revision as a service (magic without options + widgets: "
                              "a deploy panel)")
def deploy(ws: Workspace, args: Args) -> Service:
    name, at = split_ref(args.package, args.revision)
    options = given(**{**{k: getattr(args, k) for k in DEPLOY_OPTIONS}, "revision": at})
    if args.init is not None:
        options["init_input"] = parse_pairs(args.init, "init input")
    return ws.services.deploy(name, **options)


@dataclass(frozen=True)
class Ran:
    """An execution that was waited for, with its logs."""

    execution: Execution
    logs: str

    @property
    def ok(self) -> bool:
        return str(self.execution.status) == "success"


def execution_text(ran: Ran, output: bool = True) -> str:
    """The execution, its logs, then its output (``output``) or its error and traceback."""
    ex = ran.execution
    took = "" if ex.duration is None else f" in {ex.duration * 1000:.1f} ms"
    lines = [f"execution {str(ex.id)[:8]} {ex.service}.{ex.function_name} {ex.status}{took}"]
    if ran.logs.strip():
        lines.append(ran.logs.rstrip())
    if not ran.ok:
        lines.append(ex.traceback.rstrip() if ex.traceback else str(ex.error))
    elif output:
        lines.append(json.dumps(ex.output, indent=2, default=str))
    return "\n".join(lines)


def _failed_run(ran: Ran) -> str | None:
    ex = ran.execution
    return None if ran.ok else f"execution {ex.id} {ex.status}: {ex.error}"


@command("execute", SERVICE, arg("function"), INPUTS,
         arg("--input-json", metavar="JSON", help="all inputs as one JSON object (K=V pairs add to it)"),
         RETURNS, aliases=("run",), text=execution_text, failed=_failed_run,
         json=lambda ran: {**ran.execution.to_json(), "logs": ran.logs},
         help="run a function of a service and wait for it (magic without inputs + widgets: a form)")
def execute(ws: Workspace, args: Args) -> Ran:
    inputs = json.loads(args.input_json) if args.input_json else {}
    inputs.update(parse_pairs(args.inputs))
    ex = ws.services.get(args.service).execute(args.function, inputs, returns=args.returns or None)
    return Ran(ex, ex.logs())


@command("services", text=tables.services_text, json=lambda services: [service_json(s) for s in services],
         help="list the services with their revision and drift")
def services(ws: Workspace, args: Args) -> list[Service]:
    return list(ws.services.list())


@dataclass(frozen=True)
class ExecutionPage:
    service: str | None
    executions: list[Execution]
    more: bool  # older executions exist beyond this page


@command("executions", arg("service", nargs="?", help="only this service's executions"),
         arg("--status", help="only executions with this status"),
         arg("--function", metavar="NAME", help="only calls of this function"),
         arg("--limit", type=int, default=50, metavar="N", help="executions per page (default 50)"),
         arg("--offset", type=int, default=0, metavar="N", help="skip this many newer ones (default 0)"),
         text=lambda page: tables.executions_text(page.executions, page.service, page.more),
         json=lambda page: [e.to_json() for e in page.executions],
         help="list executions, newest first, a page at a time (widgets: a live monitor)")
def executions(ws: Workspace, args: Args) -> ExecutionPage:
    rows = ws.executions.list(service=args.service, status=args.status, function=args.function,
                              limit=args.limit + 1, offset=args.offset)  # one more says "there is more"
    return ExecutionPage(args.service, list(rows[:args.limit]), len(rows) > args.limit)


@command("logs", arg("execution", help="execution id (or a unique prefix, as tables show)"),
         text=lambda d: d["logs"].rstrip() or f"(execution {d['id'][:8]} logged nothing)",
         json=lambda d: d["logs"], help="print an execution's captured logs")
def logs(ws: Workspace, args: Args) -> dict[str, str]:
    ex = ws.executions.get(args.execution)
    return {"id": str(ex.id), "logs": ex.logs()}


UPDATE_OPTIONS = ("revision", "runtime", "concurrency", "execution_timeout", "max_attempts", "on_reset")


def _updated_text(d: dict[str, Any]) -> str:
    if not d["changes"]:
        return f"service {d['service']['name']!r}: nothing to change"
    return "\n".join([f"service {d['service']['name']!r} updated:",
                      *(f"  {k}: {old!r} -> {new!r}" for k, (old, new) in d["changes"].items())])


@command("update-service", SERVICE, arg("--revision", metavar="VERSION", help="a version or 'latest'"), INIT, RUNTIME,
         CONCURRENCY, EXECUTION_TIMEOUT, MAX_ATTEMPTS, ON_RESET, text=_updated_text,
         help="change a service (prints what changed)")
def update_service(ws: Workspace, args: Args) -> dict[str, Any]:
    changes = given(**{k: getattr(args, k) for k in UPDATE_OPTIONS})
    if args.init is not None:
        changes["init_input"] = parse_pairs(args.init, "init input")
    svc = ws.services.get(args.service)
    before = {k: getattr(svc, k) for k in changes}
    after = svc.update(quiet=True, **changes)
    diff = {k: [before[k], getattr(after, k)] for k in changes if before[k] != getattr(after, k)}
    return {"service": service_json(after), "changes": diff}


@command("pause", SERVICE, text=lambda svc: f"{svc.name} paused", json=service_json, help="refuse new executions of a service")
def pause(ws: Workspace, args: Args) -> Service:
    return ws.services.get(args.service).pause()


@command("resume", SERVICE, text=lambda svc: f"{svc.name} resumed", json=service_json, help="let a paused service run again")
def resume(ws: Workspace, args: Args) -> Service:
    return ws.services.get(args.service).resume()


def _failed_test(result: LocalTestResult) -> str | None:
    if result.ok:
        return None
    failed = sum(c.status != "success" for c in result.calls)
    return f"{failed} of {len(result.calls)} call(s) of {result.function!r} failed"


@command("test", arg("dir", help="a Dataloop package folder (package.json + mock.json)"),
         arg("--mock", default="mock.json", metavar="FILE", help="the mock file in DIR (default mock.json)"),
         arg("--function", metavar="NAME", help="function to call when mock.json names none (default run)"),
         arg("--concurrency", type=int, metavar="N", help="threads for a list of calls (default: one per call)"),
         text=lambda result: result.text(), failed=_failed_test,
         help="run a package folder locally with its mock.json; fails if any call fails")
def test(ws: Workspace, args: Args) -> LocalTestResult:
    from faas_jupyter.workspace.local_test import (
        run_local_test,  # runs code: only when asked
    )
    return run_local_test(ws, args.dir, args.mock, args.function, args.concurrency)
