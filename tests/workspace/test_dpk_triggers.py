"""``dataloop.json`` carries a package's services and their triggers (``components.services``,
``components.triggers``, bound by ``namespace: services.<name>``); ``import_folder(deploy=True)``
deploys and creates them in another registry, and exporting there gives the same bytes."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import trig_codebase as cb
from svc_lifecycle import _stop_services  # noqa: F401

import faas_jupyter as faas
from faas_jupyter.errors import ValidationError


@pytest.fixture
def exported(ws, tmp_path):
    svc = cb.deploy(ws, tmp_path, name="ts", runtime="kernel", init_input={})
    svc.triggers.create("on_item", name="raw-items", actions=("Created", "Updated"), execution_mode="Always",
                        filter={"$or": [{"dataset": "raw"}, {"key": {"$in": ["a", "b"]}}]}, input={"tag": "t"})
    svc.triggers.create("tick", name="nightly", cron="0 3 * * *", input={"n": 2}, catch_up="none",
                        start_at="2026-01-01T00:00:00+00:00")
    svc.triggers.create("on_dataset", name="off", resource="Dataset", active=False)
    ws.packages.get("trigpkg").deploy(service_name="bare", runtime="kernel")  # a service without triggers
    return ws.packages.export("trigpkg", tmp_path / "out")


def test_export_lists_services_and_triggers_as_a_dpk_does(exported):
    components = json.loads((exported / "dataloop.json").read_text())["components"]
    assert [s["name"] for s in components["services"]] == ["bare", "ts"]
    assert components["services"][1] == {"name": "ts", "moduleName": "default_module", "initParams": {},
                                         "runtime": "kernel", "concurrency": 1, "executionTimeout": 3600,
                                         "maxAttempts": 1, "onReset": "failed", "sharedFilesystem": False,
                                         "installRequirements": True}
    triggers = {t["name"]: t for t in components["triggers"]}
    assert list(triggers) == ["nightly", "off", "raw-items"]
    raw = triggers["raw-items"]
    assert (raw["type"], raw["active"], raw["namespace"]) == ("Event", True, "services.ts")
    assert raw["spec"] == {"filter": {"$or": [{"dataset": "raw"}, {"key": {"$in": ["a", "b"]}}]},
                           "resource": "Item", "actions": ["Created", "Updated"], "executionMode": "Always",
                           "input": {"tag": "t"}, "operation": {"type": "function", "functionName": "on_item"}}
    assert triggers["nightly"]["spec"]["cron"] == "0 3 * * *" and triggers["nightly"]["spec"]["catchUp"] == "none"
    assert triggers["off"]["active"] is False and "id" not in triggers["off"] and "stats" not in triggers["off"]


def test_import_with_deploy_recreates_them_and_round_trips(exported, tmp_path):
    other = faas.workspace(str(tmp_path / "other.db"), artifacts=str(tmp_path / "other-art"), user="bob")
    try:
        pkg = other.packages.import_folder(exported, deploy=True)
        assert sorted(s.name for s in other.services.list()) == ["bare", "ts"]
        got = {t.name: t for t in other.triggers.list()}
        assert sorted(got) == ["nightly", "off", "raw-items"]
        assert got["raw-items"].filter == {"$or": [{"dataset": "raw"}, {"key": {"$in": ["a", "b"]}}]}
        assert (got["nightly"].cron, got["nightly"].catch_up, got["nightly"].input) == ("0 3 * * *", "none", {"n": 2})
        assert got["off"].active is False and got["off"].resource == "Dataset"
        assert got["nightly"].creator == "bob" and pkg.version == "1.0.0"
        again = other.packages.export("trigpkg", tmp_path / "again")
        assert {p.name: p.read_bytes() for p in exported.iterdir()} == {
            p.name: p.read_bytes() for p in again.iterdir()}
    finally:
        for s in other.services.list():
            s.stop()
        other.close()


def test_import_without_deploy_says_what_it_left_out(exported, tmp_path):
    other = faas.workspace(str(tmp_path / "other.db"), artifacts=str(tmp_path / "other-art"), user="bob")
    with pytest.warns(UserWarning, match=r"lists 2 service\(s\) and 3 trigger\(s\), not created; import "
                                         r"with deploy=True"):
        other.packages.import_folder(exported)
    assert other.services.list() == [] and other.triggers.list() == []
    other.close()


def test_a_bad_trigger_in_the_manifest_imports_nothing(exported, tmp_path):
    manifest = json.loads((exported / "dataloop.json").read_text())
    manifest["components"]["triggers"][0]["spec"]["cron"] = "61 * * * *"
    (exported / "dataloop.json").write_text(json.dumps(manifest))
    other = faas.workspace(str(tmp_path / "other.db"), artifacts=str(tmp_path / "other-art"), user="bob")
    with pytest.raises(ValidationError, match=r"dataloop.json: components.triggers\[0\]: .*61"):
        other.packages.import_folder(exported, deploy=True)
    assert other.packages.list() == [] and other.services.list() == []
    manifest["components"]["triggers"][0].pop("namespace")
    (exported / "dataloop.json").write_text(json.dumps(manifest))
    with pytest.raises(ValidationError, match="names no service; set namespace: 'services.<service name>'"):
        other.packages.import_folder(exported, deploy=True)
    other.close()
