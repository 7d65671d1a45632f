"""Triggers across real host processes over one PostgreSQL registry (``faas serve`` x 3):
1,000 item events make exactly 1,000 executions, also when the home is SIGKILLed halfway;
a cron schedule catches up once after its home's outage."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).parent))
import trig_codebase as cb  # noqa: E402
from svc_lifecycle import stop_all  # noqa: E402

import faas_jupyter as faas  # noqa: E402
from faas_jupyter.store.schema import executions, hosts, services, trigger_events  # noqa: E402

pytestmark = pytest.mark.postgres
EVENTS = 1000


@pytest.fixture
def pg(postgres_url, tmp_path, tmp_home):
    art, home = str(tmp_path / "art"), str(tmp_path / "home")
    ws = faas.workspace(postgres_url, artifacts=art, user="tester", home=home)
    ws.project  # noqa: B018 (create "default" before the serve processes race to)
    procs: list[subprocess.Popen] = []
    yield ws, (postgres_url, art, home), procs
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stop_all()
    ws.close()


def serve(where, procs: list, env: dict) -> subprocess.Popen:
    db, art, home = where
    proc = subprocess.Popen([sys.executable, "-m", "faas_jupyter.cli", "--db", db, "--artifacts", art,
                             "--home", home, "--user", "tester", "serve"],
                            stdout=subprocess.PIPE, text=True, env={**os.environ, **env})
    procs.append(proc)
    assert proc.stdout.readline().startswith("faas serve: hosting project 'default'")
    return proc


def until(fn, what: str, timeout: float = 300.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def home_pid(ws, service_id: str) -> int | None:
    with ws.store.connect() as conn:
        home = conn.scalar(select(services.c.home).where(services.c.id == service_id))
        return conn.scalar(select(hosts.c.pid).where(hosts.c.id == home)) if home else None


def made(ws, trigger_id: str) -> list[dict]:
    with ws.store.connect() as conn:
        q = select(executions).where(executions.c.trigger_id == trigger_id)
        return [dict(r) for r in conn.execute(q).mappings()]


def test_1000_item_events_make_exactly_1000_executions_with_the_home_sigkilled_halfway(pg, tmp_path):
    ws, where, procs = pg
    env = {"FAAS_LEASE_SECONDS": "3", "FAAS_HEARTBEAT_SECONDS": "0.5"}
    for _ in range(3):
        serve(where, procs, env)
    svc = cb.deploy(ws, tmp_path, concurrency=4, on_reset="rerun")
    t = svc.triggers.create("on_item")                       # Once per item: Dataloop's default
    ids = [ws.items.log(i, key=f"k{i}").id for i in range(EVENTS // 2)]
    until(lambda: len(made(ws, t.id)) >= EVENTS // 4, "the home to be busy with the first half")
    victim = home_pid(ws, svc.id)
    os.kill(victim, signal.SIGKILL)                          # mid-batch: dispatching and running
    ids += [ws.items.log(i, key=f"k{i}").id for i in range(EVENTS // 2, EVENTS)]

    def finished():
        rows = made(ws, t.id)
        return len(rows) >= EVENTS and all(r["status"] == "success" for r in rows) and rows
    rows = until(finished, "every event's execution to succeed")
    assert home_pid(ws, svc.id) not in (None, victim)        # another host took the service over
    assert len(rows) == EVENTS                               # none missing, no duplicates
    assert len({r["trigger_event"] for r in rows}) == EVENTS and len({r["trigger_once"] for r in rows}) == EVENTS
    assert sorted(r["trigger_once"] for r in rows) == sorted(ids)
    with ws.store.connect() as conn:
        states = dict(conn.execute(select(trigger_events.c.outcome, func.count())
                                   .where(trigger_events.c.trigger_id == t.id)
                                   .group_by(trigger_events.c.outcome)).all())
    assert states == {"fired": EVENTS}                        # every event done, each fired once
    assert ws.triggers.get(t.id).stats.fire_count == EVENTS


def test_a_cron_schedule_catches_up_once_after_its_homes_outage(pg, tmp_path):
    ws, where, procs = pg
    # distinct machine names: only the lease (3 s) tells that a host died, a real outage
    first = serve(where, procs, {"FAAS_LEASE_SECONDS": "3", "FAAS_HEARTBEAT_SECONDS": "0.5",
                                 "FAAS_HOSTNAME": "machine-a"})
    svc = cb.deploy(ws, tmp_path)
    t = svc.triggers.create("tick", name="every-second", cron="* * * * * *")
    until(lambda: len(made(ws, t.id)) >= 2, "the schedule to fire on the first host")
    assert home_pid(ws, svc.id) == first.pid
    first.kill()
    first.wait()
    killed_at = datetime.now(timezone.utc)
    serve(where, procs, {"FAAS_LEASE_SECONDS": "3", "FAAS_HEARTBEAT_SECONDS": "0.5",
                         "FAAS_HOSTNAME": "machine-b"})
    until(lambda: [r for r in made(ws, t.id) if r["created_at"] > killed_at.isoformat()][2:],
          "the second host to adopt the service and fire")
    rows = sorted(made(ws, t.id), key=lambda r: r["trigger_event"])
    dues = [datetime.fromisoformat(r["trigger_event"].removeprefix("cron:")) for r in rows]
    assert len(set(dues)) == len(dues)
    gap = max(range(1, len(dues)), key=lambda i: dues[i] - dues[i - 1])
    assert (dues[gap] - dues[gap - 1]).total_seconds() >= 3      # the outage: no host fired
    missed = [r["metadata"]["event"]["missed"] for r in rows]
    assert missed[gap] >= 2                                       # one catch-up for the missed ticks
    assert [m for i, m in enumerate(missed) if i != gap and i > 0] == [0] * (len(missed) - 2)
