"""ArtifactStore: write once in place, hash while writing, never overwrite, clear local copies."""
from __future__ import annotations

import os
import uuid

import pytest
import xxhash

from faas_jupyter.errors import Conflict, NotFound, ValidationError
from faas_jupyter.packagers.api import ArtifactSink
from faas_jupyter.store.artifacts import ArtifactStore


@pytest.fixture(params=["local", "memory"])
def store(request, tmp_path):
    if request.param == "local":
        yield ArtifactStore(tmp_path / "artifacts")
        return
    st = ArtifactStore(f"memory://h4-{uuid.uuid4().hex}", cache_dir=tmp_path / "cache")
    yield st
    if st.fs.exists(st.root):
        st.fs.rm(st.root, recursive=True)


def test_implements_the_sink_protocol(store):
    assert isinstance(store, ArtifactSink)


def test_write_hash_and_read_back(store):
    data = os.urandom(300_000)
    with store.open_write("p/run/a.bin") as w:
        w.write(data[:1000])
        w.write(memoryview(data)[1000:])
    assert w.digest == "xxh3_128:" + xxhash.xxh3_128(data).hexdigest()
    assert w.size == len(data) == store.size("p/run/a.bin")
    with store.open("p/run/a.bin") as f:
        assert f.read() == data
    assert store.exists("p/run/a.bin")
    assert store.list() == ["p/run/a.bin"]  # no temp names left beside it


def test_never_overwrites(store):
    store.write_bytes("k.txt", b"first")
    with pytest.raises(Conflict, match="k.txt"):
        store.write_bytes("k.txt", b"second")
    with store.open("k.txt") as f:
        assert f.read() == b"first"


def test_concurrent_writer_loses_at_rename(store):
    w1, w2 = store.open_write("x.bin"), store.open_write("x.bin")
    w1.write(b"one")
    w2.write(b"two")
    w1.commit()
    with pytest.raises(Conflict):
        w2.commit()
    with store.open("x.bin") as f:
        assert f.read() == b"one"
    assert store.list() == ["x.bin"]


def test_failure_leaves_nothing(store):
    with pytest.raises(RuntimeError):
        with store.open_write("p/bad.bin") as w:
            w.write(b"partial")
            raise RuntimeError("writer failed")
    assert not store.exists("p/bad.bin")
    assert store.list() == []
    assert not [p for p in store.fs.find(store.root) if p.endswith(".part")]  # list() hides temp names


def test_failed_close_leaves_nothing(store):
    class FailingClose:
        def __init__(self, raw):
            self.raw = raw

        def write(self, data):
            return self.raw.write(data)

        def close(self):
            self.raw.close()
            raise OSError("no space left on device")

    w = store.open_write("p/full.bin")
    w.raw = FailingClose(w.raw)
    with pytest.raises(OSError, match="no space"):
        with w:
            w.write(b"data")
    assert w.digest is None and not store.exists("p/full.bin")
    assert not [p for p in store.fs.find(store.root) if p.endswith(".part")]  # the temp file is gone too


def test_library_close_does_not_publish(store):
    w = store.open_write("c.bin")
    w.write(b"abc")
    w.close()  # e.g. a library closing its sink early
    assert not store.exists("c.bin")
    w.commit()
    assert store.exists("c.bin")


@pytest.mark.parametrize("bad", ["", "/abs/x", "../up", "a/../../b", ".faas-scratch/x"])
def test_rejects_paths_outside_root(store, bad):
    with pytest.raises(ValidationError):
        store.open_write(bad)


def test_local_path_url_delete_and_clear(store, tmp_path):
    store.write_bytes("d/f.bin", b"hello")
    local = store.local_path("d/f.bin")
    with open(local, "rb") as f:
        assert f.read() == b"hello"
    assert store.is_local_copy(local) == (not store.local)
    assert store.url("d/f.bin").endswith("d/f.bin")
    store.clear_local()
    if not store.local:
        assert not os.path.exists(local)
    store.delete("d/f.bin")
    assert not store.exists("d/f.bin")
    with pytest.raises(NotFound, match="d/f.bin"):
        store.open("d/f.bin")


def test_scratch_dirs_are_cleared(store):
    s = store.scratch_dir()
    open(os.path.join(s, "x"), "w").close()
    store.clear_local()
    assert not os.path.exists(s)


def test_open_is_read_only(store):
    store.write_bytes("r.bin", b"x")
    with pytest.raises(ValidationError):
        store.open("r.bin", "wb")
