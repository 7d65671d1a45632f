"""Dataloop's codebase flow through ``ws`` (issue 13 item 3).

``service = ws.services.get(service_id=...)``; ``service.package`` is the Package (and still
the name string everywhere else); ``ws.items.get(item_id=service.package.codebase_id)`` is the
pinned revision's codebase as a zip item whose download matches ``faas download``.
"""
from __future__ import annotations

import copy
import io
import json
import pickle
import zipfile

import pytest

from faas_jupyter.cli import main
import faas_jupyter as faas
from faas_jupyter.errors import NotFound, PermissionDenied, ValidationError

MAIN = '''from faas_jupyter import BaseServiceRunner


class ServiceRunner(BaseServiceRunner):
    def run(self, x: int = 1) -> int:
        return x + 1
'''


@pytest.fixture
def deployed(ws, tmp_path):
    src = tmp_path / "calc"
    (src / "lib").mkdir(parents=True)
    (src / "main.py").write_text(MAIN)
    (src / "lib" / "data.bin").write_bytes(bytes(range(256)) * 4)
    pkg = ws.packages.push(src_path=src)
    svc = pkg.deploy(service_name="calc-svc")
    (src / "main.py").write_text(MAIN.replace("x + 1", "x + 2"))
    ws.packages.push(src_path=src)  # 1.0.1: the service stays pinned to 1.0.0
    yield svc
    svc.stop()


def test_a_service_is_found_by_id_as_well_as_by_name(ws, deployed):
    assert ws.services.get(service_id=deployed.id).name == "calc-svc"
    assert ws.services.get(service_name="calc-svc").id == deployed.id
    with pytest.raises(NotFound, match="no service with id 'nope'"):
        ws.services.get(service_id="nope")
    with pytest.raises(ValidationError, match="not both"):
        ws.services.get("calc-svc", service_id=deployed.id)


def test_service_package_is_the_pinned_package_and_still_its_name(ws, deployed):
    service = ws.services.get(service_id=deployed.id)
    package = service.package
    assert package == "calc" and isinstance(package, str) and f"{package}" == "calc"
    assert package.version == "1.0.0" and package.name == "calc"
    assert [r.version for r in package.revisions] == ["1.0.0", "1.0.1"]
    assert package.get().module().functions[0].name == "run"
    # the JSON shape and what crosses a process boundary are unchanged: the plain name
    assert service.to_json()["package"] == "calc" and json.dumps(service.to_json())
    assert type(pickle.loads(pickle.dumps(package))) is str and type(copy.deepcopy(package)) is str
    assert service.refresh().package == "calc" and service.execute("run", {"x": 1}).output == 2


def test_the_codebase_item_downloads_the_pinned_revisions_zip_like_faas_download(ws, deployed, tmp_path):
    service = ws.services.get(service_id=deployed.id)
    item = ws.items.get(item_id=service.package.codebase_id)
    assert (item.name, item.filename, item.format) == ("1.0.0.zip", "/codebases/calc/1.0.0.zip", "zip")
    path = item.download(local_path=tmp_path / "codebase")  # a folder: the zip keeps its name
    assert path == str(tmp_path / "codebase" / "1.0.0.zip")
    data = open(path, "rb").read()
    pinned = ws.packages.get("calc", version="1.0.0")
    assert data == pinned.codebase.zip() and item.size == len(data)  # = the REST codebase.zip

    settings = ws.settings
    code = main(["download", "calc@1.0.0", str(tmp_path / "cli"), "--db", settings.db_url,
                 "--artifacts", str(settings.artifacts), "--user", ws.user])
    assert code == 0
    written = {p.relative_to(tmp_path / "cli").as_posix(): p.read_bytes()
               for p in (tmp_path / "cli").rglob("*") if p.is_file()}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert {n: zf.read(n) for n in zf.namelist()} == written
    assert b"x + 1" in written["main.py"]  # the pinned revision, not the latest
    code = main(["download", "calc@1.0.0", str(tmp_path / "cli-zip"), "--zip", "--db", settings.db_url,
                 "--artifacts", str(settings.artifacts), "--user", ws.user])
    assert code == 0 and (tmp_path / "cli-zip" / "1.0.0.zip").read_bytes() == data


def test_a_codebase_id_of_another_project_is_not_found(ws, deployed):
    codebase_id = ws.services.get("calc-svc").package.codebase_id
    ws.projects.create("other")
    ws.use_project("other")
    with pytest.raises(NotFound, match="no codebase item"):
        ws.items.get(item_id=codebase_id)


def test_a_stored_item_downloads_the_dataloop_way(ws, tmp_path):
    src = tmp_path / "table.csv"
    src.write_text("a,b\n1,2\n")
    item = ws.items.get(ws.items.log(src, key="table").id)
    assert (item.name, item.filename) == ("table.csv", "/table.csv")
    assert open(item.download(local_path=tmp_path / "out" / "copy.csv")).read() == "a,b\n1,2\n"


def test_a_non_member_is_refused_before_anything_is_looked_up(ws, deployed):
    codebase_id = ws.services.get("calc-svc").package.codebase_id
    stranger = faas.workspace(ws.settings.db_url, artifacts=ws.settings.artifacts, user="mallory")
    with pytest.raises(PermissionDenied, match="mallory"):
        stranger.services.get(service_id="no-such-id")
    with pytest.raises(PermissionDenied, match="mallory"):
        stranger.items.get(item_id=codebase_id)
