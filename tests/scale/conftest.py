"""Fixtures of the scale-out tests: a real Dask cluster and an S3-compatible server
(``real_parts`` starts them; each is stopped by its PID)."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import cluster_svc as cs  # noqa: E402
from real_parts import BIN, free_port, need, start_cluster, stop, stop_cluster  # noqa: E402


@pytest.fixture
def lws(tmp_path):
    """A workspace whose artifact root is a local folder (shared with the local test workers)."""
    yield from cs.pushed_workspace(tmp_path, artifacts=str(tmp_path / "artifacts"))


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    cluster = start_cluster(tmp_path_factory.mktemp("cluster"))
    yield cluster
    stop_cluster(cluster)


@pytest.fixture
def fresh_cluster(tmp_path):
    """A cluster of its own, for tests that kill a worker."""
    cluster = start_cluster(tmp_path / "cluster")
    yield cluster
    stop_cluster(cluster)


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    """An S3-compatible server (moto) on a free port, with bucket ``faas``; its storage options."""
    need("moto", "test")
    need("s3fs", "test")
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    proc = subprocess.Popen([str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                            stdout=open(log, "w"), stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{port}"
    options = {"endpoint_url": endpoint, "key": "testing-key", "secret": "testing-secret"}
    try:
        import s3fs
        deadline = time.monotonic() + 30
        while True:
            try:
                fs = s3fs.S3FileSystem(**options, skip_instance_cache=True)
                fs.mkdir("faas")
                break
            except Exception:  # noqa: BLE001 (not listening yet)
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.3)
        yield SimpleNamespace(url="s3://faas/root", options=options, endpoint=endpoint, fs=fs, pid=proc.pid)
    finally:
        stop(proc)
