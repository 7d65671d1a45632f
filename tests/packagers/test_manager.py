"""PackagersManager: choice order, custom packagers (code and entry point), bundles, linking, clearing."""
from __future__ import annotations

import copy
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from faas_jupyter.errors import PackagingError, PackingError, UnpackingError
from faas_jupyter.packagers import ArtifactType, DefaultPackager, Packager, PackagersManager
from faas_jupyter.packagers.api import Artifact


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y


class Point3(Point):
    pass


class PointPackager(DefaultPackager):
    PACKABLE_OBJECT_TYPE = Point
    PACK_SUBCLASSES = True
    DEFAULT_PACKING_ARTIFACT_TYPE = ArtifactType.RESULT
    DEFAULT_UNPACKING_ARTIFACT_TYPE = ArtifactType.RESULT

    def pack_result(self, obj, key):
        return {key: [obj.x, obj.y]}

    def unpack_result(self, data_item):
        return Point(*data_item.value)

    def pack_file(self, obj, key, separator: str = ","):
        data = f"{obj.x}{separator}{obj.y}".encode()
        return self.write_artifact(key, "file", "txt", lambda f: f.write(data)), {"separator": separator}

    def unpack_file(self, data_item, separator=","):
        with data_item.open() as f:
            return Point(*map(int, f.read().decode().split(separator)))


class SevenPackager(PointPackager):
    PRIORITY = 7


class Point3Packager(PointPackager):
    PACKABLE_OBJECT_TYPE = Point3
    PRIORITY = 7


def test_declared_priority_is_honoured(manager):
    manager.add(SevenPackager)
    manager.add(PointPackager)
    (seven,) = [p for p in manager.ranked() if type(p) is SevenPackager]
    (default,) = [p for p in manager.ranked() if type(p) is PointPackager]
    assert seven.priority == 7 and default.priority == 3  # MLRun gave both 3
    assert type(manager.find_packer(Point(1, 2))) is PointPackager


def test_builtin_priorities(manager):
    manager.packagers()  # loads numpy/pandas builtins
    prios = {type(p).__name__: p.priority for p in manager.ranked()}
    assert prios["NumPyNDArrayDictPackager"] == 4 and prios["DictPackager"] == 5
    assert prios["PandasDataFramePackager"] == 5
    assert manager.list()[-1]["name"] == "PickleFallbackPackager"


def test_specificity_then_registration_order(manager):
    class A(PointPackager):
        PRIORITY = 7

    class B(PointPackager):
        PRIORITY = 7

    manager.add(Point3Packager)  # more specific, registered first
    manager.add(A)
    manager.add(B)
    assert type(manager.find_packer(Point3(1, 2))) is Point3Packager
    assert type(manager.find_packer(Point(1, 2))) is B  # equal rank: the later registration wins


def test_custom_overrides_builtin_of_equal_rank(manager, store):
    class MyFrames(DefaultPackager):
        PACKABLE_OBJECT_TYPE = pd.DataFrame
        PRIORITY = 5
        DEFAULT_PACKING_ARTIFACT_TYPE = "result"

        def pack_result(self, obj, key):
            return {key: len(obj)}

    manager.add(MyFrames)
    manager.packagers()  # builtins loaded after the custom one still rank as earlier
    (rec,) = manager.pack(pd.DataFrame({"a": [1, 2]}), "n", store)
    assert rec["packager"] == "MyFrames" and rec["value"] == 2


def test_custom_packager_pack_unpack_and_hint_types(manager, store):
    manager.add(PointPackager)
    (rec,) = manager.pack(Point(3, 4), "pt", store)
    assert rec["artifact_type"] == "result" and rec["value"] == [3, 4] and rec["packager"] == "PointPackager"
    back = manager.unpack(rec, Point, store)
    assert (back.x, back.y) == (3, 4)
    (rec,) = manager.pack(Point(5, 6), {"key": "pf", "artifact_type": "file", "separator": ";"}, store, "p")
    assert rec["instructions"] == {"separator": ";"}
    assert vars(manager.unpack(rec, None, store)) == {"x": 5, "y": 6}


def test_add_errors_and_is_mandatory(manager):
    with pytest.warns(UserWarning, match="skipped"):
        assert manager.add("no_such_module_xyz.Packager") == []
    with pytest.raises(PackagingError, match="no_such_module_xyz"):
        manager.add("no_such_module_xyz.Packager", is_mandatory=True)
    with pytest.raises(PackagingError, match="not a concrete"):
        manager.add(int, is_mandatory=True)

    class Bad(PointPackager):
        PRIORITY = 11
    with pytest.raises(PackagingError, match="1..10"):
        manager.add(Bad, is_mandatory=True)


