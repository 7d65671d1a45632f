"""HTML previews of an execution's inputs, outputs, logs and traceback.

Outputs that are items load through ``item.get()`` and are shown by what they are:
a DataFrame as its head with shape and dtypes, an array as shape/dtype/summary, a file
as name and size, anything else as its (shortened) repr.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import json
import os
import sys
from pathlib import Path

from ._base import ERROR_STYLE, esc, html_table

if TYPE_CHECKING:
    from faas_jupyter.workspace.items import Item

HEAD_ROWS = 5
MAX_REPR = 400


def _pre(text: str, cls: str = "") -> str:
    style = ("max-height:240px;overflow:auto;margin:2px 0;padding:4px;"
             "color:var(--jp-content-font-color1,#1f2328);background:var(--jp-layout-color0,#f6f8fa);"
             "border:1px solid var(--jp-border-color2,#d1d9e0)")
    return f"<pre class='{cls}' style='{style}'>{esc(text)}</pre>"


def _short(value) -> str:
    text = json.dumps(value, indent=1, default=str) if isinstance(value, (dict, list)) else repr(value)
    return text if len(text) <= MAX_REPR else text[:MAX_REPR - 1] + "…"


def preview_object(obj) -> str:
    """HTML for a loaded object; pandas/numpy are only looked at if already imported."""
    pd, np = sys.modules.get("pandas"), sys.modules.get("numpy")
    if pd is not None and isinstance(obj, pd.Series):
        obj = obj.to_frame()
    if pd is not None and isinstance(obj, pd.DataFrame):
        dtypes = html_table([[c, str(t)] for c, t in obj.dtypes.items()], ["column", "dtype"])
        return (f"<div class='faas-df'>DataFrame shape {obj.shape[0]} × {obj.shape[1]}"
                f"{obj.head(HEAD_ROWS).to_html(max_cols=20)}<details><summary>dtypes</summary>"
                f"{dtypes}</details></div>")
    if np is not None and isinstance(obj, np.ndarray):
        return f"<div class='faas-array'>{esc(array_summary(obj))}</div>"
    if isinstance(obj, os.PathLike):
        return f"<div class='faas-file'>{esc(file_summary(Path(obj)))}</div>"
    return _pre(_short(obj))


def array_summary(arr) -> str:
    text = f"array shape {arr.shape} dtype {arr.dtype}"
    if arr.size and arr.dtype.kind in "biuf":
        text += f"; min {arr.min():.6g} max {arr.max():.6g} mean {arr.mean():.6g}"
    return text


def file_summary(path: Path) -> str:
    if path.is_dir():
        files = [p for p in path.rglob("*") if p.is_file()]
        return f"folder {path.name}: {len(files)} files, {sum(p.stat().st_size for p in files):,} bytes"
    size = path.stat().st_size if path.exists() else None
    return f"file {path.name}" + (f", {size:,} bytes" if size is not None else " (missing)")


def preview_item(item: Item) -> str:
    """An item's key, type and a preview of its content (a load error is shown, not raised)."""
    head = (f"<b>{esc(item.key)}</b> <span style='color:var(--jp-ui-font-color2,#59636e)'>{esc(item.artifact_type or '')}"
            f" · item {esc(str(item.id)[:8])}</span>")
    try:
        body = preview_object(item.get())
    except Exception as e:  # a broken artifact must not break the monitor
        body = f"<span class='faas-error' style='{ERROR_STYLE}'>cannot load: {esc(e)}</span>"
    return head + body


def section(title: str, body: str) -> str:
    return f"<div style='margin-top:6px'><b>{esc(title)}</b>{body}</div>"
