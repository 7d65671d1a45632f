from __future__ import annotations

import ipywidgets as W
import pytest

from faas_jupyter.errors import ValidationError
from faas_jupyter.model.package import FunctionIO
from faas_jupyter.widgets.fields import Field, Form


def io(name, type_, **kw):
    return FunctionIO(name=name, type=type_, **kw)


@pytest.mark.parametrize("type_, cls", [("Integer", W.Text), ("Float", W.Text),
                                        ("Number", W.Text), ("Boolean", W.Checkbox),
                                        ("String", W.Text), ("Json", W.Textarea),
                                        ("String[]", W.Textarea), ("Model", W.Text)])
def test_widget_kind_follows_the_type(type_, cls):
    assert type(Field(io("v", type_)).widget) is cls


def test_defaults_prefill_and_values_convert():
    form = Form([io("n", "Integer", default=3), io("on", "Boolean", default=True),
                 io("cfg", "Json", default={"a": 1}), io("s", "String")])
    assert form.values() == {"n": 3, "on": True, "cfg": {"a": 1}, "s": ""}
    form["n"].widget.value = "7"
    form["cfg"].widget.value = '{"b": [1, 2]}'
    assert form.values()["n"] == 7 and form.values()["cfg"] == {"b": [1, 2]}


@pytest.mark.parametrize("typed, message", [("1.5", "must be a whole number, not '1.5'"),
                                            ("abc", "must be a whole number, not 'abc'"),
                                            ("", "enter a whole number")])
def test_an_integer_field_refuses_what_is_not_a_whole_number_beside_the_field(typed, message):
    form = Form([io("n", "Integer"), io("x", "Float")])
    form["x"].widget.value = "2.5"
    form["n"].widget.value = typed  # checked as typed (and again on Run)
    with pytest.raises(ValidationError, match=message):
        form.values()  # nothing is coerced: 1.5 never becomes 1
    assert message in form["n"].message.value
    form["n"].widget.value = "15"
    assert form["n"].message.value == ""
    assert form.values() == {"n": 15, "x": 2.5}


def test_a_float_field_refuses_letters_and_nan():
    form = Form([io("x", "Float")])
    for typed in ("abc", "nan"):
        form["x"].widget.value = typed
        with pytest.raises(ValidationError, match="number"):
            form.values()
        assert "number" in form["x"].message.value


def test_a_server_error_about_an_input_shows_beside_that_field():
    form = Form([io("item", "Item"), io("n", "Integer")])
    assert form.blame(ValidationError("input 'item' of function 'run': no item 'zz' in project 'default'"))
    assert "no item 'zz'" in form["item"].message.value
    assert not form.blame(ValidationError("service 'svc' is paused"))


def test_bad_json_names_the_field_and_position():
    form = Form([io("cfg", "Json")], what="init input")
    form["cfg"].widget.value = '{"a": }'
    with pytest.raises(ValidationError) as err:
        form.values()
    assert err.value.path == "cfg"
    assert str(err.value).startswith("cfg: init input 'cfg' (Json): invalid JSON at line 1 column 7")


def test_required_json_and_list_types_are_checked():
    form = Form([io("cfg", "Json"), io("tags", "String[]")])
    with pytest.raises(ValidationError, match="'cfg' \\(Json\\): enter a JSON value"):
        form.values()
    form["cfg"].widget.value = "null"
    form["tags"].widget.value = '{"not": "a list"}'
    with pytest.raises(ValidationError, match="expected a JSON list of String, got dict"):
        form.values()
    form["tags"].widget.value = '["a", "b"]'
    assert form.values() == {"cfg": None, "tags": ["a", "b"]}


def test_empty_optional_json_is_left_out_so_the_default_applies():
    form = Form([io("tags", "Json[]", default=["x"])])
    form["tags"].widget.value = "  "
    assert form.values() == {}


def test_entity_id_fields_need_an_id_unless_defaulted():
    form = Form([io("model", "Model")])
    with pytest.raises(ValidationError, match="enter a Model id"):
        form.values()
    form["model"].widget.value = " m-1 "
    assert form.values() == {"model": "m-1"}


def test_label_shows_name_type_and_description():
    f = Field(io("x", "Integer", description="how many"))
    label = f.box.children[0]
    assert label.value == "x (Integer)" and label.tooltip == "how many"


def test_form_without_inputs_says_so():
    assert "no inputs" in Form([]).box.children[0].value


def test_item_and_dataset_pickers_list_the_workspace(ws):
    ws.datasets.create("raw")
    item = ws.items.log({"v": 1}, key="scores")
    form = Form([io("item", "Item"), io("dataset", "Dataset"), io("items", "Item[]")], ws)
    assert form["item"].widget.options == ((f"scores · result · {item.id[:8]}", item.id),)
    assert form["dataset"].widget.options == (("raw", "raw"),)
    form["items"].widget.value = (item.id,)
    assert form.values() == {"item": item.id, "dataset": "raw", "items": [item.id]}


def test_empty_item_picker_says_how_to_make_one(ws):
    form = Form([io("item", "Item")], ws)
    with pytest.raises(ValidationError, match=r"no item to choose; log one with ws.items.log"):
        form.values()
