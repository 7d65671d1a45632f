"""The round-trip table: every (python type, artifact type, format) the builtins support.

Each row asserts ``unpack(pack(x)) == x`` with type/dtype/index fidelity, the
artifact type and format recorded, and ``x`` unchanged after packing.
"""
from __future__ import annotations

import copy
import datetime as dt

import numpy as np
import pandas as pd
import pytest

BIG = 100_000


class Point:  # pickled by the fallback
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __eq__(self, other):
        return type(other) is Point and (self.x, self.y) == (other.x, other.y)


def frame():
    return pd.DataFrame({
        "i8": np.array([1, -2, 3, 4], dtype="int8"),
        "u16": np.array([1, 2, 3, 65535], dtype="uint16"),
        "f64": [0.1, np.nan, 1e300, -2.5],
        "f32": np.array([0.1, 2.5, -3, 7], dtype="float32"),
        "b": [True, False, True, True],
        "s": ["a", None, "c, with comma", 'q"uote\nline'],
        "cat": pd.Categorical(["x", "y", "x", "z"], categories=["z", "y", "x"], ordered=True),
        "icat": pd.Categorical([1, 2, 1, 1]),
        "tz": pd.date_range("2024-03-30 23:00", periods=4, freq="37min", tz="Europe/Paris"),
        "naive": pd.to_datetime(["2024-01-01", None, "2024-01-03 12:00:00.000001", "1999-12-31"], format="ISO8601"),
        "td": pd.to_timedelta([1, 2, None, 4], unit="s"),
        "nullable": pd.array([1, None, 3, 4], dtype="Int64"),
    }, index=pd.Index([10, 20, 30, 40], name="idx"))


def int_labels():
    return pd.DataFrame(np.arange(6.0).reshape(3, 2), columns=[7, 9])


def multi():
    cols = pd.MultiIndex.from_tuples([("a", 1), ("a", 2), ("b", 1)], names=["top", "sub"])
    idx = pd.MultiIndex.from_tuples([("r", 1), ("r", 2)], names=["k1", "k2"])
    return pd.DataFrame([[1, 2, 3], [4, 5, 6]], columns=cols, index=idx)


def series():
    return pd.Series([1.5, 2.5, np.nan], index=["a", "b", "c"], name=3)


