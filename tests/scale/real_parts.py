"""Real components for the scale-out tests, started by the fixtures and stopped by PID.

``dask_cluster``: a ``dask scheduler`` and two ``dask worker`` processes (no nanny, one
thread each) on free ports; the workers import this checkout's faas_jupyter and have
their own FAAS_HOME and no AWS credentials, so whatever they reach they reach through
the service. ``s3``: an S3-compatible ``moto_server`` on a free port with a bucket.
Under CI=true a missing dependency fails instead of skipping.
"""
from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def need(module: str, extra: str) -> None:
    if importlib.util.find_spec(module) is not None:
        return
    if os.environ.get("CI", "").lower() == "true":  # never a silent pass in CI
        pytest.fail(f"CI=true but {module} is not installed (pip install -e '.[{extra}]')", pytrace=False)
    pytest.skip(f"{module} is not installed (the {extra} extra)", allow_module_level=True)




def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen, grace: float = 10.0) -> None:
    """SIGTERM, then SIGKILL after ``grace`` seconds: by this process's PID only."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def _env(home: Path, pythonpath: str | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "FAAS_"))}
    env.update(PYTHONPATH=pythonpath or str(ROOT), FAAS_HOME=str(home), DASK_DISTRIBUTED__WORKER__DAEMON="False")
    return env


def start_cluster(base: Path, workers: int = 2, pythonpath: str | None = None) -> SimpleNamespace:
    from distributed import Client
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = base / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    procs = []
    scheduler = subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                  "--no-dashboard"], env=_env(base / "scheduler-home"),
                                 stdout=open(logs / "scheduler.log", "w"), stderr=subprocess.STDOUT)
    procs.append(scheduler)
    cluster = SimpleNamespace(address=address, scheduler=scheduler, workers=[], home=base / "worker-home")
    try:
        for i in range(workers):
            cluster.workers.append(subprocess.Popen(
                [str(BIN / "dask"), "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                 "--name", f"w{i}", "--local-directory", str(base / f"w{i}")],
                env=_env(cluster.home, pythonpath), stdout=open(logs / f"worker{i}.log", "w"),
                stderr=subprocess.STDOUT))
        deadline = time.monotonic() + 90
        while True:
            try:
                with Client(address, timeout="5s", set_as_default=False) as client:
                    client.wait_for_workers(workers, timeout=60)
                    cluster.worker_pids = client.run(os.getpid)  # {address: pid}
                break
            except OSError:
                if time.monotonic() > deadline or scheduler.poll() is not None:
                    raise
                time.sleep(0.5)
    except BaseException:
        stop_cluster(cluster)
        raise
    return cluster


def stop_cluster(cluster: SimpleNamespace) -> None:
    for proc in [*cluster.workers, cluster.scheduler]:
        stop(proc)


