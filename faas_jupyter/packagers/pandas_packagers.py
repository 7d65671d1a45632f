"""pandas: DataFrame (``dataset`` default, ``file``) and Series (``file``).

Loaded by the manager only once pandas is imported.  Formats: parquet
(default), feather, csv, json; see ``frame_codec`` for what each restores.
The caller's object is never changed (every transformation makes a new frame;
with copy-on-write that shares the data).
"""
from __future__ import annotations

import pandas as pd

from faas_jupyter.errors import PackingError, UnpackingError
from faas_jupyter.packagers import frame_codec as codec
from faas_jupyter.packagers import tagged
from faas_jupyter.packagers.api import ArtifactType, DefaultPackager

FILE_FORMATS = codec.BINARY_FORMATS + codec.TEXT_FORMATS
PREVIEW_ROWS = 20
_SERIES_COLUMN = "series"


def _check_format(key: str, file_format: str, allowed=FILE_FORMATS) -> None:
    if file_format not in allowed:
        raise PackingError(f"{key!r}: unknown file_format {file_format!r}; use one of {list(allowed)}")


def write_frame(packager: DefaultPackager, df: pd.DataFrame, key: str, artifact_type: str,
                file_format: str, **meta):
    """Write ``df`` in ``file_format`` straight into the sink; ``(Artifact, instructions)``."""
    if file_format in codec.BINARY_FORMATS:
        stored, inst = codec.relabel(df)
        inst.update(codec.binary_extras(df))
        write = (lambda f: stored.to_parquet(f)) if file_format == "parquet" else (lambda f: stored.to_feather(f))
    else:
        stored, inst = codec.flatten(df, file_format, key)
        write = (lambda f: codec.write_csv(stored, f)) if file_format == "csv" else \
            (lambda f: codec.write_json(stored, f))
    artifact = packager.write_artifact(key, artifact_type, file_format, write, **meta)
    return artifact, {"file_format": file_format, **inst}


def read_frame(packager: DefaultPackager, data_item, file_format: str | None, **inst) -> pd.DataFrame:
    file_format = file_format or (data_item.path or "").rsplit(".", 1)[-1]
    path = packager.get_data_item_local_path(data_item)
    if file_format == "parquet":
        return codec.restore_binary(pd.read_parquet(path), **inst)
    if file_format == "feather":
        return codec.restore_binary(pd.read_feather(path), **inst)
    if file_format in codec.TEXT_FORMATS:
        if "dtypes" not in inst:  # a plain file from elsewhere: pandas' own guesses
            return pd.read_csv(path) if file_format == "csv" else pd.read_json(path)
        reader = codec.read_csv if file_format == "csv" else codec.read_json
        return codec.unflatten(reader(path, inst["dtypes"]), inst["dtypes"], inst.get("index"),
                               columns=inst.get("columns"), column_names=inst.get("column_names"))
    raise UnpackingError(f"item {data_item.key!r}: a DataFrame cannot be read from {file_format!r}")


def _preview(df: pd.DataFrame) -> dict:
    head = df.head(PREVIEW_ROWS)
    try:
        rows = head.to_json(orient="split", date_format="iso", default_handler=str)
    except Exception:  # a preview never fails the logging
        rows = None
    return {"rows": len(df), "columns": [str(c) for c in df.columns],
            "dtypes": [str(t) for t in df.dtypes], "preview": rows}


class PandasDataFramePackager(DefaultPackager):
    """``pandas.DataFrame``: ``dataset`` (parquet default, or csv), ``file`` (any format)."""

    PACKABLE_OBJECT_TYPE = pd.DataFrame
    PACK_SUBCLASSES = True
    DEFAULT_PACKING_ARTIFACT_TYPE = ArtifactType.DATASET
    DEFAULT_UNPACKING_ARTIFACT_TYPE = ArtifactType.FILE

    def pack_dataset(self, obj, key, file_format: str = "parquet"):
        _check_format(key, file_format, ("parquet", "csv"))
        return write_frame(self, obj, key, ArtifactType.DATASET, file_format, **_preview(obj))

    def unpack_dataset(self, data_item, file_format: str = "parquet", **inst):
        return read_frame(self, data_item, file_format, **inst)

    def pack_file(self, obj, key, file_format: str = "parquet"):
        _check_format(key, file_format)
        return write_frame(self, obj, key, ArtifactType.FILE, file_format)

    def unpack_file(self, data_item, file_format: str | None = None, **inst):
        return read_frame(self, data_item, file_format, **inst)


class PandasSeriesPackager(DefaultPackager):
    """``pandas.Series``: ``file`` (a one-column frame; the name comes back from instructions)."""

    PACKABLE_OBJECT_TYPE = pd.Series
    PACK_SUBCLASSES = True
    DEFAULT_PACKING_ARTIFACT_TYPE = ArtifactType.FILE
    DEFAULT_UNPACKING_ARTIFACT_TYPE = ArtifactType.FILE

    def pack_file(self, obj, key, file_format: str = "parquet"):
        _check_format(key, file_format)
        try:
            name = tagged.encode(obj.name)
        except tagged.NotEncodable:
            raise PackingError(f"{key!r}: the Series name {obj.name!r} cannot be stored; rename it") from None
        artifact, inst = write_frame(self, obj.to_frame(_SERIES_COLUMN), key, ArtifactType.FILE, file_format)
        return artifact, {**inst, "series_name": name}

    def unpack_file(self, data_item, file_format: str | None = None, series_name=None, **inst):
        frame = read_frame(self, data_item, file_format, **inst)
        series = frame[_SERIES_COLUMN] if _SERIES_COLUMN in frame.columns else frame.iloc[:, 0]
        return series.rename(tagged.decode(series_name))


PACKAGERS = [PandasDataFramePackager, PandasSeriesPackager]
