from __future__ import annotations

from faas_jupyter.widgets.diff_view import DiffView, diff_sections, summary


def test_sections_per_changed_file_then_json(pkg):
    diff = pkg.diff("1.0.0", "1.0.1")
    sections = diff_sections(diff)
    assert [(s["title"], s["status"]) for s in sections] == [("main.py", "changed"), ("utils.py", "added")]
    assert "+# tuned" in sections[0]["text"] and "+HELP = 1" in sections[1]["text"]
    assert summary(diff) == "1 added, 1 changed"


def test_show_sets_synced_traits_and_text(pkg):
    view = DiffView()
    view.show(pkg.diff("1.0.0", "1.0.1"))
    assert view.title == "shapes 1.0.0 → 1.0.1: 1 added, 1 changed"
    state = view.get_state()
    assert state["sections"] == view.sections and state["title"] == view.title
    assert "+# tuned" in view.text()


def test_same_revision_has_no_differences(pkg):
    view = DiffView()
    view.show(pkg.diff("1.0.1", "1.0.1"))
    assert view.sections == [] and view.text().endswith("(no differences)\n")


def test_json_changes_get_their_own_section(ws, pkg):
    pkg.metadata = {"owner": "vision"}
    pkg.update(message="metadata")
    sections = diff_sections(ws.packages.get("shapes").diff("1.0.1", "1.0.2"))
    # update() also writes the JSON into the codebase's package.json (issue 13 item 5): that file
    # shows as a file change, then the JSON change has its own section
    assert [(s["title"], s["status"]) for s in sections] == [("package.json", "added"), ("package.json", "json")]
    assert '"owner": "vision"' in sections[1]["text"]


def test_esm_colours_added_and_removed_lines():
    esm = DiffView._esm
    for cls in ("faas-diff-add", "faas-diff-del", "faas-diff-hunk"):
        assert cls in esm and f".{cls}" in DiffView._css
