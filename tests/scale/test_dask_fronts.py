"""The scheduler reaches the deploy of every front end: CLI, %faas and REST (on a real cluster)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from real_parts import need  # noqa: E402

need("distributed", "dask")


def test_faas_deploy_takes_the_scheduler(lws, dask_cluster, capsys):
    from faas_jupyter.cli import main
    code = main(["--db", lws.settings.db_url, "--artifacts", lws.settings.artifacts, "--user", "tester",
                 "--home", str(lws.settings.home), "--json", "deploy", "scalepkg", "--service", "clisvc",
                 "--runtime", "dask", "--scheduler", dask_cluster.address, "--shared-filesystem",
                 "--no-install-requirements"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and (out["scheduler"], out["sharedFilesystem"], out["installRequirements"]) == \
        (dask_cluster.address, True, False)
    svc = lws.services.get("clisvc")
    assert svc.scheduler == dask_cluster.address and svc.execute("pid").output in dask_cluster.worker_pids.values()


def test_rest_deploy_takes_the_scheduler(lws, dask_cluster):
    from faas_jupyter.server.services import deploy
    out = deploy(lws, {"name": "restsvc", "package": "scalepkg", "runtime": "dask",
                       "scheduler": dask_cluster.address, "sharedFilesystem": True})
    assert out["scheduler"] == dask_cluster.address and out["runtime"] == "dask"
    assert lws.services.get("restsvc").execute("add", {"x": 4}).output == 4


def test_percent_faas_deploy_takes_the_scheduler(lws, dask_cluster, capsys):
    from IPython.testing.globalipapp import get_ipython
    shell = get_ipython()
    shell.run_line_magic("load_ext", "faas_jupyter")
    magics = shell.magics_manager.registry["FaasMagics"]
    magics.ws = lws
    magics.faas(f"deploy scalepkg --service magicsvc --runtime dask --scheduler {dask_cluster.address} "
                "--shared-filesystem")
    assert "magicsvc deployed" in capsys.readouterr().out
    svc = lws.services.get("magicsvc")
    assert (svc.runtime, svc.scheduler, svc.shared_filesystem) == ("dask", dask_cluster.address, True)
