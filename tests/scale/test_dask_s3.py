"""Remote artifacts, configured: an S3-compatible server (moto, started on a free port) as the
artifact root with explicit storage options. The Dask workers have no credentials or endpoint
in their environment: they reach S3 with the options the service gives them. Downloaded
scratch copies are gone once each execution ends."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import cluster_svc as cs  # noqa: E402
from real_parts import need  # noqa: E402

need("distributed", "dask")
need("moto", "test")
need("s3fs", "test")

import faas_jupyter as faas  # noqa: E402
from faas_jupyter.errors import ValidationError  # noqa: E402

faas.workspace  # resolve the function before cluster_svc's import of the package shadows it


@pytest.fixture
def sws(tmp_path, s3):
    yield from cs.pushed_workspace(tmp_path, artifacts=s3.url, storage_options=s3.options)


def test_workers_read_and_write_s3_with_the_services_storage_options(sws, s3, dask_cluster):
    svc = sws.packages.get("scalepkg").deploy(service_name="s3svc", runtime="dask",
                                              scheduler=dask_cluster.address)  # no shared_filesystem needed
    made = svc.execute("frame", {"n": 5})
    assert made.status == "success", made.error
    item = made.output_items()[0]
    assert s3.fs.exists(f"faas/root/{item.path}") and len(made.get_output()) == 5
    counted = svc.execute("rows", {"table": item.id})
    assert (counted.status, counted.output) == ("success", 5), counted.error
    copied = svc.execute("copy_of", {"item": item.id})
    path, existed = copied.output
    assert existed and path.startswith(str(dask_cluster.home / "scratch"))
    assert not os.path.exists(path) and not os.path.exists(os.path.dirname(path))  # removed after it


def test_storage_options_come_from_the_workspace_the_environment_and_the_cli(tmp_path, s3, monkeypatch):
    monkeypatch.setenv("FAAS_ARTIFACTS_OPTIONS", json.dumps(s3.options))
    ws = faas.workspace(str(tmp_path / "a.db"), artifacts=s3.url, home=str(tmp_path / "h"))
    assert ws.settings.artifacts_options == s3.options
    ws.artifacts.write_bytes("probe/env.txt", b"from the environment")
    assert s3.fs.cat("faas/root/probe/env.txt") == b"from the environment"
    monkeypatch.setenv("FAAS_ARTIFACTS_OPTIONS", "not json")
    with pytest.raises(ValidationError, match="FAAS_ARTIFACTS_OPTIONS must be a JSON object"):
        faas.workspace(str(tmp_path / "b.db"), artifacts=s3.url, home=str(tmp_path / "h"))
    monkeypatch.delenv("FAAS_ARTIFACTS_OPTIONS")
    from faas_jupyter.cli import main
    code = main(["--db", str(tmp_path / "c.db"), "--artifacts", s3.url, "--artifacts-options",
                 json.dumps(s3.options), "--home", str(tmp_path / "h"), "whoami"])
    assert code == 0


def test_the_jupyter_server_takes_storage_options(tmp_path, s3):
    from faas_jupyter.server.app import FaasServer
    server = FaasServer(db_url=str(tmp_path / "srv.db"), artifacts=s3.url, home=str(tmp_path / "h"),
                        artifacts_options=json.dumps(s3.options), restart_services=False)
    try:
        assert server.base.settings.artifacts_options == s3.options
        server.base.artifacts.write_bytes("probe/server.txt", b"via --FaasServer.artifacts_options")
        assert s3.fs.cat("faas/root/probe/server.txt") == b"via --FaasServer.artifacts_options"
    finally:
        server.pool.shutdown(wait=False)
        server.base.close()
