"""``Bound``: what an entity bound to a workspace (a ``Service``, an ``Item`` ...) shows of it."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from faas_jupyter.workspace._base import Workspace


class Bound:
    """Mixed into the workspace's entity dataclasses, which hold their workspace in ``_ws``."""

    _ws: Any

    @property
    def workspace(self) -> Workspace:
        """The workspace this entity was read from (or created in)."""
        return self._ws
