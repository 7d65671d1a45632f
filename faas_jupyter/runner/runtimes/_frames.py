"""Messages over a worker's Pipe as ``multiprocessing`` frames, read in bulk.

The worker writes each message as soon as it is ready (a frame in the pipe outlives a crash
of the worker; one held back in its memory would not), several in one ``write`` when they
are ready together. The parent reads whatever has arrived in one ``os.read`` and splits it
into frames here, instead of a ``wait`` + two ``read`` calls per message
(``Connection.recv``). Frames are those of ``Connection.send_bytes``: a 4-byte big-endian
size (``-1`` then an 8-byte size for large ones), then the pickle.
"""
from __future__ import annotations

import os
import pickle
import struct
from typing import Any

_SMALL = struct.Struct("!i")
_LARGE = struct.Struct("!Q")
READ_SIZE = 1 << 16


def encode(message: Any) -> bytes:
    """``message`` pickled and framed as ``Connection.send`` would send it."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return frame(data)


def frame(data: bytes) -> bytes:
    size = len(data)
    if size > 0x7FFFFFFF:
        return _SMALL.pack(-1) + _LARGE.pack(size) + data
    return _SMALL.pack(size) + data


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data`` (a pipe may take a large write in parts)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


class Undecodable:
    """A frame whose pickle could not be loaded here (e.g. an output's class is not importable)."""

    __slots__ = ("error",)

    def __init__(self, error: Exception) -> None:
        self.error = error


class Inbox:
    """The parent's reader of one worker's pipe: every complete frame that has arrived."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buf = bytearray()
        self.need = 0  # bytes the frame at the head of ``buf`` still misses

    def read(self) -> list[Any]:
        """Read what is there (call it when the pipe is readable: it blocks otherwise) and
        return the messages of the complete frames; ``EOFError`` when the worker is gone."""
        chunk = os.read(self.fd, max(READ_SIZE, self.need))
        if not chunk:
            raise EOFError("the worker's pipe closed")
        self.buf += chunk
        return self._split()

    def _split(self) -> list[Any]:
        buf, pos, out = self.buf, 0, []
        while True:
            start, size = _header(buf, pos)
            if size < 0 or len(buf) < start + size:
                self.need = 0 if size < 0 else start + size - len(buf)
                break
            out.append(_load(bytes(buf[start:start + size])))
            pos = start + size
        del buf[:pos]
        return out


def _header(buf: bytearray, pos: int) -> tuple[int, int]:
    """Where the frame at ``pos`` starts and its size; size -1 while the header is incomplete."""
    if len(buf) < pos + 4:
        return pos, -1
    (size,) = _SMALL.unpack_from(buf, pos)
    if size != -1:
        return pos + 4, size
    if len(buf) < pos + 12:
        return pos, -1
    return pos + 12, _LARGE.unpack_from(buf, pos + 4)[0]


def _load(data: bytes) -> Any:
    try:
        return pickle.loads(data)
    except Exception as exc:  # the receiver decides whose message it was
        return Undecodable(exc)
