"""numpy: arrays (``npy`` default, memory-mapped on unpack; txt/csv/gz; dataset),
scalars (``np.generic`` incl. ``np.bool_``) as results, dicts/lists of arrays as ``npz``.

Loaded by the manager only once numpy is imported.  ``npy`` is written as
header + ``ndarray.tofile`` straight into the store while a thread hashes the
in-memory buffer (the same bytes): one write, no read-back.
"""
from __future__ import annotations

import gzip
import io
import threading

import numpy as np

from faas_jupyter.errors import PackingError, UnpackingError
from faas_jupyter.packagers.api import Artifact, ArtifactType, DefaultPackager

_TEXT_FORMATS = {"txt": " ", "csv": ",", "gz": " "}


def npy_header(arr: np.ndarray) -> bytes:
    """The exact header ``np.save`` writes for ``arr``."""
    fmt = np.lib.format
    d = fmt.header_data_from_array_1_0(arr)
    bio = io.BytesIO()
    writer = getattr(fmt, "_write_array_header", None)
    writer(bio, d, None) if writer else fmt.write_array_header_1_0(bio, d)
    return bio.getvalue()


def _real_file(f) -> bool:
    try:
        f.fileno()
        return True
    except (OSError, ValueError, AttributeError):
        return False


def write_npy(packager: DefaultPackager, arr: np.ndarray, key: str) -> Artifact:
    """``np.save`` into the sink, hashing the buffer in a thread while the file is written."""
    c_order = arr.flags.c_contiguous
    if arr.dtype.hasobject or not (c_order or arr.flags.f_contiguous) or arr.dtype.itemsize == 0:
        return packager.write_artifact(key, ArtifactType.FILE, "npy",
                                       lambda f: np.save(f, arr, allow_pickle=arr.dtype.hasobject))
    header = npy_header(arr)
    data = arr if c_order else arr.T  # Fortran order: the header says so, bytes are arr.T's
    buf = data.reshape(-1).view(np.uint8)
    with packager.context.open_write(key, "npy", hashing=False) as w:
        w.hasher.update(header)
        hashing = threading.Thread(target=w.hasher.update, args=(buf,), daemon=True)
        hashing.start()
        try:
            w.raw.write(header)
            data.tofile(w.raw) if _real_file(w.raw) else w.raw.write(buf)
        finally:
            hashing.join()
        w.add_written(len(header) + buf.nbytes)
    return Artifact(key, ArtifactType.FILE, "npy", w.path, w.size, w.digest)


def _load_npy(path: str, allow_pickle: bool):
    if allow_pickle:
        return np.load(path, allow_pickle=True)
    try:  # copy-on-write map: instant, and the caller may still modify it in memory
        return np.load(path, mmap_mode="c")
    except ValueError:  # empty arrays cannot be mapped
        return np.load(path)


def _text_fmt(arr: np.ndarray, key: str) -> str:
    if arr.ndim not in (1, 2) or arr.size == 0:
        raise PackingError(f"{key!r}: text formats take non-empty 1-D or 2-D arrays; use file_format='npy'")
    if arr.dtype.kind in "biu":
        return "%d"
    if arr.dtype.kind == "f":
        return "%.17g"  # enough digits to round-trip float64 exactly
    raise PackingError(f"{key!r}: a {arr.dtype} array cannot round-trip through text; use file_format='npy'")


