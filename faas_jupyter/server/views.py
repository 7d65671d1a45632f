"""JSON shapes of the REST API: the entities' ``to_json()``, plus item previews.

An execution's output references items as ``{"item_id", "key", "artifact_type"}``;
REST shows each as the Item JSON keys ``{"id", "key", "artifactType"}`` so a client
fetches ``items/{id}`` or ``items/{id}/preview`` with the id it sees.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from faas_jupyter.commands.services import service_json

if TYPE_CHECKING:
    from faas_jupyter.workspace.items import Item
    from faas_jupyter.workspace.executions import Execution


def _ref(value: Any) -> Any:
    if isinstance(value, dict) and isinstance(value.get("item_id"), str) and "artifact_type" in value:
        return {"id": value["item_id"], "key": value.get("key"), "artifactType": value["artifact_type"]}
    if isinstance(value, dict):
        return {k: _ref(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_ref(v) for v in value]
    return value


def execution(ex: Execution) -> dict:
    """Execution.to_json() with item references in REST form, and the progress."""
    d = ex.to_json()
    d["output"] = _ref(d.get("output"))
    d["progress"] = ex.progress
    return d


service = service_json  # Service.to_json() plus how many revisions it is behind the latest


def preview(item: Item) -> dict:
    """What ``workspace.previews.preview`` shows: it reads only what it shows and never
    unpickles (a pickle item shows its type, size and module)."""
    from faas_jupyter.workspace.previews import preview as cheap_preview
    return cheap_preview(item)
