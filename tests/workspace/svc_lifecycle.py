"""What the service-lifecycle tests share: an autouse fixture that stops every service left
running in this process after each test (import it into the test module to use it)."""
from __future__ import annotations

import pytest

from faas_jupyter.workspace import _runtime_bridge as bridge


@pytest.fixture(autouse=True)
def _stop_services(request):
    # depend on the test's workspace, so services stop *before* its database (a PostgreSQL
    # schema) is dropped: a service still writing then made DROP SCHEMA deadlock now and then
    if "ws" in request.fixturenames:
        request.getfixturevalue("ws")
    yield
    stop_all()


def stop_all() -> None:
    """Stop every service running in this process."""
    for running in bridge.running_services():
        bridge.stop(running.id)
