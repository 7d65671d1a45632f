"""Notebook widgets (ipywidgets 8, one anywidget for diffs) and their plain-text fallbacks.

The magics call the ``show_*`` entry points. Each returns the widget when a widget front
end is present (see ``widgets_enabled``), else prints a text table and returns None.
ipywidgets is imported only on the widget path, so the text path works without it.
"""
from __future__ import annotations

from ._frontend import widgets_enabled

__all__ = ["show_revisions", "show_deploy", "show_function_form", "show_executions",
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


def _package(ws, pkg):
    return ws.packages.get(pkg) if isinstance(pkg, str) else pkg


def _service(ws, service):
    return ws.services.get(service) if isinstance(service, str) else service


def show_revisions(ws, pkg):
    """``%faas revisions PKG``: a RevisionBrowser, or the revisions table as text."""
    pkg = _package(ws, pkg)
    if widgets_enabled():
        from .revisions import RevisionBrowser
        return RevisionBrowser(ws, pkg)
    from .text import revisions_text
    print(revisions_text(pkg))
    return None


def show_deploy(ws, pkg):
    """``%faas deploy PKG``: a DeployPanel, or the modules and their init inputs as text."""
    pkg = _package(ws, pkg)
    if widgets_enabled():
        from .deploy import DeployPanel
        return DeployPanel(ws, pkg)
    from .text import deploy_text
    print(deploy_text(pkg))
    return None


def show_function_form(ws, service, function):
    """``%faas run SERVICE FUNCTION``: a FunctionForm, or the function's inputs as text."""
    service = _service(ws, service)
    from ._lookup import function_spec
    spec = function_spec(ws, service, function)
    if widgets_enabled():
        from .function_form import FunctionForm
        return FunctionForm(service, function, ws=ws)
    from .text import function_text
    print(function_text(service, spec))
    return None


def show_executions(ws, service=None):
    """``%faas executions [SERVICE]``: a live ExecutionMonitor, or the executions as text."""
    name = getattr(service, "name", service)
    if widgets_enabled():
        from .executions import ExecutionMonitor
        return ExecutionMonitor(ws, service=name)
    from .text import executions_text
    print(executions_text(ws.executions.list(service=name), name))
    return None