def test_entry_point_packager(tmp_path):
    pkg = tmp_path / "ep_site"
    (pkg / "ep_points").mkdir(parents=True)
    (pkg / "ep_points" / "__init__.py").write_text(textwrap.dedent("""
        from faas_jupyter.packagers import DefaultPackager

        class Complex2:
            def __init__(self, v): self.v = v

        class Complex2Packager(DefaultPackager):
            PACKABLE_OBJECT_TYPE = Complex2
            DEFAULT_PACKING_ARTIFACT_TYPE = "result"
            def pack_result(self, obj, key): return {key: self.v_of(obj)}
            def v_of(self, obj): return obj.v
    """))
    dist = pkg / "ep_points-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: ep-points\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[faas_jupyter.packagers]\npoints = ep_points:Complex2Packager\n")
    code = textwrap.dedent(f"""
        import sys; sys.path.insert(0, {str(pkg)!r})
        from faas_jupyter.packagers import PackagersManager
        import ep_points
        m = PackagersManager()
        rows = [r for r in m.list() if r["name"] == "Complex2Packager"]
        print(rows[0]["priority"], rows[0]["source"])
        print(m.pack(ep_points.Complex2(9), "c")[0]["value"])
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split("\n")[:2] == ["3 entry point points", "9"]


def test_packing_failure_raises_never_warns(manager, store):
    class Broken(PointPackager):
        def pack_result(self, obj, key):
            raise RuntimeError("disk on fire")
    manager.add(Broken)
    with pytest.raises(PackingError, match="disk on fire"):
        manager.pack(Point(1, 2), "pt", store)
    with pytest.raises(PackingError, match="cannot pack as 'dataset'|packs a builtins.int as 'dataset'"):
        manager.pack(5, "n:dataset", store)
    with pytest.raises(PackingError, match="does not exist"):
        manager.pack(store.cache_dir() / "missing.txt", "p", store)


@pytest.mark.parametrize("obj,hint,match", [
    (pd.DataFrame({"c": [1 + 2j]}), "d : file[file_format='csv']", "complex128.*parquet"),
    (pd.DataFrame({"s": ["", None]}), "d : file[file_format='csv']", "empty strings"),
    (pd.DataFrame({"o": [1, "a"]}), "d : file[file_format='json']", "cannot round-trip"),
    (pd.DataFrame({"c": pd.Categorical([1.5])}), "d : file[file_format='csv']", "categorical"),
    (np.zeros((2, 2, 2)), "a : file[file_format='txt']", "1-D or 2-D"),
    (np.array([1 + 1j] * 20), "a : file[file_format='csv']", "cannot round-trip"),
    (np.zeros((2, 2, 2)), "a:dataset", "2-D"),
    (pd.DataFrame({"a": [1]}), "d : file[file_format='xlsx']", "unknown file_format"),
    (b"x", "b : file[file_format='json']", "raw"),
])
def test_lossy_formats_are_refused(manager, store, same, obj, hint, match):
    before = copy.deepcopy(obj)
    with pytest.raises(PackingError, match=match):
        manager.pack(obj, hint, store, "p")
    assert store.list() == []  # nothing half-written
    same(before, obj)


def test_unknown_configuration_suggests_the_name(manager, store):
    with pytest.raises(PackingError, match="did you mean 'file_format'"):
        manager.pack(pd.DataFrame({"a": [1]}), {"key": "d", "format": "csv"}, store)
    with pytest.raises(PackingError, match="did you mean 'file_format'"):
        manager.validate_hint('d : dataset[format="parquet"]', pd.DataFrame)
    assert manager.validate_hint("d : file[file_format='csv']", pd.DataFrame).configurations == \
        {"file_format": "csv"}
    with pytest.raises(PackingError, match="archive_format"):
        manager.validate_hint({"key": "p", "archive": "zip"}, "pathlib.Path")


def test_bundle_nested(manager, store, same):
    obj = {"a": 1, "b": [np.arange(3), "x"], "c d": (2, 3)}
    records = manager.pack(obj, "**k", store, "p")
    keys = [r["key"] for r in records]
    assert keys == ["k_a", "k_b_0", "k_b_1", "k_b", "k_2_0", "k_2_1", "k_2", "k"]  # "c d" is no key
    by_key = {r["key"]: r for r in records}
    same(obj, manager.unpack_bundle(by_key["k"], by_key, None, store))


def test_unpack_collection_bundles_to_hint(manager, store, same):
    frames = [pd.DataFrame({"a": [i]}) for i in range(3)]
    recs = [manager.pack(f, f"f{i}", store, "p")[0] for i, f in enumerate(frames)]
    same(frames, manager.unpack(recs, list[pd.DataFrame], store))
    same(tuple(frames), manager.unpack(recs, tuple[pd.DataFrame, ...], store))
    arrays = {"x": np.arange(2), "y": np.arange(3)}
    recs = {k: manager.pack(v, k, store, "q")[0] for k, v in arrays.items()}
    same(arrays, manager.unpack(recs, dict[str, np.ndarray], store))


def test_linking_extra_data_and_metrics(manager, store):
    records = manager.pack_many([
        (pd.DataFrame({"a": [1, 2, 3]}), {"key": "df", "extra_data": {"n_rows": ..., "note": "hi"},
                                           "metrics": {"n_rows": ...}}),
        (3, "n_rows"),
    ], store, "p")
    df = records[0]
    assert df["extra_data"] == {"n_rows": 3, "note": "hi"} and df["metrics"] == {"n_rows": 3}
    with pytest.raises(PackingError, match="links 'missing'"):
        manager.pack_many([(1, {"key": "x", "extra_data": {"missing": ...}})], store, "q")
    assert not store.exists("q")


def test_link_to_earlier_item(manager, store):
    earlier = manager.pack(np.arange(20), "arr", store, "p")[0]
    (rec,) = manager.pack(1, {"key": "one", "extra_data": {"arr": ...}}, store, "p", known={"arr": earlier})
    assert rec["extra_data"]["arr"] == earlier["url"]


def test_unpack_by_hint(manager, store, tmp_path):
    (rec,) = manager.pack(pd.DataFrame({"a": [1.0]}), "df:file", store, "p")
    assert manager.unpack(rec, str, store).endswith("df.parquet")
    assert isinstance(manager.unpack(rec, "pandas.DataFrame", store), pd.DataFrame)
    from typing import Optional
    assert isinstance(manager.unpack(rec, Optional[pd.DataFrame], store), pd.DataFrame)
    with pytest.raises(UnpackingError, match="cannot unpack item 'df'"):
        manager.unpack(rec, np.ndarray, store)
    (rec,) = manager.pack((1, 2), "t", store, "p")
    assert manager.unpack(rec, list, store) == [1, 2]


def test_clearing_paths(manager, tmp_path):
    from faas_jupyter.store.artifacts import ArtifactStore
    remote = ArtifactStore(f"memory://h4clear-{id(tmp_path)}", cache_dir=tmp_path / "cache")
    src = tmp_path / "folder"
    src.mkdir()
    (src / "f.txt").write_text("x")
    (rec,) = manager.pack(src, "d", remote, "p")
    back = manager.unpack(rec, None, remote)
    (arr_rec,) = manager.pack(np.arange(50), "a", remote, "p")
    manager.unpack(arr_rec, None, remote)
    paths = [p for pk in manager.packagers(load_all=False) for p in pk.future_clearing_path_list]
    assert len(paths) == 2 and back.exists()
    manager.clear_packagers_outputs()
    assert not back.exists() and not any(__import__("os").path.exists(p) for p in paths)
    remote.fs.rm(remote.root, recursive=True)


def test_local_input_file_is_never_cleared(manager, store):
    (rec,) = manager.pack(np.arange(50), "a", store, "p")
    manager.unpack(rec, None, store)
    manager.clear_packagers_outputs()
    assert store.exists(rec["path"])


def test_abstract_api_shape():
    p = PointPackager()
    assert p.get_supported_packing_artifact_types() == ["file", "object", "result"]
    assert p.is_packable(Point3(1, 2)) and not p.is_packable(Point3(1, 2), "dataset")
    assert p.is_unpackable(None, object) and not p.is_unpackable(None, Point3)  # IDE rule
    assert "priority=3" in repr(p) and issubclass(PointPackager, Packager)
    assert Artifact("k", "file").meta == {}


def test_unpack_by_hint_uses_the_stored_artifact_type(manager, store, same):
    arr = np.arange(6.0).reshape(3, 2)
    (rec,) = manager.pack(arr, "a:dataset", store, "p")
    rec = {**rec, "packager": None}  # no stored packager: chosen by the hint alone
    same(arr, manager.unpack(rec, np.ndarray, store))
    (rec,) = manager.pack(pd.DataFrame({"a": [1]}), "d:object", store, "p")
    assert isinstance(manager.unpack({**rec, "packager": None}, pd.DataFrame, store), pd.DataFrame)


def test_a_record_whose_packager_is_not_registered_unpacks_to_its_recorded_type():
    """Without a hint, the record's object_type decides (the most specific builtin, bool, must not win for an int)."""
    from faas_jupyter.packagers.manager import PackagersManager

    manager = PackagersManager()
    record = {"key": "n", "artifact_type": "result", "packager": "GoneElsewherePackager",
              "object_type": "builtins.int", "value": 7, "instructions": {}}
    unpacked = manager.unpack(record)
    assert unpacked == 7 and type(unpacked) is int
