"""``import dtlpy as dl`` for package code written for Dataloop, running offline.

When the real ``dtlpy`` is not installed, the codebase loader (``runner/loader.py``)
resolves ``import dtlpy`` / ``from dtlpy.entities import Item`` in package code to this
module; a real ``dtlpy`` on ``sys.path`` always wins. It covers what package code and
deploy scripts use (``COVERED``); any other dtlpy name is an AttributeError that says so.
Layer: above ``model`` (it only builds model classes), below ``runner`` and ``workspace``.
"""
from __future__ import annotations

import logging

from faas_jupyter.dtlpy import entities, exceptions  # noqa: F401 (dl.entities, dl.exceptions: in COVERED)
from faas_jupyter.dtlpy.entities import *  # noqa: F403 - the entity and spec names
from faas_jupyter.dtlpy.entities import ExecutionStatus, PackageInputType, __all__ as _ENTITY_NAMES
from faas_jupyter.model.service_runner import BaseServiceRunner, Context, Progress  # noqa: F401 (in COVERED)

logger = logging.getLogger("dtlpy")


def _constants() -> dict:
    """dtlpy's flat aliases: ``PACKAGE_INPUT_TYPE_ITEM``, ``EXECUTION_STATUS_SUCCESS`` ..."""
    out = {f"PACKAGE_INPUT_TYPE_{m}": t for m, t in PackageInputType.__members__.items()}
    out.update({f"EXECUTION_STATUS_{s.name}": s for s in ExecutionStatus})
    return out


globals().update(_constants())

COVERED: tuple[str, ...] = tuple(sorted(
    {*_ENTITY_NAMES, "BaseServiceRunner", "Context", "Progress", "entities", "exceptions",
     "logger", *_constants()}))

__all__ = list(COVERED)


def __getattr__(name: str):
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(
        f"dtlpy.{name} is not covered by faas_jupyter's dtlpy compatibility module (it has no "
        f"Dataloop server to talk to); use the workspace instead (faas.workspace(): ws.packages, "
        f"ws.services, ws.items), or install the real dtlpy. Covered: see faas_jupyter.dtlpy.COVERED")
