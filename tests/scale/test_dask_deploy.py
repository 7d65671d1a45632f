"""Deploying onto an external Dask cluster (a real `dask scheduler` + two `dask worker`s):
the address is stored with the service and any process executing it submits there; what
cannot work is refused at deploy with one FaasError and no Client left behind."""
from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from real_parts import need  # noqa: E402

need("distributed", "dask")

import faas_jupyter as faas  # noqa: E402
from faas_jupyter.errors import FaasError, ValidationError  # noqa: E402

faas.workspace  # resolve the function before cluster_svc's import of the package shadows it


def open_clients() -> int:
    from distributed import Client
    return sum(1 for c in gc.get_objects() if isinstance(c, Client) and c.status not in ("closed", "closing"))


def test_a_service_deployed_on_a_scheduler_runs_there_for_every_process(lws, dask_cluster, tmp_path):
    svc = lws.packages.get("scalepkg").deploy(service_name="remote", runtime="dask", init_input={"scale": 3},
                                              scheduler=dask_cluster.address, shared_filesystem=True)
    ex = svc.execute("add", {"x": 7})
    assert (ex.status, ex.output) == ("success", 21)
    assert svc.execute("pid").output in dask_cluster.worker_pids.values()
    stored = faas.workspace(lws.settings.db_url, artifacts=lws.settings.artifacts, user="tester",
                            home=str(tmp_path / "home2")).services.get("remote")
    assert (stored.scheduler, stored.shared_filesystem, stored.to_json()["scheduler"]) == \
        (dask_cluster.address, True, dask_cluster.address)
    # another OS process executing the service submits to the same cluster
    child = subprocess.run(
        [sys.executable, "-c", "import sys, faas_jupyter as f; ws = f.workspace(sys.argv[1], "
         "artifacts=sys.argv[2], user='tester', home=sys.argv[3]); "
         "ex = ws.services.get('remote').execute('pid'); print(ex.status, ex.output)",
         lws.settings.db_url, lws.settings.artifacts, str(tmp_path / "home3")],
        capture_output=True, text=True, timeout=180)
    status, pid = child.stdout.split()[-2:]
    assert status == "success" and int(pid) in dask_cluster.worker_pids.values(), child.stderr[-2000:]


def test_a_local_artifact_root_is_refused_for_remote_workers_without_a_shared_filesystem(lws, dask_cluster):
    before = open_clients()
    with pytest.raises(FaasError) as err:
        lws.packages.get("scalepkg").deploy(service_name="refused", runtime="dask",
                                            scheduler=dask_cluster.address)
    message = str(err.value)
    assert "is a folder on this machine" in message and "shared_filesystem=True" in message
    assert "refused" not in lws.services and open_clients() == before


def test_a_scheduler_needs_runtime_dask_and_a_valid_address(lws, dask_cluster):
    with pytest.raises(ValidationError, match="runtime 'dask'"):
        lws.packages.get("scalepkg").deploy(service_name="k", scheduler=dask_cluster.address)
    with pytest.raises(ValidationError, match="invalid Dask scheduler address"):
        lws.packages.get("scalepkg").deploy(service_name="k", runtime="dask", scheduler="tcp://a b")


def test_an_unreachable_scheduler_is_one_error_and_no_client(lws):
    from real_parts import free_port
    before = open_clients()
    address = f"tcp://127.0.0.1:{free_port()}"
    with pytest.raises(FaasError, match="cannot reach the Dask scheduler"):
        lws.packages.get("scalepkg").deploy(service_name="nowhere", runtime="dask", scheduler=address,
                                            shared_filesystem=True)
    assert "nowhere" not in lws.services and open_clients() == before


def test_workers_that_cannot_import_faas_jupyter_fail_the_deploy_once(lws, tmp_path):
    from real_parts import start_cluster, stop_cluster
    shadow = tmp_path / "shadow" / "faas_jupyter"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('faas_jupyter is not installed here')\n")
    cluster = start_cluster(tmp_path / "bare", workers=1, pythonpath=str(shadow.parent))
    try:
        before = open_clients()
        with pytest.raises(FaasError) as err:
            lws.packages.get("scalepkg").deploy(service_name="bare", runtime="dask", scheduler=cluster.address,
                                                shared_filesystem=True)
        assert "cannot import faas_jupyter" in str(err.value) and "pip install" in str(err.value)
        assert str(err.value).count("\n") == 0 and open_clients() == before
    finally:
        stop_cluster(cluster)


def test_gc_keeps_the_codebase_zip_workers_load_the_service_from(lws, dask_cluster):
    from faas_jupyter.runner.runtimes.base import codebase_path
    svc = lws.packages.get("scalepkg").deploy(service_name="kept", runtime="dask",
                                              scheduler=dask_cluster.address, shared_filesystem=True)
    digest = lws.packages.get("scalepkg").revisions[-1].codebase_digest
    assert lws.artifacts.exists(codebase_path(digest))
    lws.gc(min_age=0)
    assert lws.artifacts.exists(codebase_path(digest)) and svc.execute("add", {"x": 1}).output == 1


def test_update_changes_where_it_runs_and_a_refused_change_saves_nothing(lws, dask_cluster, capsys):
    svc = lws.packages.get("scalepkg").deploy(service_name="moving", runtime="dask",
                                              scheduler=dask_cluster.address, shared_filesystem=True)
    with pytest.raises(FaasError, match="is a folder on this machine"):
        svc.update(shared_filesystem=False)
    assert lws.services.get("moving").shared_filesystem is True
    svc.update(install_requirements=False)
    assert "install_requirements: True -> False" in capsys.readouterr().out
    stored = lws.services.get("moving")
    assert (stored.install_requirements, stored.scheduler) == (False, dask_cluster.address)
    assert stored.execute("add", {"x": 5}).output == 5
