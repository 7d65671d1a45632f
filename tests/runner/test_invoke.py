from __future__ import annotations

import pytest

from faas_jupyter.errors import NotFound, ValidationError
from faas_jupyter.model.package import FunctionIO, PackageFunction, PackageModule
from faas_jupyter.model.service_runner import Context, Progress
from faas_jupyter.runner.invoke import Invoker


class Frame:
    """Stands for an annotated entity type such as pd.DataFrame."""


class Runner:
    def __init__(self, scale: float = 1.0):
        self.scale = scale

    def echo(self, value):
        return value

    def add(self, a: int, b: int = 10):
        return a + b

    def tagged(self, x: int, progress, context):
        progress.update(progress=50, message="half")
        return (x, context.execution_id)

    def typed(self, x: float):
        return x * self.scale

    def frames(self, item: Frame, items: list[Frame]):
        return item, items


def _module(**functions: list[FunctionIO]) -> PackageModule:
    return PackageModule(init_inputs=[FunctionIO("scale", "Float", default=1.0)],
                         functions=[PackageFunction(name, input=ios) for name, ios in functions.items()])


def _invoker(type_name: str, resolver=None) -> Invoker:
    module = _module(echo=[FunctionIO("value", type_name)])
    return Invoker.create(Runner, module, {}, resolver)


ACCEPTED = [
    ("Integer", 3, 3), ("Integer", 4.0, 4), ("Float", 2, 2.0), ("Float", 2.5, 2.5),
    ("Number", 7, 7), ("Boolean", False, False), ("String", "x", "x"),
    ("Json", {"a": [1, None, "b"]}, {"a": [1, None, "b"]}), ("Integer[]", [1, 2], [1, 2]),
    ("Float[]", (1, 2.5), [1.0, 2.5]), ("Item", "item-id", "item-id"),
]
REJECTED = [
    ("Integer", "x", "must be an Integer"), ("Integer", True, "must be an Integer"),
    ("Integer", 2.5, "must be an Integer"), ("Float", "1.0", "must be a Float"),
    ("Float", False, "must be a Float"), ("Boolean", 1, "must be a Boolean"),
    ("String", 3, "must be a String"), ("Json", {1: "a"}, "must be JSON"),
    ("Json", object(), "must be JSON"), ("Integer[]", 3, "must be a list"),
    ("Integer[]", [1, "x"], r"\[1\] must be an Integer"),
]


@pytest.mark.parametrize(("type_name", "value", "expected"), ACCEPTED)
def test_accepted_values_are_converted_by_type(type_name, value, expected):
    out = _invoker(type_name).call("echo", {"value": value})
    assert out == expected and type(out) is type(expected)


@pytest.mark.parametrize(("type_name", "value", "message"), REJECTED)
def test_rejected_values_name_the_input_and_the_function(type_name, value, message):
    with pytest.raises(ValidationError, match=rf"input 'value' of function 'echo' {message}"):
        _invoker(type_name).call("echo", {"value": value})


def test_a_missing_input_without_default_is_an_error_naming_it():
    inv = Invoker.create(Runner, _module(add=[FunctionIO("a", "Integer"), FunctionIO("b", "Integer")]), {})
    assert inv.call("add", {"a": 1}) == 11  # b falls back to the parameter default
    with pytest.raises(ValidationError, match=r"function 'add' is missing input 'a'"):
        inv.call("add", {"b": 1})


def test_an_unknown_input_is_an_error_listing_the_known_ones():
    inv = Invoker.create(Runner, _module(add=[FunctionIO("a", "Integer")]), {})
    with pytest.raises(ValidationError, match=r"function 'add' has no input 'c'; inputs: a"):
        inv.call("add", {"a": 1, "c": 2})


def test_the_parameter_default_wins_over_a_declared_default():
    # defaultValue may be the source text of a non-literal default ("float('inf')"): an omitted
    # input is left out so Python applies the signature's own default
    inv = Invoker.create(Runner, _module(add=[FunctionIO("a", "Integer"), FunctionIO("b", "Integer", default="float('inf')")]), {})
    assert inv.call("add", {"a": 1}) == 11


def test_a_declared_default_fills_a_parameter_without_one():
    inv = Invoker.create(Runner, _module(typed=[FunctionIO("x", "Float", default=2.0)]), {})
    assert inv.call("typed", {}) == 2.0


def test_progress_and_context_are_injected_when_the_signature_asks():
    events = []
    inv = Invoker.create(Runner, _module(tagged=[FunctionIO("x", "Integer")]), {})
    progress = Progress("ex-1", callback=events.append)
    out = inv.call("tagged", {"x": 5}, progress=progress, context=Context("ex-1"))
    assert out == (5, "ex-1")
    assert events[0]["progress"] == 50 and events[0]["message"] == "half"


def test_init_inputs_are_checked_like_function_inputs():
    module = _module(typed=[FunctionIO("x", "Float")])
    assert Invoker.create(Runner, module, {"scale": 2}).call("typed", {"x": 3}) == 6.0
    with pytest.raises(ValidationError, match=r"input 'scale' of module 'default_module' init must be a Float"):
        Invoker.create(Runner, module, {"scale": "2"})


def test_entity_inputs_go_through_the_resolver_with_the_annotation():
    class Resolver:
        def resolve(self, type_name, value, annotation):
            assert annotation is Frame  # list[Frame] is resolved element by element
            return (type_name, value)
    module = _module(frames=[FunctionIO("item", "Item"), FunctionIO("items", "Item[]")])
    out = Invoker.create(Runner, module, {}, Resolver()).call("frames", {"item": "i1", "items": ["i2", "i3"]})
    assert out == (("Item", "i1"), [("Item", "i2"), ("Item", "i3")])


def test_a_declared_function_missing_from_the_class_is_not_found():
    with pytest.raises(NotFound, match=r"class 'Runner' has no method 'nope'"):
        Invoker.create(Runner, _module(nope=[]), {}).call("nope", {})


def test_a_declared_input_missing_from_the_signature_is_an_error():
    with pytest.raises(ValidationError, match=r"declares input 'zzz' but Runner.echo has no parameter"):
        Invoker.create(Runner, _module(echo=[FunctionIO("value", "Json"), FunctionIO("zzz", "Json")]), {}).call(
            "echo", {"value": 1})


def test_a_required_parameter_not_declared_is_an_error():
    with pytest.raises(ValidationError, match=r"Runner.add needs parameter 'a'"):
        Invoker.create(Runner, _module(add=[]), {}).call("add", {})
