"""Item previews read only what they show, never unpickle, and keep memory flat."""
from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from faas_jupyter.workspace.previews import preview


class Toucher:
    """Unpickling this creates a file: shows whether a preview unpickled it."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return pathlib.Path.touch, (pathlib.Path(self.marker),)


FRAME = pd.DataFrame({"x": np.arange(300), "y": np.linspace(0, 1, 300),
                      "c": pd.Categorical(["a", "b", "c"] * 100)})


@pytest.mark.parametrize("kwargs", [{}, {"artifact_type": "file", "file_format": "feather"},
                                    {"artifact_type": "file", "file_format": "csv"},
                                    {"artifact_type": "file", "file_format": "json"}],
                         ids=["parquet", "feather", "csv", "json"])
def test_a_frame_preview_shows_the_first_rows_and_the_whole_shape(ws, kwargs):
    p = preview(ws.items.log(FRAME, key="f", **kwargs))
    assert (p["kind"], p["shape"], p["truncated"], p["columns"]) == ("dataframe", [300, 3], True, ["x", "y", "c"])
    assert p["data"][0] == [0, 0.0, "a"] and len(p["data"]) == 50
    assert p["data"][1][::2] == [1, "b"] and p["data"][1][1] == pytest.approx(FRAME.y[1])


def test_series_and_array_previews(ws):
    p = preview(ws.items.log(FRAME["y"], key="s"))
    assert (p["kind"], p["shape"], p["dtype"], len(p["data"])) == ("series", [300], "float64", 50)
    arr = np.arange(200 * 80).reshape(200, 80)
    p = preview(ws.items.log(arr, key="a"))
    assert (p["kind"], p["shape"], p["dtype"], p["truncated"]) == ("array", [200, 80], "int64", True)
    assert p["data"][1][:3] == [80, 81, 82] and len(p["data"]) == 50 and len(p["data"][0]) == 50
    p = preview(ws.items.log(np.arange(120), key="t", file_format="csv"))
    assert (p["kind"], p["shape"], p["data"][:2]) == ("array", [120], [[0], [1]])
    p = preview(ws.items.log(np.ones((70, 3)), key="d", artifact_type="dataset"))
    assert (p["kind"], p["shape"]) == ("array", [70, 3])
    p = preview(ws.items.log({"a": np.arange(5000), "b": np.ones((4, 5))}, key="z"))
    assert p["kind"] == "text" and "a: shape (5000,) dtype int64" in p["text"] and "b: shape (4, 5)" in p["text"]


def test_a_pickle_preview_shows_type_size_and_module_and_never_unpickles(ws, tmp_path):
    marker = tmp_path / "unpickled"
    item = ws.items.log(Toucher(str(marker)), key="evil")
    assert item.artifact_type == "object" and not marker.exists()
    p = preview(item)
    assert not marker.exists()
    assert (p["kind"], p["objectType"], p["size"], p["module"]) == (
        "text", item.object_type, item.size, Toucher.__module__)
    assert "not loaded for a preview" in p["text"]
    obj_array = ws.items.log(np.array([Toucher(str(marker)), 1], dtype=object), key="objarr")
    p = preview(obj_array)
    assert not marker.exists() and "object arrays are pickles" in p["text"]


def test_files_bytes_and_folders_show_their_head_or_members(ws, tmp_path):
    (tmp_path / "notes.txt").write_text("hello\n" * 5000)
    p = preview(ws.items.log(tmp_path / "notes.txt", key="n"))
    assert p["text"].startswith("hello\nhello") and p["truncated"] and p["size"] == 30_000
    p = preview(ws.items.log(b"\x00\x01" * 100, key="b"))
    assert p["text"].startswith("200 of 200 bytes: b'\\x00\\x01")
    folder = tmp_path / "d"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "f.txt").write_text("x")
    for fmt in ("zip", "tar.gz"):
        p = preview(ws.items.log(folder, key=f"dir-{fmt}", archive_format=fmt))
        assert f"{fmt} archive" in p["text"] and "sub/f.txt (1 bytes)" in p["text"]
    assert preview(ws.items.log({"k": 1}, key="v")) == {"kind": "value", "value": {"k": 1}}


PROBE = textwrap.dedent("""
    import json, sys, faas_jupyter as faas
    from faas_jupyter.workspace.previews import preview

    def rss():  # kB; VmHWM is the peak since clear_refs reset it
        fields = dict(l.split(":", 1) for l in open("/proc/self/status"))
        return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])

    ws = faas.workspace(sys.argv[1], artifacts=sys.argv[2], user="tester")
    small, big = ws.items.get(sys.argv[3]), ws.items.get(sys.argv[4])
    preview(small)  # imports pyarrow/pandas and warms their allocators
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    before, _ = rss()
    p = preview(big)
    _, peak = rss()
    print(json.dumps({"growth_mb": (peak - before) / 1024, "shape": p["shape"], "rows": len(p["data"])}))
""")


@pytest.mark.skipif(not os.path.exists("/proc/self/clear_refs"), reason="needs Linux /proc")
def test_previewing_a_3m_row_parquet_item_keeps_memory_flat(ws, store_url):
    if "postgres" in store_url:
        pytest.skip("memory does not depend on the database; the SQLite run shows it")
    n = 3_000_000
    rng = np.random.default_rng(0)
    big = ws.items.log(pd.DataFrame({"a": np.arange(n), "b": rng.random(n), "c": rng.random(n),
                                     "d": rng.integers(0, 1000, n)}), key="big")
    small = ws.items.log(FRAME, key="small")
    out = subprocess.run([sys.executable, "-c", PROBE, ws.settings.db_url, ws.settings.artifacts,
                          small.id, big.id], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    import json
    result = json.loads(out.stdout)
    assert result["shape"] == [n, 4] and result["rows"] == 50
    assert result["growth_mb"] < 100, result  # the whole frame would be ~96 MB decoded, plus arrow's copy


def test_previews_of_a_remote_root_read_headers_and_first_rows(store_url, tmp_home):
    import uuid

    import faas_jupyter as faas
    ws = faas.workspace(store_url, artifacts=f"memory://previews-{uuid.uuid4().hex}", user="tester")
    try:
        p = preview(ws.items.log(np.arange(300).reshape(100, 3), key="a"))
        assert (p["kind"], p["shape"], p["data"][:2], len(p["data"])) == ("array", [100, 3], [[0, 1, 2], [3, 4, 5]], 50)
        p = preview(ws.items.log(FRAME, key="f"))
        assert (p["kind"], p["shape"], len(p["data"])) == ("dataframe", [300, 3], 50)
    finally:
        ws.close()
