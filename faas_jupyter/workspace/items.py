"""Items (stored objects) and their annotations: ``ws.items``, ``item.annotations``.

``ws.items.log(obj, key=...)`` packs ``obj`` with the workspace's packagers into
the artifact root under ``<project>/<log-id>/`` (so nothing is ever overwritten)
and records one row per item.  If recording fails, the files just written are
removed.  ``item.get()`` unpacks by the stored instructions (or to a type hint).
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from faas_jupyter.dtlpy.downloads import download_path
from faas_jupyter.errors import NotFound, UnpackingError, ValidationError
from faas_jupyter.model.clock import now
from faas_jupyter.model.entities import Annotation as AnnotationSpec
from faas_jupyter.model.entities import Item as ItemSpec
from faas_jupyter.packagers.api import read_policy
from faas_jupyter.packagers.clearing import clearing_scope
from faas_jupyter.store import datasets as dataset_sql
from faas_jupyter.store import items as sql
from faas_jupyter.store import packages as package_sql
from faas_jupyter.store.db import new_id
from faas_jupyter.workspace._bound import Bound
from faas_jupyter.workspace import _changes
from faas_jupyter.workspace._item_records import item_fields, item_row

if TYPE_CHECKING:
    from faas_jupyter.store.db import Connection
    from faas_jupyter.workspace._base import Workspace

WRITERS = ("owner", "developer", "annotationManager")
MEMBERS = WRITERS + ("annotator",)


@dataclass(eq=True)
class Item(ItemSpec, Bound):
    """An item bound to a workspace: ``get()``, ``as_df()``, ``local()``, ``annotations``."""

    metadata: dict = field(default_factory=dict, compare=False)
    _ws: Any = field(default=None, repr=False, compare=False)

    def record(self) -> dict:
        """The packager record this item was stored from."""
        return {"key": self.key, "artifact_type": self.artifact_type, "format": self.format,
                "size": self.size, "digest": self.digest, "packager": self.packager,
                "object_type": self.object_type, "instructions": self.instructions,
                "path": self.path, "url": self.url, "value": self.value, "creator": self.creator}

    def get(self, type_hint: Any = None, trust: bool = False) -> Any:
        """The stored object: by its packager's instructions, or converted to ``type_hint``.

        The file must still match the digest recorded when it was written, and a pickle
        must be yours; ``trust=True`` (or the workspace's ``trust_pickles``) lifts both.
        """
        manager = self._ws.packagers.manager
        with read_policy(trust or self._ws.settings.trust_pickles, self._ws.user):
            if self.packager == "bundle":
                parts = self._ws.items.bundle_parts(self)
                return manager.unpack_bundle(self.record(), {i.key: i.record() for i in parts},
                                             type_hint, self._ws.artifacts)
            return manager.unpack(self.record(), type_hint, self._ws.artifacts)

    def as_df(self):
        """The item as a pandas DataFrame (datasets, frames, 2-D arrays, Series)."""
        import pandas as pd
        obj = self.get()
        if isinstance(obj, pd.DataFrame):
            return obj
        if isinstance(obj, pd.Series):
            return obj.to_frame()
        try:
            return pd.DataFrame(obj)
        except (ValueError, TypeError) as exc:
            raise UnpackingError(f"item {self.key!r} ({self.object_type}) cannot be shown as a "
                                 f"DataFrame: {exc}") from None

    def local(self, trust: bool = False) -> str:
        """A local path of the item's file (a cleared copy when the root is remote), checked
        against its recorded digest unless ``trust``."""
        if not self.path:
            raise ValidationError(f"item {self.key!r} is a result ({self.value!r}); it has no file")
        if trust:
            return self._ws.artifacts.local_path(self.path)
        return self._ws.artifacts.local_path_verified(self.path, self.digest, self.size, self.key)

    @property
    def annotations(self) -> "Annotations":
        return Annotations(self)

    def update(self) -> "Item":
        """Store this item's ``metadata`` as changed in place (Dataloop's
        ``item.metadata["user"] = {...}; item.update()``); Item Updated triggers fire."""
        _changes.update_item(self, WRITERS)
        return self

    def delete(self) -> None:
        """Delete this item and its annotations (files stay until ``ws.gc()``); Item Deleted
        triggers fire with the item as it was."""
        _changes.delete_item(self, WRITERS)

    @property
    def name(self) -> str:
        """Dataloop's item name: the file name (``scores.csv``); the key for an inline result."""
        return PurePosixPath(self.path).name if self.path else self.key

    @property
    def filename(self) -> str:
        """Dataloop's remote path of the item: ``/<name>``."""
        return "/" + self.name

    def download(self, local_path: str | os.PathLike | None = None, overwrite: bool = True,
                 **dataloop_options: Any) -> str:
        """Write the item's file and return its path (dtlpy's ``item.download`` rules)."""
        from faas_jupyter.dtlpy import Item as DataloopItem
        return DataloopItem(id=self.id, key=self.key, path=self.path, value=self.value,
                            _source=self._ws.artifacts).download(local_path, overwrite)


