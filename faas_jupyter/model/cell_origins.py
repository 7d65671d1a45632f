"""Which notebook cell a codebase file came from, in this kernel: ``%%faas module`` and
``%%faas file`` cells register here, so a traceback frame of that file can also name the cell
(``main.py`` line 12 is line 13 of cell In[5]: the ``%%faas`` line comes first).

Front ends (magics record, widgets annotate) share it; the stored traceback stays as it was.
"""
from __future__ import annotations

import re

_ORIGINS: dict[tuple[str, str], str] = {}  # (package, codebase path) -> "In[5]"
_FRAME = re.compile(r'^(\s*File "([^"]+)", line (\d+))(.*)$')


def remember(package: str, path: str, cell: str) -> None:
    """``path`` of ``package`` is the body of notebook cell ``cell`` (e.g. "In[5]")."""
    _ORIGINS[(package, path)] = cell


def annotate(traceback_text: str | None, package: str | None) -> str | None:
    """Append ``(notebook cell In[5], line 13)`` to frames of files that came from cells."""
    if not traceback_text or not package:
        return traceback_text
    out = []
    for line in traceback_text.splitlines(keepends=True):
        m = _FRAME.match(line.rstrip("\n"))
        cell = _ORIGINS.get((package, m.group(2))) if m else None
        if m and cell:
            end = "\n" if line.endswith("\n") else ""
            line = f"{m.group(1)}{m.group(4)} (notebook cell {cell}, line {int(m.group(3)) + 1}){end}"
        out.append(line)
    return "".join(out)
