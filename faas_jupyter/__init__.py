"""faas_jupyter: the notebook-native way to package, version, deploy and run functions.

``import faas_jupyter as faas`` is light: every public name is resolved lazily
(PEP 562), so pandas, numpy, IPython and SQLAlchemy load only when used.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "FaasError": "faas_jupyter.errors",
    "NotFound": "faas_jupyter.errors",
    "Conflict": "faas_jupyter.errors",
    "ValidationError": "faas_jupyter.errors",
    "PermissionDenied": "faas_jupyter.errors",
    "ExecutionError": "faas_jupyter.errors",
    "PackagingError": "faas_jupyter.errors",
    "PackingError": "faas_jupyter.errors",
    "UnpackingError": "faas_jupyter.errors",
    "NoChangeWarning": "faas_jupyter.errors",
    "TypeInferenceWarning": "faas_jupyter.errors",
    "PackageInputType": "faas_jupyter.model.types",
    "FunctionIO": "faas_jupyter.model.package",
    "PackageFunction": "faas_jupyter.model.package",
    "PackageModule": "faas_jupyter.model.package",
    "PackageSpec": "faas_jupyter.model.package",
    "Codebase": "faas_jupyter.model.codebase",
    "ExecutionStatus": "faas_jupyter.model.entities",
    "BaseServiceRunner": "faas_jupyter.model.service_runner",
    "Progress": "faas_jupyter.model.service_runner",
    "Context": "faas_jupyter.model.service_runner",
    "Packager": "faas_jupyter.packagers.api",
    "DefaultPackager": "faas_jupyter.packagers.api",
    "workspace": "faas_jupyter.workspace",
    "Workspace": "faas_jupyter.workspace",
    "Package": "faas_jupyter.workspace",
    "Service": "faas_jupyter.workspace",
    "Execution": "faas_jupyter.workspace",
    "Item": "faas_jupyter.workspace",
    "Dataset": "faas_jupyter.workspace",
    "Annotation": "faas_jupyter.workspace",
    "Trigger": "faas_jupyter.workspace",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'faas_jupyter' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # cache: later lookups skip __getattr__
    return value


def __dir__():
    return __all__


def load_ipython_extension(ipython):
    """``%load_ext faas_jupyter``: register the ``%faas`` / ``%%faas`` magics."""
    from faas_jupyter.magics import load_ipython_extension as _load
    _load(ipython)


def _jupyter_server_extension_points():
    return [{"module": "faas_jupyter.server"}]


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "faas-jupyter"}]
