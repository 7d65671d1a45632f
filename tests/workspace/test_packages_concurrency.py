"""Real processes: concurrent pushes and a push killed mid-transaction."""
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from sqlalchemy import func, select

import faas_jupyter as faas
from faas_jupyter.store.schema import blobs, manifests, revisions

pytestmark = pytest.mark.slow
RUNNER = b"class ServiceRunner:\n    def run(self):\n        pass\n"  # what the modules below declare

PUSHER = textwrap.dedent("""
    import os, sys, time
    import faas_jupyter as faas
    url, artifacts, n, go = sys.argv[1:5]
    ws = faas.workspace(url, artifacts=artifacts, user="tester")
    ws.store  # open (and migrate) before the start signal
    while not os.path.exists(go):
        time.sleep(0.005)
    pkg = ws.packages.push(codebase={"main.py": b"class ServiceRunner:\\n    def run(self):\\n        pass\\n# " + n.encode() + b"\\n"}, package_name="shared",
                           modules=[faas.PackageModule(functions=[faas.PackageFunction()])],
                           message=n)
    print(pkg.version)
""")

# Pauses the push inside its transaction (after its blobs and manifest, before the revision row),
# so the parent can SIGKILL it with the transaction open.
CRASHER = textwrap.dedent("""
    import sys, time
    from sqlalchemy import event
    import faas_jupyter as faas
    url, artifacts = sys.argv[1:3]
    ws = faas.workspace(url, artifacts=artifacts, user="tester")

    @event.listens_for(ws.store.engine, "before_cursor_execute")
    def pause(conn, cursor, statement, params, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO REVISIONS"):
            print("READY", flush=True)
            time.sleep(600)

    files = {f"f{i}.py": (f"# crash {i}\\n" * 100).encode() for i in range(50)}
    files["f0.py"] = b"class ServiceRunner:\\n    def run(self):\\n        pass\\n" + files["f0.py"]  # the class the module names
    ws.packages.push(codebase=files, package_name="shared",
                     modules=[faas.PackageModule(entry_point="f0.py", functions=[faas.PackageFunction()])])
""")


def _run(code, *args):
    return subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_eight_processes_push_contiguous_unique_versions(ws, tmp_path):
    ws.project  # the parent creates the default project (tester is owner)
    go = tmp_path / "go"
    procs = [_run(PUSHER, ws.settings.db_url, ws.settings.artifacts, str(i), str(go))
             for i in range(8)]
    time.sleep(1.0)  # let the children import and open the store
    go.touch()
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, [err for _, err in outs]
    printed = sorted(out.strip() for out, _ in outs)
    expected = [f"1.0.{i}" for i in range(8)]
    assert printed == expected
    revs = ws.packages.get("shared").revisions
    assert [r.version for r in revs] == expected
    assert sorted(r.message for r in revs) == [str(i) for i in range(8)]


def test_push_killed_mid_transaction_leaves_no_partial_revision(ws):
    first = ws.packages.push(codebase={"main.py": RUNNER + b"x = 1\n"}, package_name="shared",
                             modules=[faas.PackageModule(functions=[faas.PackageFunction()])])
    proc = _run(CRASHER, ws.settings.db_url, ws.settings.artifacts)
    try:
        line = proc.stdout.readline()
        assert line.strip() == "READY", proc.stderr.read()
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    reopened = faas.workspace(ws.settings.db_url, artifacts=ws.settings.artifacts, user="tester")
    assert [r.version for r in reopened.packages.get("shared").revisions] == ["1.0.0"]
    with reopened.store.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(revisions)) == 1
        assert conn.scalar(select(func.count()).select_from(manifests)) == 1  # the first one's
        assert conn.scalar(select(func.count()).select_from(blobs)) == 1
    again = reopened.packages.push(codebase={"main.py": RUNNER + b"x = 2\n"}, package_name="shared",
                                   modules=first.modules)
    assert again.version == "1.0.1"
