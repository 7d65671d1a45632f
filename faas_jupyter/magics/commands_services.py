"""`%faas` commands for services and executions: deploy, run, executions, logs, services, test,
update, pause, resume."""
from __future__ import annotations

from faas_jupyter import _text
from faas_jupyter.errors import ExecutionError
from faas_jupyter.magics.registry import arg, command

RUNTIME = arg("--runtime", choices=("kernel", "process", "dask"), help="where it runs (default kernel)")
INIT = arg("--init", nargs="*", metavar="K=V", help="init inputs (JSON values, else strings)")


def _widgets():
    import faas_jupyter.widgets as widgets  # imports no ipywidgets until a widget is built
    return widgets if widgets.widgets_enabled() else None


@command("deploy", arg("package", help="package name"), arg("--module"), arg("--revision", help="default latest"),
         arg("--service", help="service name (default the package's)"), INIT, RUNTIME,
         arg("--concurrency", type=int), arg("--timeout", type=float, help="execution_timeout in seconds"),
         arg("--max-attempts", type=int), arg("--on-reset", choices=("failed", "rerun")),
         arg("--scheduler", help="dask: scheduler address, e.g. tcp://host:8786 (default a LocalCluster)"),
         arg("--shared-filesystem", action="store_true", default=None,
             help="dask: the local artifact root is one shared folder on every worker"),
         arg("--no-install-requirements", dest="install_requirements", action="store_false", default=None,
             help="dask: check the requirements on the workers instead of pip-installing them"),
         help="deploy a package revision as a service (no options + widgets: a deploy panel)")
def deploy(magics, args):
    options = {k: v for k, v in (("module_name", args.module), ("revision", args.revision),
                                 ("service_name", args.service), ("runtime", args.runtime),
                                 ("concurrency", args.concurrency), ("execution_timeout", args.timeout),
                                 ("max_attempts", args.max_attempts), ("on_reset", args.on_reset),
                                 ("scheduler", args.scheduler), ("shared_filesystem", args.shared_filesystem),
                                 ("install_requirements", args.install_requirements))
               if v is not None}
    if args.init:
        options["init_input"] = parse_pairs(args.init, "init input")
    widgets = _widgets()
    if not options and widgets is not None:
        return widgets.show_deploy(magics.ws, args.package)
    svc = magics.ws.packages.get(args.package).deploy(**options)
    print(f"{svc.name} deployed: {svc.package} {svc.revision}, module {svc.module_name}, runtime {svc.runtime}")
    return None


@command("run", arg("service"), arg("function"), arg("inputs", nargs="*", metavar="K=V",
         help="inputs (JSON values, else strings)"), arg("--returns", nargs="*", help="log hints"),
         help="run a function of a service and show the execution and its output")
def run(magics, args):
    svc = magics.ws.services.get(args.service)
    widgets = _widgets()
    if not args.inputs and not args.returns and widgets is not None:
        return widgets.show_function_form(magics.ws, svc, args.function)
    ex = svc.execute(args.function, parse_pairs(args.inputs), returns=args.returns or None)
    print(ex)
    logs = ex.logs()
    if logs:
        print(logs.rstrip())
    if str(ex.status) != "success":
        print(ex.traceback.rstrip() if ex.traceback else ex.error)
        return None
    return ex.get_output()


@command("executions", arg("service", nargs="?"), help="executions, newest first (widgets: a live monitor)")
def executions(magics, args):
    from faas_jupyter.widgets import show_executions  # a live ExecutionMonitor, or its text table
    return show_executions(magics.ws, args.service)


@command("logs", arg("execution", help="execution id (or a unique prefix)"), help="print an execution's logs")
def logs(magics, args):
    ex = magics.ws.executions.get(args.execution)  # a unique id prefix works
    print(ex.logs().rstrip() or f"(execution {ex.id[:8]} logged nothing)")


@command("services", help="list the services with their revision and drift")
def services(magics, args):
    rows = [[s.name, s.package, s.revision, s.behind, s.module_name, s.runtime, "yes" if s.active else "paused"]
            for s in magics.ws.services.list()]
    print(_text.table(rows, ["service", "package", "revision", "behind", "module", "runtime", "active"],
                      empty="(no services)"))


@command("update-service", arg("service"), arg("--revision", help="a version or 'latest'"), INIT, RUNTIME,
         arg("--concurrency", type=int), arg("--timeout", type=float), arg("--max-attempts", type=int),
         help="change a service (prints what changed)")
def update_service(magics, args):
    changes = {k: v for k, v in (("revision", args.revision), ("runtime", args.runtime),
                                 ("concurrency", args.concurrency), ("execution_timeout", args.timeout),
                                 ("max_attempts", args.max_attempts)) if v is not None}
    if args.init is not None:
        changes["init_input"] = parse_pairs(args.init, "init input")
    magics.ws.services.get(args.service).update(**changes)


@command("pause", arg("service"), help="refuse new executions of a service")
def pause(magics, args):
    magics.ws.services.get(args.service).pause()
    print(f"{args.service} paused")


@command("resume", arg("service"), help="let a paused service run again")
def resume(magics, args):
    magics.ws.services.get(args.service).resume()
    print(f"{args.service} resumed")


@command("test", arg("dir", help="a Dataloop package folder"), arg("--mock", default="mock.json"),
         arg("--function"), help="run a package folder locally with its mock.json")
def test(magics, args):
    from faas_jupyter.workspace.local_test import run_local_test
    result = run_local_test(magics.ws, args.dir, args.mock, args.function)
    print(result.text())
    if not result.ok:
        failed = sum(c.status != "success" for c in result.calls)
        raise ExecutionError(f"{failed} of {len(result.calls)} call(s) of {result.function!r} failed")


def parse_pairs(*args, **kwargs):
    """The one K=V parser (the CLI uses it too), imported when a command needs it: the
    workspace's I/O bridge brings SQLAlchemy, which a `%%faas` cell must not wait for."""
    from faas_jupyter.workspace._io_bridge import parse_pairs as parse
    return parse(*args, **kwargs)
