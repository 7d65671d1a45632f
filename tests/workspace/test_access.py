"""Who may do what (issue 11, access): members read and execute, non-members see nothing,
someone else's execution needs owner/developer, only owners manage owners, entity inputs
stay inside their project, names are matched whole, timeouts are finite, and a deploy
racing a package delete ends in NotFound (real workspace, SQLite and PostgreSQL)."""
from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

import faas_jupyter as faas
from faas_jupyter.errors import NotFound, PermissionDenied, ValidationError
from faas_jupyter.model.package import FunctionIO, PackageFunction
from faas_jupyter.workspace import _runtime_bridge as bridge
from faas_jupyter.workspace._entity_lookup import prepare_inputs

sys.path.insert(0, str(Path(__file__).parent))
import svc_codebase as cb  # noqa: E402

ROLES = ("owner", "developer", "annotationManager", "annotator")


def _as(ws, user: str, project: str | None = None):
    other = ws.as_user(user)  # one store object: this process's unwritten executions are seen
    if project:
        other.use_project(project)
    return other


@pytest.fixture
def svc(ws):
    svc = cb.push(ws).deploy(service_name="calc", concurrency=4, execution_timeout=30)
    yield svc
    bridge.stop(svc.id)


@pytest.fixture
def world(ws, svc):
    """One of everything in project "default": an execution, a dataset with an item."""
    ex = svc.execute("add", {"x": 1})
    ws.datasets.create("raw")
    item = ws.items.log({"a": 1}, key="cfg", dataset="raw")
    return {"ex": ex, "item": item, "svc": svc}


def _bound(obj, ws):
    """``obj`` (a Service or Execution someone else fetched) held by ``ws``'s user."""
    import copy
    other = copy.copy(obj)
    other._ws = ws
    return other


# every read and execute of the Python API, as a non-member
NON_MEMBER_CALLS = {
    "packages.list": lambda eve, w: eve.packages.list(),
    "packages.get": lambda eve, w: eve.packages.get("svcpkg"),
    "packages.revisions": lambda eve, w: eve.packages.revisions("svcpkg"),
    "packages.contains": lambda eve, w: "svcpkg" in eve.packages,
    "packages.export": lambda eve, w: eve.packages.export("svcpkg", "/nonexistent/never-written"),
    "services.list": lambda eve, w: eve.services.list(),
    "services.get": lambda eve, w: eve.services.get("calc"),
    "services.contains": lambda eve, w: "calc" in eve.services,
    "svc.execute": lambda eve, w: _bound(w["svc"], eve).execute("add", {"x": 1}),
    "svc.map": lambda eve, w: _bound(w["svc"], eve).map("add", [{"x": 1}], progress=False),
    "executions.list": lambda eve, w: eve.executions.list(),
    "executions.get": lambda eve, w: eve.executions.get(w["ex"].id),
    "ex.rerun": lambda eve, w: _bound(w["ex"], eve).rerun(),
    "ex.terminate": lambda eve, w: _bound(w["ex"], eve).terminate(),
    "items.list": lambda eve, w: eve.items.list(),
    "items.get": lambda eve, w: eve.items.get(w["item"].id),
    "datasets.list": lambda eve, w: eve.datasets.list(),
    "datasets.get": lambda eve, w: eve.datasets.get("raw"),
    "members.list": lambda eve, w: eve.project.members.list(),
}


@pytest.mark.parametrize("call", NON_MEMBER_CALLS.values(), ids=NON_MEMBER_CALLS.keys())
def test_a_non_member_is_denied_every_read_and_execute(ws, world, call):
    eve = _as(ws, "eve")
    before = len(ws.executions.list())
    with pytest.raises(PermissionDenied, match="user 'eve' is not a member of project 'default'"):
        call(eve, world)
    assert len(ws.executions.list()) == before  # nothing was recorded for eve


def test_projects_list_shows_a_user_only_their_projects(ws):
    ws.projects.create("vision")
    ws.projects.get("vision").members.add("ann", role="annotator")
    assert [p.name for p in ws.as_user("ann").projects.list()] == ["vision"]
    assert ws.as_user("eve").projects.list() == []
    with pytest.raises(NotFound, match="no project 'nope'; projects: vision;"):
        ws.as_user("ann").projects.get("nope")


def test_a_non_member_cannot_tell_a_missing_name_from_a_hidden_one(ws, world):
    eve = _as(ws, "eve")
    with pytest.raises(PermissionDenied):
        eve.packages.get("no-such-package")
    with pytest.raises(PermissionDenied):
        eve.executions.get("0" * 32)


