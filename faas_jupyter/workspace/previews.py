"""Item previews that read only what they show (the REST API and the sidebar use them).

* parquet: the footer, then the first row group's batch of the first columns (pyarrow),
  never the whole frame; feather: the first record batch of a memory map;
* npy: a memory map sliced to the first rows; object arrays and npz: their headers only;
* csv and numpy text: the first lines (lines are counted streaming, in constant memory);
* a pickle (``object``) is never unpickled: its type, size and module are shown instead;
* files: their first bytes; folder archives: their member list;
* anything else is loaded whole (``item.get()``) only up to ``LOAD_LIMIT`` bytes.

A preview does not check the item's digest (that would read the whole file); loading
the item does (``item.get()``).
"""
from __future__ import annotations

import json
import tarfile
import zipfile
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from faas_jupyter.workspace.items import Item

PREVIEW_ROWS = 50
PREVIEW_COLUMNS = 50
TEXT_LIMIT = 10_000
LOAD_LIMIT = 16 * 1024 * 1024
_FRAMES = {"pandas.DataFrame": "dataframe", "pandas.Series": "series", "numpy.ndarray": "array"}


def preview(item: Item) -> dict:
    """A table (``columns``, ``index``, ``data``, ``shape``, ``truncated``) for frames and
    arrays, ``{"value"}`` for a plain result, else ``{"text"}``; see the module docstring."""
    if not item.path:  # a result: its value is in the record, nothing to read
        table = table_of(item.get()) if item.object_type in _FRAMES else None
        return table if table is not None else {"kind": "value", "value": item.value}
    if item.artifact_type == "object":
        return _pickle(item)
    fmt = item.format or item.path.rsplit(".", 1)[-1]
    reader = _READERS.get((fmt, _FRAMES.get(item.object_type or "")))
    if reader is None and item.artifact_type == "path":
        reader = _archive if (item.instructions or {}).get("is_directory") else _file_head
    if reader is None and fmt == "bin" and item.packager in ("BytesPackager", "BytearrayPackager"):
        reader = _file_head
    return reader(item) if reader is not None else _loaded(item)


def _text(text: str, **extra) -> dict:
    return {"kind": "text", "text": text[:TEXT_LIMIT], "truncated": len(text) > TEXT_LIMIT, **extra}


def _pickle(item: Item) -> dict:
    module = (item.instructions or {}).get("object_module_name")
    size = f"{item.size:,} bytes" if item.size is not None else "size unknown"
    return _text(f"pickled {item.object_type or 'object'} ({size}) from module {module or '?'}; "
                 f"not loaded for a preview (unpickling runs code): item.get() in Python loads it",
                 objectType=item.object_type, size=item.size, module=module)


def _loaded(item: Item) -> dict:
    if item.size is not None and item.size > LOAD_LIMIT:
        return _text(f"{item.object_type or 'item'} in a {item.format or 'file'} file of {item.size:,} bytes; "
                     f"too large to load for a preview")
    obj = item.get()
    table = table_of(obj)
    return table if table is not None else _text(repr(obj))


# -- tables ------------------------------------------------------------------------------------
def table_of(obj: Any) -> dict | None:
    """The preview table of a loaded DataFrame, Series or 1-/2-D array (None for others)."""
    import sys
    pd, np = sys.modules.get("pandas"), sys.modules.get("numpy")
    if np is not None and isinstance(obj, np.ndarray):
        return _array(obj, list(obj.shape)) if obj.ndim in (1, 2) else None
    if pd is None:
        return None
    if isinstance(obj, pd.Series):
        return frame_json(obj.to_frame(), [len(obj)], "series", str(obj.dtype))
    if isinstance(obj, pd.DataFrame):
        return frame_json(obj, list(obj.shape), "dataframe", None)
    return None


def _array(arr, shape: list, dtype: str | None = None) -> dict:
    import pandas as pd
    part = arr[:PREVIEW_ROWS] if arr.ndim == 1 else arr[:PREVIEW_ROWS, :PREVIEW_COLUMNS]
    df = pd.DataFrame(part.copy())
    out = frame_json(df, shape, "array", dtype or str(arr.dtype))
    out["truncated"] = shape[0] > PREVIEW_ROWS or (len(shape) > 1 and shape[1] > PREVIEW_COLUMNS)
    return out