@dataclass(eq=True)
class Annotation(AnnotationSpec, Bound):
    """A JSON annotation of an item: ``update(data)``, ``delete()``."""

    _ws: Any = field(default=None, repr=False, compare=False)

    def update(self, data: dict | None = None) -> "Annotation":
        """Store ``data`` (else ``self.data`` as changed in place); Annotation Updated triggers fire."""
        if data is not None:
            if not isinstance(data, dict):
                raise ValidationError(f"an annotation is a dict, not {type(data).__name__}")
            self.data = data
        _changes.update_annotation(self, MEMBERS)
        return self

    def delete(self) -> None:
        """Delete this annotation; Annotation Deleted triggers fire."""
        _changes.delete_annotation(self, MEMBERS)


def _bind(ws: Workspace, row: sql.NamedItemRow, project_name: str) -> Item:
    return Item(**item_fields(dict(row)), dataset=row["dataset_name"], project=project_name,
                metadata=row["metadata"] or {}, _ws=ws)


def _row(record: dict, project_id: str, dataset_id: str | None, execution_id: str | None,
         group: str, creator: str) -> dict:
    """The execution outputs' row (``item_row``) plus the dataset and the log group."""
    row = item_row({**record, "id": new_id()}, project_id, execution_id, creator, now())
    return {**row, "dataset_id": dataset_id, "metadata": {**row["metadata"], "group": group}}


class Items:
    """``ws.items``: log, get, list (in the current project)."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def _bound(self, rows: list[sql.NamedItemRow]) -> list[Item]:
        project = self._ws.project.name
        return [_bind(self._ws, r, project) for r in rows]

    def log(self, obj: Any, key: str, artifact_type: str | None = None, dataset: Any = None,
            execution: str | None = None, **configurations) -> Item:
        """Store ``obj`` as an item (several for a collection itemized with ``*key``).

        Returns the item for ``key``; ``dataset`` is a name or a Dataset.
        """
        from faas_jupyter.packagers.log_hints import LogHint
        project = self._ws.project
        hint = LogHint(key.lstrip("*"), artifact_type, dict(configurations), itemized=len(key) - len(key.lstrip("*")))
        with self._ws.store.connect() as conn:
            self._ws.check_role(conn, f"log item {hint.key!r}", WRITERS, project)
            dataset_id = self._dataset_id(conn, dataset)
        group = new_id()
        with clearing_scope():  # the packers' temporary paths go once the items are recorded
            records = self._ws.packagers.manager.pack(obj, hint, self._ws.artifacts, f"{project.name}/{group}")
            rows = [_row(r, project.id, dataset_id, execution, group, self._ws.user) for r in records]
            name = dataset if dataset is None or isinstance(dataset, str) else dataset.name
            created = [_bind(self._ws, {**r, "dataset_name": name}, project.name) for r in rows]

            def fn(conn: Connection):  # the items and their trigger events: one transaction
                sql.insert_items(conn, rows)
                _changes.record(conn, self._ws, "Item", "Created", created)
            try:
                self._ws.store.write(fn)
            except BaseException:
                for r in records:  # no orphan files for items that were never recorded
                    if r["path"] and self._ws.artifacts.exists(r["path"]):
                        self._ws.artifacts.delete(r["path"])
                raise
        return self.get(rows[-1]["id"])

    def _dataset_id(self, conn: Connection, dataset) -> str | None:
        if dataset is None:
            return None
        name = dataset if isinstance(dataset, str) else dataset.name
        found = dataset_sql.dataset_id(conn, self._ws.project.id, name)
        if found is None:
            raise NotFound(f"no dataset {name!r} in project {self._ws.project.name!r}; "
                           f"create it with ws.datasets.create({name!r})")
        return found

    def get(self, item_id: str) -> Item:
        """The item ``item_id``; a ``codebase_id`` (``pkg.codebase_id``) gives that codebase's zip."""
        if is_codebase_id(item_id):
            return codebase_item(self._ws, item_id)
        with self._ws.store.connect() as conn:
            self._ws.check_member(f"read item {item_id!r}", conn)
            found = sql.get_item(conn, self._ws.project.id, item_id)
        if found is None:
            raise NotFound(f"no item {item_id!r} in project {self._ws.project.name!r}; "
                           f"see ws.items.list()")
        return _bind(self._ws, found, self._ws.project.name)

    def list(self, dataset: Any = None, key: str | None = None) -> list[Item]:
        """Items of the project, oldest first; only those of ``dataset`` / ``key`` if given."""
        with self._ws.store.connect() as conn:
            self._ws.check_member("list items", conn)
            dataset_id = self._dataset_id(conn, dataset) if dataset is not None else None
            return self._bound(sql.list_items(conn, self._ws.project.id, dataset_id, key))

    def delete(self, item_id: str) -> None:
        """Delete item ``item_id`` (``item.delete()``)."""
        self.get(item_id).delete()

    def bundle_parts(self, bundle: Item) -> list[Item]:
        """The items packed with ``bundle``: keys ``<key>_...`` from the same log group or execution."""
        with self._ws.store.connect() as conn:
            rows = self._bound(sql.items_with_key_prefix(conn, self._ws.project.id, f"{bundle.key}_",
                                                         bundle.execution))
        group = bundle.metadata.get("group")
        return [i for i in rows if i.metadata.get("group") == group]

    def __iter__(self):
        return iter(self.list())


