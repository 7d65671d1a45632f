"""What the service-lifecycle tests share: an autouse fixture that stops every service left
running in this process after each test (import it into the test module to use it)."""
from __future__ import annotations

import pytest

from faas_jupyter.workspace import _runtime_bridge as bridge


@pytest.fixture(autouse=True)
def _stop_services():
    yield
    for sid in list(bridge._RUNNING):
        bridge.stop(sid)