def frame_json(df, shape: list, kind: str, dtype: str | None) -> dict:
    part = df.iloc[:PREVIEW_ROWS, :PREVIEW_COLUMNS]
    # to_json makes every cell JSON-safe (NaN -> null, timestamps -> ISO text)
    split = json.loads(part.to_json(orient="split", date_format="iso", default_handler=str))
    rows = shape[0] if shape and shape[0] is not None else len(df)
    columns = shape[1] if len(shape) > 1 else len(df.columns)
    out = {"kind": kind, "columns": [str(c) for c in part.columns], "index": split.get("index"),
           "data": split["data"], "shape": shape,
           "truncated": rows > len(part) or columns > len(part.columns)}
    if dtype is not None:
        out["dtype"] = dtype
    return out


def _restore(df, item: Item):
    """Column labels and categoricals as the packager stored them (best effort: a preview)."""
    from faas_jupyter.packagers import frame_codec
    inst = item.instructions or {}
    try:
        return frame_codec.restore_binary(df, inst.get("categoricals"), columns=inst.get("columns"),
                                          column_names=inst.get("column_names"))
    except Exception:  # only the first columns were read: labels may not line up
        return df


def _shown(df, item: Item, rows: int | None, columns: int, kind: str) -> dict:
    df = _restore(df, item)
    if kind == "series":
        return frame_json(df.iloc[:, :1], [rows], "series", str(df.dtypes.iloc[0]))
    dtype = (item.instructions or {}).get("dtype") or (str(df.dtypes.iloc[0]) if len(df.columns) else None)
    return frame_json(df, [rows, columns], kind, dtype if kind == "array" else None)


# -- readers -----------------------------------------------------------------------------------
def _parquet(kind: str):
    def read(item: Item) -> dict:
        import pyarrow as pa
        import pyarrow.parquet as pq
        with item.workspace.artifacts.open(item.path) as f:
            pf = pq.ParquetFile(f)
            schema = pf.schema_arrow
            index = [c for c in (schema.pandas_metadata or {}).get("index_columns", []) if isinstance(c, str)]
            data = [n for n in schema.names if n not in index]
            batch = next(pf.iter_batches(batch_size=PREVIEW_ROWS, columns=data[:PREVIEW_COLUMNS] + index), None)
            table = pa.Table.from_batches([batch]) if batch is not None else schema.empty_table()
            return _shown(table.to_pandas(), item, pf.metadata.num_rows, len(data), kind)
    return read


def _feather(kind: str):
    def read(item: Item) -> dict:
        import pyarrow as pa
        import pyarrow.ipc as ipc
        store = item.workspace.artifacts
        source = pa.memory_map(store.local_path(item.path)) if store.local else store.open(item.path)
        with source:
            reader = ipc.open_file(source)
            rows = sum(reader.get_batch(i).num_rows for i in range(reader.num_record_batches))
            first = [reader.get_batch(0)] if reader.num_record_batches else []
            table = pa.Table.from_batches(first, schema=reader.schema).slice(0, PREVIEW_ROWS)
            index = [c for c in (reader.schema.pandas_metadata or {}).get("index_columns", []) if isinstance(c, str)]
            return _shown(table.to_pandas(), item, rows, len(reader.schema.names) - len(index), kind)
    return read


def _count_lines(item: Item, opener=None) -> int:
    with (opener or item.workspace.artifacts.open)(item.path) as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


def _csv(kind: str):
    def read(item: Item) -> dict:
        import pandas as pd
        with item.workspace.artifacts.open(item.path) as f:
            df = pd.read_csv(f, nrows=PREVIEW_ROWS)
        return _shown(df, item, max(_count_lines(item) - 1, 0), len(df.columns), kind)
    return read


