"""Inference of module JSON from source: signatures, annotations, defaults, outputs, errors."""
from __future__ import annotations

import textwrap

import pytest

from faas_jupyter.errors import ValidationError
from faas_jupyter.model.introspect import InferenceWarning, infer_module
from faas_jupyter.model.package import PackageModule

HEADER = """\
import typing
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union
import pandas as pd
import numpy as np
from pandas import DataFrame as DF
from pathlib import Path
import pathlib
from faas_jupyter import BaseServiceRunner, Item, Dataset, Annotation
import dtlpy as dl
"""


def infer(body: str, **kw):
    """Infer a ServiceRunner whose class body is ``body`` (indented for you)."""
    source = HEADER + "class ServiceRunner(BaseServiceRunner):\n" + textwrap.indent(textwrap.dedent(body), "    ")
    return infer_module(source, **kw)


def inputs(body: str) -> list[dict]:
    return infer(body).module.to_json()["functions"][0]["input"]


def io(name, type_, **extra):
    return {"name": name, "type": type_, **extra}


SIGNATURES = [
    # (signature, expected inputs)
    ("def run(self): ...", []),
    ("def run(self, item): ...", [io("item", "Item")]),
    ("def run(self, items, datasets, annotations): ...",
     [io("items", "Item[]"), io("datasets", "Dataset[]"), io("annotations", "Annotation[]")]),
    ("def run(self, dataset, query): ...", [io("dataset", "Dataset"), io("query", "Json")]),
    ("def run(self, item, progress=None): ...", [io("item", "Item")]),
    ("def run(self, progress, context, annotation): ...", [io("annotation", "Annotation")]),
    ("def run(self, a: int, b: float, c: bool, d: str): ...",
     [io("a", "Integer"), io("b", "Float"), io("c", "Boolean"), io("d", "String")]),
    ("def run(self, a: dict, b: list, c: Any, d: object, e: Dict[str, int], f: typing.Any): ...",
     [io(n, "Json") for n in "abcdef"]),
    ("def run(self, a: pd.DataFrame, b: pd.Series, c: np.ndarray, d: Path, e: pathlib.Path, f: bytes): ...",
     [io(n, "Item") for n in "abcdef"]),
    ("def run(self, a: Item, b: Dataset, c: Annotation): ...",
     [io("a", "Item"), io("b", "Dataset"), io("c", "Annotation")]),
    ("def run(self, a: dl.Item, b: dl.Dataset, c: dl.entities.Annotation, d: dl.Project): ...",
     [io("a", "Item"), io("b", "Dataset"), io("c", "Annotation"), io("d", "Project")]),
    ("def run(self, a: DF): ...", [io("a", "Item")]),
    ("def run(self, a: list[int], b: List[str], c: Sequence[Item], d: tuple[float, ...]): ...",
     [io("a", "Integer[]"), io("b", "String[]"), io("c", "Item[]"), io("d", "Float[]")]),
    ("def run(self, a: list[dict], b: list[list[int]], c: tuple[int, str], d: dict[str, list[int]]): ...",
     [io("a", "Json[]"), io("b", "Json[]"), io("c", "Json"), io("d", "Json")]),
    ("def run(self, a: Optional[int], b: int | None, c: Union[str, None], d: None | list[Item]): ...",
     [io("a", "Integer"), io("b", "Integer"), io("c", "String"), io("d", "Item[]")]),
    ("def run(self, a: 'pd.DataFrame', b: 'Optional[list[float]]', c: 'int | None'): ...",
     [io("a", "Item"), io("b", "Float[]"), io("c", "Integer")]),
    ("def run(self, a: typing.Annotated[int, 'doc'], b: typing.Literal['x', 'y']): ...",
     [io("a", "Integer"), io("b", "String")]),
    ("def run(self, a: list[Optional[pd.DataFrame]]): ...", [io("a", "Item[]")]),
    # keyword-only parameters are inputs, in signature order
    ("def run(self, a: int, *, b: str, c: float = 1.5): ...",
     [io("a", "Integer"), io("b", "String"), io("c", "Float", defaultValue=1.5)]),
    # defaults are JSON literals (tuples become lists; None is a default too)
    ("def run(self, a=1, b='x', c=None, d=(1, 2), e={'k': [True]}, f=-2.5): ...",
     [io("a", "Json", defaultValue=1), io("b", "Json", defaultValue="x"), io("c", "Json", defaultValue=None),
      io("d", "Json", defaultValue=[1, 2]), io("e", "Json", defaultValue={"k": [True]}),
      io("f", "Json", defaultValue=-2.5)]),
    ("def run(self, item, limit: int = 10, progress=None, context=None): ...",
     [io("item", "Item"), io("limit", "Integer", defaultValue=10)]),
    # static and class methods: no self to skip / cls skipped
    ("@staticmethod\ndef run(x: int): ...", [io("x", "Integer")]),
    ("@classmethod\ndef run(cls, x: int): ...", [io("x", "Integer")]),
    ("async def run(self, x: str): ...", [io("x", "String")]),
]


