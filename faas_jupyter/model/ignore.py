"""Which files of a folder belong in a codebase: nested ``.gitignore`` rules plus fixed exclusions.

Each ``.gitignore`` applies to its own folder and below, its patterns relative to that folder;
a deeper file overrides a shallower one (``!keep.log`` re-includes), as in git. An ignored
folder is not entered, so nothing below it can be re-included (git's rule too).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

import pathspec

# Never part of a codebase: VCS data, caches, notebook checkpoints, Dataloop's local state, venvs.
ALWAYS_IGNORED_DIRS = frozenset({".git", "__pycache__", ".ipynb_checkpoints", ".dataloop", ".venv", "venv"})
ALWAYS_IGNORED_FILES = ("*.pyc",)

_Layer = tuple[str, "pathspec.PathSpec[Any]"]  # (folder relative to the root, its .gitignore rules)


@dataclass
class Walk:
    """The outcome of ``walk(root)``: kept files with their sizes, and what was skipped noisily."""

    files: dict[str, int] = field(default_factory=dict)  # posix relative path -> size in bytes
    warnings: list[str] = field(default_factory=list)


def _match(spec: pathspec.PathSpec[Any], path: str) -> bool | None:
    """True ignored, False re-included (``!``), None no rule matched. Last matching rule wins."""
    result = None
    for pattern in spec.patterns:
        if pattern.include is not None and pattern.match_file(path):
            result = pattern.include
    return result


def is_ignored(rel: str, is_dir: bool, layers: list[_Layer]) -> bool:
    """Apply the .gitignore layers, deepest first; the first one with an opinion decides."""
    for base, spec in reversed(layers):
        sub = rel[len(base) + 1:] if base else rel
        verdict = _match(spec, sub + "/" if is_dir else sub)
        if verdict is not None:
            return verdict
    return False


def _always_ignored(entry: os.DirEntry[str], is_dir: bool) -> bool:
    if is_dir:
        return entry.name in ALWAYS_IGNORED_DIRS or os.path.isfile(os.path.join(entry.path, "pyvenv.cfg"))
    return any(fnmatchcase(entry.name, pat) for pat in ALWAYS_IGNORED_FILES)


def _read_gitignore(folder: str) -> pathspec.PathSpec[Any] | None:
    path = os.path.join(folder, ".gitignore")
    if not os.path.isfile(path) or os.path.islink(path):
        return None
    with open(path, encoding="utf-8", errors="replace") as f:
        return pathspec.GitIgnoreSpec.from_lines(f.read().splitlines())


def walk(root: str | os.PathLike[str]) -> Walk:
    """List the files of ``root`` that a codebase ships (symlinks are skipped with a warning)."""
    out = Walk()
    _walk_dir(os.fspath(root), "", [], out)
    return out


def _walk_dir(folder: str, rel: str, layers: list[_Layer], out: Walk) -> None:
    spec = _read_gitignore(folder)
    if spec is not None:
        layers = [*layers, (rel, spec)]
    with os.scandir(folder) as it:
        entries = sorted(it, key=lambda e: e.name)
    for entry in entries:
        child = f"{rel}/{entry.name}" if rel else entry.name
        if entry.is_symlink():
            out.warnings.append(f"skipped symlink {child!r} (symlinks are not followed)")
            continue
        is_dir = entry.is_dir(follow_symlinks=False)
        if _always_ignored(entry, is_dir) or is_ignored(child, is_dir, layers):
            continue
        if is_dir:
            _walk_dir(entry.path, child, layers, out)
        elif entry.is_file(follow_symlinks=False):
            out.files[child] = entry.stat(follow_symlinks=False).st_size
