"""Property tests: valid specs round-trip; any other document gives ValidationError, nothing else."""
from __future__ import annotations

import copy
import keyword

from hypothesis import given, settings
from hypothesis import strategies as st

from faas_jupyter.errors import ValidationError
from faas_jupyter.model.package import MISSING, FunctionIO, PackageFunction, PackageModule, PackageSpec
from faas_jupyter.model.types import PackageInputType

FAST = settings(max_examples=60, deadline=None)

identifiers = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True).filter(lambda s: not keyword.iskeyword(s))
names = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,12}", fullmatch=True)
texts = st.text(max_size=8)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3), max_leaves=6)
extras = st.dictionaries(st.from_regex(r"x[A-Za-z]{0,5}", fullmatch=True), json_values, max_size=2)


def _unique(elements):
    return st.lists(elements, max_size=3, unique_by=lambda x: x.name)


ios = st.builds(FunctionIO, name=identifiers, type=st.sampled_from(list(PackageInputType)),
                description=st.none() | texts, actions=st.none() | st.lists(texts, max_size=2),
                default=st.just(MISSING) | json_values, extra=extras)
functions = st.builds(PackageFunction, name=identifiers, description=texts, input=_unique(ios),
                      output=_unique(ios), display_name=st.none() | texts, display_icon=st.none() | texts,
                      extra=extras)
entry_points = st.from_regex(r"([a-z]{1,4}/){0,2}[a-z_]{1,6}\.py", fullmatch=True)
modules = st.builds(PackageModule, name=names, entry_point=entry_points, class_name=identifiers,
                    init_inputs=_unique(ios), functions=_unique(functions), extra=extras)
versions = st.none() | st.tuples(*[st.integers(0, 99)] * 3).map(lambda t: ".".join(map(str, t)))
requirements = st.lists(st.from_regex(r"[a-z]{1,6}(==1\.[0-9])?", fullmatch=True)
                        | st.fixed_dictionaries({"name": st.from_regex(r"[a-z]{1,6}", fullmatch=True)}), max_size=2)
specs = st.builds(PackageSpec, name=names, modules=_unique(modules), version=versions,
                  type=st.sampled_from(["faas", "app", "ml"]), requirements=requirements,
                  metadata=st.dictionaries(texts, json_values, max_size=2), extra=extras)


@FAST
@given(specs)
def test_valid_specs_round_trip_through_json(spec):
    doc = spec.to_json()
    again = PackageSpec.from_json(doc)
    assert again == spec
    assert again.to_json() == doc


def _parse_or_validation_error(doc) -> None:
    try:
        spec = PackageSpec.from_json(doc)
    except ValidationError as exc:
        assert exc.message  # a reason is always given
        return
    once = spec.to_json()  # accepted documents normalize idempotently
    assert PackageSpec.from_json(once).to_json() == once


@FAST
@given(json_values)
def test_random_json_trees_give_validation_error_or_a_spec(doc):
    _parse_or_validation_error(doc)


structured = st.fixed_dictionaries({}, optional={
    "name": json_values | names, "version": json_values | versions,
    "modules": json_values | st.lists(st.dictionaries(
        st.sampled_from(["name", "entryPoint", "className", "initInputs", "functions"]),
        json_values | st.lists(st.dictionaries(st.sampled_from(["name", "type", "input", "output"]),
                                               json_values | identifiers, max_size=4), max_size=2),
        max_size=5), max_size=2),
    "requirements": json_values, "metadata": json_values})


@FAST
@given(structured)
def test_random_package_shaped_documents_never_raise_anything_else(doc):
    _parse_or_validation_error(doc)


def _locations(node, out):
    """Every (container, key) inside a JSON tree."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in items:
        out.append((node, key))
        _locations(child, out)
    return out


@FAST
@given(specs, st.data())
def test_mutated_valid_documents_never_raise_anything_else(spec, data):
    doc = copy.deepcopy(spec.to_json())
    spots = _locations(doc, [])
    for _ in range(data.draw(st.integers(1, 3))):
        container, key = data.draw(st.sampled_from(spots))
        if data.draw(st.booleans()) and isinstance(container, dict):
            container.pop(key, None)
        else:
            container[key] = data.draw(json_values)
    _parse_or_validation_error(doc)
