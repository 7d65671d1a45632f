"""Datasets (named groups of items): ``ws.datasets``, ``dataset.items``."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from faas_jupyter.errors import Conflict, NotFound
from faas_jupyter.model.clock import now
from faas_jupyter.model.entities import Dataset as DatasetSpec
from faas_jupyter.model.roles import DEVELOPER_ROLES
from faas_jupyter.store import datasets as sql
from faas_jupyter.store.db import new_id
from faas_jupyter.workspace._bound import Bound
from faas_jupyter.workspace import _changes
from faas_jupyter.workspace.items import WRITERS

if TYPE_CHECKING:
    from faas_jupyter.store.db import Connection
    from faas_jupyter.workspace._base import Workspace


@dataclass(eq=True)
class Dataset(DatasetSpec, Bound):
    """A dataset bound to a workspace: ``items``, ``log(obj, key=...)``."""

    metadata: dict = field(default_factory=dict, compare=False)
    _ws: Any = field(default=None, repr=False, compare=False)

    def update(self) -> "Dataset":
        """Store this dataset's ``metadata`` as changed in place; Dataset Updated triggers fire."""
        _changes.update_dataset(self, WRITERS)
        return self

    def delete(self) -> None:
        """Delete this dataset and its items; Dataset Deleted (and Item Deleted) triggers fire."""
        _changes.delete_dataset(self, DEVELOPER_ROLES)

    @property
    def items(self) -> list:
        return self._ws.items.list(dataset=self.name)

    def log(self, obj: Any, key: str, artifact_type: str | None = None, **configurations):
        """``ws.items.log(..., dataset=this)``."""
        return self._ws.items.log(obj, key=key, artifact_type=artifact_type, dataset=self.name, **configurations)


class Datasets:
    """``ws.datasets``: create, get, list (in the current project)."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def _bind(self, row: sql.DatasetRow) -> Dataset:
        return Dataset(id=row["id"], name=row["name"], created_at=row["created_at"], creator=row["creator"],
                       project=self._ws.project.name, metadata=dict(row["metadata"] or {}),
                       _ws=self._ws)

    def create(self, name: str) -> Dataset:
        Dataset(name=name)  # validates the name before touching the store
        project = self._ws.project
        row: sql.DatasetRow = {"id": new_id(), "project_id": project.id, "name": name, "created_at": now(),
                               "creator": self._ws.user, "metadata": {}}

        def fn(conn: Connection):
            self._ws.check_role(conn, f"create dataset {name!r}", WRITERS, project)
            if sql.find_dataset(conn, project.id, name) is not None:
                raise Conflict(f"dataset {name!r} exists already; use ws.datasets.get({name!r})")
            sql.insert_dataset(conn, row)
            _changes.record(conn, self._ws, "Dataset", "Created", [created])
        created = self._bind(row)
        self._ws.store.write(fn)
        return created

    def get(self, name: str) -> Dataset:
        with self._ws.store.connect() as conn:
            self._ws.check_member(f"read dataset {name!r}", conn)
            row = sql.find_dataset(conn, self._ws.project.id, name)
        if row is None:
            names = ", ".join(d.name for d in self.list()) or "none"
            raise NotFound(f"no dataset {name!r} in project {self._ws.project.name!r}; datasets: {names}; "
                           f"create it with ws.datasets.create({name!r})")
        return self._bind(row)

    def list(self) -> list[Dataset]:
        with self._ws.store.connect() as conn:
            self._ws.check_member("list datasets", conn)
            return [self._bind(r) for r in sql.list_datasets(conn, self._ws.project.id)]

    def delete(self, name: str) -> None:
        """Delete dataset ``name`` and its items (``dataset.delete()``)."""
        self.get(name).delete()

    def __iter__(self):
        return iter(self.list())


__all__ = ["Dataset", "Datasets"]
