"""References to stored entities: :class:`ItemRef`, :func:`is_item_ref`, :func:`map_refs`.

An execution's output names each item it produced (or returned) by reference. Python keeps
the reference in its stored form, ``{"item_id", "key", "artifact_type"}`` (``ex.output``,
the ``executions.output`` column); REST and the labextension see the one JSON shape,
``ItemRef.to_json()`` = ``{"id", "key", "artifactType"}`` (the Item JSON's own keys, so a
client fetches ``items/{id}`` with the id it sees; ``labextension/src/refs.ts`` mirrors it).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from faas_jupyter.errors import ValidationError


@dataclass(frozen=True)
class ItemRef:
    """A stored item, by id (plus its key and artifact type, to show without a lookup)."""

    id: str
    key: str | None = None
    artifact_type: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "key": self.key, "artifactType": self.artifact_type}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ItemRef:
        return cls(d["id"], d.get("key"), d.get("artifactType"))

    def to_stored(self) -> dict[str, Any]:
        """The stored form, as ``ex.output`` holds it."""
        return {"item_id": self.id, "key": self.key, "artifact_type": self.artifact_type}

    @classmethod
    def from_stored(cls, d: dict[str, Any]) -> ItemRef:
        return cls(d["item_id"], d.get("key"), d.get("artifact_type"))

    @classmethod
    def of_record(cls, record: dict[str, Any]) -> ItemRef:
        """The reference of an item record or row (``id``, ``key``, ``artifact_type``)."""
        return cls(record["id"], record["key"], record["artifact_type"])


def is_item_ref(value: Any) -> bool:
    """Is ``value`` a stored item reference (``{"item_id": str, "artifact_type": ..}``)?"""
    return isinstance(value, dict) and isinstance(value.get("item_id"), str) and "artifact_type" in value


def is_item_ref_json(value: Any) -> bool:
    """Is ``value`` an item reference in its JSON shape (``{"id": str, "artifactType": ..}``)?"""
    return isinstance(value, dict) and isinstance(value.get("id"), str) and "artifactType" in value


def map_refs(value: Any, fn: Callable[[ItemRef], Any]) -> Any:
    """``value`` (JSON) with each stored item reference replaced by ``fn(ItemRef)``."""
    if is_item_ref(value):
        return fn(ItemRef.from_stored(value))
    if isinstance(value, dict):
        return {k: map_refs(v, fn) for k, v in value.items()}
    if isinstance(value, list):
        return [map_refs(v, fn) for v in value]
    return value


def item_refs(value: Any) -> list[ItemRef]:
    """The stored item references in ``value`` (JSON), in order."""
    found: list[ItemRef] = []
    map_refs(value, found.append)
    return found


def ref_id(value: Any, type_name: str = "Item") -> str:
    """The id an entity input names: an id, ``{"item_id": ..}`` (``itemId``, ``id``) or an object."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        low = type_name.lower()
        for key in (f"{low}_id", f"{low}Id", "id"):
            if isinstance(value.get(key), str):
                found: str = value[key]
                return found
    ident = getattr(value, "id", None)
    if isinstance(ident, str):
        return ident
    raise ValidationError(f"a {type_name} input takes a {type_name} id, {{'{type_name.lower()}_id': id}} "
                          f"or a {type_name} object, not {type(value).__name__}")