ROWS = [
    # (id, factory, hint, artifact_type, format)
    ("none", lambda: None, "v", "result", None),
    ("bool", lambda: True, "v", "result", None),
    ("int", lambda: 7, "v", "result", None),
    ("bigint", lambda: 2**80, "v", "result", None),
    ("float", lambda: 1.25, "v", "result", None),
    ("str", lambda: "héllo, wörld", "v", "result", None),
    ("dict", lambda: {"a": 1, 2: (3, 4), "s": {1, 2}, (1, "t"): None}, "v", "result", None),
    ("dict-tag-lookalike", lambda: {"__tuple__": [1]}, "v", "result", None),
    ("list", lambda: [1, "a", None, [2.0, (3,)], {"k": b"x"}], "v", "result", None),
    ("tuple", lambda: (1, (2, 3), []), "v", "result", None),
    ("set", lambda: {1, 2, "x"}, "v", "result", None),
    ("frozenset", lambda: frozenset({1.5, "y"}), "v", "result", None),
    ("bytes-result", lambda: b"\x00\xffab", "v:result", "result", None),
    ("dict-json", lambda: {"a": (1, 2), 3: "x"}, "v:file", "file", "json"),
    ("dict-txt", lambda: {"a": (1, 2), 3: {4.5}}, "v : file[file_format='txt']", "file", "txt"),
    ("list-json", lambda: [1, (2,), "z"], "v:file", "file", "json"),
    ("tuple-json", lambda: (1, 2), "v:file", "file", "json"),
    ("big-floats", lambda: [i / 7 for i in range(BIG)], "v", "file", "array"),
    ("big-ints", lambda: list(range(-BIG, BIG)), "v", "file", "array"),
    ("big-float-tuple", lambda: tuple(i / 3 for i in range(BIG)), "v", "file", "array"),
    ("big-mixed", lambda: [i if i % 2 else str(i) for i in range(BIG)], "v", "file", "json"),
    ("big-dict", lambda: {i: str(i) for i in range(20_000)}, "v", "file", "json"),
    ("huge-ints", lambda: [2**70 + i for i in range(40_000)], "v", "file", "json"),
    ("bytes", lambda: bytes(range(256)) * 10, "v", "file", "bin"),
    ("bytearray", lambda: bytearray(b"abc" * 1000), "v", "file", "bin"),
    ("int-object", lambda: 5, "v:object", "object", "pkl"),
    ("point-object", lambda: Point(1, [2]), "v:object", "object", "pkl"),
    # pandas
    ("df-dataset", frame, "v", "dataset", "parquet"),
    ("df-dataset-csv", frame, {"key": "v", "artifact_type": "dataset", "file_format": "csv"}, "dataset", "csv"),
    ("df-parquet", frame, "v:file", "file", "parquet"),
    ("df-csv", frame, {"key": "v", "artifact_type": "file", "file_format": "csv"}, "file", "csv"),
    ("df-json", frame, "v : file[file_format='json']", "file", "json"),
    ("df-feather", frame, "v : file[file_format='feather']", "file", "feather"),
    ("df-object", frame, "v:object", "object", "pkl"),
    ("df-intcols-parquet", int_labels, "v", "dataset", "parquet"),
    ("df-intcols-csv", int_labels, "v : file[file_format='csv']", "file", "csv"),
    ("df-intcols-feather", int_labels, "v : file[file_format='feather']", "file", "feather"),
    ("df-multi-parquet", multi, "v:file", "file", "parquet"),
    ("df-multi-csv", multi, "v : file[file_format='csv']", "file", "csv"),
    ("df-multi-json", multi, "v : file[file_format='json']", "file", "json"),
    ("df-empty", lambda: pd.DataFrame({"a": pd.Series([], dtype="int64")}), "v", "dataset", "parquet"),
    ("series-parquet", series, "v", "file", "parquet"),
    ("series-csv", series, "v : file[file_format='csv']", "file", "csv"),
    ("series-json", series, "v : file[file_format='json']", "file", "json"),
    ("series-feather", series, "v : file[file_format='feather']", "file", "feather"),
    # numpy
    ("arr-npy", lambda: np.random.default_rng(0).random((100, 3)), "v", "file", "npy"),
    ("arr-npy-fortran", lambda: np.asfortranarray(np.arange(60, dtype="int16").reshape(6, 10)), "v", "file", "npy"),
    ("arr-npy-strided", lambda: np.arange(100)[::3], "v", "file", "npy"),
    ("arr-npy-bool", lambda: np.arange(20) % 3 == 0, "v", "file", "npy"),
    ("arr-npy-structured", lambda: np.array([(1, 2.0)] * 12, dtype=[("a", "i4"), ("b", "f8")]), "v", "file", "npy"),
    ("arr-npy-object", lambda: np.array([{"a": 1}, None, "x"] * 4, dtype=object), "v", "file", "npy"),
    ("arr-npy-0d", lambda: np.array(3.5), "v:file", "file", "npy"),
    ("arr-npy-empty", lambda: np.zeros((0, 4)), "v:file", "file", "npy"),
    ("arr-npy-datetime", lambda: np.arange("2024-01-01", "2024-01-20", dtype="datetime64[D]"), "v", "file", "npy"),
    ("arr-txt", lambda: np.linspace(0, 1, 33).reshape(3, 11).astype("float32"),
     "v : file[file_format='txt']", "file", "txt"),
    ("arr-csv", lambda: np.arange(-5, 20, dtype="int64"), "v : file[file_format='csv']", "file", "csv"),
    ("arr-gz", lambda: np.random.default_rng(1).random(50), "v : file[file_format='gz']", "file", "gz"),
    ("arr-csv-1row", lambda: np.arange(12.0).reshape(1, 12), "v : file[file_format='csv']", "file", "csv"),
    ("arr-dataset", lambda: np.arange(30, dtype="int32").reshape(10, 3), "v:dataset", "dataset", "parquet"),
    ("arr-result", lambda: np.array([1, 2, 3], dtype="uint8"), "v", "result", None),
    ("np-float32", lambda: np.float32(1.5), "v", "result", None),
    ("np-int8", lambda: np.int8(-3), "v", "result", None),
    ("np-bool", lambda: np.bool_(True), "v", "result", None),
    ("np-complex", lambda: np.complex128(1 + 2j), "v", "result", None),
    ("np-datetime", lambda: np.datetime64("2024-01-02T03:04:05.123456789"), "v", "result", None),
    ("np-timedelta", lambda: np.timedelta64(90, "m"), "v", "result", None),
    ("np-str", lambda: np.str_("ü"), "v", "result", None),
    ("dict-of-arrays", lambda: {"a": np.arange(3), "b": np.eye(2)}, "v", "file", "npz"),
    ("list-of-arrays", lambda: [np.arange(i) for i in range(12)], "v", "file", "npz"),
    ("dict-of-arrays-compressed", lambda: {"z": np.zeros(1000)},
     "v : file[is_compressed=True]", "file", "npz"),
]


