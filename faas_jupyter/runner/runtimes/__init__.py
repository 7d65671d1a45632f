"""Runtimes: where a service's functions run (``kernel``, ``process``, ``dask``)."""
from __future__ import annotations

import importlib
from typing import Any

from faas_jupyter.errors import ValidationError
from faas_jupyter.runner.runtimes.base import (CallResult, CallSpec, EventSink, NullSink, Runtime,
                                               ServiceConfig)

RUNTIMES = {
    "kernel": "faas_jupyter.runner.runtimes.kernel:KernelRuntime",
    "process": "faas_jupyter.runner.runtimes.process:ProcessRuntime",
    "dask": "faas_jupyter.runner.runtimes.dask:DaskRuntime",
}


def make_runtime(name: str, sink: EventSink | None = None, **options: Any) -> Runtime:
    """A runtime by name; ``options`` go to its constructor (e.g. ``address=`` for dask)."""
    target = RUNTIMES.get(name)
    if target is None:
        raise ValidationError(f"unknown runtime {name!r}; choose one of {', '.join(RUNTIMES)}")
    module, _, cls = target.partition(":")
    runtime: Runtime = getattr(importlib.import_module(module), cls)(sink=sink, **options)
    return runtime


__all__ = ["CallResult", "CallSpec", "EventSink", "NullSink", "Runtime", "ServiceConfig",
           "RUNTIMES", "make_runtime"]
