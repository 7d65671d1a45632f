"""A package's files as an immutable value: content digest, deterministic zip, safe unzip, diff.

The digest is sha256 over the sorted ``(path, sha256(content))`` pairs (content only, never
mtimes), so the same files give the same digest on any machine and after ``touch``. ``zip()``
is byte-deterministic: sorted entries, fixed timestamps, permissions and host system.
"""
from __future__ import annotations

import difflib
import hashlib
import io
import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterator, Mapping

from ..config import DEFAULT_MAX_CODEBASE_MB
from ..errors import NotFound, ValidationError
from .ignore import walk

DEFAULT_MAX_BYTES = DEFAULT_MAX_CODEBASE_MB * 1_000_000
LARGE_FILE_BYTES = 10 * 1_000_000
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip header can hold
_ZIP_MODE = (stat.S_IFREG | 0o644) << 16
_UNIX = 3  # zip "made by" host system
_RISKY = (".env", ".env.*", "*.pem", "id_rsa", "id_ed25519", ".netrc", ".pypirc")
_DRIVE = re.compile(r"^[A-Za-z]:")


def path_problem(path: object) -> str | None:
    """Why ``path`` cannot be a codebase-relative posix file path (None when it can)."""
    if not isinstance(path, str) or not path:
        return "is not a non-empty string"
    if "\0" in path or "\\" in path:
        return "contains a NUL or a backslash; use '/' separators"
    if path.startswith("/") or _DRIVE.match(path):
        return "is absolute; codebase paths are relative to its root"
    parts = path.split("/")
    if ".." in parts:
        return "leaves the codebase ('..')"
    if "" in parts or "." in parts:
        return "has an empty or '.' part; write it normalized ('a/b.py')"
    return None


def _human(n: int) -> str:
    if n < 1000:
        return f"{n} B"
    return f"{n / 1000:.1f} kB" if n < 1_000_000 else f"{n / 1_000_000:.1f} MB"


def _is_text(data: bytes) -> bool:
    if b"\0" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@dataclass
class CodebaseDiff:
    """What changed from one codebase to another; ``unified`` maps a path to its diff text."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unified: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def to_json(self) -> dict[str, Any]:
        return {"added": list(self.added), "removed": list(self.removed),
                "changed": list(self.changed), "unified": dict(self.unified)}


def _unified(path: str, old: bytes | None, new: bytes | None) -> str:
    """A unified diff of one file; ``None`` content means the file does not exist on that side."""
    if not all(_is_text(b) for b in (old, new) if b is not None):
        return "binary file changed"
    a = old.decode("utf-8").splitlines() if old is not None else []
    b = new.decode("utf-8").splitlines() if new is not None else []
    lines = difflib.unified_diff(a, b, f"a/{path}" if old is not None else "/dev/null",
                                 f"b/{path}" if new is not None else "/dev/null", lineterm="")
    return "\n".join(lines) + "\n"


class Codebase:
    """Files by posix relative path. Equal when the files are equal; ``warnings`` do not count."""

    def __init__(self, files: Mapping[str, bytes | str], warnings: list[str] | None = None):
        clean: dict[str, bytes] = {}
        for path in sorted(files):
            problem = path_problem(path)
            if problem:
                raise ValidationError(f"codebase path {path!r} {problem}")
            data = files[path]
            clean[path] = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        _check_no_file_dir_clash(clean)
        self.files: Mapping[str, bytes] = MappingProxyType(clean)
        self.warnings: list[str] = [*(warnings or []), *_risky_warnings(clean)]

    # -- reading ---------------------------------------------------------------------------
    @classmethod
    def from_dir(cls, path: str | os.PathLike[str], max_bytes: int | None = None) -> Codebase:
        """Read a folder, honouring nested .gitignore files; ValidationError over ``max_bytes``."""
        root = Path(path).expanduser()
        if not root.is_dir():
            raise NotFound(f"codebase folder {str(root)!r} does not exist or is not a folder")
        found = walk(root)
        _check_size(found.files, DEFAULT_MAX_BYTES if max_bytes is None else max_bytes, str(root))
        files = {rel: (root / rel).read_bytes() for rel in found.files}
        return cls(files, found.warnings)

    @classmethod
    def from_zip(cls, data: bytes, max_bytes: int | None = None) -> Codebase:
        """Read a zip safely: absolute, ``..``, drive, symlink and duplicate entries are refused."""
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                return cls(_read_zip_entries(zf, DEFAULT_MAX_BYTES if max_bytes is None else max_bytes))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError) as exc:
            raise ValidationError(f"not a readable zip archive: {exc}") from None

    # -- identity --------------------------------------------------------------------------
    @cached_property
    def file_digests(self) -> Mapping[str, str]:
        """sha256 hex of each file's content."""
        return MappingProxyType({p: hashlib.sha256(d).hexdigest() for p, d in self.files.items()})

    @cached_property
    def digest(self) -> str:
        """sha256 over ``path NUL sha256(content) LF`` in path order."""
        h = hashlib.sha256()
        for path in sorted(self.files):
            h.update(f"{path}\0{self.file_digests[path]}\n".encode("utf-8"))
        return h.hexdigest()

    @property
    def size(self) -> int:
        return sum(len(d) for d in self.files.values())

    def __len__(self) -> int:
        return len(self.files)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.files))

    def __contains__(self, path: object) -> bool:
        return path in self.files

    def __getitem__(self, path: str) -> bytes:
        return self.files[path]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Codebase) and dict(self.files) == dict(other.files)

    def __hash__(self) -> int:
        return hash(self.digest)

    def __repr__(self) -> str:
        return f"Codebase({len(self)} files, {self.size} bytes, digest={self.digest[:12]})"

    # -- writing ---------------------------------------------------------------------------
    def zip(self) -> bytes:
        """A byte-deterministic zip: sorted entries, 1980-01-01 timestamps, mode 0644, deflate."""
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(self.files):
                info = zipfile.ZipInfo(path, date_time=ZIP_DATE)
                info.external_attr = _ZIP_MODE
                info.create_system = _UNIX
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, self.files[path], compresslevel=6)
        return buf.getvalue()

    def extract(self, directory: str | os.PathLike[str]) -> Path:
        """Write the files under ``directory``; refuses to write through symlinks there."""
        root = Path(directory).expanduser()
        targets = [_safe_target(root, path) for path in sorted(self.files)]
        for path, target in zip(sorted(self.files), targets):  # checked all first: no partial writes
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(self.files[path])
        return root

    download = extract  # Dataloop's name (pkg.codebase.download("dir"))

    def diff(self, other: Codebase) -> CodebaseDiff:
        """Changes from ``self`` (old) to ``other`` (new), with a unified diff per file."""
        old, new = self.files, other.files
        out = CodebaseDiff(added=sorted(set(new) - set(old)), removed=sorted(set(old) - set(new)),
                           changed=sorted(p for p in set(old) & set(new) if old[p] != new[p]))
        for path in sorted([*out.added, *out.removed, *out.changed]):
            out.unified[path] = _unified(path, old.get(path), new.get(path))
        return out

    def to_json(self) -> dict[str, Any]:
        """A summary: digest, total size, and each file's size and digest."""
        return {"digest": self.digest, "size": self.size, "fileCount": len(self),
                "files": [{"path": p, "size": len(self.files[p]), "digest": self.file_digests[p]}
                          for p in sorted(self.files)],
                "warnings": list(self.warnings)}


