"""Deploy, update, behind, pause/resume, delete; side-by-side revisions (real workspace)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import svc_codebase as cb  # noqa: E402
from svc_lifecycle import _stop_services  # noqa: E402, F401 (autouse)

from faas_jupyter.errors import Conflict, FaasError, NotFound, ValidationError  # noqa: E402

from faas_jupyter.workspace import _runtime_bridge as bridge  # noqa: E402


@pytest.fixture
def pkg(ws):
    return cb.push(ws, "1")




def test_deploy_persists_a_service_pinned_to_the_latest_revision_and_runs_it(ws, pkg):
    cb.push(ws, "2")
    svc = pkg.deploy(service_name="calc", init_input={"scale": 3})
    assert (svc.revision, svc.module_name, svc.runtime, svc.active) == ("1.0.1", "default_module", "kernel", True)
    assert svc.behind == 0
    got = ws.services.get("calc")
    assert got.to_json() == svc.to_json() and got.init_input == {"scale": 3}
    assert [s.name for s in ws.services.list()] == ["calc"]
    assert got.execute("add", {"x": 1}).output == 33
    assert got.execute("version").output == "2"


def test_deploying_an_existing_name_points_to_update(ws, pkg):
    pkg.deploy(service_name="calc")
    with pytest.raises(Conflict, match=r"exists already; change it with .*update\(revision"):
        pkg.deploy(service_name="calc")


def test_a_bad_init_input_fails_the_deploy_and_saves_nothing(ws, pkg):
    with pytest.raises(ValidationError, match="input 'scale' of module 'default_module' init must be an Integer"):
        pkg.deploy(service_name="calc", init_input={"scale": "x"})
    with pytest.raises(NotFound, match="no service 'calc'"):
        ws.services.get("calc")
    with pytest.raises(ValidationError, match="init has no input .nope.; inputs: scale"):
        pkg.deploy(service_name="calc", init_input={"nope": 1})
    assert "calc" not in ws.services


def test_update_moves_the_revision_prints_a_diff_and_behind_counts(ws, pkg, capsys):
    svc = pkg.deploy(service_name="calc", revision="1.0.0")
    cb.push(ws, "2")
    cb.push(ws, "3")
    assert svc.behind == 2 and svc.execute("version").output == "1"
    capsys.readouterr()
    svc.update(revision="1.0.1", init_input={"scale": 2}, concurrency=2, execution_timeout=30)
    out = capsys.readouterr().out
    for line in ("revision: '1.0.0' -> '1.0.1'", "init_input: {} -> {'scale': 2}", "concurrency: 1 -> 2",
                 "execution_timeout: 3600", "-> 30"):
        assert line in out
    again = ws.services.get("calc")
    assert (again.revision, again.init_input, again.concurrency, again.execution_timeout) == ("1.0.1", {"scale": 2}, 2, 30)
    assert again.behind == 1
    assert svc.execute("version").output == "2" and svc.execute("add", {"x": 1}).output == 22
    svc.update(revision="latest")
    assert svc.revision == "1.0.2" and svc.behind == 0


def test_update_refuses_unknown_fields_and_bad_revisions(ws, pkg):
    svc = pkg.deploy(service_name="calc")
    with pytest.raises(ValidationError, match="cannot change drain_time"):
        svc.update(drain_time=3)
    with pytest.raises(NotFound, match="no revision 9.9.9"):
        svc.update(revision="9.9.9")
    assert ws.services.get("calc").revision == "1.0.0"


def test_two_revisions_side_by_side_each_import_their_own_helper(ws, pkg):
    cb.push(ws, "2")
    old = pkg.deploy(service_name="old", revision="1.0.0")
    new = pkg.deploy(service_name="new")
    assert old.execute("version").output == "1" and new.execute("version").output == "2"
    cb.push(ws, "3")  # a later push never changes what is deployed
    assert old.execute("version").output == "1" and new.execute("version").output == "2"


def test_pause_refuses_executions_until_resume(ws, pkg):
    svc = pkg.deploy(service_name="calc")
    svc.pause()
    assert ws.services.get("calc").active is False
    with pytest.raises(Conflict, match="service 'calc' is paused.*resume"):
        svc.execute("add", {"x": 1})
    svc.resume()
    assert svc.execute("add", {"x": 1}).output == 11


def test_delete_stops_the_service_and_keeps_its_executions(ws, pkg):
    svc = pkg.deploy(service_name="calc")
    ex = svc.execute("add", {"x": 1})
    with pytest.raises(Conflict, match="deployed as calc"):
        ws.packages.delete("svcpkg")
    svc.delete()
    assert "calc" not in ws.services and bridge.get_running(svc.id) is None
    assert ws.executions.get(ex.id).output == 11
    ws.packages.delete("svcpkg")


def test_a_service_starts_again_in_a_fresh_workspace(ws, pkg, tmp_path):
    import faas_jupyter as faas
    svc = pkg.deploy(service_name="calc", init_input={"scale": 5})
    bridge.stop(svc.id)  # as if the kernel restarted
    other = faas.workspace(ws.settings.db_url, artifacts=ws.settings.artifacts, user="tester")
    assert other.services.get("calc").execute("add", {"x": 0}).output == 50


def test_start_runs_a_stored_service_in_this_process_once(ws):
    """svc.start() brings a stored service up (as the server does after a restart) and is idempotent."""
    from faas_jupyter.workspace import _runtime_bridge as bridge

    svc = cb.push(ws).deploy(service_name="startme")
    bridge.stop(svc.id)
    assert bridge.get_running(svc.id) is None
    stored = ws.services.get("startme")
    assert stored.start() is stored
    running = bridge.get_running(svc.id)
    assert running is not None
    stored.start()
    assert bridge.get_running(svc.id) is running
    bridge.stop(svc.id)
