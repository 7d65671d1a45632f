"""faas_jupyter.dtlpy entities: Dataloop's Item / Dataset / Annotation surface over our records."""
from __future__ import annotations

import pickle

import pytest

import faas_jupyter.dtlpy as dl
from faas_jupyter.errors import FaasError, NotFound
from faas_jupyter.model import entities as model
from faas_jupyter.store.artifacts import ArtifactStore


@pytest.fixture
def source(tmp_path):
    store = ArtifactStore(str(tmp_path / "root"))
    with store.open_write("p/g/scores.csv") as w:
        w.write(b"a,b\n1,2\n")
    return store


def _item(source, **kw):
    dataset = dl.Dataset(id="d1", name="raw", _items=[])
    notes = [dl.Annotation(id="n1", item="i1", data={"type": "box", "label": "cat"})]
    return dl.Item(id="i1", key="scores", path="p/g/scores.csv", size=8, dataset=dataset,
                   metadata={"system": {"size": 8}}, _source=source, _annotations=notes, **kw)


def test_an_item_has_dataloops_names_and_stays_a_model_item(source):
    item = _item(source)
    assert isinstance(item, model.Item)
    assert (item.name, item.filename, item.dataset.name, item.dataset_id) == ("scores.csv", "/scores.csv", "raw", "d1")
    assert [a.label for a in item.annotations.list()] == ["cat"] and len(item.annotations) == 1
    assert item.annotations.get(annotation_id="n1").type == "box"
    with pytest.raises(NotFound, match="no annotation with id 'x'"):
        item.annotations.get(annotation_id="x")
    assert item.to_json()["dataset"] == "raw"  # the model's JSON shape: the dataset's name


@pytest.mark.parametrize(("local_path", "expected"), [
    ("folder", "folder/scores.csv"),            # no suffix: a folder (created)
    ("existing.d", "existing.d/scores.csv"),    # an existing folder, even with a suffix
    ("renamed.csv", "renamed.csv"),             # otherwise: the file's own path
])
def test_download_follows_dtlpys_local_path_rule(source, tmp_path, local_path, expected):
    (tmp_path / "existing.d").mkdir()
    path = _item(source).download(local_path=tmp_path / local_path)
    assert path == str(tmp_path / expected)
    assert open(path, "rb").read() == b"a,b\n1,2\n"
    assert not list(tmp_path.rglob("*.part"))


def test_download_without_a_path_writes_a_private_temp_copy(source):
    path = _item(source).download()
    assert path.endswith("/i1/scores.csv") and open(path, "rb").read() == b"a,b\n1,2\n"


def test_an_inline_result_downloads_as_json(tmp_path):
    item = dl.Item(id="r1", key="answer", value={"x": 1}, artifact_type="result")
    assert item.name == "answer"
    assert open(item.download(local_path=tmp_path)).read() == '{"x": 1}'


def test_an_item_without_an_artifact_root_says_how_to_get_one(tmp_path):
    with pytest.raises(FaasError, match=r"ws.items.get\(item_id\)"):
        dl.Item(id="i", key="k", path="p/x.bin").download(local_path=tmp_path)


def test_dataset_items_are_listed_only_when_known():
    listed = dl.Dataset(id="d", name="raw", _items=[dl.Item(id="a", key="a")])
    assert [i.id for i in listed.items.list()] == ["a"] and listed.items.get(item_id="a").key == "a"
    with pytest.raises(FaasError, match="declare the dataset as a Dataset input"):
        dl.Dataset(id="d", name="raw").items.list()
    with pytest.raises(FaasError, match="filter the returned list"):
        listed.items.list(filters={"x": 1})


def test_entities_survive_pickling_for_worker_processes(source):
    item = pickle.loads(pickle.dumps(_item(source)))
    assert item.dataset.name == "raw" and item.annotations.list()[0].label == "cat"
    assert open(item.download(local_path=source.scratch_dir())).read() == "a,b\n1,2\n"