def _check_no_file_dir_clash(files: Mapping[str, bytes]) -> None:
    folders = {p.rsplit("/", i)[0] for p in files for i in range(1, p.count("/") + 1)}
    clash = sorted(folders & set(files))
    if clash:
        raise ValidationError(f"codebase path {clash[0]!r} is both a file and a folder")


def _risky_warnings(files: Mapping[str, bytes]) -> list[str]:
    out = []
    for path, data in files.items():
        name = path.rsplit("/", 1)[-1]
        if any(fnmatchcase(name, pat) for pat in _RISKY):
            out.append(f"{path!r} may hold secrets and will be shipped; add it to .gitignore")
        if len(data) > LARGE_FILE_BYTES:
            out.append(f"{path!r} is large ({_human(len(data))}); store data as items, not code")
    return out


def _check_size(sizes: Mapping[str, int], max_bytes: int, where: str) -> None:
    total = sum(sizes.values())
    if total <= max_bytes:
        return
    largest = sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    shown = ", ".join(f"{p} ({_human(n)})" for p, n in largest)
    raise ValidationError(f"codebase {where!r} is {_human(total)}, over the cap of "
                          f"{_human(max_bytes)}; largest files: {shown}. Add big files to .gitignore "
                          "(log data as items) or raise FAAS_MAX_CODEBASE_MB")


def _read_zip_entries(zf: zipfile.ZipFile, max_bytes: int) -> dict[str, bytes]:
    infos = [i for i in zf.infolist() if not i.is_dir()]
    names: set[str] = set()
    for info in infos:
        name = info.filename
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ValidationError(f"zip entry {name!r} is a symlink; a codebase holds regular files only")
        problem = path_problem(name)
        if problem:
            raise ValidationError(f"zip entry {name!r} {problem}")
        if name in names:
            raise ValidationError(f"zip entry {name!r} appears twice; entries must be unique")
        names.add(name)
    _check_size({i.filename: i.file_size for i in infos}, max_bytes, "zip")
    return {info.filename: zf.read(info) for info in infos}


def _safe_target(root: Path, path: str) -> Path:
    """``root/path``, refusing existing symlinks or files on the way (they could redirect writes)."""
    current = root
    parts = path.split("/")
    for i, part in enumerate(parts):
        current = current / part
        if current.is_symlink():
            raise ValidationError(f"cannot extract {path!r}: {str(current)!r} is a symlink")
        if i < len(parts) - 1 and current.exists() and not current.is_dir():
            raise ValidationError(f"cannot extract {path!r}: {str(current)!r} is a file, not a folder")
    return current
