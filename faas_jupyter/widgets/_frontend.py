"""Is a widget front end present?  Decides between widgets and plain-text tables."""
from __future__ import annotations

import os
import sys

ENV = "FAAS_WIDGETS"


def widgets_enabled() -> bool:
    """True inside a Jupyter kernel (ipykernel's ZMQInteractiveShell) with ipywidgets installed.

    ``FAAS_WIDGETS=1`` / ``0`` forces the answer either way (``0`` suits nbconvert runs,
    which execute in a kernel but have no widget manager to render into).
    """
    forced = os.environ.get(ENV, "").strip().lower()
    if forced in ("0", "false", "no", "off"):
        return False
    if forced in ("1", "true", "yes", "on"):
        return _ipywidgets_importable()
    return _in_kernel() and _ipywidgets_importable()


def _in_kernel() -> bool:
    # Only look at modules already loaded: a plain Python process never imports IPython here.
    ipython = sys.modules.get("IPython")
    zmqshell = sys.modules.get("ipykernel.zmqshell")
    if ipython is None or zmqshell is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and isinstance(shell, zmqshell.ZMQInteractiveShell)


def _ipywidgets_importable() -> bool:
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True
