"""Deploying the MLRun-style test packages (``mlrun_notes``) once per runtime: shared by the
MLRun execution and input tests."""
from __future__ import annotations

import importlib.util

import pytest

from faas_jupyter.model.codebase import Codebase
from faas_jupyter.workspace import _runtime_bridge as bridge

RUNTIMES = ["kernel", "process",
            pytest.param("dask", marks=pytest.mark.skipif(importlib.util.find_spec("distributed") is None,
                                                          reason="dask.distributed is not installed"))]


def deployed_services(ws, main: str, package: str, packagers=()):
    """A fixture's body: register ``packagers``, push ``main`` as ``package`` and yield
    ``deploy(runtime)`` (service ``<package>-<runtime>``, 120 s timeout); stop them afterwards."""
    for packager in packagers:
        ws.packagers.add(packager)
    pkg = ws.packages.push(codebase=Codebase({"main.py": main}), package_name=package)
    started = []

    def deploy(runtime):
        svc = pkg.deploy(service_name=f"{package}-{runtime}", runtime=runtime, execution_timeout=120)
        started.append(svc)
        return svc
    yield deploy
    for svc in started:
        bridge.stop(svc.id)
