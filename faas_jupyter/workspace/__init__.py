"""The one API every front end uses: ``faas.workspace()`` and its collections.

``ws.projects`` / ``ws.project`` / ``proj.members`` (projects.py), ``ws.packages`` and the
bound ``Package`` (packages.py). Other use cases attach without touching this package:

- a collection: write ``workspace/<name>.py`` with a class taking ``(ws)``, and add a
  ``cached_property`` for it to ``_base.Workspace`` (as ``services``, ``items`` ... are);
  ``ws.<name>`` imports it on first use and builds it once.
- a public entity class (``faas.Service`` ...): add it to ``_LAZY`` below; the module is
  imported only when the name is first used, so ``import faas_jupyter`` stays light.
"""
from __future__ import annotations

import importlib
import sys
import types

from faas_jupyter.workspace._base import DEFAULT_PROJECT, Workspace, workspace

# public name -> module defining it (imported on first use)
_LAZY = {
    "Package": "faas_jupyter.workspace.packages",
    "Packages": "faas_jupyter.workspace.packages",
    "PackageDiff": "faas_jupyter.workspace._package_files",
    "Project": "faas_jupyter.workspace.projects",
    "Projects": "faas_jupyter.workspace.projects",
    "Members": "faas_jupyter.workspace.projects",
    "Service": "faas_jupyter.workspace.services",
    "Execution": "faas_jupyter.workspace.executions",
    "Item": "faas_jupyter.workspace.items",
    "Annotation": "faas_jupyter.workspace.items",
    "Dataset": "faas_jupyter.workspace.datasets",
    "Trigger": "faas_jupyter.workspace.triggers",
}

__all__ = ["DEFAULT_PROJECT", "Workspace", "workspace", *_LAZY]


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'faas_jupyter.workspace' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


class _CallableModule(types.ModuleType):
    """``faas.workspace(...)`` works even after ``faas_jupyter.workspace`` (this subpackage) is imported.

    Importing a subpackage rebinds the parent's attribute of the same name to the module, which
    would shadow the ``workspace()`` function exported by ``faas_jupyter``; calling the module
    calls the function.
    """

    def __call__(self, *args, **kwargs):
        return workspace(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
