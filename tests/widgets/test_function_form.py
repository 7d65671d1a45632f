from __future__ import annotations

import pytest

from faas_jupyter.errors import NotFound
from faas_jupyter.widgets.function_form import FunctionForm


@pytest.fixture
def svc(pkg):
    return pkg.deploy(service_name="calc", module_name="default_module")


def test_fields_follow_the_function_inputs(svc):
    form = FunctionForm(svc, "run")
    kinds = {n: type(f.widget).__name__ for n, f in form.form.fields.items()}
    assert list(kinds) == ["x", "scale", "tags", "name"]
    assert kinds["x"] == kinds["scale"] == kinds["name"] == "Text"  # numbers are checked text


def test_run_executes_and_shows_the_result(ws, svc):
    form = FunctionForm(svc, "run")
    form.form["x"].widget.value = "3"
    form.run_button.click()
    [ex] = ws.executions.list(service="calc")
    assert ex.status == "success" and ex.output == 1.5 and ex.input["x"] == 3
    assert form.status.kind == "ok" and form.status.message.startswith("run: success in")
    html = form.result.html.value
    assert "1.5" in html and "running 3" in html and "<b>success</b>" in html


def test_bad_input_runs_nothing(ws, svc):
    form = FunctionForm(svc, "run")
    form.form["tags"].widget.value = "[1,"
    form.run_button.click()
    assert form.status.kind == "error" and "input 'tags'" in form.status.message
    assert ws.executions.list(service="calc") == []


@pytest.mark.parametrize("typed", ["1.5", "abc"])
def test_an_integer_field_refuses_a_non_integer_inline_and_runs_nothing(ws, svc, typed):
    form = FunctionForm(svc, "run")
    form.form["x"].widget.value = typed
    form.run_button.click()
    assert f"must be a whole number, not '{typed}'" in form.form["x"].message.value
    assert form.status.kind == "error" and ws.executions.list(service="calc") == []


def test_a_failing_function_shows_error_and_traceback(ws, svc):
    form = FunctionForm(ws.services.get("calc"), "fail", ws=ws)
    form.form["message"].widget.value = "boom"
    ex = form.run()
    assert str(ex.status) == "failed" and form.status.kind == "error"
    assert "boom" in form.status.message
    assert "ValueError" in form.result.html.value and "faas-traceback" in form.result.html.value


def test_unknown_function_is_not_found(svc):
    with pytest.raises(NotFound, match="no function 'nope'"):
        FunctionForm(svc, "nope")
