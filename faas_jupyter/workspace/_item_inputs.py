"""Item inputs beyond one item id: bundles of items, and paths or URLs (issue 13 items 11, 13).

For an Item-typed input an execution may give, besides an item id (or ``{"item_id": ...}``):

* a dict or list of item ids (or paths/URLs) for a parameter hinted ``dict[str, T]``,
  ``list[T]`` or a custom bundle type: each is unpacked to ``T`` and the collection is
  bundled to the hint, as MLRun's documentation shows;
* a path (it contains a ``/`` or names an existing file) or a URL: it is read through the
  hinted type's packager with its default unpacking artifact type (a parquet path to a
  ``pd.DataFrame``).

``prepare`` runs in the parent (where the store is); ``resolve_bundle``/``resolve_external``
run where the function runs.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Callable

from faas_jupyter.errors import NotFound

if TYPE_CHECKING:
    from faas_jupyter.packagers.manager import PackagersManager

_REF_KEYS = ("item_id", "itemId", "id")


def is_reference(value: Any) -> bool:
    """``{"item_id": ...}``-style: one item, not a bundle of them."""
    return isinstance(value, dict) and any(isinstance(value.get(k), str) for k in _REF_KEYS)


def is_location(value: Any) -> bool:
    """A path or URL rather than an item id (ids never contain '/')."""
    return isinstance(value, str) and ("/" in value or "\\" in value or "://" in value)


def prepare(value: Any, name: str, array: bool, lookup: Callable[[Any, str], Any], ref_type,
            locations: bool = True) -> Any:
    """An Item input's value with every id or location replaced by an ``EntityRef``.

    ``locations=False`` (the Jupyter server, acting for its users): item ids only; a path or
    URL would let a user read what the server can read, outside their project."""
    def one(v, where):
        if not locations:
            return _id_only(v, where, lookup)
        return _one(v, where, lookup, ref_type)
    if isinstance(value, dict) and not is_reference(value):
        return {k: one(v, f"{name}[{k!r}]") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [one(v, f"{name}[{i}]") for i, v in enumerate(value)]
    return one(value, name)


def _one(value: Any, name: str, lookup, ref_type):
    from faas_jupyter.packagers.external import external_record, is_url
    if is_location(value) and (is_url(value) or os.path.exists(value.removeprefix("file://"))):
        return ref_type("Item", external_record(value))
    try:
        return lookup(value, name)
    except NotFound:
        if isinstance(value, str) and os.path.isfile(value):  # a bare file name in the cwd
            return ref_type("Item", external_record(value))
        if is_location(value):
            raise NotFound(f"input {name!r}: no file {value!r} (and no item with that id)") from None
        raise


def _id_only(value: Any, name: str, lookup):
    if is_location(value):
        from faas_jupyter.errors import ValidationError
        raise ValidationError(f"input {name!r}: {value!r} is a path or URL; through the Jupyter server "
                              "Item inputs are item ids of this project (log the file as an item first: "
                              "ws.items.log(...))", name)
    return lookup(value, name)


def resolve_bundle(value: Any, annotation: Any, resolve_one: Callable[[Any, Any], Any],
                   manager: PackagersManager) -> Any:
    """Unpack each EntityRef of a dict/list input to the item hint, then bundle to ``annotation``."""
    from faas_jupyter.packagers.bundles import item_hint
    element = None
    if annotation is not None:  # a bundle type without item type: each by its stored packager
        element = item_hint(annotation) or object
    if isinstance(value, dict):
        collection = {k: resolve_one(v, element) for k, v in value.items()}
    else:
        collection = [resolve_one(v, element) for v in value]
    return manager.bundle_collection(collection, annotation, "input")


def resolve_external(record: dict, annotation: Any, manager: PackagersManager, plain: bool) -> Any:
    """A path/URL input: as given for an untyped or ``str``/``Item`` parameter, else unpacked."""
    if plain:
        return record["path"]
    from faas_jupyter.packagers.external import ExternalSource
    return manager.unpack(record, annotation, ExternalSource())