def _npy(item: Item) -> dict:
    import numpy as np
    store = item.workspace.artifacts
    with store.open(item.path) as f:
        shape, fortran, dtype = _npy_header(f)
        if dtype.hasobject or len(shape) not in (1, 2):
            return _text(f"array shape {tuple(shape)} dtype {dtype}" +
                         ("; object arrays are pickles, not loaded for a preview" if dtype.hasobject else ""))
        if not store.local and not fortran:  # remote: the header, then the first rows' bytes
            n = min(shape[0], PREVIEW_ROWS)
            data = f.read(n * dtype.itemsize * (shape[1] if len(shape) == 2 else 1))
            return _array(np.frombuffer(data, dtype).reshape((n, *shape[1:])), list(shape))
    if not store.local:
        return _text(f"array shape {tuple(shape)} dtype {dtype} (Fortran order)")
    arr = np.load(store.local_path(item.path), mmap_mode="r")  # only the rows shown are paged in
    return _array(arr, list(shape))


def _npy_header(f) -> tuple:
    """``(shape, fortran_order, dtype)`` from an npy header, reading nothing else (never unpickling)."""
    import numpy as np
    fmt = np.lib.format
    major, _ = fmt.read_magic(f)
    read = fmt.read_array_header_1_0 if major == 1 else fmt.read_array_header_2_0
    return read(f, max_header_size=1 << 20)  # (shape, fortran_order, dtype)


def _npz(item: Item) -> dict:
    lines = []
    with item.workspace.artifacts.open(item.path) as f, zipfile.ZipFile(f) as zf:
        for name in zf.namelist()[:200]:
            with zf.open(name) as member:
                shape, _, dtype = _npy_header(member)
            lines.append(f"{name.removesuffix('.npy')}: shape {tuple(shape)} dtype {dtype}")
    return _text("\n".join(lines))


def _np_text(item: Item) -> dict:
    import gzip

    import numpy as np
    inst = item.instructions or {}
    delimiter = "," if item.format == "csv" else " "
    store = item.workspace.artifacts
    opener = (lambda p: gzip.open(store.open(p))) if item.format == "gz" else store.open
    with opener(item.path) as f:
        arr = np.loadtxt(f, dtype=inst.get("dtype") or float, delimiter=delimiter,
                         ndmin=inst.get("ndim", 1), max_rows=PREVIEW_ROWS)
    rows = _count_lines(item, opener)
    return _array(arr, [rows] + list(arr.shape[1:]), inst.get("dtype"))


def _file_head(item: Item) -> dict:
    with item.workspace.artifacts.open(item.path) as f:
        head = f.read(TEXT_LIMIT)
    name = (item.instructions or {}).get("file_name") or item.path.rsplit("/", 1)[-1]
    try:
        text = head.decode("utf-8")
        if "\x00" in text:  # NUL bytes: binary data that happens to decode
            raise UnicodeDecodeError("utf-8", head, 0, 1, "binary")
    except UnicodeDecodeError:
        text = f"{len(head)} of {item.size:,} bytes: {head[:256]!r}"
    return _text(text, truncated=(item.size or 0) > len(head), name=name, size=item.size)


def _archive(item: Item) -> dict:
    fmt = (item.instructions or {}).get("archive_format") or item.format
    with item.workspace.artifacts.open(item.path) as f:
        if fmt == "zip":
            with zipfile.ZipFile(f) as zf:
                names = [f"{i.filename} ({i.file_size:,} bytes)" for i in zf.infolist()[:200]]
        else:
            with tarfile.open(fileobj=f, mode="r|*") as tf:
                names = []
                for member in tf:
                    names.append(f"{member.name} ({member.size:,} bytes)")
                    if len(names) == 200:
                        break
    return _text(f"{fmt} archive of {item.size:,} bytes:\n" + "\n".join(names), size=item.size)


_READERS = {**{("parquet", k): _parquet(k) for k in ("dataframe", "series", "array")},
            **{("feather", k): _feather(k) for k in ("dataframe", "series")},
            **{("csv", k): _csv(k) for k in ("dataframe", "series")},
            ("npy", "array"): _npy, ("npz", None): _npz,
            ("txt", "array"): _np_text, ("csv", "array"): _np_text, ("gz", "array"): _np_text}

__all__ = ["preview", "table_of", "frame_json"]
