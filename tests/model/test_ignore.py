from __future__ import annotations

import os
from pathlib import Path

from faas_jupyter.model.ignore import walk


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_nested_gitignore_files_apply_relative_to_their_folder(tmp_path):
    _write(tmp_path, {
        ".gitignore": "*.log\n/build/\n",
        "main.py": "", "run.log": "", "build/out.py": "",
        "pkg/.gitignore": "!keep.log\ndata/\n/local.py\n",
        "pkg/keep.log": "", "pkg/drop.log": "", "pkg/data/big.csv": "", "pkg/local.py": "",
        "pkg/sub/local.py": "", "pkg/sub/build/x.py": "",
    })
    kept = set(walk(tmp_path).files)
    assert kept == {".gitignore", "main.py", "pkg/.gitignore", "pkg/keep.log", "pkg/sub/local.py",
                    "pkg/sub/build/x.py"}


def test_deeper_gitignore_cannot_reinclude_inside_an_ignored_folder(tmp_path):
    _write(tmp_path, {".gitignore": "secret/\n", "secret/.gitignore": "!*\n", "secret/a.py": ""})
    assert set(walk(tmp_path).files) == {".gitignore"}


def test_fixed_exclusions_and_virtual_environments(tmp_path):
    _write(tmp_path, {
        "main.py": "", "mod.pyc": "", "__pycache__/m.pyc": "", ".git/HEAD": "", ".ipynb_checkpoints/n.ipynb": "",
        ".dataloop/state.json": "", ".venv/lib/x.py": "", "venv/lib/x.py": "",
        "myenv/pyvenv.cfg": "", "myenv/lib/site.py": "", "sub/__pycache__/a.pyc": "", "sub/a.py": "",
    })
    assert set(walk(tmp_path).files) == {"main.py", "sub/a.py"}


def test_symlinks_are_skipped_with_a_warning(tmp_path):
    _write(tmp_path, {"main.py": "x", "real/a.py": ""})
    os.symlink(tmp_path / "main.py", tmp_path / "alias.py")
    os.symlink(tmp_path / "real", tmp_path / "linked_dir")
    result = walk(tmp_path)
    assert set(result.files) == {"main.py", "real/a.py"}
    assert any("alias.py" in w for w in result.warnings) and any("linked_dir" in w for w in result.warnings)


def test_sizes_are_reported(tmp_path):
    _write(tmp_path, {"a.py": "12345"})
    assert walk(tmp_path).files == {"a.py": 5}
