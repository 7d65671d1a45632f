"""Pickle into an artifact and back: what ``pack_object`` / ``unpack_object`` of every
``DefaultPackager`` and the ``PickleFallbackPackager`` call.

Instructions record the Python version, the pickle module and the version of
the object's top-level library; loading under other versions warns, naming both.
Unpickling runs code, so a pickle is loaded only after its whole file matched its
recorded digest, and one written by another user only with explicit trust.
"""
from __future__ import annotations

import importlib
import platform
import sys
import warnings

from faas_jupyter.errors import PackingError, UnpackingError
from faas_jupyter.packagers.artifact import ArtifactType


def _version(module_name: str) -> str | None:
    top = module_name.split(".")[0]
    mod = sys.modules.get(top)
    if mod is None:
        try:
            mod = importlib.import_module(top)
        except ImportError:
            return None
    return getattr(mod, "__version__", None)


def _pickle_module(name: str):
    try:
        return importlib.import_module(name)
    except ImportError:
        raise PackingError(f"pickle module {name!r} is not installed; install it or use "
                           f"pickle_module_name='pickle'") from None


def pickle_to_artifact(packager, obj, key: str, pickle_module_name: str = "pickle"):
    """Pickle ``obj`` straight into the sink; return ``(Artifact, instructions)``."""
    module = _pickle_module(pickle_module_name)
    object_module = type(obj).__module__
    try:
        artifact = packager.write_artifact(
            key, ArtifactType.OBJECT, "pkl",
            lambda f: module.dump(obj, f, protocol=getattr(module, "HIGHEST_PROTOCOL", None)))
    except PackingError:
        raise
    except Exception as exc:
        raise PackingError(f"cannot pickle {key!r} ({type(obj).__qualname__}): {exc}") from exc
    instructions = {"pickle_module_name": pickle_module_name,
                    "python_version": platform.python_version(),
                    "pickle_module_version": _version(pickle_module_name),
                    "object_module_name": object_module,
                    "object_module_version": _version(object_module)}
    return artifact, instructions


def unpickle_item(packager, data_item, pickle_module_name: str, versions: dict):
    """Load a pickled item, warning when versions differ from the ones that wrote it."""
    try:
        module = importlib.import_module(pickle_module_name)
    except ImportError:
        raise UnpackingError(f"item {data_item.key!r} was pickled with {pickle_module_name!r}, "
                             f"which is not installed; install it") from None
    refusal = data_item.pickle_refusal()
    if refusal:
        raise UnpackingError(f"item {data_item.key!r} is a pickle and {refusal}; unpickling runs code "
                             f"from the file, so load it only if you trust it: item.get(trust=True), "
                             f"or workspace(..., trust_pickles=True) / FAAS_TRUST_PICKLES=1")
    _warn_on_mismatch(data_item.key, versions, pickle_module_name)
    # the whole file is checked against its digest before a byte of it is unpickled
    with open(packager.get_data_item_local_path(data_item), "rb") as f:
        return module.load(f)


def _warn_on_mismatch(key, versions: dict, pickle_module_name: str) -> None:
    checks = [("python", versions.get("python_version"), platform.python_version())]
    if versions.get("pickle_module_version"):
        checks.append((pickle_module_name, versions["pickle_module_version"], _version(pickle_module_name)))
    mod = versions.get("object_module_name")
    if mod and versions.get("object_module_version"):
        checks.append((mod.split(".")[0], versions["object_module_version"], _version(mod)))
    for name, stored, now in checks:
        if stored and now and stored != now:
            warnings.warn(f"item {key!r} was pickled with {name} {stored}, loading with {now}; "
                          f"the object may not load correctly", UserWarning, stacklevel=4)
