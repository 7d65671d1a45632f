"""Package commands run from Python on a real workspace (SQLite and PostgreSQL)."""
from __future__ import annotations

import json
import warnings

import pytest

from faas_jupyter.commands import COMMANDS
from faas_jupyter.errors import NotFound
from faas_jupyter.workspace.cells import WorkingPackage

MAIN = ("from faas_jupyter import BaseServiceRunner\n\n\nclass ServiceRunner(BaseServiceRunner):\n"
        "    def run(self, x: int) -> int:\n        return x\n")


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "shapes"
    d.mkdir()
    (d / "main.py").write_text(MAIN)
    return d


def run(ws, name, **values):
    cmd = COMMANDS[name]
    data = cmd(ws, **values)
    return data, cmd.text(data), cmd.json(data)


def test_push_a_folder_then_nothing_changed(ws, folder):
    data, text, _ = run(ws, "push", source=str(folder), message="first")
    assert data | {"digest": None} == {"name": "shapes", "version": "1.0.0", "pushed": True, "files": 1,
                                       "digest": None}
    assert text.startswith("shapes 1.0.0 pushed (1 files, digest ")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "unchanged" is data, not a warning the front end must catch
        data, text, _ = run(ws, "push", source=str(folder))
    assert not data["pushed"] and text == "shapes is unchanged at 1.0.0; nothing pushed (--force pushes anyway)"
    assert run(ws, "push", source=str(folder), force=True, bump="minor")[0]["version"] == "1.1.0"


def test_push_the_cells_of_a_kernel_before_a_folder_of_that_name(ws, folder, monkeypatch):
    monkeypatch.chdir(folder.parent)  # a folder "shapes" exists here, and so does a cell package
    cells = {"shapes": WorkingPackage("shapes")}
    cells["shapes"].add_module("m", MAIN, "main.py", "ServiceRunner")
    args = COMMANDS["push"].namespace(source="shapes", message="cells")
    args.cells = cells
    assert COMMANDS["push"].run(ws, args)["version"] == "1.0.0"
    assert [m.name for m in ws.packages.get("shapes").modules] == ["m"]
    args = COMMANDS["push"].namespace(source="ghost")
    args.cells = cells
    with pytest.raises(NotFound, match="no %%faas cells for package 'ghost'.*packages with cells: shapes"):
        COMMANDS["push"].run(ws, args)


def test_revisions_text_is_latest_first_and_json_oldest_first(ws, folder):
    run(ws, "push", source=str(folder), message="one")
    run(ws, "update", package="shapes", message="two")
    _, text, as_json = run(ws, "revisions", package="shapes")
    lines = text.splitlines()
    assert lines[0] == "package shapes: revisions (latest first)"
    assert [line.split()[0] for line in lines[3:]] == ["1.0.1", "1.0.0"]
    assert [r["message"] for r in as_json] == ["one", "two"]


def test_show_export_and_download_take_name_at_version(ws, folder, tmp_path):
    run(ws, "push", source=str(folder))
    (folder / "main.py").write_text(MAIN + "# two\n")
    run(ws, "push", source=str(folder))
    _, text, as_json = run(ws, "show", package="shapes@1.0.0")
    assert as_json["version"] == "1.0.0" and json.loads(text) == as_json
    assert run(ws, "show", package="shapes@1.0.0", version="1.0.1")[2]["version"] == "1.0.1"  # --version wins
    data, text, _ = run(ws, "download", package="shapes@1.0.0", dir=str(tmp_path / "dl"))
    assert (tmp_path / "dl" / "main.py").read_text() == MAIN and text.startswith("shapes 1.0.0 written to")
    data, _, _ = run(ws, "download", package="shapes", dir=str(tmp_path / "zip"), zip=True)
    assert data["version"] == "1.0.1" and data["dir"].endswith(".zip")
    data, text, _ = run(ws, "export", package="shapes@1.0.0", dir=str(tmp_path / "exp"))
    assert text == f"shapes 1.0.0 exported to {tmp_path / 'exp'}"


def test_diff_ls_and_delete(ws, folder):
    run(ws, "push", source=str(folder))
    (folder / "main.py").write_text(MAIN + "# two\n")
    run(ws, "push", source=str(folder))
    _, text, as_json = run(ws, "diff", package="shapes", a="1.0.0", b="1.0.1")
    assert "+# two" in text and as_json["changed"] == ["main.py"]
    assert run(ws, "diff", package="shapes", a="1.0.1", b="1.0.1")[1] == "(no differences)"
    assert run(ws, "diff", package="shapes", a="1.0.0")[2]["b"] == "1.0.1"  # to the latest
    _, text, as_json = run(ws, "ls")
    assert as_json == [{"name": "shapes", "version": "1.0.1", "modules": ["default_module"]}]
    assert text.splitlines()[2].split() == ["shapes", "1.0.1", "default_module"]
    assert run(ws, "delete", package="shapes")[1] == "shapes deleted"
    assert run(ws, "ls")[1] == "(no packages)"
