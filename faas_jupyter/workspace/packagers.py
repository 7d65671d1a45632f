"""``ws.packagers``: the project's packagers manager, ``add(cls)`` and ``list()``.

The manager holds the builtins, the entry-point group ``faas_jupyter.packagers``
and the project's custom packagers.  ``add`` registers a class at once and, when
the class is importable (not defined in ``__main__`` or a function), records it
in the project so other workspaces and workers load it too.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import inspect
import threading

from faas_jupyter.store import custom_packagers as sql

if TYPE_CHECKING:
    from faas_jupyter.store.db import Connection
    from faas_jupyter.workspace._base import Workspace


def class_path(cls) -> str | None:
    """``"module:QualName"`` if another process could import ``cls``, else None."""
    if not inspect.isclass(cls) or cls.__module__ == "__main__" or "<locals>" in cls.__qualname__:
        return None
    return f"{cls.__module__}:{cls.__qualname__}"


class Packagers:
    """``ws.packagers``; see the module docstring."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws
        self._managers: dict[str, object] = {}
        self._lock = threading.Lock()

    @property
    def manager(self):
        """The PackagersManager of the current project (built on first use)."""
        project = self._ws.project
        with self._lock:
            if project.id not in self._managers:
                from faas_jupyter.packagers.manager import PackagersManager
                manager = PackagersManager()
                for path, mandatory in self._stored(project.id):
                    manager.add(path, is_mandatory=bool(mandatory), source="project")
                self._managers[project.id] = manager
            return self._managers[project.id]

    def stored(self) -> list[tuple[str, bool]]:
        """The current project's registered packagers as ``(class path, is_mandatory)``, oldest first."""
        return self._stored(self._ws.project.id)

    def _stored(self, project_id: str) -> list[tuple[str, bool]]:
        with self._ws.store.connect() as conn:
            return sql.stored_packagers(conn, project_id)

    def add(self, packager, is_mandatory: bool = False) -> list:
        """Register a Packager class (or ``"module.Class"``); see ``PackagersManager.add``."""
        added = self.manager.add(packager, is_mandatory=is_mandatory)
        path = packager.replace(".*", ":*") if isinstance(packager, str) else class_path(packager)
        if added and path:
            self._record(path, added[0].priority, is_mandatory)
        return added

    def _record(self, path: str, priority: int, is_mandatory: bool = False) -> None:
        project = self._ws.project

        def fn(conn: Connection):
            self._ws.check_role(conn, f"add packager {path!r}", project=project)
            sql.add_packager(conn, project.id, path, priority, is_mandatory, self._ws.user)
        self._ws.store.write(fn)

    def list(self) -> list[dict]:
        """Packagers in the order they are tried: name, packable type, priority, types, source."""
        return self.manager.list()

    def clear_outputs(self) -> None:
        """Remove temporary unpack places (extracted folders, downloaded copies)."""
        for manager in self._managers.values():
            manager.clear_packagers_outputs()
        self._ws.artifacts.clear_local()
