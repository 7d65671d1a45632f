from __future__ import annotations

import io
import os
import shutil
import stat
import zipfile
from contextlib import nullcontext
from pathlib import Path

import pytest

from faas_jupyter.errors import NotFound, ValidationError
from faas_jupyter.model.codebase import Codebase

FILES = {"main.py": b"def run():\n    return 1\n", "pkg/util.py": b"X = 1\n", "data/blob.bin": bytes(range(256))}


def _make(root: Path, files: dict[str, bytes], mtime: int) -> Path:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        os.utime(path, (mtime, mtime))
    return root


def test_same_folder_in_two_places_with_different_mtimes_gives_same_digest_and_zip(tmp_path):
    a = Codebase.from_dir(_make(tmp_path / "a", FILES, 1_000_000))
    b = Codebase.from_dir(_make(tmp_path / "b", FILES, 1_700_000_000))
    assert a == b and a.digest == b.digest
    assert a.zip() == b.zip()


def test_touch_does_not_change_the_digest_but_an_edit_does(tmp_path):
    root = _make(tmp_path / "a", FILES, 1_000_000)
    before = Codebase.from_dir(root)
    os.utime(root / "main.py", (2_000_000, 2_000_000))
    assert Codebase.from_dir(root).digest == before.digest
    (root / "main.py").write_bytes(b"changed\n")
    assert Codebase.from_dir(root).digest != before.digest


def test_digest_is_over_paths_and_content_only():
    assert Codebase({"a.py": b"x"}).digest != Codebase({"b.py": b"x"}).digest
    assert Codebase({"a.py": "x"}).digest == Codebase({"a.py": b"x"}).digest
    assert Codebase({}).digest == Codebase({}).digest and len(Codebase({})) == 0


def test_summary_properties():
    cb = Codebase(FILES)
    assert len(cb) == 3 and cb.size == sum(len(d) for d in FILES.values())
    assert set(cb.file_digests) == set(FILES) and list(cb) == sorted(FILES)
    summary = cb.to_json()
    assert summary["digest"] == cb.digest and summary["fileCount"] == 3
    assert [f["path"] for f in summary["files"]] == sorted(FILES)
    with pytest.raises(TypeError):
        cb.files["new.py"] = b""  # read-only: the digest cannot go stale


def test_zip_is_deterministic_and_round_trips():
    cb = Codebase(FILES)
    data = cb.zip()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
    assert [i.filename for i in infos] == sorted(FILES)
    assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in infos)
    assert all(stat.S_IMODE(i.external_attr >> 16) == 0o644 for i in infos)
    assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in infos)
    assert Codebase.from_zip(data) == cb and Codebase.from_zip(data).zip() == data


