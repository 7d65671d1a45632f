"""package JSON checked against the code at push, both ways, with JSON paths (issue 13 item 4)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from faas_jupyter.errors import ValidationError
from faas_jupyter.model.package import PackageSpec
from faas_jupyter.model.package_check import check_against_code

MAIN = b'''import dtlpy as dl


class Base(dl.BaseServiceRunner):
    def shared(self, item):
        return item


class ServiceRunner(Base):
    def __init__(self, threshold: float, verbose=False):
        self.threshold = threshold

    def run(self, item, limit: int = 3, progress=None, context=None):
        return limit

    @staticmethod
    def pure(x, *, y=1):
        return x

    def anything(self, **kwargs):
        return kwargs

    @property
    def state(self):
        return 1
'''


def _spec(functions, init=({"name": "threshold", "type": "Float"},), **module) -> PackageSpec:
    return PackageSpec.from_json({"name": "p", "modules": [{
        "name": "m", "initInputs": list(init), "functions": functions, **module}]})


def _check(spec, files=None):
    check_against_code(spec, files or {"main.py": MAIN})


def _error(spec, files=None) -> ValidationError:
    with pytest.raises(ValidationError) as err:
        _check(spec, files)
    return err.value


def test_matching_declarations_pass_including_inherited_static_and_kwargs_methods():
    _check(_spec([{"name": "run", "input": [{"name": "item", "type": "Item"}]},
                  {"name": "shared", "input": [{"name": "item", "type": "Item"}]},
                  {"name": "pure", "input": [{"name": "x", "type": "Json"}, {"name": "y", "type": "Integer"}]},
                  {"name": "anything", "input": [{"name": "whatever", "type": "Json"}]}]))


def test_a_function_that_is_not_a_method_names_its_json_path():
    err = _error(_spec([{"name": "run", "input": [{"name": "item", "type": "Item"}]}, {"name": "score"}]))
    assert err.path == "modules[0].functions[1].name"
    assert "function 'score' is not a method of class 'ServiceRunner' (main.py)" in err.message
    assert "run, pure, anything" in err.message  # the methods there are (a property is not one)
    assert _error(_spec([{"name": "state"}])).path == "modules[0].functions[0].name"


def test_an_input_that_is_not_a_parameter_names_its_json_path():
    err = _error(_spec([{"name": "run", "input": [{"name": "item", "type": "Item"},
                                                  {"name": "limt", "type": "Integer"}]}]))
    assert err.path == "modules[0].functions[0].input[1].name"
    assert "input 'limt' is not a parameter of ServiceRunner.run (main.py line 13)" in err.message
    err = _error(_spec([], init=[{"name": "threshold", "type": "Float"}, {"name": "extra", "type": "Json"}]))
    assert err.path == "modules[0].initInputs[1].name"


def test_a_parameter_without_a_default_must_be_declared():
    err = _error(_spec([{"name": "run", "input": []}]))
    assert err.path == "modules[0].functions[0].input"
    assert "parameter 'item' of ServiceRunner.run (main.py line 13) is not declared" in err.message
    assert _error(_spec([], init=[])).path == "modules[0].initInputs"


def test_a_missing_class_names_the_classes_there():
    err = _error(_spec([], className="Runner"))
    assert err.path == "modules[0].className" and "classes there: Base, ServiceRunner" in err.message


def test_a_class_imported_from_another_codebase_file_is_read_there():
    files = {"src/app.py": b"from .impl import Impl as Runner\n",
             "src/impl.py": b"class Impl:\n    def go(self, a):\n        return a\n"}
    spec = _spec([{"name": "go", "input": []}], init=[], entryPoint="src/app.py", className="Runner")
    err = _error(spec, files)
    assert err.path == "modules[0].functions[0].input" and "Impl.go (src/impl.py line 2)" in err.message


def test_what_the_source_cannot_show_is_not_guessed():
    outside = {"main.py": b"from somewhere import Runner as ServiceRunner\n"}
    _check(_spec([{"name": "anything"}]), outside)
    built = {"main.py": b"ServiceRunner = type('ServiceRunner', (), {})\n"}
    _check(_spec([{"name": "anything"}]), built)
    inherits = {"main.py": b"import lib\n\nclass ServiceRunner(lib.Runner):\n    def own(self, a):\n        pass\n"}
    _check(_spec([{"name": "inherited"}], init=[]), inherits)  # may come from lib.Runner
    assert _error(_spec([{"name": "own", "input": [{"name": "b", "type": "Json"}]}], init=[]),
                  inherits).path == "modules[0].functions[0].input[0].name"
    _check(_spec([{"name": "x"}]), {"main.py": b"def broken(:\n"})  # the loader reports syntax errors
    assigned = {"main.py": b"def impl(a, b):\n    pass\n\nclass ServiceRunner:\n    run = staticmethod(impl)\n"}
    _check(_spec([{"name": "run", "input": [{"name": "zzz", "type": "Json"}]}], init=[]), assigned)


FIXTURES = Path(__file__).parent / "fixtures_dataloop"


@pytest.mark.parametrize("folder", sorted(p.name for p in FIXTURES.iterdir()))
def test_every_package_dlp_generate_writes_passes(folder):
    root = FIXTURES / folder
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    check_against_code(PackageSpec.from_json(json.loads(files["package.json"])), files)
