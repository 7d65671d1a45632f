from __future__ import annotations

import copy

import pytest

from faas_jupyter.errors import NotFound, ValidationError
from faas_jupyter.model.package import MISSING, FunctionIO, PackageFunction, PackageModule, PackageSpec
from faas_jupyter.model.types import PackageInputType

SPEC_EXAMPLE = {"name": "default_package",
                "modules": [{"name": "default_module", "className": "ServiceRunner", "entryPoint": "main.py",
                             "initInputs": [], "functions": [{"name": "run", "description": "",
                                                              "input": [{"name": "item", "type": "Item"}],
                                                              "output": []}]}]}

# A package.json as dtlpy writes it, with keys we do not model.
DATALOOP_JSON = {
    "id": "pkg-id", "name": "my-pkg", "version": "1.0.3", "projectId": None, "type": "faas",
    "codebase": {"type": "item", "itemId": "codebase-item-id"},
    "modules": [{"name": "m", "functions": [{"name": "a", "output": [], "input": [], "computeConfig": None}],
                 "initInputs": [], "entryPoint": "main.py", "className": "ServiceRunner", "computeConfig": None}],
    "requirements": [{"name": "numpy", "version": "1.26", "operator": ">="}],
    "serviceConfig": {"runtime": {"podType": "regular-xs"}},
    "slots": [{"displayName": "x", "moduleName": "m", "functionName": "a"}],
}


def test_spec_example_round_trips_unchanged():
    spec = PackageSpec.from_json(SPEC_EXAMPLE)
    out = spec.to_json()
    assert out == {**SPEC_EXAMPLE, "type": "faas"}
    assert PackageSpec.from_json(out) == spec
    assert spec.modules[0].functions[0].input[0].type is PackageInputType.ITEM


def test_dataloop_package_json_keeps_unknown_keys_and_round_trips():
    spec = PackageSpec.from_json(copy.deepcopy(DATALOOP_JSON))
    assert spec.version == "1.0.3" and spec.extra["serviceConfig"] == {"runtime": {"podType": "regular-xs"}}
    assert spec.modules[0].extra == {"computeConfig": None}
    expected = copy.deepcopy(DATALOOP_JSON)
    expected["modules"][0]["functions"][0]["description"] = ""  # a Dataloop default, filled in
    assert spec.to_json() == expected
    assert PackageSpec.from_json(spec.to_json()) == spec


def test_missing_keys_get_dataloop_defaults():
    spec = PackageSpec.from_json({})
    assert spec.name == "default_package" and spec.type == "faas"
    module = spec.module()
    assert (module.name, module.entry_point, module.class_name) == ("default_module", "main.py", "ServiceRunner")
    assert [f.name for f in module.functions] == ["run"]
    fn = PackageFunction.from_json({"input": [{"type": "Dataset"}, {"type": "Task"}]})
    assert [io.name for io in fn.input] == ["dataset", "config"]
    assert fn.name == "run" and fn.description == ""


def test_default_value_may_be_any_json_value_including_null():
    io = FunctionIO.from_json({"name": "x", "type": "Json", "defaultValue": None})
    assert io.has_default and io.default is None
    assert io.to_json() == {"name": "x", "type": "Json", "defaultValue": None}
    bare = FunctionIO("y", "Integer")
    assert not bare.has_default and bare.default is MISSING and "defaultValue" not in bare.to_json()


def test_optional_keys_appear_only_when_set():
    fn = PackageFunction("f", input=[FunctionIO("a", "String", description="d", actions=["x"])],
                         display_name="F", display_icon="icon")
    assert fn.to_json() == {"name": "f", "description": "", "output": [], "displayName": "F",
                            "displayIcon": "icon",
                            "input": [{"name": "a", "type": "String", "description": "d", "actions": ["x"]}]}
    assert PackageFunction.from_json(fn.to_json()) == fn


def test_to_json_returns_copies_the_caller_may_mutate():
    spec = PackageSpec("p", metadata={"a": [1]}, modules=[PackageModule(functions=[
        PackageFunction(input=[FunctionIO("x", "Json", default={"k": [1]})])])])
    out = spec.to_json()
    out["metadata"]["a"].append(2)
    out["modules"][0]["functions"][0]["input"][0]["defaultValue"]["k"].append(2)
    assert spec.metadata == {"a": [1]} and spec.modules[0].functions[0].input[0].default == {"k": [1]}


def _error(doc) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        PackageSpec.from_json(doc)
    return info.value


def test_unknown_type_names_function_input_path_and_valid_types():
    doc = {"name": "p", "modules": [{"functions": [
        {"name": "a"}, {"name": "b"},
        {"name": "detect", "input": [{"name": "ok", "type": "Item"}, {"name": "img", "type": "Image"}]}]}]}
    err = _error(doc)
    assert err.path == "modules[0].functions[2].input[1].type"
    assert "'detect'" in err.message and "'img'" in err.message and "'Image'" in err.message
    assert "Item, Dataset" in err.message and "Recipe[]" in err.message


def test_wrong_case_type_suggests_the_right_spelling():
    err = _error({"modules": [{"functions": [{"input": [{"name": "x", "type": "integer"}]}]}]})
    assert "did you mean 'Integer'" in err.message


