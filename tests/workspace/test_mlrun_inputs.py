"""Inputs as MLRun passes them (issue 13 items 11, 13, 14): inference knows the packagers'
types, dicts/lists of item ids are unpacked per item and bundled, paths and URLs are unpacked
through the hinted type's packager."""
from __future__ import annotations

import glob
import os
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # mlrun_notes: importable here and in spawned workers

from faas_jupyter.errors import TypeInferenceWarning  # noqa: E402
from faas_jupyter.model.codebase import Codebase  # noqa: E402
from mlrun_services import RUNTIMES, deployed_services  # noqa: E402

MAIN = '''
import pandas as pd
from faas_jupyter import BaseServiceRunner
from mlrun_notes import Note, Notes


class ServiceRunner(BaseServiceRunner):
    def bundle(self, notes: Notes) -> str:
        return f"{type(notes).__name__} {sorted(notes)} {[notes[k].text for k in sorted(notes)]}"

    def mapping(self, notes: dict[str, Note]) -> str:
        return f"{type(notes).__name__} {sorted(notes)} {type(notes['a']).__name__}"

    def listing(self, notes: list[Note]) -> list:
        return [n.text for n in notes]

    def read(self, note: Note) -> str:
        return note.text

    def rows(self, df: pd.DataFrame) -> list:
        return [len(df), list(df.columns)]

    def where(self, path: str) -> str:
        return path
'''


@pytest.fixture
def notes_ws(ws):
    from mlrun_notes import NotePackager, NotesPackager
    ws.packagers.add(NotePackager)
    ws.packagers.add(NotesPackager)
    return ws


def _types(pkg) -> dict:
    [module] = pkg.modules
    return {f.name: {io.name: str(io.type) for io in f.input} for f in module.functions}


def test_inference_knows_the_packagers_types(ws):
    with pytest.warns(TypeInferenceWarning) as caught:  # shown as %%faas shows them
        bare = ws.packages.push(codebase=Codebase({"main.py": MAIN}), package_name="plain")
    assert any("main.py line 17: annotation 'Note' of input 'note' is not a FunctionIO type; Json "
               "will be used" == str(w.message) for w in caught), [str(w.message) for w in caught]
    assert _types(bare)["read"] == {"note": "Json"}
    from mlrun_notes import NotePackager, NotesPackager
    ws.packagers.add(NotePackager)
    ws.packagers.add(NotesPackager)
    pkg = ws.packages.push(codebase=Codebase({"main.py": MAIN}), package_name="known")
    types = _types(pkg)
    assert types["read"] == {"note": "Item"} and types["bundle"] == {"notes": "Item"}
    assert types["mapping"] == {"notes": "Item"} and types["listing"] == {"notes": "Item[]"}
    assert types["rows"] == {"df": "Item"} and types["where"] == {"path": "String"}


def test_inference_knows_entry_point_packagers(tmp_path):
    import subprocess
    site = tmp_path / "site"
    (site / "ep_shapes").mkdir(parents=True)
    (site / "ep_shapes" / "__init__.py").write_text(textwrap.dedent("""
        from faas_jupyter.packagers import DefaultPackager
        class Shape: pass
        class ShapePackager(DefaultPackager):
            PACKABLE_OBJECT_TYPE = Shape
    """))
    dist = site / "ep_shapes-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: ep-shapes\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[faas_jupyter.packagers]\nshapes = ep_shapes:ShapePackager\n")
    code = textwrap.dedent(f"""
        import sys; sys.path.insert(0, {str(site)!r})
        from faas_jupyter.packagers import PackagersManager
        from faas_jupyter.model.introspect import inference_context, infer_module
        src = "from faas_jupyter import BaseServiceRunner\\nfrom ep_shapes import Shape\\n" \\
              "class ServiceRunner(BaseServiceRunner):\\n    def f(self, s: Shape): return 1\\n"
        with inference_context(PackagersManager().packable_type_names()):
            print(infer_module(src).module.functions[0].input[0].type)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "Item", out.stderr


@pytest.fixture
def service(notes_ws):
    yield from deployed_services(notes_ws, MAIN, "inputs")


def _ok(ex):
    assert str(ex.status) == "success", ex.error
    return ex.output


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_dicts_and_lists_of_item_ids_are_unpacked_and_bundled(notes_ws, service, runtime, tmp_path):
    from mlrun_notes import Note
    svc = service(runtime)
    a = notes_ws.items.log(Note("one", str(tmp_path)), key="a").id
    b = notes_ws.items.log(Note("two", str(tmp_path)), key="b").id
    assert _ok(svc.execute("bundle", {"notes": {"a": a, "b": b}})) == "Notes ['a', 'b'] ['one', 'two']"
    assert _ok(svc.execute("mapping", {"notes": {"a": a, "b": {"item_id": b}}})) == "dict ['a', 'b'] Note"
    assert _ok(svc.execute("listing", {"notes": [b, a]})) == ["two", "one"]
    assert _ok(svc.execute("read", {"note": a})) == "one"


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_paths_are_unpacked_through_the_hinted_types_packager(service, runtime, tmp_path):
    import pandas as pd
    svc = service(runtime)
    df = pd.DataFrame({"x": [1, 2, 3], "y": ["a", "b", "c"]})
    df.to_parquet(tmp_path / "data.parquet")
    df.to_csv(tmp_path / "data.csv", index=False)
    assert _ok(svc.execute("rows", {"df": str(tmp_path / "data.parquet")})) == [3, ["x", "y"]]
    assert _ok(svc.execute("rows", {"df": f"file://{tmp_path / 'data.csv'}"})) == [3, ["x", "y"]]
    assert (tmp_path / "data.parquet").exists()  # a local input is never cleared
    (tmp_path / "bad.parquet").write_text("not parquet")
    ex = svc.execute("rows", {"df": str(tmp_path / "bad.parquet")})
    assert str(ex.status) == "failed" and "cannot unpack item 'bad.parquet'" in ex.error


def test_a_missing_path_is_not_found_before_anything_runs(service, tmp_path):
    from faas_jupyter.errors import NotFound
    svc = service("kernel")
    with pytest.raises(NotFound, match="no file .*missing.parquet"):
        svc.execute("rows", {"df": str(tmp_path / "missing.parquet")})


def test_a_url_is_downloaded_unpacked_and_its_copy_cleared(service):
    import fsspec
    import pandas as pd
    svc = service("kernel")  # memory:// lives in this process
    with fsspec.open("memory://inputs/remote-data.parquet", "wb") as f:
        pd.DataFrame({"z": range(5)}).to_parquet(f)
    copies = os.path.join(tempfile.gettempdir(), "faas-input-*-remote-data.parquet")
    before = set(glob.glob(copies))
    assert _ok(svc.execute("rows", {"df": "memory://inputs/remote-data.parquet"})) == [5, ["z"]]
    assert set(glob.glob(copies)) == before  # the downloaded copy went with the execution


def test_an_http_url_is_read_in_a_worker_process(service, tmp_path):
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    import pandas as pd
    pd.DataFrame({"w": [1, 2]}).to_csv(tmp_path / "served.csv", index=False)
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        svc = service("process")
        url = f"http://127.0.0.1:{server.server_port}/served.csv"
        assert _ok(svc.execute("rows", {"df": url})) == [2, ["w"]]
    finally:
        server.shutdown()
        server.server_close()
