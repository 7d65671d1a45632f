"""ws.items / ws.datasets / item.annotations / ws.packagers on a real workspace."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from faas_jupyter.errors import Conflict, NotFound, PackingError, PermissionDenied, ValidationError
from faas_jupyter.packagers import DefaultPackager


def test_log_and_get_result_and_file(ws):
    item = ws.items.log({"a": (1, 2)}, key="scores")
    assert item.artifact_type == "result" and item.value == {"a": {"__tuple__": [1, 2]}}
    assert item.get() == {"a": (1, 2)}
    df = pd.DataFrame({"x": [1, 2, 3], "c": pd.Categorical(["a", "b", "a"])})
    item = ws.items.log(df, key="df", artifact_type="file", file_format="csv")
    assert item.format == "csv" and item.digest.startswith("xxh3_128:") and item.size > 0
    assert item.path.startswith("default/") and item.url.endswith("df.csv")
    again = ws.items.get(item.id)
    pd.testing.assert_frame_equal(again.get(), df)
    pd.testing.assert_frame_equal(again.as_df(), df)
    assert open(again.local()).read().startswith("x,c")
    assert again.get(str) == again.local()
    assert ws.items.get(item.id).to_json()["key"] == "df"


def test_same_key_twice_never_overwrites(ws):
    a = ws.items.log(np.arange(20), key="arr")
    b = ws.items.log(np.arange(30), key="arr")
    assert a.path != b.path and len(a.get()) == 20 and len(b.get()) == 30
    assert [i.id for i in ws.items.list(key="arr")] == [a.id, b.id]


def test_bad_configuration_writes_nothing(ws, tmp_path):
    with pytest.raises(PackingError, match="did you mean 'file_format'"):
        ws.items.log(pd.DataFrame({"a": [1]}), key="df", format="csv")
    assert ws.items.list() == []
    assert not any(p.is_file() for p in (tmp_path / "artifacts").rglob("*"))


def test_datasets_and_annotations(ws):
    raw = ws.datasets.create("raw")
    with pytest.raises(Conflict):
        ws.datasets.create("raw")
    with pytest.raises(ValidationError):
        ws.datasets.create("bad name!")
    with pytest.raises(NotFound, match="ws.datasets.create"):
        ws.datasets.get("nope")
    with pytest.raises(NotFound, match="no dataset 'nope'"):
        ws.items.log(1, key="x", dataset="nope")
    item = raw.log(np.ones((3, 3)), key="img")
    ws.items.log(2, key="loose")
    assert item.dataset == "raw"
    assert [i.key for i in ws.datasets.get("raw").items] == ["img"]
    assert [d.name for d in ws.datasets.list()] == ["raw"]
    assert len(ws.items.list()) == 2
    note = item.annotations.add({"type": "box", "label": "cat", "coords": [1, 2, 3, 4]})
    assert note.item == item.id and note.creator == "tester"
    assert [a.data for a in ws.items.get(item.id).annotations.list()] == [note.data]
    with pytest.raises(TypeError):
        item.annotations.add({"x": object()})
    assert len(item.annotations) == 1


def test_itemized_collection(ws):
    frames = [pd.DataFrame({"a": [i]}) for i in range(2)]
    item = ws.items.log(frames, key="parts")
    assert item.key == "parts" and item.packager == "bundle"
    back = item.get()
    assert len(back) == 2 and all(b.equals(f) for b, f in zip(back, frames))
    assert sorted(i.key for i in ws.items.list()) == ["parts", "parts_0", "parts_1"]
    later = ws.items.log([pd.DataFrame({"a": [9]})] * 3, key="parts")  # same keys, another group
    assert [len(later.get()), len(ws.items.get(item.id).get())] == [3, 2]
    assert ws.items.get(item.id).get()[1].equals(frames[1])


class Temperature:
    def __init__(self, c):
        self.c = c


class TemperaturePackager(DefaultPackager):
    PACKABLE_OBJECT_TYPE = Temperature
    DEFAULT_PACKING_ARTIFACT_TYPE = "result"
    DEFAULT_UNPACKING_ARTIFACT_TYPE = "result"

    def pack_result(self, obj, key):
        return {key: obj.c}

    def unpack_result(self, data_item):
        return Temperature(data_item.value)


def test_custom_packager_is_recorded_for_the_project(ws, store_url, tmp_path):
    import faas_jupyter as faas
    ws.packagers.add(TemperaturePackager)
    assert ws.packagers.list()[0]["name"] == "TemperaturePackager"
    item = ws.items.log(Temperature(21.5), key="t")
    assert item.value == 21.5 and item.get().c == 21.5
    other = faas.workspace(store_url, artifacts=str(tmp_path / "artifacts"), user="tester")
    try:
        assert other.items.get(item.id).get().c == 21.5  # loaded from the project's record
    finally:
        other.close()


def test_annotator_cannot_log(ws, store_url, tmp_path):
    import faas_jupyter as faas
    item = ws.items.log(1, key="x")
    ws.project.members.add("ann", role="annotator")
    ann = faas.workspace(store_url, artifacts=str(tmp_path / "artifacts"), user="ann")
    try:
        with pytest.raises(PermissionDenied):
            ann.items.log(2, key="y")
        ann.items.get(item.id).annotations.add({"ok": True})
    finally:
        ann.close()
