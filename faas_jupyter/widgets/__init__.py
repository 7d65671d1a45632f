"""Notebook widgets (ipywidgets 8, one anywidget for diffs) and their plain-text fallbacks.

The magics call the ``show_*`` entry points. Each returns the widget when a widget front
end is present (see ``widgets_enabled``), else prints a text table and returns None.
ipywidgets is imported only on the widget path, so the text path works without it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ._frontend import widgets_enabled

if TYPE_CHECKING:
    from faas_jupyter.workspace.services import Service
    from faas_jupyter.workspace.packages import Package
    from faas_jupyter.workspace import Workspace

__all__ = ["show_diff", "show_revisions", "show_deploy", "show_function_form", "show_executions",
           "widgets_enabled", "RevisionBrowser", "DeployPanel", "FunctionForm", "ExecutionMonitor",
           "DiffView"]

_CLASSES = {"RevisionBrowser": ".revisions", "DeployPanel": ".deploy",
            "FunctionForm": ".function_form", "ExecutionMonitor": ".executions",
            "DiffView": ".diff_view"}


def __getattr__(name: str):
    if name not in _CLASSES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib
    return getattr(importlib.import_module(_CLASSES[name], __name__), name)


def _package(ws: Workspace, pkg: Package | str):
    return ws.packages.get(pkg) if isinstance(pkg, str) else pkg


def _widget_or_text(widget: str, args: tuple, text):
    """``widget(*args)`` when a widget front end is present, else print ``text()`` and return None.

    Either way an unknown package, service or function is a NotFound naming what there is."""
    if widgets_enabled():
        return __getattr__(widget)(*args)
    print(text())
    return None


def show_diff(ws: Workspace, pkg: Package | str, a: str, b: str | None):
    """``%faas diff PKG A B``: coloured HTML in a rich front end, else the unified text printed."""
    result = _package(ws, pkg).diff(a, b)
    if widgets_enabled():
        from .diff_html import DiffDisplay
        return DiffDisplay(result)
    print(getattr(result, "unified", None) or str(result) or "(no differences)")
    return None


def show_revisions(ws: Workspace, pkg: Package | str):
    """``%faas revisions PKG``: a RevisionBrowser, or the revisions table as text."""
    from .text import revisions_text
    return _widget_or_text("RevisionBrowser", (ws, pkg), lambda: revisions_text(_package(ws, pkg)))


def show_deploy(ws: Workspace, pkg: Package | str):
    """``%faas deploy PKG``: a DeployPanel, or the modules and their init inputs as text."""
    from .text import deploy_text
    return _widget_or_text("DeployPanel", (ws, pkg), lambda: deploy_text(_package(ws, pkg)))


def show_function_form(ws: Workspace, service: Service | str, function: str):
    """``%faas run SERVICE FUNCTION``: a FunctionForm, or the function's inputs as text."""
    from ._lookup import function_spec
    from .text import function_text
    service = ws.services.get(service) if isinstance(service, str) else service
    return _widget_or_text("FunctionForm", (service, function, ws),
                           lambda: function_text(service, function_spec(ws, service, function)))


PAGE = 50  # %faas executions shows the newest 50


def show_executions(ws: Workspace, service: Service | str | None = None):
    """``%faas executions [SERVICE]``: a live ExecutionMonitor, or the executions as text."""
    from faas_jupyter.commands.tables import executions_text
    name = getattr(service, "name", service)

    def text():
        page = ws.executions.list(service=name, limit=PAGE + 1)  # one more says "there is more"
        return executions_text(page[:PAGE], name, more=len(page) > PAGE)
    return _widget_or_text("ExecutionMonitor", (ws, name), text)
