"""store/items.py, store/datasets.py, store/custom_packagers.py: one function per query, JSON
columns read and written as Python values (``schema.JSONText``)."""
import pytest
from sqlalchemy import select

from faas_jupyter.store import custom_packagers as C
from faas_jupyter.store import datasets as D
from faas_jupyter.store import items as I
from faas_jupyter.store import projects as P
from faas_jupyter.store.db import new_id
from faas_jupyter.store.schema import items


def _project(store, name="p"):
    with store.transaction() as conn:
        return P.insert_project(conn, name, "alice")["id"]


def _dataset(store, pid, name="raw") -> D.DatasetRow:
    row: D.DatasetRow = {"id": new_id(), "project_id": pid, "name": name, "created_at": "t0",
                         "creator": "alice", "metadata": {"note": [1, 2]}}
    with store.transaction() as conn:
        D.insert_dataset(conn, row)
    return row


def _item(pid, key, dataset_id=None, execution_id=None, ts="t1", value=None) -> I.ItemRow:
    return {"id": new_id(), "project_id": pid, "dataset_id": dataset_id, "key": key,
            "artifact_type": "result" if value is not None else "file", "packager": "p", "path": None,
            "url": None, "size": 3, "hash": None, "instructions": {"a": {"b": 1}}, "value": value,
            "metadata": {"group": "g"}, "execution_id": execution_id, "created_at": ts, "creator": "alice"}


def test_datasets_by_name_and_id(store):
    pid, other = _project(store), _project(store, "q")
    raw = _dataset(store, pid)
    _dataset(store, pid, "alpha")
    with store.connect() as conn:
        assert D.find_dataset(conn, pid, "raw") == raw  # metadata comes back a dict
        assert D.find_dataset(conn, other, "raw") is None
        assert D.dataset_id(conn, pid, "raw") == raw["id"] and D.dataset_id(conn, pid, "nope") is None
        assert D.find_dataset_by_id_or_name(conn, pid, raw["id"]) == raw
        assert D.find_dataset_by_id_or_name(conn, pid, "raw") == raw
        assert D.find_dataset_by_id_or_name(conn, other, raw["id"]) is None
        assert [d["name"] for d in D.list_datasets(conn, pid)] == ["alpha", "raw"]


def test_items_round_trip_json_and_filter(store):
    pid, other = _project(store), _project(store, "q")
    raw = _dataset(store, pid)
    rows = [_item(pid, "a", raw["id"], ts="t1", value={"x": [1.5, None]}), _item(pid, "b", ts="t2"),
            _item(pid, "a_0", ts="t3"), _item(pid, "a_1", ts="t4", value="text"), _item(other, "a")]
    with store.transaction() as conn:
        I.insert_items(conn, rows)
        I.insert_items(conn, [])
    with store.connect() as conn:
        got = I.get_item(conn, pid, rows[0]["id"])
        assert got == {**rows[0], "dataset_name": "raw"}
        assert I.get_item(conn, other, rows[0]["id"]) is None
        assert I.project_item(conn, pid, rows[1]["id"]) == rows[1]
        assert I.project_item(conn, other, rows[1]["id"]) is None
        assert [r["key"] for r in I.list_items(conn, pid)] == ["a", "b", "a_0", "a_1"]
        assert [r["key"] for r in I.list_items(conn, pid, dataset_id=raw["id"])] == ["a"]
        assert [r["key"] for r in I.list_items(conn, pid, key="b")] == ["b"]
        assert [r["value"] for r in I.items_with_key_prefix(conn, pid, "a_", None)] == [None, "text"]
        assert I.items_with_key_prefix(conn, pid, "a%", None) == []  # LIKE characters are escaped
        # the DDL stays TEXT: the column holds the JSON text
        assert conn.scalar(select(items.c.value.cast(items.c.key.type)).where(items.c.id == rows[0]["id"])
                           ) in ('{"x": [1.5, null]}',)


def test_annotations_oldest_first_and_by_project(store):
    pid, other = _project(store), _project(store, "q")
    item = _item(pid, "a")
    with store.transaction() as conn:
        I.insert_items(conn, [item])
        for ts in ("t2", "t1"):
            I.insert_annotation(conn, {"id": new_id(), "item_id": item["id"], "type": "box", "label": ts,
                                       "data": {"coords": [1, 2], "ts": ts}, "created_at": ts,
                                       "creator": "alice"})
    with store.connect() as conn:
        notes = I.list_annotations(conn, item["id"])
        assert [n["data"] for n in notes] == [{"coords": [1, 2], "ts": "t1"}, {"coords": [1, 2], "ts": "t2"}]
        assert I.project_annotation(conn, pid, notes[0]["id"]) == notes[0]
        assert I.project_annotation(conn, other, notes[0]["id"]) is None


def test_a_value_that_is_not_json_raises_type_error_and_writes_nothing(store):
    pid = _project(store)
    with pytest.raises(TypeError):
        with store.transaction() as conn:
            I.insert_items(conn, [_item(pid, "bad", value={"x": object()})])
    with store.connect() as conn:
        assert I.list_items(conn, pid) == []


def test_custom_packagers_once_per_class_oldest_first(store):
    pid = _project(store)
    with store.transaction() as conn:
        assert C.add_packager(conn, pid, "m:A", 5, False, "alice")
        assert C.add_packager(conn, pid, "m:B", None, True, "alice")
        assert not C.add_packager(conn, pid, "m:A", 1, True, "alice")
    with store.connect() as conn:
        assert C.stored_packagers(conn, pid) == [("m:A", False), ("m:B", True)]
