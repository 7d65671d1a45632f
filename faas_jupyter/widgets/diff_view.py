"""``DiffView``: the one anywidget, a coloured unified diff of files and package JSON."""
from __future__ import annotations

from typing import TYPE_CHECKING

import anywidget
import traitlets

if TYPE_CHECKING:
    from faas_jupyter.workspace.packages import PackageDiff

_ESM = r"""
function lineClass(line) {
  if (line.startsWith('+++') || line.startsWith('---')) return 'faas-diff-head';
  if (line.startsWith('@@')) return 'faas-diff-hunk';
  if (line.startsWith('+')) return 'faas-diff-add';
  if (line.startsWith('-')) return 'faas-diff-del';
  return 'faas-diff-ctx';
}
function render({ model, el }) {
  const draw = () => {
    el.replaceChildren();
    const root = document.createElement('div');
    root.className = 'faas-diff';
    const title = document.createElement('div');
    title.className = 'faas-diff-title';
    title.textContent = model.get('title');
    root.appendChild(title);
    const sections = model.get('sections');
    if (!sections.length) {
      const none = document.createElement('div');
      none.className = 'faas-diff-empty';
      none.textContent = 'no differences';
      root.appendChild(none);
    }
    for (const s of sections) {
      const box = document.createElement('details');
      box.open = true;
      box.className = 'faas-diff-file faas-diff-' + s.status;
      const sum = document.createElement('summary');
      sum.textContent = `${s.title}  (${s.status})`;
      box.appendChild(sum);
      const pre = document.createElement('pre');
      for (const line of s.text.replace(/\n$/, '').split('\n')) {
        const span = document.createElement('span');
        span.className = lineClass(line);
        span.textContent = line + '\n';
        pre.appendChild(span);
      }
      box.appendChild(pre);
      root.appendChild(box);
    }
    el.appendChild(root);
  };
  model.on('change:sections', draw);
  model.on('change:title', draw);
  draw();
}
export default { render };
"""

_CSS = """
.faas-diff { font-family: var(--jp-code-font-family, monospace); font-size: 12px; }
.faas-diff-title { font-weight: bold; margin: 4px 0; }
.faas-diff-empty { color: var(--jp-ui-font-color2, #59636e); font-style: italic; }
.faas-diff-file summary { cursor: pointer; font-weight: bold; }
.faas-diff pre { margin: 2px 0 8px; padding: 4px; background: var(--jp-layout-color1, #fafafa);
                 overflow-x: auto; border: 1px solid var(--jp-border-color2, #ddd); }
.faas-diff pre span { display: block; white-space: pre; color: var(--jp-content-font-color1, #1f2328); }
/* theme colours only: a tint of the status colour over the page, text in the content colour */
.faas-diff-add { background: color-mix(in srgb, var(--jp-success-color1, #2da44e) 22%, var(--jp-layout-color1, #fff)); }
.faas-diff-del { background: color-mix(in srgb, var(--jp-error-color1, #cf222e) 22%, var(--jp-layout-color1, #fff)); }
.faas-diff-hunk { background: color-mix(in srgb, var(--jp-brand-color1, #0969da) 15%, var(--jp-layout-color1, #fff)); }
.faas-diff .faas-diff-head { color: var(--jp-ui-font-color2, #59636e); font-weight: bold; }
"""


def diff_sections(diff: PackageDiff) -> list[dict]:
    """A PackageDiff as display sections: one per changed file, then the package JSON."""
    files = diff.files
    status = {**{p: "added" for p in files.added}, **{p: "removed" for p in files.removed},
              **{p: "changed" for p in files.changed}}
    out = [{"title": p, "status": status.get(p, "changed"), "text": files.unified[p]}
           for p in sorted(files.unified)]
    if diff.spec_unified:
        out.append({"title": "package.json", "status": "json", "text": diff.spec_unified})
    return out


class DiffView(anywidget.AnyWidget):
    """Shows ``sections`` ([{title, status, text}]) with +/- lines coloured."""

    _esm = _ESM
    _css = _CSS
    title = traitlets.Unicode("").tag(sync=True)
    sections = traitlets.List(traitlets.Dict()).tag(sync=True)

    def show(self, diff: PackageDiff) -> None:
        """Display a ``pkg.diff(a, b)`` result."""
        self.sections = diff_sections(diff)
        self.title = f"{diff.package} {diff.a} → {diff.b}: " + summary(diff)

    def text(self) -> str:
        body = "".join(s["text"] for s in self.sections) or "(no differences)\n"
        return f"{self.title}\n{body}"


def summary(diff: PackageDiff) -> str:
    parts = [f"{len(v)} {k}" for k, v in (("added", diff.added), ("removed", diff.removed),
                                          ("changed", diff.changed)) if v]
    if diff.spec_unified:
        parts.append("package JSON changed")
    return ", ".join(parts) or "no differences"
