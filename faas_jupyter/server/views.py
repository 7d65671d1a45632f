"""JSON shapes of the REST API: the entities' ``to_json()``, plus item previews.

An execution's output references items as ``{"item_id", "key", "artifact_type"}``;
REST shows each as the Item JSON keys ``{"id", "key", "artifactType"}`` so a client
fetches ``items/{id}`` or ``items/{id}/preview`` with the id it sees.
"""
from __future__ import annotations

from typing import Any

PREVIEW_ROWS = 50
PREVIEW_COLUMNS = 50
TEXT_LIMIT = 10_000


def _ref(value: Any) -> Any:
    if isinstance(value, dict) and isinstance(value.get("item_id"), str) and "artifact_type" in value:
        return {"id": value["item_id"], "key": value.get("key"), "artifactType": value["artifact_type"]}
    if isinstance(value, dict):
        return {k: _ref(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_ref(v) for v in value]
    return value


def execution(ex) -> dict:
    """Execution.to_json() with item references in REST form, and the progress."""
    d = ex.to_json()
    d["output"] = _ref(d.get("output"))
    d["progress"] = ex.progress
    return d


def service(svc) -> dict:
    """Service.to_json() plus how many revisions it is behind the latest."""
    return {**svc.to_json(), "behind": svc.behind}


def preview(item) -> dict:
    """A table (``columns``, ``data``, ``shape``, ``truncated``) for frames and arrays,
    ``{"value"}`` for a plain result, else ``{"text"}``."""
    obj = item.get()
    table = _table(obj)
    if table is not None:
        return table
    if not item.path:  # a plain result stored as JSON
        return {"kind": "value", "value": item.value}
    text = repr(obj)
    return {"kind": "text", "text": text[:TEXT_LIMIT], "truncated": len(text) > TEXT_LIMIT}


def _table(obj: Any) -> dict | None:
    import sys
    pd = sys.modules.get("pandas")
    np = sys.modules.get("numpy")
    if np is not None and isinstance(obj, np.ndarray):
        if obj.ndim not in (1, 2):
            return None
        shape = list(obj.shape)
        import pandas as pd
        obj = pd.DataFrame(obj)
        return _frame(obj, shape, "array", str(obj.dtypes.iloc[0]) if len(obj.columns) else None)
    if pd is None:
        return None
    if isinstance(obj, pd.Series):
        return _frame(obj.to_frame(), [len(obj)], "series", str(obj.dtype))
    if isinstance(obj, pd.DataFrame):
        return _frame(obj, list(obj.shape), "dataframe", None)
    return None


def _frame(df, shape: list[int], kind: str, dtype: str | None) -> dict:
    import json
    part = df.iloc[:PREVIEW_ROWS, :PREVIEW_COLUMNS]
    # to_json makes every cell JSON-safe (NaN -> null, timestamps -> ISO text)
    split = json.loads(part.to_json(orient="split", date_format="iso", default_handler=str))
    out = {"kind": kind, "columns": [str(c) for c in part.columns], "index": split.get("index"),
           "data": split["data"], "shape": shape,
           "truncated": len(df) > PREVIEW_ROWS or len(df.columns) > PREVIEW_COLUMNS}
    if dtype is not None:
        out["dtype"] = dtype
    return out
