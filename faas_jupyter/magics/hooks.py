"""What `%faas` shows instead of a command's text: widgets in a widget front end, and the
value a cell gets back. Everything else is the command's own text (``faas_jupyter.commands``)."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from faas_jupyter.commands.base import Args
from faas_jupyter.commands.services import Ran, execution_text

if TYPE_CHECKING:
    from faas_jupyter.workspace import Workspace


def _widgets() -> Any:
    from faas_jupyter import widgets  # imports no ipywidgets until a widget is built
    return widgets if widgets.widgets_enabled() else None


def _options_given(args: Args, *names: str) -> bool:
    return any(getattr(args, n) not in (None, [], False) for n in names)


_DEPLOY = ("service_name", "module_name", "revision", "init", "runtime", "concurrency", "execution_timeout",
           "max_attempts", "on_reset", "scheduler", "shared_filesystem", "install_requirements")


def deploy(ws: Workspace, args: Args) -> Any:
    widgets = _widgets()
    if widgets is None or _options_given(args, *_DEPLOY) or "@" in args.package:
        return None
    return widgets.show_deploy(ws, args.package)


def execute(ws: Workspace, args: Args) -> Any:
    widgets = _widgets()
    if widgets is None or _options_given(args, "inputs", "returns", "input_json"):
        return None
    return widgets.show_function_form(ws, args.service, args.function)


def revisions(ws: Workspace, args: Args) -> Any:
    widgets = _widgets()
    return None if widgets is None else widgets.show_revisions(ws, args.package)


def diff(ws: Workspace, args: Args) -> Any:
    widgets = _widgets()
    return None if widgets is None else widgets.show_diff(ws, args.package, args.a, args.b)


def executions(ws: Workspace, args: Args) -> Any:
    widgets = _widgets()
    if widgets is None or _options_given(args, "status", "function") or args.offset or args.limit != 50:
        return None
    return widgets.show_executions(ws, args.service)


# command -> a widget to show instead of running it (None: run it and print its text)
WIDGETS: dict[str, Callable[[Workspace, Args], Any]] = {
    "deploy": deploy, "execute": execute, "revisions": revisions, "diff": diff, "executions": executions}


def widget(ws: Workspace, name: str, args: Args) -> Any:
    """The widget that command ``name`` shows instead of its text, or None."""
    hook = WIDGETS.get(name)
    return None if hook is None else hook(ws, args)


def ran(data: Ran) -> Any:
    """`%faas run`: the execution and its logs are printed; the cell's value is the output."""
    print(execution_text(data, output=False))
    return data.execution.get_output() if data.ok else None


# command -> what the cell shows and returns, instead of printing the command's text
DISPLAY: dict[str, Callable[[Any], Any]] = {"execute": ran}


def switched(magics: Any, args: Args, ws: Workspace) -> None:
    """`%faas workspace URL`: later commands use that workspace."""
    magics.ws = ws


def deleted(magics: Any, args: Args, data: Any) -> None:
    """`%faas delete PKG` also forgets this kernel's `%%faas` cells of PKG."""
    magics.packages.pop(args.package, None)


# command -> what the magics change in themselves after it ran (magics, args, data)
AFTER: dict[str, Callable[[Any, Args, Any], None]] = {"workspace": switched, "delete": deleted}
