"""whoami, members, gc, packagers, items, workspace: commands from Python on a real workspace."""
from __future__ import annotations

from faas_jupyter.commands import COMMANDS


def run(ws, name, **values):
    cmd = COMMANDS[name]
    data = cmd(ws, **values)
    return data, cmd.text(data), cmd.json(data)


def test_whoami_and_members(ws):
    _, text, as_json = run(ws, "whoami")
    assert text.startswith("user tester, project default (owner), db ")
    assert as_json["role"] == "owner" and "artifacts" in as_json
    _, text, as_json = run(ws, "members", add="bob", role="Annotation Manager")
    assert as_json == [{"user": "tester", "role": "owner"}, {"user": "bob", "role": "annotationManager"}]
    assert text.splitlines()[-1].split() == ["bob", "annotationManager"]
    assert run(ws, "members", remove="bob")[2] == [{"user": "tester", "role": "owner"}]


def test_items_packagers_and_gc(ws):
    ws.datasets.create("raw")
    ws.items.log(b"x" * 2000, key="blob", dataset="raw")
    _, text, as_json = run(ws, "items", dataset="raw")
    assert "blob" in text and "2.0 KB" in text and as_json[0]["key"] == "blob"
    ws.datasets.create("empty")
    assert run(ws, "items", dataset="empty")[1] == "(no items)"
    _, text, as_json = run(ws, "packagers")
    assert text.split()[:3] == ["priority", "packager", "type"] and as_json[0]["priority"] <= as_json[-1]["priority"]
    report, text, as_json = run(ws, "gc", dry_run=True)
    assert text == str(report) and as_json == report.to_json()


def test_workspace_without_arguments_is_the_current_one(ws, tmp_path):
    assert COMMANDS["workspace"](ws) is ws
    other = COMMANDS["workspace"](ws, url=str(tmp_path / "other.db"), user="zoe")
    try:
        assert other is not ws and other.user == "zoe"
    finally:
        other.close()
