"""Find what a widget needs through the workspace API (no ipywidgets here: text path too)."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from faas_jupyter.workspace.services import Service
    from faas_jupyter.workspace import Workspace


def function_spec(ws: Workspace, service: Service, function: str):
    """The PackageFunction a service serves under ``function`` (NotFound lists the others)."""
    pkg = ws.packages.get(service.package, version=service.revision)
    return pkg.module(service.module_name).function(function)
