"""Hand-declared functions (`# faas:` block, explicit module JSON): merged, checked both ways."""
from __future__ import annotations

import pytest

from faas_jupyter.errors import ValidationError
from faas_jupyter.model.introspect import check_declared, infer_module
from faas_jupyter.model.package import PackageModule

HEAD = "from faas_jupyter import BaseServiceRunner\n"


def cell(*lines: str) -> str:
    return HEAD + "\n".join(lines) + "\n"


RUNNER = ("class ServiceRunner(BaseServiceRunner):",
          "    def __init__(self, threshold=0.5): ...",
          "    def run(self, item, config, limit: int = 3, progress=None) -> dict:",
          '        """Run it."""',
          "    def other(self, x: int): ...")


def test_block_declares_types_that_win_over_inference():
    source = cell('# faas: {"functions": [{"name": "run", "description": "Declared.",',
                  '# faas:   "input": [{"name": "item", "type": "Item"},',
                  '# faas:             {"name": "config", "type": "String", "description": "the config"}]}],',
                  '# faas:  "initInputs": [{"name": "threshold", "type": "Float"}]}',
                  *RUNNER)
    result = infer_module(source)
    module = result.module.to_json()
    assert module["initInputs"] == [{"name": "threshold", "type": "Float", "defaultValue": 0.5}]
    run, other = module["functions"]
    assert run == {"name": "run", "description": "Declared.",
                   "input": [{"name": "item", "type": "Item"},
                             {"name": "config", "type": "String", "description": "the config"},
                             {"name": "limit", "type": "Integer", "defaultValue": 3}],
                   "output": [{"name": "output", "type": "Json"}]}
    assert other["input"] == [{"name": "x", "type": "Integer"}]  # undeclared: inferred
    assert result.warnings == []


def test_block_with_only_some_keys_keeps_the_rest_inferred():
    source = cell('# faas: {"functions": [{"name": "run", "input": [{"name": "item", "type": "Item"},'
                  ' {"name": "config", "type": "Json"}], "output": [{"name": "out", "type": "Json"}]}]}',
                  *RUNNER)
    module = infer_module(source).module
    assert module.function("run").description == "Run it."
    assert [o.name for o in module.function("run").output] == ["out"]
    assert module.init_inputs[0].type.value == "Json"


@pytest.mark.parametrize("declared_input,words,line", [
    # a declared input the signature lacks -> points at the def line
    ('[{"name": "item", "type": "Item"}, {"name": "config", "type": "Json"}, {"name": "ghost", "type": "Json"}]',
     "input 'ghost' is declared but ServiceRunner.run has no parameter 'ghost'", 5),
    # a required parameter that is not declared -> points at the parameter
    ('[{"name": "item", "type": "Item"}]',
     'parameter \'config\' of ServiceRunner.run is not declared; declare it ({"name": "config", "type": "Json"})', 5),
])
def test_mismatch_both_directions(declared_input, words, line):
    source = cell(f'# faas: {{"functions": [{{"name": "run", "input": {declared_input}}}]}}', *RUNNER)
    with pytest.raises(ValidationError) as err:
        infer_module(source)
    assert words in err.value.message
    assert err.value.line == line


def test_undeclared_parameter_on_its_own_line_is_pointed_at():
    source = cell('# faas: {"functions": [{"name": "run", "input": []}]}',
                  "class ServiceRunner(BaseServiceRunner):",
                  "    def run(self,",
                  "            item,",
                  "            config=None): ...")
    with pytest.raises(ValidationError, match="parameter 'item' of ServiceRunner.run is not declared") as err:
        infer_module(source)
    assert err.value.line == 5  # the parameter, not the def (line 4)


def test_declared_function_missing_from_the_class_points_at_the_block():
    source = cell("x = 1", '# faas: {"functions": [{"name": "runn", "input": []}]}', *RUNNER)
    with pytest.raises(ValidationError) as err:
        infer_module(source)
    assert err.value.message == ("function 'runn' is declared but class 'ServiceRunner' has no public method "
                                 "'runn'; its public methods: run, other")
    assert err.value.line == 3


