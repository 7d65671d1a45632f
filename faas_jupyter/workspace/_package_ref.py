"""``service.package``: the package's name that answers as the Package (Dataloop's shape).

A service has always given its package as a string (JSON ``"package": "name"``, the
sidebar, the CLI and ``f"{svc.package}"`` rely on it). Dataloop code reads
``service.package.codebase_id`` / ``.version`` / ``.revisions``. :class:`PackageRef` is
both: a ``str`` equal to the name, whose other attributes are those of the Package at
the service's pinned revision (read on first use). It pickles and copies as a plain str.
"""
from __future__ import annotations

from typing import Any

from faas_jupyter.errors import FaasError


class PackageRef(str):
    """The name of a service's package; attributes such as ``.version``, ``.codebase_id``,
    ``.revisions``, ``.modules``, ``.deploy`` come from the Package at the pinned revision."""

    def __new__(cls, name: str, service: Any):
        ref = super().__new__(cls, name)
        ref._service = service
        ref._package = None
        return ref

    def __reduce__(self):
        return (str, (str(self),))  # a worker process or a JSON copy sees the plain name

    def __copy__(self) -> str:
        return str(self)

    def __deepcopy__(self, memo) -> str:
        return str(self)

    def get(self):
        """The Package itself (at the service's pinned revision)."""
        if self._package is None:
            ws = getattr(self._service, "_ws", None)
            if ws is None:
                raise FaasError(f"service {self._service.name!r} is not bound to a workspace; get it "
                                "with ws.services.get(...) to reach its package")
            self._package = ws.packages.get(str(self), version=self._service.revision)
        return self._package

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("_service", "_package"):
            raise AttributeError(name)
        return getattr(self.get(), name)
