"""DataFrame <-> files without losing dtypes, index or column labels.

Binary formats (parquet, feather) keep dtypes and index through pyarrow's
pandas metadata; we only relabel non-string column labels (restored from the
instructions).  Text formats (csv, json) get the index as columns and a dtype
spec per column in the instructions (categorical categories, tz-aware and
naive datetimes, small and nullable ints, strings); a column that text cannot
carry exactly is refused with an error naming it.  Nothing touches the
caller's frame: every step returns a new frame (copy-on-write shares data).
"""
from __future__ import annotations

import json

import pandas as pd

from faas_jupyter.errors import PackingError
from faas_jupyter.packagers import tagged

BINARY_FORMATS = ("parquet", "feather")
TEXT_FORMATS = ("csv", "json")
_INDEX = "__index_level_{}__"


def relabel(df: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """String column labels for storage; instructions to restore the originals."""
    cols = df.columns
    simple = (not isinstance(cols, pd.MultiIndex) and cols.is_unique
              and all(type(c) is str for c in cols) and not any(c.startswith("__index_level_") for c in cols))
    if simple:
        return df, {}
    try:
        labels = tagged.encode(list(cols))
        names = tagged.encode(list(cols.names))
    except tagged.NotEncodable as exc:
        raise PackingError(f"column labels cannot be stored: {exc}") from None
    return df.set_axis([f"c{i}" for i in range(len(cols))], axis=1), {"columns": labels, "column_names": names}


def binary_extras(df: pd.DataFrame) -> dict:
    """What pyarrow drops: categoricals whose categories are not strings (by position)."""
    cats = {}
    for i, dtype in enumerate(df.dtypes):
        if isinstance(dtype, pd.CategoricalDtype) and not all(type(c) is str for c in dtype.categories):
            try:
                cats[str(i)] = {"categories": tagged.encode(list(dtype.categories)), "ordered": bool(dtype.ordered)}
            except tagged.NotEncodable:
                raise PackingError(f"categorical column {df.columns[i]!r} has categories that cannot be "
                                   f"stored; use the 'object' artifact type") from None
    return {"categoricals": cats} if cats else {}


def restore_binary(df: pd.DataFrame, categoricals=None, **labels) -> pd.DataFrame:
    for pos, spec in (categoricals or {}).items():
        dtype = pd.CategoricalDtype(tagged.decode(spec["categories"]), ordered=spec["ordered"])
        df.isetitem(int(pos), df.iloc[:, int(pos)].astype(dtype))
    return restore_labels(df, **labels)


def restore_labels(df: pd.DataFrame, columns=None, column_names=None) -> pd.DataFrame:
    if columns is None:
        return df
    labels, names = tagged.decode(columns), tagged.decode(column_names)
    if len(names) > 1:
        index = pd.MultiIndex.from_tuples(labels, names=names)
    else:
        index = pd.Index(labels, name=names[0], tupleize_cols=False)
    return df.set_axis(index, axis=1)


# -- text formats ------------------------------------------------------------
def _is_str_dtype(dtype) -> bool:
    return isinstance(dtype, pd.StringDtype) or str(dtype) in ("str", "string")


def column_spec(col: pd.Series, name: str, fmt: str, key: str) -> dict:
    """How to restore one column after a text round trip, or PackingError."""
    dtype = col.dtype
    spec = {"dtype": str(dtype), "na": bool(col.isna().any())}
    if isinstance(dtype, pd.CategoricalDtype):
        cats = dtype.categories
        if not all(type(c) in (str, int) for c in cats):
            raise PackingError(f"{key!r}: categorical column {name!r} has {cats.dtype} categories, which "
                               f"{fmt} cannot restore exactly; use file_format='parquet'")
        spec.update(kind="category", categories=list(cats), ordered=bool(dtype.ordered))
    elif dtype.kind in "Mm":
        spec["kind"] = "datetime" if dtype.kind == "M" else "timedelta"
    elif _is_str_dtype(dtype) or (dtype == object and pd.api.types.infer_dtype(col, skipna=True) in ("string", "empty")):
        spec["kind"] = "str"
        if fmt == "csv" and spec["na"] and (col == "").any():
            raise PackingError(f"{key!r}: column {name!r} holds both missing values and empty strings, which "
                               f"csv cannot tell apart; use file_format='parquet' or 'json'")
    elif dtype.kind in "biuf":
        spec["kind"] = "number"
    else:
        raise PackingError(f"{key!r}: column {name!r} ({dtype}) cannot round-trip through {fmt}; "
                           f"use file_format='parquet' (or 'object' to pickle)")
    return spec


def flatten(df: pd.DataFrame, fmt: str, key: str) -> tuple[pd.DataFrame, dict]:
    """Index -> columns, labels -> strings, dtype spec per column (a new frame)."""
    df, inst = relabel(df)
    index = df.index
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        inst["index"] = None
    else:
        inst["index"] = tagged.encode(list(index.names))
        df = df.set_axis(pd.RangeIndex(len(df)), axis=0).assign(
            **{_INDEX.format(i): index.get_level_values(i) for i in range(index.nlevels)})
        order = [_INDEX.format(i) for i in range(index.nlevels)]
        df = df[order + [c for c in df.columns if c not in order]]
    inst["dtypes"] = {c: column_spec(df[c], c, fmt, key) for c in df.columns}
    return df, inst


def _read_dtype(spec: dict):
    return spec["dtype"] if spec["kind"] in ("number", "str") else "str"


def unflatten(df: pd.DataFrame, dtypes: dict, index=None, **labels) -> pd.DataFrame:
    for name, spec in dtypes.items():
        col, kind = df[name], spec["kind"]
        if kind == "category":
            col = pd.Series(pd.Categorical(_as_categories(col, spec["categories"]), categories=spec["categories"],
                                           ordered=spec["ordered"]), index=df.index)
        elif kind == "datetime":
            tz = "," in spec["dtype"]
            col = pd.to_datetime(col, format="ISO8601", utc=tz)
            col = col.dt.tz_convert(spec["dtype"].split(",", 1)[1].strip(" ]")) if tz else col
            col = col.astype(spec["dtype"])
        elif kind == "timedelta":
            col = pd.to_timedelta(col).astype(spec["dtype"])
        elif spec["dtype"] == "object":
            col = col.astype(object)
        df[name] = col
    if index is not None:
        names = tagged.decode(index)
        levels = [_INDEX.format(i) for i in range(len(names))]
        df = df.set_index(levels)
        df.index = df.index.set_names(names)
    return restore_labels(df, **labels)


def _as_categories(col: pd.Series, categories: list):
    if categories and all(type(c) is int for c in categories):
        return col.map(lambda v: int(v) if isinstance(v, str) else v)
    return col


def write_csv(df: pd.DataFrame, f) -> None:
    df.to_csv(f, index=False)


def read_csv(path, dtypes: dict) -> pd.DataFrame:
    na = {c: [""] for c, s in dtypes.items() if s["na"]}
    return pd.read_csv(path, dtype={c: _read_dtype(s) for c, s in dtypes.items()}, keep_default_na=False,
                       na_values=na)


def _json_values(col: pd.Series) -> list:
    if col.dtype.kind in "Mm" or isinstance(col.dtype, pd.CategoricalDtype):
        col = col.astype(object).where(col.notna(), None).map(lambda v: None if v is None else str(v))
    values = col.tolist()
    if col.hasnans:
        values = [None if v is None or v is pd.NA or v != v else v for v in values]
    return values


def write_json(df: pd.DataFrame, f) -> None:
    data = {"columns": list(df.columns), "data": {c: _json_values(df[c]) for c in df.columns}}
    f.write(json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode())


def read_json(path, dtypes: dict) -> pd.DataFrame:
    with open(path, "rb") as fh:
        raw = json.load(fh)
    return pd.DataFrame({c: pd.Series(raw["data"][c], dtype=_json_dtype(dtypes[c])) for c in raw["columns"]})


def _json_dtype(spec: dict):
    if spec["kind"] == "category" and all(type(c) is int for c in spec["categories"]):
        return object
    return _read_dtype(spec)
