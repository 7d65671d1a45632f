"""Artifact files under one root through fsspec (a local folder by default).

Every artifact is written once, straight to its final folder: a temporary name
beside the final one, hashed (xxh3_128) while written, renamed atomically on
success and removed on failure.  An existing artifact is never overwritten.
Nothing goes to the system temp folder: local copies of remote artifacts and
scratch folders live under ``cache_dir`` and are removed by ``clear_local()``.

Implements the ``ArtifactSink`` protocol of ``faas_jupyter.packagers.api``
(structurally; this module does not import the packagers).
"""
from __future__ import annotations

import io
import os
import shutil
import uuid
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO, Any

import fsspec
import xxhash

from faas_jupyter.errors import Conflict, NotFound, ValidationError
from faas_jupyter.store import digests, parts

DIGEST_ALGO = "xxh3_128"
SCRATCH = ".faas-scratch"  # under a local root (same filesystem); never an artifact


def _check_rel(rel: str) -> str:
    p = PurePosixPath(rel)
    if not rel or p.is_absolute() or ".." in p.parts or rel.startswith(SCRATCH):
        raise ValidationError(f"artifact path {rel!r} must be relative, inside the root, "
                              f"e.g. 'project/run-id/key.npy'")
    return p.as_posix()


class ArtifactWriter(io.RawIOBase):
    """Binary write-only file that hashes what passes through ``write``.

    Writers that bypass ``write`` for speed (``ndarray.tofile`` on ``raw``) feed
    ``hasher`` themselves and open with ``hashing=False``.
    """

    mode = "wb"

    def __init__(self, store: "ArtifactStore", rel: str, hashing: bool = True):
        super().__init__()
        self.store, self.path, self._hashing = store, rel, hashing
        self.hasher = xxhash.xxh3_128()
        self.size = 0
        self.digest: str | None = None
        self._tmp = store._temp_name(rel)  # noqa: SLF001 (the store's own writer)
        self.raw = store._open_raw(self._tmp)  # noqa: SLF001 (the store's own writer)

    # -- io protocol ---------------------------------------------------------
    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        n = self.raw.write(data)
        if self._hashing:
            self.hasher.update(data)
        n = len(memoryview(data).cast("B")) if n is None else n
        self.size += n
        return n

    def tell(self) -> int:
        return self.size

    def fileno(self) -> int:  # lets zip/tar/pyarrow treat us as a stream, not a real file
        raise io.UnsupportedOperation("fileno")

    def add_written(self, nbytes: int) -> None:
        """Account for bytes written straight to ``raw``."""
        self.size += nbytes

    # -- lifecycle -----------------------------------------------------------
    def __enter__(self) -> ArtifactWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:  # None: an exception propagates
        if exc_type is None:
            self.commit()
        else:
            self.abort()

    def commit(self) -> None:
        if self.digest is not None:
            return
        try:  # a failed flush on close (disk full, upload error) must not leave the temp file
            self.raw.close()
            self.store._publish(self._tmp, self.path)  # noqa: SLF001 (the store's own writer)
        except BaseException:
            self.store._remove_quietly(self._tmp)  # noqa: SLF001 (the store's own writer)
            raise
        finally:
            super().close()
        self.digest = f"{DIGEST_ALGO}:{self.hasher.hexdigest()}"

    def abort(self) -> None:
        try:
            self.raw.close()
        finally:
            super().close()
            self.store._remove_quietly(self._tmp)  # noqa: SLF001 (the store's own writer)

    def close(self) -> None:  # closing by a library (pyarrow) must not publish half a file
        pass


