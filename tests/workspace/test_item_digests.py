"""Every builtin packager's artifact is checked against its recorded digest when it is read,
and pickle items load only when they are yours and unchanged, or when you trust them."""
from __future__ import annotations

import os
import pathlib
import pickle

import numpy as np
import pandas as pd
import pytest

import faas_jupyter as faas
from faas_jupyter.errors import UnpackingError


class Thing:
    def __init__(self, n):
        self.n = n


class Toucher:
    """Unpickling this creates a file: shows whether a pickle was loaded (its code ran)."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return pathlib.Path.touch, (pathlib.Path(self.marker),)


def _folder(tmp_path):
    folder = tmp_path / "folder"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("a" * 5000)
    (folder / "sub" / "b.bin").write_bytes(os.urandom(5000))
    return folder


def _file(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("line\n" * 2000)
    return path


FRAME = pd.DataFrame({"x": np.arange(2000), "y": np.linspace(0, 1, 2000), "s": ["v"] * 2000})
CASES = {  # id -> (object factory, log keyword arguments)
    "value-json": (lambda p: {"k": list(range(500))}, {"artifact_type": "file"}),
    "value-array": (lambda p: [float(i) for i in range(40_000)], {}),
    "bytes": (lambda p: os.urandom(20_000), {}),
    "path-file": (_file, {}),
    "path-zip": (_folder, {}),
    "path-tar": (_folder, {"archive_format": "tar"}),
    "path-tar.gz": (_folder, {"archive_format": "tar.gz"}),
    "parquet": (lambda p: FRAME, {}),
    "csv": (lambda p: FRAME, {"artifact_type": "file", "file_format": "csv"}),
    "feather": (lambda p: FRAME, {"artifact_type": "file", "file_format": "feather"}),
    "json-frame": (lambda p: FRAME, {"artifact_type": "file", "file_format": "json"}),
    "series": (lambda p: FRAME["y"], {}),
    "npy-mmap": (lambda p: np.arange(50_000, dtype=np.float64), {}),
    "npy-text": (lambda p: np.arange(5_000), {"file_format": "csv"}),
    "npz-dict": (lambda p: {"a": np.arange(5000), "b": np.ones((50, 50))}, {}),
    "npz-list": (lambda p: [np.arange(5000), np.zeros(3000)], {}),
    "array-dataset": (lambda p: np.ones((1000, 4)), {"artifact_type": "dataset"}),
    "pickle": (lambda p: Thing(list(range(5000))), {}),
}


def _flip_middle_byte(path: str) -> None:
    with open(path, "r+b") as f:
        size = f.seek(0, 2)
        f.seek(size // 2)
        byte = f.read(1)
        f.seek(size // 2)
        f.write(bytes([byte[0] ^ 0xFF]))


@pytest.mark.parametrize("case", CASES)
def test_a_changed_file_fails_to_load_with_one_error_naming_the_item(ws, tmp_path, case):
    make, kwargs = CASES[case]
    item = ws.items.log(make(tmp_path), key=f"k-{case}", **kwargs)
    assert item.path and item.digest.startswith("xxh3_128:")
    item.get()  # unchanged: loads (and is remembered as checked)
    item.get()
    _flip_middle_byte(os.path.join(ws.settings.artifacts, item.path))
    with pytest.raises(UnpackingError, match=rf"item 'k-{case}': its file .*{item.path.split('/')[-1]} "
                                             rf"changed since it was written .*item.get\(trust=True\)"):
        ws.items.get(item.id).get()


def test_a_longer_file_fails_too_and_trust_loads_it_anyway(ws):
    item = ws.items.log(b"abc" * 1000, key="raw")
    with open(os.path.join(ws.settings.artifacts, item.path), "ab") as f:
        f.write(b"more")
    with pytest.raises(UnpackingError, match=r"3,004 bytes, 3,000 recorded"):
        item.get()
    with pytest.raises(UnpackingError, match="changed since it was written"):
        item.local()
    assert item.get(trust=True) == b"abc" * 1000 + b"more"


def test_same_user_pickles_load_and_other_users_need_trust(ws, tmp_path):
    item = ws.items.log(Thing(3), key="thing")
    assert item.artifact_type == "object" and item.get().n == 3
    ws.project.members.add("bob", role="developer")
    bob = ws.as_user("bob")
    theirs = bob.items.get(item.id)
    with pytest.raises(UnpackingError, match=r"item 'thing' is a pickle and it was written by 'tester', "
                                             r"not by you \('bob'\).*item.get\(trust=True\)"):
        theirs.get()
    assert theirs.get(trust=True).n == 3
    trusting = faas.workspace(ws.settings.db_url, artifacts=ws.settings.artifacts, user="bob",
                              trust_pickles=True)
    assert trusting.items.get(item.id).get().n == 3
    trusting.close()


def test_a_changed_pickle_is_never_unpickled_without_trust(ws, tmp_path):
    item = ws.items.log(Thing(1), key="thing")
    marker = tmp_path / "code-ran"
    with open(os.path.join(ws.settings.artifacts, item.path), "wb") as f:
        f.write(pickle.dumps(Toucher(str(marker))))
    with pytest.raises(UnpackingError, match="item 'thing': its file .* changed since it was written"):
        item.get()
    assert not marker.exists()
    item.get(trust=True)  # an explicit opt-in loads it: its code runs
    assert marker.exists()


PICKLE_SVC = '''
import decimal
from faas_jupyter import BaseServiceRunner


class ServiceRunner(BaseServiceRunner):
    def show(self, x: decimal.Decimal) -> str:
        return str(x * 2)
'''


def test_an_item_input_that_is_someone_elses_pickle_fails_the_execution_without_trust(ws):
    import decimal
    import json

    from faas_jupyter.workspace import _runtime_bridge as bridge
    spec = {"name": "pick", "modules": [{"name": "m", "functions": [
        {"name": "show", "input": [{"name": "x", "type": "Item"}], "output": [{"name": "output", "type": "String"}]}]}]}
    pkg = ws.packages.push(codebase={"main.py": PICKLE_SVC.encode(), "package.json": json.dumps(spec).encode()},
                           package_name="pick")
    svc = pkg.deploy(service_name="pick")
    try:
        with pytest.warns(UserWarning, match="is pickled"):
            item = ws.items.log(decimal.Decimal("1.25"), key="dec")
        assert item.artifact_type == "object"
        assert svc.execute("show", {"x": item.id}).output == "2.50"
        ws.project.members.add("bob", role="developer")
        ex = ws.as_user("bob").services.get("pick").execute("show", {"x": item.id})
        assert str(ex.status) == "failed"
        assert "item 'dec' is a pickle and it was written by 'tester', not by you ('bob')" in ex.error
        ws.project.members.add("ann", role="annotationManager")
        ann = ws.as_user("ann")
        theirs = ann.items.log(decimal.Decimal("2"), key="dec2")
        assert theirs.get() == decimal.Decimal("2")  # in their own process: their own pickle loads
        ex = ann.services.get("pick").execute("show", {"x": theirs.id})
        assert str(ex.status) == "failed" and "role 'annotationManager') may not push code" in ex.error
        assert ws.services.get("pick").execute("show", {"x": theirs.id}).status == "failed"  # not tester's
    finally:
        bridge.stop(svc.id)
