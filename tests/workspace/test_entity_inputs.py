"""Entity inputs as Dataloop passes them (issue 13 item 2), in the kernel, process and dask runtimes.

The package is written for Dataloop (``import dtlpy as dl``); the real dtlpy is not
installed, so the loader gives it ``faas_jupyter.dtlpy``.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest


MAIN = '''
import dtlpy as dl


class ServiceRunner(dl.BaseServiceRunner):
    def describe(self, item, out_dir, progress):
        path = item.download(local_path=out_dir)
        progress.update(progress=50, message="downloaded")
        return {"id": item.id, "name": item.name, "filename": item.filename,
                "dataset": [item.dataset.name, item.dataset_id], "size": item.metadata["system"]["size"],
                "labels": [a.label for a in item.annotations.list()], "path": path,
                "text": open(path).read(), "is_dl_item": isinstance(item, dl.Item)}

    def typed(self, item: dl.Item):
        return [type(item).__module__, item.download()]

    def names(self, dataset):
        return sorted(i.name for i in dataset.items.list())

    def note(self, annotation):
        return [annotation.item_id, annotation.label]

    def echo(self, item, dataset):
        return item, [item], dataset

    def record(self, item: dict):
        return sorted(item)
'''

PACKAGE = {"name": "dlpkg", "modules": [{"name": "default_module", "entryPoint": "main.py",
                                         "className": "ServiceRunner", "functions": [
    {"name": "describe", "input": [{"name": "item", "type": "Item"}, {"name": "out_dir", "type": "String"}]},
    {"name": "typed", "input": [{"name": "item", "type": "Item"}]},
    {"name": "names", "input": [{"name": "dataset", "type": "Dataset"}]},
    {"name": "note", "input": [{"name": "annotation", "type": "Annotation"}]},
    {"name": "echo", "input": [{"name": "item", "type": "Item"}, {"name": "dataset", "type": "Dataset"}],
     "output": [{"name": "same", "type": "Item"}, {"name": "many", "type": "Item[]"},
                {"name": "ds", "type": "Dataset"}]},
    {"name": "record", "input": [{"name": "item", "type": "Item"}]}]}]}


@pytest.fixture
def deploy():
    """``deploy(pkg, **kwargs)``: ``pkg.deploy(**kwargs)``, the service stopped after the test."""
    started = []

    def _deploy(pkg, **kwargs):
        started.append(pkg.deploy(**kwargs))
        return started[-1]
    yield _deploy
    for svc in started:
        svc.stop()


def _push(ws):
    return ws.packages.push(codebase={"main.py": MAIN, "package.json": json.dumps(PACKAGE)})


@pytest.fixture
def logged(ws, tmp_path):
    ws.datasets.create("raw")
    src = tmp_path / "notes.txt"
    src.write_text("hello from a file\n")
    item = ws.items.log(src, key="notes", dataset="raw")
    ws.items.log([1, 2], key="pair", dataset="raw")
    note = item.annotations.add({"type": "class", "label": "cat"})
    return item, note


@pytest.mark.parametrize("runtime", ["kernel", "process", "dask"])
def test_an_item_input_has_dataloops_everyday_surface(ws, deploy, logged, tmp_path, runtime):
    item, _ = logged
    svc = deploy(_push(ws), service_name=f"dl-{runtime}", runtime=runtime)
    out = tmp_path / f"out-{runtime}"
    ex = svc.execute("describe", {"item": item.id, "out_dir": str(out)})
    assert str(ex.status) == "success", ex.error
    got = ex.output
    name = Path(item.path).name
    assert got["id"] == item.id and got["name"] == name and got["filename"] == "/" + name
    assert got["dataset"] == ["raw", ws.datasets.get("raw").id]
    assert got["size"] == item.size and got["labels"] == ["cat"] and got["is_dl_item"]
    assert got["path"] == str(out / name) and got["text"] == "hello from a file\n"

    typed = svc.execute("typed", {"item": item.id}).output
    assert typed[0] == "faas_jupyter.dtlpy._entities"
    assert Path(typed[1]).read_text() == "hello from a file\n"  # local_path=None: a temp place


@pytest.mark.parametrize("runtime", ["kernel", "process"])
def test_dataset_and_annotation_inputs(ws, deploy, logged, runtime):
    item, note = logged
    svc = deploy(_push(ws), service_name=f"ds-{runtime}", runtime=runtime)
    names = svc.execute("names", {"dataset": "raw"}).output
    assert names == sorted([Path(item.path).name, *[Path(i.path).name if i.path else i.key
                                                     for i in ws.items.list(key="pair")]])
    assert svc.execute("note", {"annotation": note.id}).output == [item.id, "cat"]


@pytest.mark.parametrize("runtime", ["kernel", "process"])
def test_an_input_entity_returned_is_referenced_not_copied(ws, deploy, logged, runtime):
    item, _ = logged
    svc = deploy(_push(ws), service_name=f"echo-{runtime}", runtime=runtime)
    before = len(ws.items.list())
    ex = svc.execute("echo", {"item": item.id, "dataset": "raw"})
    ref = {"item_id": item.id, "key": "notes", "artifact_type": item.artifact_type}
    assert ex.output == {"same": ref, "many": [ref],
                         "ds": {"dataset_id": ws.datasets.get("raw").id, "name": "raw"}}
    assert len(ws.items.list()) == before  # nothing stored again
    assert [i.id for i in ex.output_items()] == [item.id, item.id]
    keys = svc.execute("record", {"item": item.id}).output  # a dict parameter: the plain record
    assert {"id", "key", "path"} <= set(keys) and not {"annotations", "dataset_row"} & set(keys)


FIXTURES = Path(__file__).parents[1] / "model" / "fixtures_dataloop"


@pytest.mark.parametrize("runtime", ["kernel", "process"])
def test_a_package_dlp_generate_wrote_runs_unchanged(ws, deploy, logged, runtime):
    item, _ = logged
    pkg = ws.packages.push(src_path=FIXTURES / "default_package_type")
    svc = deploy(pkg, service_name=f"gen-{runtime}", runtime=runtime)
    for function, inputs in (("run", {"item": item.id}), ("hello", {})):
        ex = svc.execute(function, inputs)
        assert (str(ex.status), ex.error) == ("success", None)
        assert {"status": "inProgress", "progress": 0} in [  # its progress.update(...) was recorded
            {k: e[k] for k in ("status", "progress")} for e in ex.status_log]


def test_deploy_takes_init_input_as_dataloop_function_ios(ws, deploy):
    import faas_jupyter.dtlpy as dl
    code = "class ServiceRunner:\n    def __init__(self, cfg):\n        self.cfg = cfg\n\n" \
           "    def run(self):\n        return self.cfg\n"
    module = dl.PackageModule(init_inputs=[dl.FunctionIO(type=dl.PackageInputType.JSON, name="cfg")],
                              functions=[dl.PackageFunction(name="run")])
    pkg = ws.packages.push(codebase={"main.py": code}, package_name="cfgpkg", modules=[module])
    svc = deploy(pkg, init_input=dl.FunctionIO(type="Json", name="cfg", value={"t": 0.5}))
    assert svc.init_input == {"cfg": {"t": 0.5}} and svc.execute("run").output == {"t": 0.5}
    svc.update(init_input=[dl.FunctionIO(type="Json", name="cfg", value={"t": 0.7})], quiet=True)
    assert ws.services.get(svc.name).execute("run").output == {"t": 0.7}


def test_without_package_json_an_unannotated_item_parameter_is_inferred_and_gets_the_entity(
        ws, deploy, logged):
    item, _ = logged
    code = ("import dtlpy as dl\n\n\nclass ServiceRunner(dl.BaseServiceRunner):\n"
            "    def run(self, item, dataset):\n"
            "        return [item.name, item.dataset.name, [i.name for i in dataset.items.list()]]\n")
    pkg = ws.packages.push(codebase={"main.py": code}, package_name="inferred")
    assert [io.type.value for io in pkg.module().function("run").input] == ["Item", "Dataset"]
    svc = deploy(pkg)
    name = Path(item.path).name
    out = svc.execute("run", {"item": item.id, "dataset": "raw"}).output
    assert out[:2] == [name, "raw"] and name in out[2]
