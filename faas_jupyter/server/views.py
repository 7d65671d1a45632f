"""JSON shapes of the REST API: the entities' ``to_json()``, plus item previews.

An execution's output references items in their stored form (``model/refs.py``);
REST shows each as ``ItemRef.to_json()``, the Item JSON keys ``{"id", "key", "artifactType"}``,
so a client fetches ``items/{id}`` or ``items/{id}/preview`` with the id it sees.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from faas_jupyter.commands.services import service_json
from faas_jupyter.model.refs import ItemRef, map_refs

if TYPE_CHECKING:
    from faas_jupyter.workspace.items import Item
    from faas_jupyter.workspace.executions import Execution


def _ref_json(ref: ItemRef) -> dict[str, Any]:
    return ref.to_json()


def execution(ex: Execution) -> dict:
    """Execution.to_json() with item references in REST form, and the progress."""
    d = ex.to_json()
    d["output"] = map_refs(d.get("output"), _ref_json)
    d["progress"] = ex.progress
    return d


service = service_json  # Service.to_json() plus how many revisions it is behind the latest


def preview(item: Item) -> dict:
    """What ``workspace.previews.preview`` shows: it reads only what it shows and never
    unpickles (a pickle item shows its type, size and module)."""
    from faas_jupyter.workspace.previews import preview as cheap_preview
    return cheap_preview(item)