class ArtifactStore:
    """Artifact files below ``root_url``; see the module docstring."""

    def __init__(self, root_url: str | os.PathLike[str], cache_dir: str | os.PathLike[str] | None = None,
                 **storage_options: Any) -> None:
        self.fs, root = fsspec.core.url_to_fs(str(root_url), **storage_options)
        self.local = "file" in (self.fs.protocol if isinstance(self.fs.protocol, tuple)
                                else (self.fs.protocol,))
        self.root = root.rstrip("/") or "/"
        self.root_url = str(root_url)
        self._cache = Path(cache_dir) if cache_dir else None
        self._local_copies: list[Path] = []
        if self.local:
            os.makedirs(self.root, exist_ok=True)

    def __repr__(self) -> str:
        return f"ArtifactStore({self.root_url!r})"

    # -- paths ---------------------------------------------------------------
    def _full(self, rel: str) -> str:
        return f"{self.root}/{_check_rel(rel)}"

    def url(self, rel: str) -> str:
        full = self._full(rel)
        return full if self.local else self.fs.unstrip_protocol(full)

    def cache_dir(self) -> Path:
        """Where local copies and scratch folders go (never the system temp folder)."""
        if self._cache is None:
            if self.local:
                self._cache = Path(self.root) / SCRATCH
            else:
                from faas_jupyter.config import settings
                self._cache = settings().home / "scratch"
        self._cache.mkdir(parents=True, exist_ok=True)
        return self._cache

    def scratch_dir(self) -> str:
        """A fresh empty local folder, removed by ``clear_local()``."""
        path = self.cache_dir() / uuid.uuid4().hex
        path.mkdir()
        self._local_copies.append(path)
        return str(path)

    # -- writing -------------------------------------------------------------
    def open_write(self, rel: str, *, hashing: bool = True) -> ArtifactWriter:
        """A writer for a new artifact; use as a context manager (rename on success)."""
        rel = _check_rel(rel)
        if self.exists(rel):
            raise Conflict(f"artifact {rel!r} exists already in {self.root_url}; "
                           f"artifacts are never overwritten, use another key or run")
        return ArtifactWriter(self, rel, hashing)

    def write_bytes(self, rel: str, data: bytes) -> ArtifactWriter:
        with self.open_write(rel) as w:
            w.write(data)
        writer: ArtifactWriter = w
        return writer

    def _temp_name(self, rel: str) -> str:
        """A part name in the parts folder (see ``store/parts.py``); the final folder made."""
        folder = self._full(rel).rsplit("/", 1)[0]
        for path in (folder, self._parts_dir()):
            if self.local:
                os.makedirs(path, exist_ok=True)
            else:
                self.fs.makedirs(path, exist_ok=True)
        return f"{self._parts_dir()}/{parts.part_name()}"

    def _parts_dir(self) -> str:
        return f"{self.root.rstrip('/')}/{parts.PARTS_DIR}"

    def _open_raw(self, full: str) -> IO[bytes]:
        if self.local:
            return open(full, "xb")
        remote: IO[bytes] = self.fs.open(full, "wb")
        return remote

    def _publish(self, tmp: str, rel: str) -> None:
        final = self._full(rel)
        if self.local:  # link + unlink: atomic and fails instead of overwriting
            try:
                os.link(tmp, final)
            except FileExistsError:
                raise Conflict(f"artifact {rel!r} was written by someone else meanwhile; "
                               f"artifacts are never overwritten") from None
            except OSError:  # filesystems without hard links
                if os.path.exists(final):
                    raise Conflict(f"artifact {rel!r} exists already; never overwritten") from None
                os.rename(tmp, final)
                return
            os.unlink(tmp)
            return
        if self.fs.exists(final):
            raise Conflict(f"artifact {rel!r} exists already; never overwritten")
        self.fs.mv(tmp, final)

    def _remove_quietly(self, full: str) -> None:
        try:
            if self.local:
                os.unlink(full)
            else:
                self.fs.rm(full)
        except (FileNotFoundError, OSError):
            pass

    # -- reading -------------------------------------------------------------
    def exists(self, rel: str) -> bool:
        full = self._full(rel)
        return os.path.exists(full) if self.local else self.fs.exists(full)

    def size(self, rel: str) -> int:
        self._need(rel)
        return int(self.fs.size(self._full(rel)))

    def open(self, rel: str, mode: str = "rb") -> IO[Any]:
        if mode not in ("rb", "r"):
            raise ValidationError(f"artifacts are read-only once written; open {rel!r} with 'rb'")
        self._need(rel)
        full = self._full(rel)
        return open(full, mode) if self.local else self.fs.open(full, mode)

    def local_path(self, rel: str) -> str:
        """A local path: the file itself for local roots, else a cleared local copy."""
        self._need(rel)
        if self.local:
            return self._full(rel)
        target = Path(self.scratch_dir()) / PurePosixPath(rel).name
        self.fs.get(self._full(rel), str(target))
        return str(target)

    # -- reading with the recorded digest checked (see store/digests.py) -------------------
    def open_verified(self, rel: str, digest: str | None, size: int | None, what: str) -> IO[bytes]:
        """``open(rel)`` whose reads check ``digest``; a mismatch is an ``UnpackingError``."""
        f = self.open(rel)
        if self.local and digests.is_verified(self._full(rel), digest):
            return f
        return digests.open_verified(f, digest, size, what, self.url(rel), lambda: self.open(rel))

    def local_path_verified(self, rel: str, digest: str | None, size: int | None, what: str) -> str:
        """``local_path(rel)`` after checking the file against ``digest`` (remembered per file)."""
        path = self.local_path(rel)
        digests.verify_file(path, digest, size, what, self.url(rel))
        return path

    def is_local_copy(self, path: str | os.PathLike[str]) -> bool:
        """True when ``path`` is a copy or scratch place this store will clear."""
        p = Path(path)
        return any(p == c or c in p.parents for c in self._local_copies)

    def _need(self, rel: str) -> None:
        if not self.exists(rel):
            raise NotFound(f"artifact {rel!r} not found in {self.root_url}")

    # -- removal -------------------------------------------------------------
    def delete(self, rel: str) -> None:
        self._need(rel)
        full = self._full(rel)
        if self.local:
            os.unlink(full)
        else:
            self.fs.rm(full)

    def clear_local(self) -> None:
        """Remove every local copy and scratch folder this store made."""
        while self._local_copies:
            shutil.rmtree(self._local_copies.pop(), ignore_errors=True)

    def stale_parts(self, foreign_age: float = parts.FOREIGN_AGE) -> list[tuple[str, int]]:
        """Parts whose writer is gone (see ``store/parts.py``): ``[(full path, bytes)]``."""
        try:
            entries = self.fs.ls(self._parts_dir(), detail=True)
        except (FileNotFoundError, OSError):
            return []
        return [(info["name"], int(info.get("size") or 0)) for info in entries
                if info.get("type") == "file"
                and parts.is_stale(info["name"].rsplit("/", 1)[-1], _mtime(info), foreign_age)]

    def remove_stale_parts(self) -> list[tuple[str, int]]:
        """Remove the stale parts (cheap: one folder); what was freed. Never raises."""
        try:
            found = self.stale_parts()
        except Exception:  # opening a workspace must not fail over garbage
            return []
        for full, _ in found:
            self._remove_quietly(full)
        return found

    def legacy_parts(self, foreign_age: float = parts.FOREIGN_AGE) -> list[tuple[str, int]]:
        """Temp files beside their final name (older writers) unchanged for ``foreign_age`` s."""
        found = []
        for full, info in self.fs.find(self.root, detail=True).items():
            name = full.rsplit("/", 1)[-1]
            if parts.is_legacy_part(name) and parts.is_stale(name, _mtime(info), foreign_age):
                found.append((full, int(info.get("size") or 0)))
        return found

    def remove_full(self, full: str) -> None:
        """Remove a file named by its full path (as ``legacy_parts`` gives it)."""
        self._remove_quietly(full)

    def files(self) -> list[tuple[str, int, float | None]]:
        """``(rel, bytes, mtime)`` of every artifact (temp and scratch names excluded)."""
        if not self.fs.exists(self.root):
            return []
        found = self.fs.find(self.root, detail=True)
        wanted = set(self.list())
        base = len(self.root.rstrip("/")) + 1
        out = []
        for full, info in found.items():
            rel = (full if self.local else self.fs._strip_protocol(full))[base:]  # noqa: SLF001 (fsspec: the path as find() gives it)
            if rel in wanted:
                out.append((rel, int(info.get("size") or 0), _mtime(info)))
        return sorted(out)

    def list(self, prefix: str = "") -> list[str]:
        """Relative paths of the artifacts under ``prefix`` (temp/scratch names excluded)."""
        base = self._full(prefix) if prefix else self.root
        if not self.fs.exists(base):
            return []
        out = []
        for full in self.fs.find(base):
            rel = full[len(self.root.rstrip("/")) + 1:] if self.local else \
                self.fs._strip_protocol(full)[len(self.root.rstrip("/")) + 1:]  # noqa: SLF001 (fsspec: the path as find() gives it)
            name = rel.rsplit("/", 1)[-1]
            if not rel.startswith(SCRATCH) and not (name.startswith(".") and name.endswith(".part")):
                out.append(rel)
        return sorted(out)


def _mtime(info: dict[str, Any]) -> float | None:
    """Modification time from an fsspec ``info`` (local: ``mtime``; S3: ``LastModified``)."""
    value = info.get("mtime") or info.get("LastModified") or info.get("last_modified")
    if value is None:
        return None
    return value.timestamp() if hasattr(value, "timestamp") else float(value)
