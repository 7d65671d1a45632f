from __future__ import annotations

import pytest

from faas_jupyter.widgets.deploy import DeployPanel


def test_pickers_and_init_form_follow_the_revision(ws, pkg):
    panel = DeployPanel(ws, "shapes")
    assert panel.revision.options == ("1.0.1", "1.0.0") and panel.revision.value == "1.0.1"
    assert panel.module.options == ("default_module",)
    assert list(panel.form.fields) == ["threshold", "retries", "verbose", "config", "label"]
    kinds = {n: type(f.widget).__name__ for n, f in panel.form.fields.items()}
    assert kinds == {"threshold": "Text", "retries": "Text", "verbose": "Checkbox",
                     "config": "Textarea", "label": "Text"}
    assert panel.service_name.value == "shapes"
    panel.revision.value = "1.0.0"
    assert panel.spec.version == "1.0.0"


def test_values_collect_the_form(ws, pkg):
    panel = DeployPanel(ws, pkg, revision="1.0.0")
    panel.form["threshold"].widget.value = "0.9"
    panel.form["config"].widget.value = '{"k": 1}'
    panel.runtime.value = "process"
    panel.concurrency.value = 3
    assert panel.values() == {
        "service_name": "shapes", "module_name": "default_module", "revision": "1.0.0",
        "init_input": {"threshold": 0.9, "retries": 2, "verbose": False, "config": {"k": 1},
                       "label": "x"},
        "runtime": "process", "concurrency": 3}


@pytest.mark.parametrize("field, value, message", [
    ("config", "{oops", "init input 'config' (Json): invalid JSON at line 1 column 2"),
    ("service_name", "  ", "service name is empty; type one, e.g. 'shapes'"),
])
def test_invalid_values_give_one_error_line(ws, pkg, field, value, message):
    panel = DeployPanel(ws, "shapes")
    widget = panel.service_name if field == "service_name" else panel.form[field].widget
    widget.value = value
    panel.deploy_button.click()
    assert panel.status.kind == "error" and message in panel.status.message
    assert "\n" not in panel.status.message and panel.service is None


def test_text_lists_modules_and_init_inputs(ws, pkg):
    text = DeployPanel(ws, "shapes").text()
    assert "module default_module (functions: run, fail, frame, sleepy, ticker)" in text
    assert "threshold  Float    0.5" in text


def test_deploy_button_creates_the_service(ws, pkg):
    panel = DeployPanel(ws, "shapes")
    seen = []
    panel.on_deployed(seen.append)
    panel.revision.value = "1.0.0"
    panel.service_name.value = "shapes-v0"
    panel.form["threshold"].widget.value = "0.7"
    panel.concurrency.value = 2
    panel.deploy_button.click()
    assert panel.status.kind == "ok", panel.status.message
    svc = ws.services.get("shapes-v0")
    assert (svc.revision, svc.runtime, svc.concurrency) == ("1.0.0", "kernel", 2)
    assert svc.init_input["threshold"] == 0.7 and seen == [panel.service]
    svc.delete()


def test_invalid_values_deploy_nothing(ws, pkg):
    panel = DeployPanel(ws, "shapes")
    panel.form["config"].widget.value = "{oops"
    panel.deploy_button.click()
    assert ws.services.list() == []
    panel.form["config"].widget.value = "{}"
    panel.service_name.value = "bad name!"
    panel.deploy_button.click()
    assert panel.status.kind == "error" and "bad name!" in panel.status.message
    assert ws.services.list() == []


def test_a_taken_name_is_a_one_line_conflict(ws, pkg):
    DeployPanel(ws, "shapes").deploy()
    again = DeployPanel(ws, "shapes")
    again.deploy_button.click()
    assert again.status.kind == "error" and "shapes" in again.status.message
    assert len(ws.services.list()) == 1


def test_the_scheduler_field_goes_with_runtime_dask_only(ws, pkg):
    from faas_jupyter.errors import ValidationError
    panel = DeployPanel(ws, pkg, revision="1.0.0")
    panel.scheduler.value = " tcp://sched:8786 "
    with pytest.raises(ValidationError, match="a scheduler is for runtime 'dask'"):
        panel.values()
    panel.runtime.value = "dask"
    assert panel.values()["scheduler"] == "tcp://sched:8786"
    panel.scheduler.value = ""
    assert "scheduler" not in panel.values()  # empty: a LocalCluster of this kernel


def test_a_cron_trigger_is_added_with_the_service(ws, pkg):
    panel = DeployPanel(ws, "shapes")
    assert panel.trigger.kind.value == "none" and panel.trigger.children == (panel.trigger.kind,)
    panel.trigger.kind.value = "Cron"
    assert panel.trigger.function.options == ("run", "fail", "frame", "sleepy", "ticker")
    panel.trigger.function.value = "ticker"
    panel.trigger.cron.value = "0 3 * * *"
    panel.trigger.input.value = '{"n": 1}'
    panel.trigger.name.value = "nightly"
    panel.deploy_button.click()
    assert panel.status.kind == "ok", panel.status.message
    assert "deployed shapes" in panel.status.message
    assert "trigger nightly: cron '0 3 * * *' runs ticker" in panel.status.message
    made = ws.triggers.get("nightly")
    assert (made.service, made.function, made.cron, made.input) == ("shapes", "ticker", "0 3 * * *", {"n": 1})
    ws.services.get("shapes").delete()


@pytest.mark.parametrize("kind, field, value, message", [
    ("Cron", "cron", "61 * * * *", "61"),
    ("Event", "filter", "{oops", "trigger filter is not valid JSON"),
    ("Event", "filter", "[1]", "trigger filter must be a JSON object, not list"),
    ("Cron", "input", "{oops", "trigger input is not valid JSON"),
])
def test_a_bad_trigger_deploys_nothing(ws, pkg, kind, field, value, message):
    panel = DeployPanel(ws, "shapes")
    panel.trigger.kind.value = kind
    getattr(panel.trigger, field).value = value
    panel.deploy_button.click()
    assert panel.status.kind == "error" and message in panel.status.message, panel.status.message
    assert ws.services.list() == [] and panel.service is None


def test_a_refused_trigger_keeps_the_service_and_add_trigger_retries(ws, pkg):
    panel = DeployPanel(ws, "shapes")
    assert panel.trigger_button.disabled
    panel.trigger.kind.value = "Event"  # run() has no Item input to receive the item
    panel.deploy_button.click()
    assert panel.status.kind == "error"
    assert panel.status.message.startswith("deployed shapes, but its trigger was refused: ")
    assert "exactly one input of type 'Item'" in panel.status.message
    assert panel.status.message.endswith("fix it and press Add trigger")
    assert [s.name for s in ws.services.list()] == ["shapes"] and ws.triggers.list() == []
    panel.trigger.kind.value = "none"
    panel.trigger_button.click()
    assert panel.status.message == "choose a trigger type (Event or Cron) above, then Add trigger"
    panel.trigger.kind.value = "Cron"
    panel.trigger.function.value = "run"
    panel.trigger.input.value = '{"x": 2}'
    panel.trigger_button.click()
    assert panel.status.kind == "ok" and "trigger shapes: cron '*/5 * * * *' runs run" in panel.status.message
    assert [t.name for t in ws.triggers.list()] == ["shapes"]
    ws.services.get("shapes").delete()
