"""Item, Dataset and Annotation with Dataloop's everyday surface, over our stored records.

A function that takes an ``item`` gets one of these: ``item.id``, ``item.name``,
``item.filename``, ``item.dataset`` (a Dataset), ``item.metadata``,
``item.annotations.list()`` and ``item.download(local_path=None)``. They subclass the
model's records, so our own fields (``key``, ``path``, ``artifact_type`` ...) stay.

Everything an entity can answer is given to it when it is built (the workspace reads
the rows in the parent process), so it works the same in a kernel thread, a worker
process or a Dask worker; only ``download`` reads the artifact root, through the
``source`` it was given (anything with ``open(relpath, "rb")``: ``ArtifactStore``).
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from faas_jupyter.dtlpy.downloads import download_path
from faas_jupyter.errors import FaasError
from faas_jupyter.model import entities as model
from faas_jupyter.model.package import find_named

__all__ = ["Item", "Dataset", "Annotation", "ItemsList", "AnnotationsList", "download_path"]


class _Listing:
    """Dataloop's ``repository.list()`` over a list known when the entity was built."""

    _what = "entity"

    def __init__(self, entries: list):
        self._entries = list(entries)

    def list(self, filters: Any = None) -> list:
        """All entries (Dataloop's filters are not supported: filter the list in Python)."""
        if filters is not None:
            raise FaasError(f"{self._what}s.list(filters=...) is not supported here; "
                            f"filter the returned list in Python instead")
        return list(self._entries)

    def get(self, **ids: Any):
        """The entry whose ``id`` (``item_id=`` / ``annotation_id=``) matches."""
        wanted = next((v for k, v in ids.items() if k.endswith("id")), None)
        return find_named(self._entries, "id", wanted, f"no {self._what} with id {wanted!r} here", "ids",
                          empty="none")

    def __iter__(self) -> Iterator:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<{len(self._entries)} {self._what}s>"


class AnnotationsList(_Listing):
    """``item.annotations``: ``list()``, ``get(annotation_id=...)``, iteration, ``len``."""

    _what = "annotation"


class ItemsList(_Listing):
    """``dataset.items``: ``list()``, ``get(item_id=...)``, iteration, ``len``."""

    _what = "item"


@dataclass(eq=True)
class Annotation(model.Annotation):
    """An annotation record; ``item_id``, ``type``, ``label`` as Dataloop names them."""

    @property
    def item_id(self) -> str | None:
        return self.item

    @property
    def type(self) -> Any:
        return self.data.get("type")

    @property
    def label(self) -> Any:
        return self.data.get("label")

    @classmethod
    def from_row(cls, row: dict) -> "Annotation":
        """From an ``annotations`` table row (``data`` is JSON text)."""
        data = row.get("data")
        return cls(id=row["id"], item=row.get("item_id"),
                   data=json.loads(data) if isinstance(data, str) else dict(data or {}),
                   created_at=row.get("created_at"), creator=row.get("creator"))


@dataclass(eq=True)
class Dataset(model.Dataset):
    """A dataset; ``items.list()`` lists the items it held when the execution started."""

    _items: list | None = field(default=None, repr=False, compare=False)

    @property
    def items(self) -> ItemsList:
        if self._items is None:
            raise FaasError(f"the items of dataset {self.name!r} are not known here; declare the "
                            "dataset as a Dataset input of the function to list them")
        return ItemsList(self._items)


@dataclass(eq=True)
class Item(model.Item):
    """A stored item as a Dataloop function sees it (``download``, ``dataset``, ``annotations``).

    ``dataset`` is the Dataset entity (its name was a string on our records); ``to_json``
    keeps writing the name, so the JSON shape is the model's.
    """

    metadata: dict = field(default_factory=dict, compare=False)
    _source: Any = field(default=None, repr=False, compare=False)
    _annotations: list = field(default_factory=list, repr=False, compare=False)

    # The model's ``dataset`` field holds a name; here it is the Dataset entity. The
    # dataclass __init__ assigns ``self.dataset = <name or Dataset>``, which lands in the setter.
    @property
    def dataset(self) -> Dataset | None:
        entity = self.__dict__.get("_dataset_entity")
        name = self.__dict__.get("_dataset_name")
        if entity is None and name is not None:
            entity = Dataset(id=None, name=name, project=self.project)
        return entity

    @dataset.setter
    def dataset(self, value: Any) -> None:
        if isinstance(value, model.Dataset):
            self.__dict__["_dataset_entity"], self.__dict__["_dataset_name"] = value, value.name
        else:
            self.__dict__["_dataset_name"] = value

    @property
    def dataset_id(self) -> str | None:
        entity = self.dataset
        return entity.id if entity is not None else None

    @property
    def name(self) -> str:
        """The file name (``scores.csv``); the key for an inline result."""
        return Path(self.path).name if self.path else (self.key or "")

    @property
    def filename(self) -> str:
        """Dataloop's remote path of the item: ``/<name>``."""
        return "/" + self.name

    @property
    def annotations(self) -> AnnotationsList:
        return AnnotationsList(self._annotations)

    @property
    def mimetype(self) -> str | None:
        return self.metadata.get("system", {}).get("mimetype")

    def to_json(self) -> dict:
        out = super().to_json()
        out["dataset"] = self.__dict__.get("_dataset_name")
        return out

    def download(self, local_path: str | os.PathLike | None = None, overwrite: bool = True,
                 **_dataloop_options: Any) -> str:
        """Write the item's file and return its path (Dataloop's rules for ``local_path``).

        ``local_path``: an existing folder or a path without a suffix is a folder (the file
        keeps its name inside); anything else is the file's path. ``None`` writes under a
        temporary folder of this user. An inline result is written as ``<key>.json``.
        """
        target = download_path(self.name if self.path else f"{self.key}.json", local_path, self.id)
        if target.exists() and not overwrite:
            return str(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.part")
        if self.path:
            if self._source is None:
                raise FaasError(f"item {self.key!r} has no artifact root to read from; get it "
                                "with ws.items.get(item_id) to download it")
            with self._source.open(self.path, "rb") as src, open(tmp, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
        else:
            tmp.write_text(json.dumps(self.value))
        os.replace(tmp, target)
        return str(target)
