"""``RevisionBrowser``: a package's revisions, a diff of any two, deploy / move / download."""
from __future__ import annotations

from typing import TYPE_CHECKING

import os
from pathlib import Path
from urllib.parse import quote

import ipywidgets as W

from faas_jupyter.commands.tables import REVISION_HEADERS, revision_rows

from ._base import StatusLine, TextRepr, esc, guarded
from .diff_view import DiffView
from .text import revisions_text

if TYPE_CHECKING:
    from faas_jupyter.workspace.packages import Package
    from faas_jupyter.workspace import Workspace

API = "faas/api"  # the server extension's REST prefix below the Jupyter base URL


def _row_label(row: list) -> str:
    return "  ".join(str(v) for v in row)


class RevisionBrowser(TextRepr, W.VBox):
    """Revisions table; ``a``/``b`` pickers drive the diff; actions use ``b`` (the chosen one)."""

    def __init__(self, ws: Workspace, package: Package | str) -> None:
        super().__init__()
        self.ws = ws
        self.package = package if isinstance(package, str) else package.name  # refresh() reads it
        self.header = W.HTML()
        # one row per revision; a click on a row chooses it (and diffs it against its predecessor)
        self.rows = W.Select(layout=W.Layout(width="auto"))
        self.rows.add_class("faas-revision-rows")
        self.rows_head = W.HTML()
        self.a = W.Dropdown(description="from", layout=W.Layout(width="180px"))
        self.b = W.Dropdown(description="to", layout=W.Layout(width="180px"))
        self.diff = DiffView()
        self.status = StatusLine()
        self.download = W.HTML()
        self.deploy_slot = W.VBox()
        self.deploy_panel = None
        self._quiet = False
        self._build_actions()
        self.refresh()
        self.add_class("faas-revision-browser")
        self.a.observe(self._on_pick, "value")
        self.b.observe(self._on_pick, "value")
        self.rows.observe(self._on_row, "value")
        self.children = [self.header, self.rows_head, self.rows, W.HBox([self.a, self.b, self.refresh_button]),
                         self.diff, self.actions, self.status, self.download, self.deploy_slot]

    def _build_actions(self) -> None:
        self.refresh_button = W.Button(description="Refresh", icon="refresh")
        self.deploy_button = W.Button(description="Deploy", button_style="primary", icon="rocket",
                                      layout=W.Layout(width="auto"))
        self.service_picker = W.Dropdown(description="service", layout=W.Layout(width="260px"))
        self.move_button = W.Button(description="Move service", icon="exchange",
                                    layout=W.Layout(width="auto"))
        self.zip_button = W.Button(description="Download zip", icon="download",
                                   layout=W.Layout(width="auto"))
        self.zip_path = W.Text(placeholder="or save to path", layout=W.Layout(width="220px"))
        self.save_button = W.Button(description="Save zip", icon="save")
        self.refresh_button.on_click(lambda _: self.refresh())
        self.deploy_button.on_click(lambda _: self.open_deploy())
        self.move_button.on_click(lambda _: self.move_service())
        self.zip_button.on_click(lambda _: self.make_download())
        self.save_button.on_click(lambda _: self.save_zip())
        self.actions = W.VBox([
            W.HBox([self.deploy_button, self.service_picker, self.move_button]),
            W.HBox([self.zip_button, self.zip_path, self.save_button])])

    # -- data ----------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read revisions and services (a push elsewhere shows up here)."""
        self.pkg = self.ws.packages.get(self.package)
        self.revisions = self.pkg.revisions
        versions = [r.version for r in reversed(self.revisions)]  # latest first
        self.header.value = (f"<b>package {esc(self.pkg.name)}</b>: {len(versions)} revision(s), "
                             f"latest {esc(self.pkg.version)}")
        table = revision_rows(self.pkg.revisions)
        self.rows_head.value = f"<code>{esc(_row_label(REVISION_HEADERS))}</code> (click a row to choose it)"
        keep_a, keep_b = self.a.value, self.b.value
        self._quiet = True  # setting options fires value changes: diff once, below
        try:
            self.a.options, self.b.options = versions, versions
            self.rows.options = [(_row_label(r), r[0]) for r in table]
            self.rows.rows = min(8, max(2, len(table)))
            self.b.value = keep_b if keep_b in versions else versions[0]
            self.a.value = keep_a if keep_a in versions else versions[min(1, len(versions) - 1)]
            self.rows.value = self.b.value
        finally:
            self._quiet = False
        self._refresh_services()
        self.show_diff()

    def _refresh_services(self) -> None:
        mine = self.ws.services.list(package=self.pkg.name)
        keep = self.service_picker.value
        self.service_picker.options = [(f"{s.name} (at {s.revision})", s.name) for s in mine]
        names = [s.name for s in mine]
        self.service_picker.value = keep if keep in names else (names[0] if names else None)
        self.move_button.disabled = not mine
        self._label_actions()

    def _label_actions(self) -> None:
        chosen = self.b.value
        self.deploy_button.description = f"Deploy {chosen}"
        self.move_button.description = f"Move to {chosen}"
        self.zip_button.description = f"Download {chosen}.zip"
        self.zip_path.placeholder = f"or save to e.g. {self.pkg.name}-{chosen}.zip"

    def _on_pick(self, _change) -> None:
        if self._quiet:
            return
        self._quiet = True
        try:
            self.rows.value = self.b.value
        finally:
            self._quiet = False
        self.status.clear()  # the last action's line is about another revision
        self._label_actions()
        self.show_diff()

    def _on_row(self, change) -> None:
        """A row click: choose that revision, diffed against the one before it."""
        if self._quiet or change["new"] is None:
            return
        versions = list(self.b.options)  # latest first
        i = versions.index(change["new"])
        if i + 1 < len(versions):  # the oldest has no predecessor: keep the "from" pick
            self._quiet = True
            try:
                self.a.value = versions[i + 1]
            finally:
                self._quiet = False
        self.b.value = change["new"]

    def show_diff(self) -> None:
        if self.a.value and self.b.value:
            self.diff.show(self.pkg.diff(self.a.value, self.b.value))

    # -- actions -------------------------------------------------------------------------------
    def open_deploy(self):
        """Open (or retarget) a DeployPanel below, preset to the chosen revision."""
        from .deploy import DeployPanel
        if self.deploy_panel is None:
            self.deploy_panel = DeployPanel(self.ws, self.pkg.name, revision=self.b.value)
            self.deploy_panel.on_deployed(lambda svc: self._refresh_services())
            self.deploy_slot.children = [self.deploy_panel]
        else:
            self.deploy_panel.revision.value = self.b.value
        return self.deploy_panel

    def move_service(self):
        """Roll the picked service back or forward to the chosen revision."""
        name, version = self.service_picker.value, self.b.value
        if not name:
            self.status.error(f"no service of package {self.pkg.name!r} to move; deploy one first")
            return None
        svc, printed = guarded(self.status, lambda: self.ws.services.get(name).update(revision=version))
        if svc is not None:
            detail = " ".join(printed.split())
            self.status.ok(f"service {name} now at {version}" + (f": {detail}" if detail else ""))
            self._refresh_services()
        return svc

    def _zip(self) -> bytes:
        return self.ws.packages.get(self.pkg.name, version=self.b.value).codebase.zip()

    def make_download(self) -> None:
        """A link to the chosen revision's zip, served by the Jupyter server's FaaS extension
        (a real file download: nothing is inlined into the notebook)."""
        version = self.b.value
        found, _ = guarded(self.status, lambda: self.ws.packages.get(self.pkg.name, version=version))
        if found is None:
            return
        name = f"{self.pkg.name}-{version}.zip"
        prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/").rstrip("/") + "/"
        url = f"{prefix}{API}/packages/{quote(self.pkg.name)}/revisions/{quote(version)}/codebase.zip"
        self.download.value = f'<a class="faas-download" download="{esc(name)}" href="{esc(url)}">⬇ {esc(name)}</a>'
        self.status.ok(f"{name}: click the link (the Jupyter server sends the file), or save it to a path")

    def save_zip(self):
        """Write the chosen revision's zip to the typed path (a folder gets <pkg>-<ver>.zip)."""
        data, _ = guarded(self.status, self._zip)
        if data is None:
            return None
        target = Path(self.zip_path.value.strip() or ".").expanduser()
        if target.is_dir():
            target = target / f"{self.pkg.name}-{self.b.value}.zip"
        try:
            target.write_bytes(data)
        except OSError as e:
            self.status.error(f"cannot write {target}: {e.strerror or e}; choose another path")
            return None
        self.status.ok(f"wrote {target} ({len(data):,} bytes)")
        return target

    def text(self) -> str:
        return revisions_text(self.pkg)