def _zip_with(entries: list[tuple[str, bytes]], symlink: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in entries:
            zf.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return buf.getvalue()


@pytest.mark.parametrize(("entries", "words"), [
    ([("/etc/passwd", b"")], "absolute"),
    ([("../evil.py", b"")], "'..'"),
    ([("a/../../evil.py", b"")], "'..'"),
    ([("C:/win.py", b"")], "absolute"),
    ([("a\\..\\evil.py", b"")], "backslash"),
    ([("a.py", b"1"), ("a.py", b"2")], "appears twice"),
])
def test_unsafe_zips_are_rejected_naming_the_entry(entries, words):
    with pytest.warns(UserWarning) if len(entries) == 2 else nullcontext():  # zipfile warns on duplicates
        data = _zip_with(entries)
    with pytest.raises(ValidationError) as info:
        Codebase.from_zip(data)
    assert words in info.value.message and repr(entries[-1][0]) in info.value.message


def test_symlink_entries_are_rejected():
    with pytest.raises(ValidationError, match="'link.py' is a symlink"):
        Codebase.from_zip(_zip_with([("a.py", b"")], symlink="link.py"))


def test_garbage_and_oversized_zips_are_validation_errors():
    with pytest.raises(ValidationError, match="not a readable zip"):
        Codebase.from_zip(b"not a zip")
    with pytest.raises(ValidationError, match="over the cap"):
        Codebase.from_zip(Codebase({"a.py": b"x" * 100}).zip(), max_bytes=50)


def test_extract_writes_files_and_refuses_symlinks_in_the_target(tmp_path):
    cb = Codebase(FILES)
    out = cb.extract(tmp_path / "out")
    assert Codebase.from_dir(out) == cb
    target = tmp_path / "t"
    target.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.symlink(elsewhere, target / "pkg")
    with pytest.raises(ValidationError, match="symlink"):
        cb.extract(target)
    assert list(elsewhere.iterdir()) == [] and not (target / "main.py").exists()  # nothing written


def test_bad_paths_are_rejected_at_construction():
    for bad in ("/abs.py", "../up.py", "a//b.py", "./a.py", "a\\b.py", ""):
        with pytest.raises(ValidationError):
            Codebase({bad: b""})
    with pytest.raises(ValidationError, match="both a file and a folder"):
        Codebase({"a": b"", "a/b.py": b""})


def test_size_cap_names_total_cap_and_three_largest_files(tmp_path):
    files = {"big.bin": b"x" * 5000, "mid.bin": b"x" * 3000, "small.bin": b"x" * 2000, "tiny.py": b"x"}
    root = _make(tmp_path / "a", files, 1_000_000)
    with pytest.raises(ValidationError) as info:
        Codebase.from_dir(root, max_bytes=4000)
    msg = info.value.message
    assert "10.0 kB" in msg and "4.0 kB" in msg
    assert "big.bin (5.0 kB), mid.bin (3.0 kB), small.bin (2.0 kB)" in msg and "tiny.py" not in msg


def test_missing_folder_is_not_found(tmp_path):
    with pytest.raises(NotFound, match="does not exist"):
        Codebase.from_dir(tmp_path / "nope")


def test_risky_files_are_warned_about():
    cb = Codebase({".env": b"TOKEN=1", "sub/.env.local": b"", "main.py": b"",
                   "weights.bin": b"\0" * 10_000_001})
    text = " ".join(cb.warnings)
    assert "'.env'" in text and "'sub/.env.local'" in text and "'weights.bin' is large" in text
    assert "main.py" not in text


def test_warnings_do_not_affect_equality(tmp_path):
    root = _make(tmp_path / "a", {"a.py": b"1"}, 1_000_000)
    os.symlink(root / "a.py", root / "b.py")
    from_dir = Codebase.from_dir(root)
    assert from_dir.warnings and from_dir == Codebase({"a.py": b"1"})


def test_diff_lists_added_removed_changed_with_unified_text():
    old = Codebase({"main.py": "a = 1\nb = 2\n", "gone.py": "x\n", "img.png": b"\x89PNG\0\1"})
    new = Codebase({"main.py": "a = 1\nb = 3\n", "new.py": "y\n", "img.png": b"\x89PNG\0\2"})
    diff = old.diff(new)
    assert (diff.added, diff.removed, diff.changed) == (["new.py"], ["gone.py"], ["img.png", "main.py"])
    assert "-b = 2\n+b = 3" in diff.unified["main.py"] and "--- a/main.py" in diff.unified["main.py"]
    assert diff.unified["img.png"] == "binary file changed"
    assert "+y" in diff.unified["new.py"]
    assert not old.diff(old) and diff.to_json()["added"] == ["new.py"]


def test_copied_tree_with_gitignore_gives_identical_zip(tmp_path):
    src = _make(tmp_path / "src", {**FILES, ".gitignore": b"*.log\n", "debug.log": b"noise"}, 1_000_000)
    shutil.copytree(src, tmp_path / "copy")
    (tmp_path / "copy" / "debug.log").write_bytes(b"different noise")
    assert Codebase.from_dir(src).zip() == Codebase.from_dir(tmp_path / "copy").zip()
