"""A project's custom packagers pack the outputs of its services, in the kernel and in worker processes."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # custom_point: importable here and in spawned workers

from faas_jupyter.model.codebase import Codebase  # noqa: E402
from faas_jupyter.workspace import _runtime_bridge as bridge  # noqa: E402

MAIN = '''
from faas_jupyter import BaseServiceRunner
from custom_point import Point


class ServiceRunner(BaseServiceRunner):
    def point(self, x: int):
        return Point(x, x + 1)
'''


@pytest.mark.parametrize("runtime", ["kernel", "process"])
def test_outputs_go_through_the_projects_packagers(ws, runtime):
    from custom_point import Point, PointPackager

    ws.packagers.add(PointPackager)
    pkg = ws.packages.push(codebase=Codebase({"main.py": MAIN}), package_name="points")
    svc = pkg.deploy(service_name=f"points-{runtime}", runtime=runtime, execution_timeout=60)
    try:
        ex = svc.execute("point", {"x": 2})
        assert str(ex.status) == "success", ex.error
        [item] = ex.output_items()
        assert item.packager == "PointPackager"  # not the pickle fallback
        assert item.get() == Point(2, 3)
    finally:
        bridge.stop(svc.id)
