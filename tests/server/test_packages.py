"""REST packages: whoami, list/get/delete, revisions, diff, codebase zip, roles."""
from __future__ import annotations

import io
import zipfile

import faas_jupyter


async def test_whoami_names_the_acting_user_version_and_project(api):
    code, who = await api("GET", "whoami")
    assert code == 200
    # the shared token acts as the server's owner (FAAS_USER), who owns the project
    assert who == {"user": "tester", "version": faas_jupyter.__version__, "project": "default", "role": "owner"}
    code, who = await api("GET", "whoami", user="bob")  # not a member: told who they are, nothing more
    assert code == 403 and "user 'bob' is not a member of project 'default'" in who["message"]


async def test_packages_and_revisions(api, pushed):
    code, pkgs = await api("GET", "packages")
    assert code == 200
    assert [(p["name"], p["version"]) for p in pkgs] == [("shapes", "1.0.1")]
    assert [f["name"] for f in pkgs[0]["modules"][0]["functions"]] == ["add", "table", "slow"]
    code, pkg = await api("GET", "packages", "shapes")
    assert pkg == pkgs[0]
    code, revs = await api("GET", "packages", "shapes", "revisions")
    assert [(r["version"], r["message"], r["creator"]) for r in revs] == [
        ("1.0.0", "first", "tester"), ("1.0.1", "second", "tester")]
    code, rev = await api("GET", "packages", "shapes", "revisions", "1.0.0")
    assert code == 200 and rev["spec"].pop("version", "1.0.0") == "1.0.0"
    assert rev == revs[0]
    code, err = await api("GET", "packages", "shapes", "revisions", "1.0.9")
    assert (code, err["message"]) == (404, "package 'shapes' has no revision 1.0.9; latest is 1.0.1")


async def test_diff_between_revisions(api, pushed):
    code, diff = await api("GET", "packages", "shapes", "diff", a="1.0.0", b="1.0.1")
    assert code == 200
    assert (diff["a"], diff["b"], diff["added"], diff["removed"], diff["changed"]) == (
        "1.0.0", "1.0.1", ["notes.txt"], [], [])
    code, latest = await api("GET", "packages", "shapes", "diff", a="1.0.0")
    assert latest["b"] == "1.0.1"
    code, err = await api("GET", "packages", "shapes", "diff")
    assert code == 400 and "?a=VERSION" in err["message"]


async def test_codebase_download_is_the_revision_zip(api, pushed):
    code, data = await api("GET", "packages", "shapes", "revisions", "1.0.0", "codebase.zip")
    assert code == 200
    assert data == pushed.revision("1.0.0").codebase.zip()
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == ["main.py"]


async def test_delete_needs_a_developer_role(api, pushed, ws):
    ws.project.members.add("bob", role="annotator")
    code, err = await api("DELETE", "packages", "shapes", user="bob")
    assert code == 403
    assert "user 'bob' may not delete package 'shapes'" in err["message"]
    ws.project.members.add("ann", role="annotator")
    code, err = await api("DELETE", "packages", "shapes", user="ann")
    assert code == 403 and "has role 'annotator'" in err["message"]
    assert "shapes" in ws.packages  # nothing was deleted
    ws.project.members.add("dev", role="developer")
    code, body = await api("DELETE", "packages", "shapes", user="dev")
    assert (code, body) == (200, {"deleted": "shapes"})
    assert "shapes" not in ws.packages
