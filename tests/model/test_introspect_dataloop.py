"""Dataloop's generated templates infer exactly what their package.json declares.

``fixtures_dataloop/<catalog type>/`` holds the runner shapes ``dlp generate`` writes for each
``PackageCatalog`` type (signatures as generated, bodies shortened) and the package.json that
dtlpy's ``_package_json_generator`` writes for it.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from faas_jupyter.errors import ValidationError
from faas_jupyter.model.introspect import check_declared, infer_module, infer_package_modules

FIXTURES = Path(__file__).parent / "fixtures_dataloop"
FOLDERS = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


def load(folder: str) -> tuple[dict, dict[str, bytes]]:
    root = FIXTURES / folder
    files = {p.name: p.read_bytes() for p in root.iterdir() if p.name != "package.json"}
    return json.loads((root / "package.json").read_text()), files


def signature(module_json: dict) -> list[tuple]:
    """What a package.json pins down: function names and their (input name, type) lists."""
    return [(f["name"], [(i["name"], i["type"]) for i in f.get("input", [])]) for f in module_json["functions"]]


def test_every_catalog_type_has_a_fixture():
    assert len(FOLDERS) == 8


@pytest.mark.parametrize("folder", FOLDERS)
def test_template_infers_what_its_package_json_declares(folder):
    package, files = load(folder)
    for declared in package["modules"]:
        source = files[declared["entryPoint"]].decode()
        result = infer_module(source, module_name=declared["name"], entry_point=declared["entryPoint"])
        inferred = result.module.to_json()
        assert signature(inferred) == signature(declared)
        assert inferred["initInputs"] == declared["initInputs"] == []
        assert result.warnings == []
        check_declared(declared, result.module)  # agrees both ways


@pytest.mark.parametrize("folder", FOLDERS)
def test_template_folder_without_package_json(folder):
    package, files = load(folder)
    modules = infer_package_modules(files)
    assert [signature(m.to_json()) for m in modules] == [signature(m) for m in package["modules"]]
    assert [m.entry_point for m in modules] == [m["entryPoint"] for m in package["modules"]]


def test_folder_module_names():
    _, files = load("multi_module")
    assert [m.name for m in infer_package_modules(files)] == ["first_module_class", "second_module_class"]
    _, files = load("default_package_type")
    (module,) = infer_package_modules(files)
    assert (module.name, module.class_name) == ("default_module", "ServiceRunner")


def test_declared_package_json_is_merged_and_keeps_its_descriptions():
    package, files = load("default_package_type")
    declared = package["modules"][0]
    module = infer_module(files["main.py"].decode(), declared=declared).module
    assert [f.description for f in module.functions] == ["this description for your service", "hello function"]


def test_dtlpy_multi_function_item_mismatch_is_caught():
    # dtlpy's generator pairs the multi_function_item package.json (input `item`) with the
    # multi-method *json* runner (parameter `config`); Dataloop's one-way check misses it.
    declared = {"name": "default_module", "entryPoint": "main.py", "initInputs": [], "functions": [
        {"name": m, "input": [{"name": "item", "type": "Item"}], "output": []}
        for m in ("first_method", "second_method")]}
    source = (FIXTURES / "multi_function_json" / "main.py").read_text()
    with pytest.raises(ValidationError) as err:
        infer_module(source, declared=declared)
    msg = err.value.message
    assert "input 'item' is declared but ServiceRunner.first_method has no parameter 'item'" in msg
    assert "parameter 'config' of ServiceRunner.first_method is not declared" in msg
    assert err.value.line == source.splitlines().index("    def first_method(self, config, progress=None):") + 1


def test_folder_files_without_a_runner_are_not_modules():
    files = {"main.py": b"from faas_jupyter import BaseServiceRunner\n"
                        b"class ServiceRunner(BaseServiceRunner):\n    def run(self, item): ...\n",
             "utils.py": b"def helper(x):\n    return x\n",
             "README.md": b"# not python",
             "sub/extra.py": b"import dtlpy as dl\nclass Other(dl.BaseServiceRunner):\n    def go(self, dataset): ...\n"}
    modules = infer_package_modules(files)
    assert [(m.name, m.entry_point, m.class_name) for m in modules] == [
        ("default_module", "main.py", "ServiceRunner"), ("extra", "sub/extra.py", "Other")]


def test_folder_picks_the_leaf_runner_class():
    files = {"svc.py": b"from faas_jupyter import BaseServiceRunner\n"
                       b"class Base(BaseServiceRunner):\n    def a(self): ...\n"
                       b"class Runner(Base):\n    def b(self): ...\n"}
    (module,) = infer_package_modules(files)
    assert (module.name, module.class_name, [f.name for f in module.functions]) == ("svc", "Runner", ["a", "b"])


def test_folder_errors_name_the_file():
    with pytest.raises(ValidationError, match=r"^bad.py line 2: syntax error") as err:
        infer_package_modules({"bad.py": b"x = 1\ndef (:\n"})
    assert err.value.line == 2
    two = (b"from faas_jupyter import BaseServiceRunner\nclass A(BaseServiceRunner): ...\n"
           b"class B(BaseServiceRunner): ...\n")
    with pytest.raises(ValidationError, match="several BaseServiceRunner classes"):
        infer_package_modules({"two.py": two})
    runner = b"from faas_jupyter import BaseServiceRunner\nclass ServiceRunner(BaseServiceRunner): ...\n"
    with pytest.raises(ValidationError, match="would both be module 'x'"):
        infer_package_modules({"a/x.py": runner, "b/x.py": runner})