@pytest.mark.parametrize("role", ROLES)
def test_members_of_any_role_read_and_execute(ws, world, role):
    ws.project.members.add("mia", role=role)
    mia = _as(ws, "mia")
    assert [p.name for p in mia.packages.list()] == ["svcpkg"]
    assert mia.services.get("calc").revision == "1.0.0"
    assert mia.executions.get(world["ex"].id).output == 11
    assert mia.items.get(world["item"].id).get() == {"a": 1}
    assert [d.name for d in mia.datasets.list()] == ["raw"]
    ex = mia.services.get("calc").execute("add", {"x": 2, "y": 3})
    assert (str(ex.status), ex.output, ex.creator) == ("success", 5, "mia")
    assert mia.executions.get(ex.id).rerun().output == 5  # their own: any role


def test_rerun_of_someone_elses_execution_needs_owner_or_developer(ws, svc):
    for user, role in (("ann", "annotator"), ("bob", "annotationManager"), ("dev", "developer")):
        ws.project.members.add(user, role=role)
    ex = _as(ws, "ann").services.get("calc").execute("add", {"x": 1})
    with pytest.raises(PermissionDenied, match=r"user 'bob' may not rerun execution .* of 'ann' "
                                               r"in project 'default': needs role owner or developer"):
        _as(ws, "bob").executions.get(ex.id).rerun()
    again = _as(ws, "dev").executions.get(ex.id).rerun()
    assert (again.creator, again.output) == ("dev", 11)


def test_terminate_of_someone_elses_execution_needs_owner_or_developer_and_is_logged(ws, svc):
    for user, role in (("ann", "annotator"), ("bob", "annotator"), ("dev", "developer")):
        ws.project.members.add(user, role=role)
    ex = _as(ws, "ann").services.get("calc").execute("loop", wait=False)
    with pytest.raises(PermissionDenied, match="user 'bob' may not terminate execution"):
        _as(ws, "bob").executions.get(ex.id).terminate()
    assert _as(ws, "dev").executions.get(ex.id).terminate() is True
    done = ex.wait(30)
    assert str(done.status) == "terminated"
    assert "terminate requested by dev" in [e["message"] for e in done.status_log]


def test_a_member_terminates_their_own_execution(ws, svc):
    ws.project.members.add("ann", role="annotator")
    ex = _as(ws, "ann").services.get("calc").execute("loop", wait=False)
    assert _as(ws, "ann").executions.get(ex.id).terminate() is True
    assert str(ex.wait(30).status) == "terminated"


# -- owners --------------------------------------------------------------------------------------
def test_a_developer_cannot_make_anyone_owner_nor_touch_an_owner(ws):
    ws.project.members.add("dev", role="developer")
    members = _as(ws, "dev").project.members
    for attempt in (lambda: members.add("dev", role="owner"),        # promote self
                    lambda: members.add("zoe", role="owner"),        # make someone owner
                    lambda: members.add("zoe", role="Project Owner"),  # in Dataloop's words
                    lambda: members.add("tester", role="developer"),  # demote an owner
                    lambda: members.remove("tester")):               # remove an owner
        with pytest.raises(PermissionDenied, match=r"user 'dev' may not .*\(an owner\) in project 'default': needs role owner,"
                           r".*proj\.members\.add\('dev', role='owner'\)"):  # the fix names the role needed
            attempt()
    assert {m.user: m.role for m in ws.project.members.list()} == {"tester": "owner", "dev": "developer"}
    members.add("ann", role="annotator")  # developers still manage the other roles
    members.add("ann", role="annotationManager")
    members.remove("ann")


def test_owners_manage_owners(ws):
    ws.project.members.add("olga", role="owner")
    _as(ws, "olga").project.members.add("tester", role="developer")
    assert {m.user: m.role for m in ws.project.members.list()} == {"tester": "developer", "olga": "owner"}
    with pytest.raises(ValidationError, match="without an owner"):
        _as(ws, "olga").project.members.remove("olga")


@pytest.mark.parametrize("user", ["bob\n", " bob", "a\x00b"])
def test_member_names_are_whole(ws, user):
    with pytest.raises(ValidationError, match="invalid user name"):
        ws.project.members.add(user, role="annotator")


# -- entity inputs stay in their project -----------------------------------------------------------
def _entity_function() -> PackageFunction:
    return PackageFunction(name="f", input=[FunctionIO("item", "Item"), FunctionIO("data", "Dataset"),
                                            FunctionIO("note", "Annotation")])