class NumPyNDArrayPackager(DefaultPackager):
    """``numpy.ndarray``: ``file`` (npy default) if 10+ elements, else ``result``."""

    PACKABLE_OBJECT_TYPE = np.ndarray
    PACK_SUBCLASSES = True
    DEFAULT_PACKING_ARTIFACT_TYPE = ArtifactType.FILE
    DEFAULT_UNPACKING_ARTIFACT_TYPE = ArtifactType.FILE

    def get_default_packing_artifact_type(self, obj) -> str:
        return ArtifactType.RESULT if obj.size < 10 and obj.dtype.kind in "biuf" else ArtifactType.FILE

    def pack_file(self, obj, key, file_format: str = "npy"):
        arr = np.asarray(obj)  # a memmap/subclass is stored as a plain array
        if file_format == "npy":
            return write_npy(self, arr, key), {"file_format": "npy", "allow_pickle": bool(arr.dtype.hasobject)}
        if file_format not in _TEXT_FORMATS:
            raise PackingError(f"{key!r}: unknown file_format {file_format!r}; use 'npy', 'txt', 'csv' or 'gz'")
        fmt = _text_fmt(arr, key)

        def write(f):
            target = gzip.GzipFile(fileobj=f, mode="wb", mtime=0) if file_format == "gz" else f
            np.savetxt(target, arr, fmt=fmt, delimiter=_TEXT_FORMATS[file_format])
            if target is not f:
                target.close()
        ext = "txt.gz" if file_format == "gz" else file_format
        artifact = self.write_artifact(key, ArtifactType.FILE, file_format, write, ext=ext)
        return artifact, {"file_format": file_format, "dtype": arr.dtype.str, "ndim": arr.ndim}

    def unpack_file(self, data_item, file_format: str | None = None, allow_pickle: bool = False,
                    dtype: str | None = None, ndim: int = 1):
        file_format = file_format or (data_item.path or "").rsplit(".", 1)[-1]
        path = self.get_data_item_local_path(data_item)
        if file_format == "npy":
            return _load_npy(path, allow_pickle)
        if file_format in _TEXT_FORMATS:
            return np.loadtxt(path, dtype=dtype or float, delimiter=_TEXT_FORMATS[file_format], ndmin=ndim)
        raise UnpackingError(f"item {data_item.key!r}: an ndarray cannot be read from {file_format!r}")

    def pack_dataset(self, obj, key, file_format: str = "parquet"):
        if obj.ndim != 2 or obj.dtype.kind not in "biufM":
            raise PackingError(f"{key!r}: a dataset needs a 2-D numeric array, got {obj.ndim}-D {obj.dtype}; "
                               f"use artifact type 'file'")
        if file_format != "parquet":
            raise PackingError(f"{key!r}: array datasets are parquet; file_format={file_format!r} is not supported")
        import pandas as pd
        frame = pd.DataFrame(obj, columns=[str(i) for i in range(obj.shape[1])], copy=False)
        artifact = self.write_artifact(key, ArtifactType.DATASET, "parquet",
                                       lambda f: frame.to_parquet(f, index=False))
        return artifact, {"dtype": obj.dtype.str}

    def unpack_dataset(self, data_item, dtype: str | None = None):
        import pandas as pd
        return pd.read_parquet(self.get_data_item_local_path(data_item)).to_numpy(dtype=dtype)

    def pack_result(self, obj, key):
        if obj.dtype.kind not in "biufU":
            raise PackingError(f"{key!r}: a {obj.dtype} array cannot be a result; use artifact type 'file'")
        return {key: {"dtype": obj.dtype.str, "shape": list(obj.shape), "data": obj.tolist()}}

    def unpack_result(self, data_item):
        v = data_item.value
        return np.array(v["data"], dtype=v["dtype"]).reshape(v["shape"])


