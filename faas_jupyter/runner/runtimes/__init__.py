"""Runtimes: where a service's functions run (``kernel``, ``process``, ``dask``)."""
from __future__ import annotations

import importlib

from faas_jupyter.errors import ValidationError
from faas_jupyter.runner.runtimes.base import (CallResult, CallSpec, EventSink, NullSink, Runtime,
                                               ServiceConfig)

RUNTIMES = {
    "kernel": "faas_jupyter.runner.runtimes.kernel:KernelRuntime",
    "process": "faas_jupyter.runner.runtimes.process:ProcessRuntime",
    "dask": "faas_jupyter.runner.runtimes.dask:DaskRuntime",
}


def make_runtime(name: str, sink: EventSink | None = None, **options) -> Runtime:
    """A runtime by name; ``options`` go to its constructor (e.g. ``address=`` for dask)."""
    target = RUNTIMES.get(name)
    if target is None:
        raise ValidationError(f"unknown runtime {name!r}; choose one of {', '.join(RUNTIMES)}")
    module, _, cls = target.partition(":")
    return getattr(importlib.import_module(module), cls)(sink=sink, **options)


__all__ = ["CallResult", "CallSpec", "EventSink", "NullSink", "Runtime", "ServiceConfig",
           "RUNTIMES", "make_runtime"]
