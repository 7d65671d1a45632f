"""``%faas diff`` in a rich front end: the unified diff as coloured HTML (no widget needed).

Colours are JupyterLab theme variables with fallbacks, so it reads in light and dark themes
and in front ends without them (the text stays the content colour; lines get a tint).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ._base import esc

if TYPE_CHECKING:
    from faas_jupyter.workspace.packages import PackageDiff

_TINT = "background:color-mix(in srgb,var({var},{fallback}) 22%,var(--jp-layout-color1,#fff))"
_LINE = {"+": _TINT.format(var="--jp-success-color1", fallback="#2da44e"),
         "-": _TINT.format(var="--jp-error-color1", fallback="#cf222e"),
         "@": _TINT.format(var="--jp-brand-color1", fallback="#0969da")}
_PRE = ("margin:2px 0 8px;padding:4px;overflow-x:auto;font-family:var(--jp-code-font-family,monospace);"
        "color:var(--jp-content-font-color1,#1f2328);background:var(--jp-layout-color0,#fff);"
        "border:1px solid var(--jp-border-color2,#d1d9e0)")


def _line(text: str) -> str:
    style = "" if text.startswith(("+++", "---")) else _LINE.get(text[:1], "")
    return f"<span style='display:block;white-space:pre;{style}'>{esc(text) or ' '}</span>"


def diff_html(diff: PackageDiff) -> str:
    """HTML of a ``pkg.diff(a, b)``: a title, then one coloured block per file and the JSON."""
    from .diff_view import diff_sections, summary
    sections = diff_sections(diff)
    title = f"<b>{esc(diff.package)} {esc(diff.a)} → {esc(diff.b)}</b>: {esc(summary(diff))}"
    body = "".join(f"<div><b>{esc(s['title'])}</b> ({esc(s['status'])})<pre class='faas-diff-pre' "
                   f"style='{_PRE}'>{''.join(_line(t) for t in s['text'].splitlines())}</pre></div>"
                   for s in sections) or "<i>no differences</i>"
    return f"<div class='faas-diff-html'>{title}{body}</div>"


class DiffDisplay:
    """What ``%faas diff`` returns in a rich front end: HTML, with the unified text as plain."""

    def __init__(self, diff: PackageDiff) -> None:
        self.diff = diff

    def _repr_html_(self) -> str:
        return diff_html(self.diff)

    def __repr__(self) -> str:
        return getattr(self.diff, "unified", None) or str(self.diff) or "(no differences)"
