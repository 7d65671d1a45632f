"""Checking an artifact's recorded digest when it is read.

``open_verified`` hashes what a reader reads (xxh3_128, the algorithm the writer
used) and compares at end of file; a reader that seeks elsewhere, or stops early,
gets the whole file checked instead.  ``verify_file`` hashes a local file once and
remembers the result by the file's identity and times (``stat``), so loading the same
unchanged artifact again, or memory-mapping it, costs nothing more.

A mismatch is one ``UnpackingError`` naming the item, the file and the way out.
"""
from __future__ import annotations

import io
import os
import threading
from typing import IO, Any, Callable, ContextManager

import xxhash

from faas_jupyter.errors import UnpackingError

ALGO = "xxh3_128"
CHUNK = 4 << 20
_verified: dict[tuple[Any, ...], str] = {}
_lock = threading.Lock()
_MAX_REMEMBERED = 20_000


def expected_hex(digest: str | None) -> str | None:
    """The hex digest to check, or None when there is none (old records) or another algorithm."""
    if not digest or ":" not in digest:
        return None
    algo, _, hexdigest = digest.partition(":")
    return hexdigest if algo == ALGO else None


def mismatch(what: str, where: str, detail: str) -> UnpackingError:
    return UnpackingError(f"item {what!r}: its file {where} changed since it was written ({detail}); "
                          f"log it again, or load it anyway with item.get(trust=True)")


def _stat_key(path: str) -> tuple[Any, ...]:
    st = os.stat(path)
    return (path, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def hash_stream(f: IO[bytes]) -> tuple[str, int]:
    """``(hexdigest, size)`` of what is left in a binary file."""
    h, size = xxhash.xxh3_128(), 0
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    read = getattr(f, "readinto", None)
    while True:
        if read is not None:
            n = read(buf)
            chunk = view[:n] if n else b""
        else:
            chunk = f.read(CHUNK)
            n = len(chunk)
        if not n:
            return h.hexdigest(), size
        h.update(chunk)
        size += n


def verify_file(path: str, digest: str | None, size: int | None, what: str, where: str | None = None) -> None:
    """Raise ``UnpackingError`` unless the local file at ``path`` has ``digest`` (and ``size``)."""
    expected = expected_hex(digest)
    if expected is None:
        return
    key = _stat_key(path)
    if _verified.get(key) == expected:
        return
    where = where or path
    if size is not None and key[3] != size:
        raise mismatch(what, where, f"{key[3]:,} bytes, {size:,} recorded")
    with open(path, "rb", buffering=0) as f:
        actual, _ = hash_stream(f)
    if actual != expected:
        raise mismatch(what, where, f"{ALGO} digest {actual}, {expected} recorded")
    with _lock:
        if len(_verified) >= _MAX_REMEMBERED:
            _verified.clear()
        _verified[key] = expected


def is_verified(path: str, digest: str | None) -> bool:
    expected = expected_hex(digest)
    try:
        return expected is None or _verified.get(_stat_key(path)) == expected
    except OSError:
        return False


class VerifyingReader(io.RawIOBase):
    """A read-only file that checks the digest of what passes through it.

    Sequential reads are hashed on the way and checked at end of file (or on close,
    after reading what the consumer left).  The first seek to anywhere but the current
    position checks the whole file through ``reopen()`` instead, then reads pass through.
    """

    def __init__(self, raw: IO[bytes], expected: str, size: int | None, what: str, where: str,
                 reopen: Callable[[], ContextManager[IO[bytes]]]) -> None:
        super().__init__()
        self._raw: Any = raw  # a local or fsspec binary file: readinto, read, seek
        self._expected, self._size = expected, size
        self._what, self._where, self._reopen = what, where, reopen
        self._hasher = xxhash.xxh3_128()
        self._pos = 0
        self._done = False

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return bool(self._raw.seekable())

    def readinto(self, b: Any) -> int:
        n = self._raw.readinto(b)
        if not self._done:
            if n:
                self._hasher.update(memoryview(b)[:n])
            else:
                self._check(self._hasher.hexdigest(), self._pos)
        self._pos += n or 0
        return n or 0

    def readall(self) -> bytes:
        data: bytes = self._raw.read()
        if not self._done:
            self._hasher.update(data)
            self._check(self._hasher.hexdigest(), self._pos + len(data))
        self._pos += len(data)
        return data

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = 0) -> int:
        target = {0: offset, 1: self._pos + offset}.get(whence)
        if target != self._pos and not self._done:
            with self._reopen() as whole:
                self._check(*hash_stream(whole))
        self._pos = self._raw.seek(offset, whence)
        return self._pos

    def _check(self, actual: str, size: int) -> None:
        self._done = True
        if self._size is not None and size != self._size:
            raise mismatch(self._what, self._where, f"{size:,} bytes, {self._size:,} recorded")
        if actual != self._expected:
            raise mismatch(self._what, self._where, f"{ALGO} digest {actual}, {self._expected} recorded")

    def close(self) -> None:
        if self.closed:
            return
        try:
            if not self._done:  # the consumer stopped early (pickle's STOP, tar's end marker)
                rest, n = b"", 0
                for rest in iter(lambda: self._raw.read(CHUNK), b""):
                    self._hasher.update(rest)
                    n += len(rest)
                self._check(self._hasher.hexdigest(), self._pos + n)
        finally:
            self._raw.close()
            super().close()


def open_verified(raw: IO[bytes], digest: str | None, size: int | None, what: str, where: str,
                  reopen: Callable[[], ContextManager[IO[bytes]]]) -> IO[bytes]:
    """``raw`` (an open binary file) wrapped so that reading it checks ``digest``."""
    expected = expected_hex(digest)
    if expected is None:
        return raw
    return io.BufferedReader(VerifyingReader(raw, expected, size, what, where, reopen), 1 << 20)