@pytest.mark.parametrize(("doc", "path", "words"), [
    ({"modules": [{"name": "m"}, {"name": "m"}]}, "modules[1].name", "two modules named 'm'"),
    ({"modules": [{"functions": [{"name": "f"}, {"name": "f"}]}]}, "modules[0].functions[1].name",
     "two functions named 'f'"),
    ({"modules": [{"functions": [{"input": [{"name": "a", "type": "Item"}, {"name": "a", "type": "Json"}]}]}]},
     "modules[0].functions[0].input[1].name", "two inputs named 'a'"),
    ({"modules": [{"initInputs": [{"name": "a", "type": "Json"}, {"name": "a", "type": "Json"}]}]},
     "modules[0].initInputs[1].name", "two init inputs named 'a'"),
    ({"name": "bad name"}, "name", "invalid package name"),
    ({"name": "-x"}, "name", "starting with a letter or digit"),
    ({"name": "x" * 65}, "name", "1-64 characters"),
    ({"modules": [{"name": "m.v2"}]}, "modules[0].name", "invalid module name"),
    ({"modules": [{"functions": [{"name": "class"}]}]}, "modules[0].functions[0].name", "not a keyword"),
    ({"modules": [{"functions": [{"input": [{"name": "2x", "type": "Json"}]}]}]},
     "modules[0].functions[0].input[0].name", "Python identifier"),
    ({"modules": [{"className": "My-Runner"}]}, "modules[0].className", "invalid class name"),
    ({"modules": [{"entryPoint": "/abs/main.py"}]}, "modules[0].entryPoint", "absolute"),
    ({"modules": [{"entryPoint": "../main.py"}]}, "modules[0].entryPoint", "'..'"),
    ({"modules": [{"entryPoint": "main.txt"}]}, "modules[0].entryPoint", "not a .py file"),
    ({"modules": "oops"}, "modules", "expected a list"),
    ({"modules": ["oops"]}, "modules[0]", "expected a JSON object"),
    ({"modules": [{"functions": {"a": 1}}]}, "modules[0].functions", "expected a list"),
    ({"modules": [{"functions": [{"input": "item"}]}]}, "modules[0].functions[0].input", "expected a list"),
    ({"modules": [{"functions": [{"description": 5}]}]}, "modules[0].functions[0].description", "a string"),
    ({"modules": [{"functions": [{"input": [{"name": "x"}]}]}]}, "modules[0].functions[0].input[0].type",
     "missing 'type'"),
    ({"version": "1.0"}, "version", "3 numbers"),
    ({"requirements": [5]}, "requirements[0]", "requirement"),
    ({"metadata": []}, "metadata", "an object"),
    ({"name": 5}, "name", "expected a package name"),
])
def test_invalid_documents_give_a_json_path_and_say_what_is_valid(doc, path, words):
    err = _error(doc)
    assert err.path == path
    assert words in err.message
    assert str(err).startswith(f"{path}: ")


def test_a_non_object_document_is_a_validation_error():
    for doc in (None, [], "x", 3):
        assert "JSON object" in _error(doc).message


def test_constructors_validate_too():
    with pytest.raises(ValidationError, match="unknown type 'Image'"):
        FunctionIO("x", "Image")
    with pytest.raises(ValidationError) as info:
        PackageFunction("f", input=[FunctionIO("a", "Item"), FunctionIO("a", "Json")])
    assert info.value.path == "input[1].name"
    with pytest.raises(ValidationError, match="clash"):
        PackageSpec("p", extra={"name": "other"})


def test_validate_rechecks_after_in_place_edits():
    spec = PackageSpec.from_json(SPEC_EXAMPLE)
    spec.modules[0].functions[0].input.append(FunctionIO("item", "Json"))
    with pytest.raises(ValidationError) as info:
        spec.validate()
    assert info.value.path == "modules[0].functions[0].input[1].name"


def test_deep_validate_reaches_a_leaf_edit_and_shallow_does_not():
    spec = PackageSpec.from_json(SPEC_EXAMPLE)
    spec.modules[0].functions[0].input[0].type = "Image"
    spec.validate(deep=False)  # only this level: names, lists, requirements, metadata
    with pytest.raises(ValidationError) as info:
        spec.validate()
    assert info.value.path == "modules[0].functions[0].input[0].type"
    assert "unknown type 'Image'" in info.value.message
    assert info.value.message.startswith(f"function {spec.modules[0].functions[0].name!r}: ")


def test_validate_codebase_checks_entry_points_exist_inside_the_codebase():
    spec = PackageSpec("p", [PackageModule("a", entry_point="src/a.py"), PackageModule("b", entry_point="./b.py")])
    spec.validate_codebase(["src/a.py", "b.py"])
    with pytest.raises(ValidationError) as info:
        spec.validate_codebase(["src/a.py", "other.py"])
    assert info.value.path == "modules[1].entryPoint" and "not in the codebase" in info.value.message
    assert "other.py" in info.value.message
    spec.modules[0].entry_point = "../a.py"
    with pytest.raises(ValidationError, match="leaves the codebase"):
        spec.validate_codebase(["src/a.py", "b.py"])


def test_lookup_by_name_names_what_exists():
    spec = PackageSpec("p", [PackageModule("a", functions=[PackageFunction("run"), PackageFunction("train")]),
                             PackageModule("b")])
    assert spec.module("b").name == "b"
    with pytest.raises(NotFound, match="no module 'c'; modules: a, b"):
        spec.module("c")
    with pytest.raises(NotFound, match="name one of: a, b"):
        spec.module()
    assert spec.module("a").function("train").name == "train"
    with pytest.raises(NotFound, match="no function 'x'; functions: run, train"):
        spec.module("a").function("x")