class NumPyNumberPackager(DefaultPackager):
    """numpy scalars (``np.generic``: numbers, ``np.bool_``, datetimes, strings) as results."""

    PACKABLE_OBJECT_TYPE = np.generic
    PACK_SUBCLASSES = True
    DEFAULT_PACKING_ARTIFACT_TYPE = ArtifactType.RESULT
    DEFAULT_UNPACKING_ARTIFACT_TYPE = ArtifactType.RESULT

    def is_packable(self, obj, artifact_type=None, configurations=None) -> bool:
        if not super().is_packable(obj, artifact_type, configurations):
            return False
        return artifact_type not in (None, ArtifactType.RESULT) or obj.dtype.kind in "biufcMmU"

    def pack_result(self, obj, key):
        kind = obj.dtype.kind
        if kind == "c":
            value = [obj.real.item(), obj.imag.item()]
        elif kind in "Mm":
            value = str(obj.astype("int64").item())
        else:
            value = obj.item()
        return {key: {"dtype": obj.dtype.str, "value": value}}

    def unpack_result(self, data_item):
        v = data_item.value
        dtype = np.dtype(v["dtype"])
        if dtype.kind == "c":
            return dtype.type(complex(*v["value"]))
        if dtype.kind in "Mm":
            return np.int64(int(v["value"])).astype(dtype)[()]
        return dtype.type(v["value"])


class _NpzPackager(DefaultPackager):
    PRIORITY = 4  # MLRun declares 4 and ignores it; here it is what makes npz beat dict/list
    DEFAULT_PACKING_ARTIFACT_TYPE = ArtifactType.FILE
    DEFAULT_UNPACKING_ARTIFACT_TYPE = ArtifactType.FILE

    def _arrays(self, obj) -> dict:
        raise NotImplementedError

    def pack_file(self, obj, key, file_format: str = "npz", is_compressed: bool = False):
        if file_format != "npz":
            raise PackingError(f"{key!r}: collections of arrays are stored as 'npz', not {file_format!r}")
        arrays = self._arrays(obj)
        save = np.savez_compressed if is_compressed else np.savez
        allow = any(a.dtype.hasobject for a in arrays.values())
        artifact = self.write_artifact(key, ArtifactType.FILE, "npz",
                                       lambda f: save(f, allow_pickle=allow, **arrays))
        return artifact, {"file_format": "npz", "keys": list(arrays), "allow_pickle": allow}

    def _load(self, data_item, allow_pickle: bool) -> dict:
        with np.load(self.get_data_item_local_path(data_item), allow_pickle=allow_pickle) as npz:
            return {k: npz[k] for k in npz.files}


class NumPyNDArrayDictPackager(_NpzPackager):
    """``dict[str, np.ndarray]`` (non-empty, all values arrays) as one ``npz`` file."""

    PACKABLE_OBJECT_TYPE = dict

    def is_packable(self, obj, artifact_type=None, configurations=None) -> bool:
        return (type(obj) is dict and bool(obj) and artifact_type in (None, ArtifactType.FILE, ArtifactType.OBJECT)
                and all(type(k) is str for k in obj) and all(isinstance(v, np.ndarray) for v in obj.values()))

    def _arrays(self, obj) -> dict:
        return dict(obj)

    def unpack_file(self, data_item, file_format: str = "npz", keys=None, allow_pickle: bool = False):
        loaded = self._load(data_item, allow_pickle)
        return {k: loaded[k] for k in (keys or loaded)}


class NumPyNDArrayListPackager(_NpzPackager):
    """``list[np.ndarray]`` (non-empty, all items arrays) as one ``npz`` file."""

    PACKABLE_OBJECT_TYPE = list

    def is_packable(self, obj, artifact_type=None, configurations=None) -> bool:
        return (type(obj) is list and bool(obj) and artifact_type in (None, ArtifactType.FILE, ArtifactType.OBJECT)
                and all(isinstance(v, np.ndarray) for v in obj))

    def _arrays(self, obj) -> dict:
        return {f"arr_{i}": a for i, a in enumerate(obj)}

    def unpack_file(self, data_item, file_format: str = "npz", keys=None, allow_pickle: bool = False):
        loaded = self._load(data_item, allow_pickle)
        return [loaded[k] for k in (keys or sorted(loaded, key=lambda k: int(k.split("_")[1])))]


PACKAGERS = [NumPyNDArrayPackager, NumPyNumberPackager, NumPyNDArrayDictPackager, NumPyNDArrayListPackager]
