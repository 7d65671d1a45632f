"""A revision's codebase as a zip item: ``ws.items.get(item_id=service.package.codebase_id)``.

Dataloop stores each codebase as a zip item (``/codebases/<package>/<n>.zip`` in the
project's Binaries dataset). Ours are content-addressed files of the revision, so the
zip item is derived, not stored: its id is ``codebase-<revision id>`` and its bytes are
``codebase.zip()``, the same deterministic zip the REST API and the revision browser
serve; its files are those ``faas download`` writes.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from typing import Any

from faas_jupyter.dtlpy.downloads import download_path
from faas_jupyter.errors import NotFound
from faas_jupyter.store import packages as sql
from faas_jupyter.workspace.items import Item

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


def codebase_item(ws, item_id: str) -> CodebaseItem:
    """The codebase zip item ``item_id`` of a revision in the current project."""
    with ws.store.connect() as conn:
        ws.check_member(f"read item {item_id!r}", conn)
        row = sql.get_revision_by_id(conn, ws.project.id, item_id[len(PREFIX):])
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
