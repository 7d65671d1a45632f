from __future__ import annotations

import re
import zipfile

from faas_jupyter.widgets.revisions import RevisionBrowser


def test_table_pickers_and_diff(ws, pkg):
    rb = RevisionBrowser(ws, "shapes")
    assert "latest 1.0.1" in rb.header.value
    assert [version for _, version in rb.rows.options] == ["1.0.1", "1.0.0"]
    label = rb.rows.options[0][0]
    assert "second" in label and "1 added, 1 changed" in label
    assert (rb.a.value, rb.b.value) == ("1.0.0", "1.0.1")
    assert [s["title"] for s in rb.diff.sections] == ["main.py", "utils.py"]
    rb.a.value = "1.0.1"
    assert rb.diff.sections == [] and rb.deploy_button.description == "Deploy 1.0.1"


def test_deploy_button_opens_a_panel_preset_to_the_chosen_revision(ws, pkg):
    rb = RevisionBrowser(ws, "shapes")
    rb.b.value = "1.0.0"
    rb.deploy_button.click()
    panel = rb.deploy_panel
    assert rb.deploy_slot.children == (panel,) and panel.revision.value == "1.0.0"
    panel.deploy_button.click()
    assert panel.status.kind == "ok", panel.status.message
    svc = ws.services.get("shapes")
    assert (svc.revision, svc.module_name) == ("1.0.0", "default_module")
    assert rb.service_picker.options == (("shapes (at 1.0.0)", "shapes"),)
    rb.b.value = "1.0.1"
    rb.deploy_button.click()  # a second click retargets the same panel
    assert rb.deploy_panel is panel and panel.revision.value == "1.0.1"


def test_move_a_service_forward_and_back(ws, pkg):
    pkg.deploy(service_name="svc-a", module_name="default_module", revision="1.0.0")
    rb = RevisionBrowser(ws, pkg)
    assert rb.service_picker.value == "svc-a" and not rb.move_button.disabled
    rb.move_button.click()  # b is the latest, 1.0.1
    assert ws.services.get("svc-a").revision == "1.0.1"
    assert rb.status.kind == "ok" and rb.status.message.startswith("service svc-a now at 1.0.1")
    rb.b.value = "1.0.0"
    rb.move_button.click()
    assert ws.services.get("svc-a").revision == "1.0.0"
    assert rb.service_picker.options == (("svc-a (at 1.0.0)", "svc-a"),)


def test_move_without_services_is_a_clear_error(ws, pkg):
    rb = RevisionBrowser(ws, "shapes")
    assert rb.move_button.disabled
    rb.move_service()
    assert rb.status.message == "no service of package 'shapes' to move; deploy one first"


def test_a_row_click_chooses_that_revision_against_its_predecessor(ws, pkg):
    rb = RevisionBrowser(ws, "shapes")
    rb.status.error("an old message")
    rb.rows.value = "1.0.0"  # what a click on the row does (the oldest: "from" stays)
    assert (rb.a.value, rb.b.value) == ("1.0.0", "1.0.0")
    assert rb.deploy_button.description == "Deploy 1.0.0" and rb.status.kind == ""  # old line cleared
    rb.rows.value = "1.0.1"
    assert (rb.a.value, rb.b.value) == ("1.0.0", "1.0.1")
    assert [s["title"] for s in rb.diff.sections] == ["main.py", "utils.py"]


def test_download_is_a_link_the_server_extension_serves(ws, pkg, monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    rb = RevisionBrowser(ws, "shapes")
    rb.b.value = "1.0.0"
    rb.zip_button.click()
    assert 'href="/faas/api/packages/shapes/revisions/1.0.0/codebase.zip"' in rb.download.value
    assert 'download="shapes-1.0.0.zip"' in rb.download.value and "base64" not in rb.download.value
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/ann/")
    rb.zip_button.click()
    assert 'href="/user/ann/faas/api/packages/shapes/' in rb.download.value


def test_save_zip_to_a_folder_or_file_and_report_bad_paths(ws, pkg, tmp_path):
    rb = RevisionBrowser(ws, "shapes")
    rb.zip_path.value = str(tmp_path)
    rb.save_button.click()
    saved = tmp_path / "shapes-1.0.1.zip"
    assert saved.read_bytes() == ws.packages.get("shapes").codebase.zip()
    assert sorted(zipfile.ZipFile(saved).namelist()) == ["main.py", "utils.py"]
    rb.zip_path.value = str(tmp_path / "missing" / "x.zip")
    rb.save_button.click()
    assert rb.status.kind == "error" and "choose another path" in rb.status.message


def test_refresh_shows_a_new_push(ws, pkg, src):
    rb = RevisionBrowser(ws, "shapes")
    (src / "utils.py").write_text("HELP = 2\n")
    ws.packages.push(src_path=str(src), package_name="shapes", message="third")
    rb.refresh_button.click()
    assert rb.b.value == "1.0.1" and rb.a.value == "1.0.0"  # the picks are kept
    assert rb.b.options[0] == "1.0.2" and "third" in rb.rows.options[0][0]


def test_text_form_is_the_revisions_table(ws, pkg):
    rb = RevisionBrowser(ws, "shapes")
    text = rb._repr_mimebundle_()["text/plain"]
    assert text.splitlines()[0] == "package shapes: revisions (latest first)"
    assert re.search(r"^1\.0\.1 .* tester +second +1 added, 1 changed$", text, re.M)
