import pytest

from faas_jupyter.errors import ValidationError
from faas_jupyter.model.refs import ItemRef, is_item_ref, is_item_ref_json, item_refs, map_refs, ref_id

STORED = {"item_id": "i1", "key": "df", "artifact_type": "file"}


def test_one_ref_two_forms_round_trip():
    ref = ItemRef("i1", "df", "file")
    assert ref.to_stored() == STORED and ItemRef.from_stored(STORED) == ref
    assert ref.to_json() == {"id": "i1", "key": "df", "artifactType": "file"}
    assert ItemRef.from_json(ref.to_json()) == ref
    assert ItemRef.of_record({"id": "i1", "key": "df", "artifact_type": "file", "size": 3}) == ref


def test_is_item_ref_tells_each_shape_apart():
    assert is_item_ref(STORED) and not is_item_ref_json(STORED)
    assert is_item_ref_json({"id": "i1", "key": "df", "artifactType": "file"})
    assert not is_item_ref({"item_id": "i1"}) and not is_item_ref({"item_id": 1, "artifact_type": "file"})
    assert not is_item_ref("i1") and not is_item_ref([STORED])


def test_map_refs_replaces_refs_anywhere_and_keeps_the_rest():
    value = {"a": STORED, "b": [1, {"c": STORED}], "d": {"item_id": "x"}}
    assert map_refs(value, lambda r: r.to_json()) == {
        "a": {"id": "i1", "key": "df", "artifactType": "file"},
        "b": [1, {"c": {"id": "i1", "key": "df", "artifactType": "file"}}], "d": {"item_id": "x"}}
    assert map_refs(STORED, lambda r: r.id) == "i1" and map_refs(3, lambda r: r) == 3
    assert [r.id for r in item_refs([STORED, {"k": {**STORED, "item_id": "i2"}}])] == ["i1", "i2"]


def test_ref_id_takes_an_id_a_dict_or_an_object():
    class Obj:
        id = "o1"
    assert ref_id("i1") == "i1" and ref_id({"item_id": "i2"}) == "i2" and ref_id({"itemId": "i3"}) == "i3"
    assert ref_id({"dataset_id": "d1"}, "Dataset") == "d1" and ref_id(Obj()) == "o1"
    with pytest.raises(ValidationError, match="a Dataset input takes a Dataset id"):
        ref_id(3, "Dataset")
