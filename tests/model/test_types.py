from __future__ import annotations

import pytest

from faas_jupyter.model.types import (BASE_TYPES, ENTITY_TYPES, VALID_TYPES, PackageInputType, array_of,
                                      base_type, default_io_name, is_array, is_entity)

DATALOOP_BASE = ["Item", "Dataset", "Annotation", "Json", "String", "Number", "Integer", "Float", "Boolean",
                 "Model", "Execution", "Service", "Package", "Project", "Task", "Assignment", "Recipe"]


def test_all_34_dataloop_types_exist_with_their_array_forms():
    assert len(PackageInputType) == 34
    assert [t.value for t in BASE_TYPES] == DATALOOP_BASE
    assert set(VALID_TYPES) == set(DATALOOP_BASE) | {f"{t}[]" for t in DATALOOP_BASE}
    assert PackageInputType.ITEM == "Item" and PackageInputType.ITEM_ARRAY == "Item[]"
    assert f"{PackageInputType.RECIPE_ARRAY}" == "Recipe[]"


def test_array_helpers_work_on_enum_members_and_strings():
    assert is_array("Item[]") and not is_array(PackageInputType.ITEM)
    assert base_type("Annotation[]") is PackageInputType.ANNOTATION
    assert base_type("Json") is PackageInputType.JSON
    assert array_of("Integer") is PackageInputType.INTEGER_ARRAY
    assert array_of("Integer[]") is PackageInputType.INTEGER_ARRAY


def test_unknown_type_string_is_a_value_error():
    with pytest.raises(ValueError):
        is_array("Image")


def test_entity_types_are_the_ones_that_reference_stored_things():
    assert PackageInputType.ITEM in ENTITY_TYPES and PackageInputType.JSON not in ENTITY_TYPES
    assert is_entity("Dataset[]") and not is_entity("String[]")


@pytest.mark.parametrize(("t", "name"), [
    ("Item", "item"), ("Dataset", "dataset"), ("Annotation", "annotation"), ("Project", "project"),
    ("Package", "package"), ("Service", "service"), ("Execution", "execution"), ("Model", "model"),
    ("Task", "config"), ("String", "config"), ("Item[]", "config"), ("Json", "config"),
])
def test_default_io_name_follows_dataloop(t, name):
    assert default_io_name(t) == name