def test_declared_init_input_missing_from_init():
    source = cell('# faas: {"initInputs": [{"name": "model", "type": "Item"}]}', *RUNNER)
    with pytest.raises(ValidationError, match="input 'model' is declared but ServiceRunner.__init__ has no parameter"):
        infer_module(source)


def test_kwargs_accepts_declared_inputs():
    source = cell('# faas: {"functions": [{"name": "run", "input": [{"name": "anything", "type": "String"}]}]}',
                  "class ServiceRunner(BaseServiceRunner):",
                  "    def run(self, **kwargs): ...")
    result = infer_module(source)
    assert result.module.function("run").input[0].name == "anything"
    assert len(result.warnings) == 1  # **kwargs is not an input by itself


@pytest.mark.parametrize("block,words,line", [
    (['# faas: {"functions": [', "# faas:   {\"name\": 'run'}]}"], "is not valid JSON", 3),
    (['# faas: ["run"]'], "expected a JSON object", 2),
    (['# faas: {"function": []}'], "unknown key 'function'; allowed keys: functions, initInputs", 2),
    (['# faas: {"functions": [{"name": "run", "input": [{"name": "item", "type": "Image"}]}]}'],
     "functions[0].input[0].type", 2),
    (['# faas: {"functions": [{"name": "run"}, {"name": "run"}]}'], "function 'run' is declared twice", 2),
    (['# faas: {}', "x = 1", '# faas: {}'], "a second '# faas:' block starts here; put every declaration in the one "
                                            "block at line 2", 4),
])
def test_bad_block_is_an_error_at_its_line(block, words, line):
    source = cell(*block, *RUNNER)
    with pytest.raises(ValidationError) as err:
        infer_module(source)
    assert words in str(err.value)
    assert err.value.line == line


def test_faas_text_in_strings_and_trailing_comments_is_not_a_block():
    source = cell('NOTE = """', '# faas: {broken', '"""', 'y = 2  # faas: {broken', *RUNNER)
    assert infer_module(source).module.function("run").input[0].name == "item"


def test_explicit_module_json_and_package_module_are_accepted():
    declared = {"name": "m", "entryPoint": "main.py", "computeConfig": None, "initInputs": [],
                "functions": [{"name": "run", "description": "", "input": [
                    {"name": "item", "type": "Item"}, {"name": "config", "type": "Json"}], "output": []}]}
    source = cell(*RUNNER)
    as_json = infer_module(source, declared=declared).module
    as_module = infer_module(source, declared=PackageModule.from_json(declared)).module
    assert as_json == as_module
    # Dataloop leaves outputs blank: the return annotation still gives one
    assert [o.name for o in as_json.function("run").output] == ["output"]


def test_explicit_declaration_overrides_the_block_per_function():
    source = cell('# faas: {"functions": [{"name": "other", "input": [{"name": "x", "type": "Float"}]}]}', *RUNNER)
    declared = {"functions": [{"name": "run", "input": [{"name": "item", "type": "Json"},
                                                        {"name": "config", "type": "Json"}]}]}
    module = infer_module(source, declared=declared).module
    assert module.function("other").input[0].type.value == "Float"
    assert module.function("run").input[0].type.value == "Json"


def test_check_declared_on_modules_directly():
    inferred = infer_module(cell(*RUNNER)).module
    good = {"functions": [{"name": "run", "input": [{"name": "item", "type": "Item"}, {"name": "config", "type": "Json"}]}]}
    assert check_declared(good, inferred) is None
    with pytest.raises(ValidationError) as err:
        check_declared({"functions": [{"name": "run", "input": [{"type": "Item"}]}]}, inferred)
    assert err.value.message == ('parameter \'config\' of ServiceRunner.run is not declared; '
                                 'declare it ({"name": "config", "type": "Json"}) or give it a default')
    assert err.value.line is None
