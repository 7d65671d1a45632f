"""Find what a widget needs through the workspace API (no ipywidgets here: text path too)."""
from __future__ import annotations


def function_spec(ws, service, function: str):
    """The PackageFunction a service serves under ``function`` (NotFound lists the others)."""
    pkg = ws.packages.get(service.package, version=service.revision)
    return pkg.module(service.module_name).function(function)
