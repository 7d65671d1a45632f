"""The entry points the magics call: a widget in a kernel, else a text table."""
from __future__ import annotations

import pytest

from faas_jupyter import widgets
from faas_jupyter.errors import NotFound


@pytest.fixture
def svc(pkg):
    svc = pkg.deploy(service_name="calc", module_name="default_module")
    svc.execute("run", execution_input={"x": 4})
    return svc


def test_text_fallbacks_print_tables(ws, svc, capsys, monkeypatch):
    monkeypatch.setenv("FAAS_WIDGETS", "0")
    assert widgets.show_revisions(ws, "shapes") is None
    out = capsys.readouterr().out
    assert out.startswith("package shapes: revisions (latest first)\nversion") and "second" in out
    assert widgets.show_deploy(ws, "shapes") is None
    assert "threshold  Float    0.5" in capsys.readouterr().out
    assert widgets.show_function_form(ws, "calc", "run") is None
    out = capsys.readouterr().out
    assert "x      Integer  (required)" in out and "svc.execute('run'" in out
    assert widgets.show_executions(ws, "calc") is None
    out = capsys.readouterr().out
    assert out.startswith("executions of calc (newest first)") and "success" in out


def test_widgets_when_a_front_end_is_present(ws, svc, monkeypatch):
    monkeypatch.setenv("FAAS_WIDGETS", "1")
    rb = widgets.show_revisions(ws, ws.packages.get("shapes"))
    assert isinstance(rb, widgets.RevisionBrowser)
    assert isinstance(widgets.show_deploy(ws, "shapes"), widgets.DeployPanel)
    assert isinstance(widgets.show_function_form(ws, svc, "run"), widgets.FunctionForm)
    mon = widgets.show_executions(ws, svc)
    assert isinstance(mon, widgets.ExecutionMonitor) and mon.service == "calc"
    mon.close()
    bundle = rb._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"] == rb.text()


def test_unknown_names_are_clear_errors(ws, pkg, monkeypatch):
    monkeypatch.setenv("FAAS_WIDGETS", "0")
    with pytest.raises(NotFound, match="nope"):
        widgets.show_revisions(ws, "nope")
    with pytest.raises(NotFound, match="nope"):
        widgets.show_function_form(ws, "nope", "run")


def test_unknown_names_are_clear_errors_with_widgets_too(ws, svc, monkeypatch):
    monkeypatch.setenv("FAAS_WIDGETS", "1")
    with pytest.raises(NotFound, match="nope"):
        widgets.show_revisions(ws, "nope")
    with pytest.raises(NotFound, match="nope"):
        widgets.show_deploy(ws, "nope")
    with pytest.raises(NotFound, match="nope"):
        widgets.show_function_form(ws, svc, "nope")