class Annotations:
    """``item.annotations``: add a JSON record, list them."""

    def __init__(self, item: Item):
        self._item, self._ws = item, item.workspace

    def add(self, data: dict) -> Annotation:
        if not isinstance(data, dict):
            raise ValidationError(f"an annotation is a dict, not {type(data).__name__}")
        row: sql.AnnotationRow = {"id": new_id(), "item_id": self._item.id, "type": _str(data.get("type")),
                                  "label": _str(data.get("label")), "data": data, "created_at": now(),
                                  "creator": self._ws.user}
        project = self._ws.project

        note = Annotation(id=row["id"], item=self._item.id, data=data, created_at=row["created_at"],
                          creator=row["creator"], _ws=self._ws)

        def fn(conn: Connection):
            self._ws.check_role(conn, f"annotate item {self._item.key!r}", MEMBERS, project)
            sql.insert_annotation(conn, row)  # not JSON -> TypeError, nothing written
            _changes.record(conn, self._ws, "Annotation", "Created", [note])
        self._ws.store.write(fn)
        return note

    def list(self) -> list[Annotation]:
        with self._ws.store.connect() as conn:
            return [Annotation(id=r["id"], item=r["item_id"], data=r["data"],
                               created_at=r["created_at"], creator=r["creator"], _ws=self._ws)
                    for r in sql.list_annotations(conn, self._item.id)]

    def __iter__(self):
        return iter(self.list())

    def __len__(self) -> int:
        return len(self.list())


def _str(v) -> str | None:
    return v if isinstance(v, str) else None


__all__ = ["Item", "Items", "Annotation", "Annotations"]


# -- codebase items ----------------------------------------------------------------------------
# A revision's codebase as a zip item: ``ws.items.get(item_id=service.package.codebase_id)``.
#
# Dataloop stores each codebase as a zip item (``/codebases/<package>/<n>.zip`` in the
# project's Binaries dataset). Ours are content-addressed files of the revision, so the
# zip item is derived, not stored: its id is ``codebase-<revision id>`` and its bytes are
# ``codebase.zip()``, the same deterministic zip the REST API and the revision browser
# serve; its files are those ``faas download`` writes.
PREFIX = "codebase-"


def codebase_id(revision_id: str) -> str:
    return PREFIX + revision_id


def is_codebase_id(item_id: Any) -> bool:
    return isinstance(item_id, str) and item_id.startswith(PREFIX)


@dataclass(eq=True)
class CodebaseItem(Item):
    """The zip of one revision's codebase: ``download(local_path)``, ``get()`` -> Codebase."""

    _package: Any = field(default=None, repr=False, compare=False)
    _zip: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def name(self) -> str:
        return f"{self._package.version}.zip"

    @property
    def filename(self) -> str:
        return f"/codebases/{self._package.name}/{self.name}"

    def zip(self) -> bytes:
        if self._zip is None:
            self._zip = self._package.codebase.zip()
        return self._zip

    def download(self, local_path: str | os.PathLike | None = None, overwrite: bool = True,
                 **_dataloop_options: Any) -> str:
        """Write the zip (Dataloop's ``local_path`` rule: a folder or the file's path)."""
        target = download_path(self.name, local_path, self.id)
        if target.exists() and not overwrite:
            return str(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.part")
        tmp.write_bytes(self.zip())
        os.replace(tmp, target)
        return str(target)

    def get(self, type_hint: Any = None):
        """The revision's Codebase (files in memory)."""
        return self._package.codebase

    def local(self) -> str:
        return self.download()


def codebase_item(ws: Workspace, item_id: str) -> CodebaseItem:
    """The codebase zip item ``item_id`` of a revision in the current project."""
    with ws.store.connect() as conn:
        ws.check_member(f"read item {item_id!r}", conn)
        row = package_sql.get_revision_by_id(conn, ws.project.id, item_id[len(PREFIX):])
    if row is None:
        raise NotFound(f"no codebase item {item_id!r} in project {ws.project.name!r}; a service's is "
                       "ws.services.get(...).package.codebase_id")
    pkg = ws.packages.get(row["package_name"], version=row["version"])
    data = pkg.codebase.zip()
    meta = {"system": {"mimetype": "application/zip", "size": len(data)}, "package": pkg.name,
            "version": pkg.version, "codebaseDigest": row["codebase_digest"]}
    return CodebaseItem(id=item_id, key=f"{pkg.name}-{pkg.version}.zip", artifact_type="codebase",
                        format="zip", size=len(data), digest="sha256:" + hashlib.sha256(data).hexdigest(),
                        created_at=row["created_at"], creator=row["creator"], project=ws.project.name,
                        metadata=meta, _ws=ws, _package=pkg, _zip=data)