@pytest.mark.parametrize("signature,expected", SIGNATURES, ids=[s for s, _ in SIGNATURES])
def test_signature_table(signature, expected):
    result = infer(signature)
    assert result.module.to_json()["functions"][0]["input"] == expected
    assert result.warnings == []


WARNED = [
    # (signature, expected input type, words the warning must contain)
    ("def run(self, x: set[int]): ...", "Json", "annotation 'set[int]' of input 'x' is not a FunctionIO type; Json will be used"),
    ("class Foo: ...\ndef run(self, x: Foo): ...", "Json", "annotation 'Foo' of input 'x' is not a FunctionIO type; Json will be used"),
    ("def run(self, x: int | str): ...", "Json", "annotation 'int | str' of input 'x'"),
    ("def run(self, x: 'not valid ('): ...", "Json", "annotation 'not valid (' of input 'x'"),
    ("def run(self, x: list[Foo]): ...", "Json", "annotation 'list[Foo]' of input 'x'"),
]


@pytest.mark.parametrize("signature,type_,words", WARNED, ids=[s for s, _, _ in WARNED])
def test_unsupported_annotation_is_json_with_warning(signature, type_, words):
    result = infer(signature)
    fn = result.module.to_json()["functions"][-1]
    assert fn["input"] == [io("x", type_)]
    assert [words in w.message for w in result.warnings] == [True]


def test_warning_reads_line_and_message():
    result = infer_module("from faas_jupyter import BaseServiceRunner\n\n"
                          "class ServiceRunner(BaseServiceRunner):\n"
                          "    def run(self,\n"
                          "            x: 'Foo'): ...\n")
    (warning,) = result.warnings
    assert warning == InferenceWarning(
        "annotation 'Foo' of input 'x' is not a FunctionIO type; Json will be used", 5)
    assert str(warning) == "line 5: annotation 'Foo' of input 'x' is not a FunctionIO type; Json will be used"


def test_var_args_are_not_inputs_and_warn():
    result = infer("def run(self, a, *rest, b=2, **extra): ...")
    assert result.module.to_json()["functions"][0]["input"] == [io("a", "Json"), io("b", "Json", defaultValue=2)]
    assert [w.message.split(" is ")[0] for w in result.warnings] == ["*rest of function 'run'",
                                                                     "**extra of function 'run'"]


def test_non_literal_default_is_its_text_with_warning():
    result = infer("def run(self, x: float = float('inf'), y=np.pi): ...")
    got = result.module.to_json()["functions"][0]["input"]
    assert got == [io("x", "Float", defaultValue="float('inf')"), io("y", "Json", defaultValue="np.pi")]
    assert len(result.warnings) == 2 and "not a JSON literal" in result.warnings[0].message


def test_positional_only_parameter_is_an_error():
    with pytest.raises(ValidationError, match="positional-only") as err:
        infer("def run(self, x, /, y): ...")
    assert err.value.line == HEADER.count("\n") + 2


OUTPUTS = [
    ("def run(self): ...", []),
    ("def run(self) -> None: ...", []),
    ("def run(self) -> 'None': ...", []),
    ("def run(self) -> pd.DataFrame: ...", [io("output", "Item")]),
    ("def run(self) -> int: ...", [io("output", "Integer")]),
    ("def run(self) -> Optional[dict]: ...", [io("output", "Json")]),
    ("def run(self) -> list[dl.Annotation]: ...", [io("output", "Annotation[]")]),
    ("def run(self) -> tuple[pd.DataFrame, float]: ...", [io("output_0", "Item"), io("output_1", "Float")]),
    ("def run(self) -> Tuple[int, str, Item]: ...",
     [io("output_0", "Integer"), io("output_1", "String"), io("output_2", "Item")]),
    ("def run(self) -> tuple[int, ...]: ...", [io("output", "Integer[]")]),
    ("def run(self) -> 'tuple[np.ndarray, bool]': ...", [io("output_0", "Item"), io("output_1", "Boolean")]),
]


@pytest.mark.parametrize("signature,expected", OUTPUTS, ids=[s for s, _ in OUTPUTS])
def test_outputs_from_return_annotation(signature, expected):
    result = infer(signature)
    assert result.module.to_json()["functions"][0]["output"] == expected
    assert result.warnings == []


def test_unsupported_return_annotation_warns():
    result = infer("def run(self) -> tuple[int, set]: ...")
    assert result.module.to_json()["functions"][0]["output"] == [io("output_0", "Integer"), io("output_1", "Json")]
    assert [w.message for w in result.warnings] == [
        "return annotation 'set' of function 'run' is not a FunctionIO type; Json will be used"]


