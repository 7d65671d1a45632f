import pytest

import faas_jupyter as faas
from faas_jupyter.errors import Conflict, NotFound, PermissionDenied, ValidationError


def _as(ws, user):
    """The same workspace (same store and artifacts) seen by another user."""
    return faas.workspace(ws.settings.db_url, artifacts=ws.settings.artifacts, user=user)


def test_user_comes_from_argument_then_env(tmp_home, tmp_path):
    assert faas.workspace(str(tmp_path / "a.db")).user == "tester"  # FAAS_USER
    assert faas.workspace(str(tmp_path / "a.db"), user="zoe").user == "zoe"


def test_default_workspace_lives_in_faas_home(tmp_home):
    ws = faas.workspace()
    assert ws.project.name == "default"
    assert (tmp_home / "faas.db").exists()


def test_default_project_creator_is_owner(ws):
    assert ws.project.name == "default"
    assert ws.project.creator == "tester"
    assert [(m.user, m.role) for m in ws.project.members.list()] == [("tester", "owner")]


def test_create_get_list(ws):
    proj = ws.projects.create("vision")
    assert ws.projects.get("vision").id == proj.id
    assert [p.name for p in ws.projects.list()] == ["vision"]
    with pytest.raises(Conflict, match="exists already"):
        ws.projects.create("vision")
    with pytest.raises(NotFound, match="no project 'nope'; projects: vision"):
        ws.projects.get("nope")
    with pytest.raises(ValidationError):
        ws.projects.create("bad name!")


def test_members_add_list_remove(ws):
    proj = ws.projects.create("vision")
    proj.members.add("bob", role="developer")
    proj.members.add("carol", role="annotator")
    assert [(m.user, m.role) for m in proj.members.list()] == [
        ("tester", "owner"), ("bob", "developer"), ("carol", "annotator")]
    proj.members.remove("carol")
    assert "carol" not in [m.user for m in proj.members.list()]
    with pytest.raises(NotFound, match="'carol' is not a member"):
        proj.members.remove("carol")
    with pytest.raises(ValidationError, match="role"):
        proj.members.add("dan", role="admin")


def test_last_owner_cannot_leave(ws):
    proj = ws.projects.create("vision")
    with pytest.raises(ValidationError, match="without an owner"):
        proj.members.remove("tester")
    assert proj.role_of("tester") == "owner"


def test_annotator_cannot_manage_members(ws):
    proj = ws.projects.create("vision")
    proj.members.add("carol", role="annotator")
    carol = _as(ws, "carol")
    with pytest.raises(PermissionDenied) as err:
        carol.projects.get("vision").members.add("eve", role="owner")
    msg = str(err.value)
    assert "'carol'" in msg and "'vision'" in msg and "owner or developer" in msg
    assert "eve" not in [m.user for m in proj.members.list()]


def test_as_user_shares_the_store_and_the_current_project(ws):
    ws.projects.create("vision")
    ws.use_project("vision")
    ws.project.members.add("bob", role="annotator")
    bob = ws.as_user("bob")
    assert bob.user == "bob" and ws.user == "tester"
    assert bob.store is ws.store and bob.artifacts is ws.artifacts
    assert bob.project.name == "vision" and bob.project._ws is bob
    with pytest.raises(PermissionDenied, match="user 'bob' may not add member 'eve' in project 'vision'"):
        bob.project.members.add("eve")


def test_dataloop_role_names_are_accepted_and_mean_our_roles(ws):
    proj = ws.projects.create("vision")
    assert proj.members.add("bob", role="Annotation Manager").role == "annotationManager"
    proj.members.add("carol", role="Annotator")
    proj.members.add("dan", role="Project Owner")
    assert [(m.user, m.role) for m in proj.members.list()][1:] == [
        ("bob", "annotationManager"), ("carol", "annotator"), ("dan", "owner")]
    _as(ws, "dan").projects.get("vision").members.add("eve", role="Developer")  # an owner may
    assert proj.role_of("eve") == "developer"
    with pytest.raises(PermissionDenied, match="needs role owner or developer, has role 'annotator'"):
        _as(ws, "carol").projects.get("vision").members.add("fay", role="Annotator")
    with pytest.raises(PermissionDenied, match="an owner"):  # "Project Owner" is owner for the rules too
        _as(ws, "eve").projects.get("vision").members.add("gus", role="Project Owner")
