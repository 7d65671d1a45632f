"""Temporary files of artifact writes ("parts") and which of them are stale.

A writer streams into ``<root>/.faas-scratch/parts/<host>-<pid>-<start>-<random>.part``
(same filesystem as the artifacts, so publishing stays an atomic link/rename) and
removes it on success or failure; only a killed process leaves one behind.  The name
says which process wrote it: on this host a part is stale once that process is gone
(or its pid was reused, told apart by its start time), so any process that opens the
workspace can remove it at once.  A part from another host is stale once it has not
changed for ``foreign_age`` seconds.  Parts of older versions sat beside their final
name (``.<name>.<hex>.part``); ``faas gc`` removes those by age too.
"""
from __future__ import annotations

import os
import socket
import time
import uuid

import xxhash

PARTS_DIR = ".faas-scratch/parts"
FOREIGN_AGE = 3600.0


def _start_time(pid: int) -> str:
    try:  # field 22 of /proc/<pid>/stat: start time in clock ticks, tells a reused pid apart
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return "0"


def _host() -> str:
    """This host and pid namespace: pids are only comparable inside one (containers)."""
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        namespace = ""
    return xxhash.xxh32_hexdigest(f"{socket.gethostname()}|{namespace}".encode())


HOST = _host()
_writer: tuple[int, str] | None = None


def writer_id() -> str:
    """``<host>-<pid>-<start>`` of this process (recomputed after a fork)."""
    global _writer
    pid = os.getpid()
    if _writer is None or _writer[0] != pid:
        _writer = (pid, f"{HOST}-{pid}-{_start_time(pid)}")
    return _writer[1]


def part_name() -> str:
    return f"{writer_id()}-{uuid.uuid4().hex[:8]}.part"


def writer_alive(name: str) -> bool | None:
    """Is the process that writes part ``name`` alive? None: another host, cannot tell."""
    fields = name.split("-")
    if len(fields) != 4 or not fields[3].endswith(".part"):
        return None
    host, pid, start = fields[0], fields[1], fields[2]
    if host != HOST:
        return None
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        pass
    return start == "0" or _start_time(int(pid)) == start


def is_stale(name: str, mtime: float | None, foreign_age: float = FOREIGN_AGE) -> bool:
    alive = writer_alive(name)
    if alive is not None:
        return not alive
    return mtime is not None and time.time() - mtime > foreign_age


def is_legacy_part(name: str) -> bool:
    """A temp name of the writers before parts moved to their own folder."""
    return name.startswith(".") and name.endswith(".part")