def test_functions_init_inputs_descriptions_and_module_keys():
    result = infer('''
        def __init__(self, threshold: float = 0.5, model_path: Path = "m.pkl", progress=None):
            """Load the model."""
        def run(self, item: pd.DataFrame, limit: int = 10) -> pd.DataFrame:
            """Keep the rows above threshold.

            Longer text that is not part of the description.
            """
        def score(self, rows: list[dict]) -> float:
            """Score rows
            across two lines."""
        def _helper(self, x): ...
        def __call__(self, y): ...
        @property
        def size(self): ...
        @size.setter
        def size(self, v): ...
        ''', module_name="scorer", class_name="ServiceRunner", entry_point="scorer.py")
    module = result.module
    assert isinstance(module, PackageModule)
    assert module.to_json() == {
        "name": "scorer", "entryPoint": "scorer.py", "className": "ServiceRunner",
        "initInputs": [io("threshold", "Float", defaultValue=0.5), io("model_path", "Item", defaultValue="m.pkl")],
        "functions": [
            {"name": "run", "description": "Keep the rows above threshold.",
             "input": [io("item", "Item"), io("limit", "Integer", defaultValue=10)], "output": [io("output", "Item")]},
            {"name": "score", "description": "Score rows across two lines.",
             "input": [io("rows", "Json[]")], "output": [io("output", "Float")]},
        ]}
    assert PackageModule.from_json(module.to_json()) == module


def test_aliases_resolve_through_the_sources_own_imports():
    source = ("import numpy as numeric\nfrom faas_jupyter import BaseServiceRunner as Base, Item as It\n"
              "from typing import Optional as Opt\nimport typing as t\n"
              "class ServiceRunner(Base):\n"
              "    def run(self, a: numeric.ndarray, b: It, c: Opt[t.List[int]]): ...\n")
    fn = infer_module(source).module.to_json()["functions"][0]
    assert fn["input"] == [io("a", "Item"), io("b", "Item"), io("c", "Integer[]")]


def test_a_local_name_shadows_the_conventional_alias():
    source = ("import mylib as pd\nfrom faas_jupyter import BaseServiceRunner\n"
              "class ServiceRunner(BaseServiceRunner):\n    def run(self, a: pd.DataFrame): ...\n")
    result = infer_module(source)
    assert result.module.to_json()["functions"][0]["input"] == [io("a", "Json")]
    assert len(result.warnings) == 1


def test_inherited_methods_of_classes_in_the_same_source():
    source = ("from faas_jupyter import BaseServiceRunner\n"
              "class Base(BaseServiceRunner):\n"
              "    def shared(self, x: int): ...\n"
              "    def run(self, x: int): ...\n"
              "class ServiceRunner(Base):\n"
              "    def run(self, item): ...\n")
    fns = infer_module(source).module.to_json()["functions"]
    assert [(f["name"], f["input"]) for f in fns] == [("shared", [io("x", "Integer")]), ("run", [io("item", "Item")])]


@pytest.mark.parametrize("base", ["BaseServiceRunner", "faas_jupyter.BaseServiceRunner", "dl.BaseServiceRunner",
                                  "dtlpy.BaseServiceRunner", "faas.BaseServiceRunner"])
def test_accepted_base_classes(base):
    source = ("import faas_jupyter\nimport dtlpy\nimport faas_jupyter as faas\nimport dtlpy as dl\n"
              "from faas_jupyter import BaseServiceRunner\n"
              f"class ServiceRunner({base}):\n    def run(self): ...\n")
    assert infer_module(source).module.functions[0].name == "run"


def test_missing_class_lists_the_classes_defined():
    source = "class A: ...\nclass B: ...\n"
    with pytest.raises(ValidationError) as err:
        infer_module(source, class_name="Runner")
    assert err.value.message == "no class 'Runner' in the cell; classes defined: A, B"
    assert err.value.line is None


def test_class_not_a_runner_points_at_the_class_line():
    source = "import os\n\n\nclass ServiceRunner(object):\n    def run(self): ...\n"
    with pytest.raises(ValidationError, match="does not subclass BaseServiceRunner") as err:
        infer_module(source)
    assert err.value.line == 4


def test_a_base_with_the_same_name_elsewhere_is_not_accepted():
    source = "from mylib import BaseServiceRunner\nclass ServiceRunner(BaseServiceRunner): ...\n"
    with pytest.raises(ValidationError, match="does not subclass"):
        infer_module(source)


def test_syntax_error_carries_line_and_text():
    source = "from faas_jupyter import BaseServiceRunner\n\nclass ServiceRunner(BaseServiceRunner):\n    def run(self x): ...\n"
    with pytest.raises(ValidationError) as err:
        infer_module(source)
    assert err.value.line == 4
    assert "syntax error" in err.value.message and "'def run(self x): ...'" in err.value.message


def test_user_code_is_never_imported():
    source = ("import module_that_does_not_exist as m\nfrom faas_jupyter import BaseServiceRunner\n"
              "raise SystemExit('executed')\n"
              "class ServiceRunner(BaseServiceRunner):\n    def run(self, x: m.Thing = m.default()): ...\n")
    result = infer_module(source)
    assert result.module.functions[0].input[0].default == "m.default()"


def test_same_source_same_json():
    body = "def run(self, item: pd.DataFrame, k: int = 3) -> list[float]: ...\n"
    assert infer(body).module.to_json() == infer(body).module.to_json()


def test_nul_byte_is_a_validation_error():
    with pytest.raises(ValidationError, match="null bytes"):
        infer_module("x = 1\0\n")
