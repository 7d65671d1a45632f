"""``RevisionBrowser``: a package's revisions, a diff of any two, deploy / move / download."""
from __future__ import annotations

import base64
from pathlib import Path

import ipywidgets as W

from ._base import StatusLine, TextRepr, esc, guarded, html_table
from .diff_view import DiffView
from .text import REVISION_HEADERS, revision_rows, revisions_text

MAX_DATA_URL_BYTES = 20_000_000  # larger zips are saved to a path instead of inlined


class RevisionBrowser(TextRepr, W.VBox):
    """Revisions table; ``a``/``b`` pickers drive the diff; actions use ``b`` (the chosen one)."""

    def __init__(self, ws, package):
        super().__init__()
        self.ws = ws
        self.package = package if isinstance(package, str) else package.name  # refresh() reads it
        self.header, self.table = W.HTML(), W.HTML()
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
        self.children = [self.header, self.table, W.HBox([self.a, self.b, self.refresh_button]),
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
        self.table.value = html_table(revision_rows(self.pkg), REVISION_HEADERS)
        keep_a, keep_b = self.a.value, self.b.value
        self._quiet = True  # setting options fires value changes: diff once, below
        try:
            self.a.options, self.b.options = versions, versions
            self.b.value = keep_b if keep_b in versions else versions[0]
            self.a.value = keep_a if keep_a in versions else versions[min(1, len(versions) - 1)]
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
        self._label_actions()
        self.show_diff()

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
        """A download link holding the chosen revision's codebase zip as a data: URL."""
        data, _ = guarded(self.status, self._zip)
        if data is None:
            return
        name = f"{self.pkg.name}-{self.b.value}.zip"
        if len(data) > MAX_DATA_URL_BYTES:
            self.status.error(f"{name} is {len(data) / 1e6:.0f} MB, too big for a link; "
                              "type a path and click Save zip")
            return
        url = "data:application/zip;base64," + base64.b64encode(data).decode("ascii")
        self.download.value = (f'<a class="faas-download" download="{esc(name)}" href="{url}">'
                               f"⬇ {esc(name)}</a> ({len(data):,} bytes)")
        self.status.ok(f"{name} ready: click the link to download")

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