def test_entity_inputs_resolve_only_inside_the_current_project(ws, svc):
    ws.projects.create("other")
    other = _as(ws, "tester", "other")
    other.datasets.create("elsewhere")
    foreign = other.items.log({"secret": 1}, key="secret", dataset="elsewhere")
    note = foreign.annotations.add({"label": "x"})
    foreign_ds = other.datasets.get("elsewhere")
    before = len(ws.executions.list())
    with pytest.raises(NotFound, match=r"input 'table': no Item with id '\w+' in project 'default'"):
        svc.execute("rows", {"table": foreign.id})
    assert len(ws.executions.list()) == before  # refused before anything was stored
    fn = _entity_function()
    for inputs, message in (({"item": foreign.id}, "no Item"), ({"data": foreign_ds.id}, "no Dataset"),
                            ({"data": "elsewhere"}, "no Dataset"), ({"note": note.id}, "no Annotation")):
        with pytest.raises(NotFound, match=f"{message} with id .* in project 'default'"):
            prepare_inputs(ws, fn, inputs)
    # the same ids resolve inside their own project
    refs = prepare_inputs(other, fn, {"item": foreign.id, "data": "elsewhere", "note": note.id})
    assert (refs["item"].record["id"], refs["data"].record["id"], refs["note"].record["id"]) == (
        foreign.id, foreign_ds.id, note.id)


# -- names, numbers ------------------------------------------------------------------------------
NAME_ATTEMPTS = {
    "project": lambda ws, svc: ws.projects.create("ok\n"),
    "package": lambda ws, svc: ws.packages.push(codebase={"main.py": cb.MAIN}, package_name="ok\n"),
    "service": lambda ws, svc: ws.packages.get("svcpkg").deploy(service_name="ok\n"),
    "module": lambda ws, svc: ws.packages.get("svcpkg").deploy(service_name="s2", module_name="ok\n"),
    "dataset": lambda ws, svc: ws.datasets.create("ok\n"),
    "item key": lambda ws, svc: ws.items.log(1, key="ok\n"),
    "artifact type": lambda ws, svc: ws.items.log(1, key="ok", artifact_type="result\n"),
    "scheduler": lambda ws, svc: ws.packages.get("svcpkg").deploy(service_name="s2", runtime="dask",
                                                                  scheduler="tcp://host:8786\n"),
    "version": lambda ws, svc: ws.packages.get("svcpkg", version="1.0.0\n"),
    "function": lambda ws, svc: svc.execute("add\n", {"x": 1}),
    "input": lambda ws, svc: svc.execute("add", {"x\n": 1}),
}


@pytest.mark.parametrize("attempt", NAME_ATTEMPTS.values(), ids=NAME_ATTEMPTS.keys())
def test_names_are_matched_whole(ws, svc, attempt):
    with pytest.raises((ValidationError, NotFound)) as refused:
        attempt(ws, svc)
    assert "\\n'" in str(refused.value) or "\n" in str(refused.value)  # it names the bad value


@pytest.mark.parametrize("timeout", [math.nan, math.inf, -math.inf])
def test_a_nan_or_infinite_execution_timeout_is_refused(ws, svc, timeout):
    with pytest.raises(ValidationError, match="must be a positive finite number"):
        ws.packages.get("svcpkg").deploy(service_name="s2", execution_timeout=timeout)
    with pytest.raises(ValidationError, match="must be a positive finite number"):
        svc.update(execution_timeout=timeout, quiet=True)
    assert "s2" not in ws.services and svc.refresh().execution_timeout == 30



RACER = '''
import faas_jupyter as faas
from faas_jupyter import BaseServiceRunner


class ServiceRunner(BaseServiceRunner):
    def __init__(self, db: str = "", artifacts: str = ""):
        # runs while the deploy starts the service, after it read the revision: the package
        # is deleted in between, as by another user at that moment
        if db:
            faas.workspace(db, artifacts=artifacts, user="tester").packages.delete("racer")

    def run(self):
        return 1
'''


def test_a_deploy_racing_a_package_delete_ends_in_not_found(ws):
    pkg = ws.packages.push(codebase={"main.py": RACER}, package_name="racer")
    with pytest.raises(NotFound, match="package 'racer' was deleted while service 'racer' was being deployed"):
        pkg.deploy(init_input={"db": ws.settings.db_url, "artifacts": ws.settings.artifacts})
    assert "racer" not in ws.services and "racer" not in ws.packages