@pytest.mark.parametrize("factory,hint,artifact_type,fmt", [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_roundtrip(roundtrip, same, factory, hint, artifact_type, fmt):
    obj = factory()
    before = copy.deepcopy(obj)
    record, back = roundtrip(obj, hint)
    assert record["artifact_type"] == artifact_type
    assert record["format"] == fmt
    same(obj, before, "caller's object after packing")
    same(before, back)
    if record["path"]:
        assert record["digest"].startswith("xxh3_128:") and record["size"] > 0


def test_npy_file_is_what_np_save_writes(roundtrip, store, tmp_path):
    import io

    import xxhash
    for arr in (np.arange(1000.0), np.asfortranarray(np.ones((4, 5), "int8")), np.array(7)):
        record, _ = roundtrip(arr, "a:file")
        buf = io.BytesIO()
        np.save(buf, arr)
        with store.open(record["path"]) as f:
            assert f.read() == buf.getvalue()
        assert record["digest"] == "xxh3_128:" + xxhash.xxh3_128(buf.getvalue()).hexdigest()


def test_npy_unpacks_memory_mapped_and_writable_in_memory(roundtrip, store):
    record, back = roundtrip(np.arange(100.0), "a")
    assert isinstance(back, np.memmap)
    back[0] = 42.0  # copy-on-write: the stored artifact is untouched
    with store.open(record["path"]) as f:
        assert np.load(f)[0] == 0.0


def test_path_file_and_folders(roundtrip, tmp_path):
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text("alpha")
    (src / "sub" / "b.bin").write_bytes(b"\x00\x01")
    (src / "empty").mkdir()
    record, back = roundtrip(src / "a.txt", "f")
    assert record["artifact_type"] == "path" and open(back).read() == "alpha"
    record, back = roundtrip(str(src / "a.txt"), "f:path")
    assert isinstance(back, str) and open(back).read() == "alpha"
    for fmt in ("zip", "tar", "tar.gz", "tar.bz2", "tar.xz"):
        record, back = roundtrip(src, {"key": "d", "archive_format": fmt})
        assert record["format"] == fmt and back.name == "src"
        assert sorted(p.relative_to(back).as_posix() for p in back.rglob("*")) == \
            ["a.txt", "empty", "sub", "sub/b.bin"]
        assert (back / "sub" / "b.bin").read_bytes() == b"\x00\x01"


def test_path_result(roundtrip, tmp_path):
    record, back = roundtrip(tmp_path / "x", "p:result")
    assert record["value"] == str(tmp_path / "x") and back == tmp_path / "x"


def test_datetime_date_is_pickled_with_a_warning(roundtrip):
    with pytest.warns(UserWarning, match="pickled"):
        record, back = roundtrip(dt.date(2024, 1, 2), "d")
    assert record["artifact_type"] == "object" and back == dt.date(2024, 1, 2)


def test_list_of_frames_is_itemized(manager, store, same):
    frames = [frame(), int_labels()]
    records = manager.pack(frames, "dfs", store, "p/r")
    assert [r["key"] for r in records] == ["dfs_0", "dfs_1", "dfs"]
    by_key = {r["key"]: r for r in records}
    back = manager.unpack_bundle(by_key["dfs"], by_key, list[pd.DataFrame], store)
    same(frames, back)
