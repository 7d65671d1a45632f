"""MLRun-style packagers inside executions, in every runtime (issue 13 items 7-11):
clearing paths cleared on success and failure, packing failures fail the execution naming the
output, custom artifact types in ``returns``, packager-side links, bundles of a custom type."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # mlrun_notes: importable here and in spawned workers

from faas_jupyter.workspace import _runtime_bridge as bridge  # noqa: E402
from mlrun_services import RUNTIMES, deployed_services  # noqa: E402

MAIN = '''
from faas_jupyter import BaseServiceRunner
from mlrun_notes import Note, Notes


class ServiceRunner(BaseServiceRunner):
    def write(self, text: str, scratch: str):
        return Note(text, scratch)

    def pair(self, text: str, scratch: str):
        return Note(text, scratch), len(text)

    def many(self, scratch: str):
        return Notes(a=Note("one", scratch), b=Note("two", scratch))

    def weird(self):
        return 1j

    def fails(self, scratch: str):
        raise ValueError("the body failed")

    def late(self, seconds: float):
        import time
        time.sleep(seconds)
        return b"late bytes"
'''

@pytest.fixture
def deploy(ws):
    from mlrun_notes import BadResultPackager, NotePackager, NotesPackager
    yield from deployed_services(ws, MAIN, "notes", (NotePackager, NotesPackager, BadResultPackager))


def _left(scratch: Path) -> list[str]:
    return sorted(os.listdir(scratch))


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_outputs_and_clearing_paths_in_every_runtime(ws, deploy, runtime, tmp_path):
    from mlrun_notes import Note, Notes
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    svc = deploy(runtime)

    ex = svc.execute("pair", {"text": "hello", "scratch": str(scratch)},
                     returns=["note:text[links=['size']]", "size"])
    assert str(ex.status) == "success", ex.error
    assert _left(scratch) == []  # the packer's temporary file is gone once the output is stored
    [item] = ex.output_items()
    assert item.artifact_type == "text" and item.get() == Note("hello")
    assert ws.executions.get(ex.id).output["size"] == 5
    assert ws.items.get(item.id).metadata["extra_data"] == {"size": 5}  # linked packager-side
    ws.packagers.clear_outputs()  # what item.get() unpacked here is the notebook's until then
    assert _left(scratch) == []

    ex = svc.execute("write", {"text": "explode", "scratch": str(scratch)}, returns=["boom"])
    assert str(ex.status) == "failed" and "'boom'" in ex.error and "refuses" in ex.error
    assert _left(scratch) == []  # cleared on failure too

    ex = svc.execute("weird", {}, returns=["c"])
    assert str(ex.status) == "failed" and "output 'c'" in ex.error and "not JSON" in ex.error

    ex = svc.execute("write", {"text": "hi", "scratch": str(scratch)}, returns=["n:text[links=['nothing']]"])
    assert str(ex.status) == "failed" and "output 'n' links extra_data 'nothing'" in ex.error

    ex = svc.execute("many", {"scratch": str(scratch)}, returns=["*notes"])
    assert str(ex.status) == "success", ex.error
    back = ex.get_output()
    assert type(back) is Notes and back == {"a": Note("one"), "b": Note("two")}
    ws.packagers.clear_outputs()
    assert _left(scratch) == []


def test_items_log_clears_the_packers_paths(ws, tmp_path):
    from mlrun_notes import Note, NotePackager
    ws.packagers.add(NotePackager)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    item = ws.items.log(Note("kept", str(scratch)), key="memo")
    assert item.artifact_type == "text" and _left(scratch) == []  # the packer's file went
    assert item.get() == Note("kept")
    ws.packagers.clear_outputs()
    assert _left(scratch) == []


def test_items_log_of_a_bundle_type_comes_back_as_that_type(ws, tmp_path):
    from mlrun_notes import Note, NotePackager, Notes, NotesPackager
    ws.packagers.add(NotePackager)
    ws.packagers.add(NotesPackager)
    bundle = ws.items.log(Notes(x=Note("ex", str(tmp_path)), y=Note("why", str(tmp_path))), key="*memo")
    back = bundle.get()
    assert type(back) is Notes and back == {"x": Note("ex"), "y": Note("why")}
    assert sorted(i.key for i in ws.items.list()) == ["memo", "memo_x", "memo_y"]


def test_a_late_result_after_the_kernel_timeout_stores_nothing(ws, deploy, tmp_path):
    import time
    svc = deploy("kernel")
    quick = svc._ws.packages.get("notes").deploy(service_name="notes-quick", runtime="kernel",
                                                   execution_timeout=0.3)
    try:
        ex = quick.execute("late", {"seconds": 1.0}, returns=["blob"])
        assert str(ex.status) == "failed" and "timed out" in ex.error
        helpers = bridge.get_running(quick.id).runtime._waited_pool
        deadline = time.monotonic() + 60
        while not helpers._idle:  # the helper thread is back once the late body has fully ended
            assert time.monotonic() < deadline, "the late body never ended"
            time.sleep(0.05)
        root = tmp_path / "artifacts"
        assert not [p for p in root.rglob("*") if p.is_file() and ex.id in str(p)]
        assert ws.executions.get(ex.id).status == "failed" and ws.items.list() == []
    finally:
        bridge.stop(quick.id)
