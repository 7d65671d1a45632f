"""Cron triggers: the firing plan (on time, after an outage with catchUp one / none, endAt),
and a live schedule firing on time on its service's home, paused and resumed."""
from __future__ import annotations

import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import trig_codebase as cb  # noqa: E402
from svc_lifecycle import _stop_services  # noqa: E402,F401

from faas_jupyter.model.triggers import Trigger  # noqa: E402
from faas_jupyter.workspace._firing import plan  # noqa: E402

WAIT = 60.0  # a correctness bound, not a speed claim


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def cron(spec: str, **kw) -> Trigger:
    return Trigger("c", "svc", type="Cron", cron=spec, **kw)


@pytest.mark.parametrize("catch_up", ["one", "none"])
def test_on_time_fires_the_due_time(catch_up):
    fire_at, missed, following = plan(cron("*/5 * * * *", catch_up=catch_up), at("2026-12-01 10:05:00"),
                                      at("2026-12-01 10:05:00.030"))
    assert (fire_at, missed, following) == (at("2026-12-01 10:05:00"), 0, at("2026-12-01 10:10:00"))


def test_after_an_outage_catch_up_one_fires_once_at_the_latest_due_time():
    fire_at, missed, following = plan(cron("*/5 * * * *"), at("2026-12-01 10:05:00"), at("2026-12-01 10:32:10"))
    assert (fire_at, missed, following) == (at("2026-12-01 10:30:00"), 5, at("2026-12-01 10:35:00"))


def test_after_an_outage_catch_up_none_skips_what_was_missed():
    t = cron("*/5 * * * *", catch_up="none")
    assert plan(t, at("2026-12-01 10:05:00"), at("2026-12-01 10:32:10")) == (None, 6, at("2026-12-01 10:35:00"))
    # a due time within the grace second still fires: it is now, not missed
    assert plan(t, at("2026-12-01 10:05:00"), at("2026-12-01 10:30:00.400"))[0] == at("2026-12-01 10:30:00")


def test_a_long_outage_does_not_walk_every_tick():
    started = time.perf_counter()
    fire_at, _, following = plan(cron("* * * * * *"), at("2020-01-01 00:00:00"), at("2026-12-01 10:00:00.5"))
    assert (fire_at, following) == (at("2026-12-01 10:00:00"), at("2026-12-01 10:00:01"))
    assert time.perf_counter() - started < 30  # one day of seconds at most, never six years


def test_end_at_stops_the_schedule_and_caps_a_catch_up():
    t = cron("0 * * * *", end_at="2026-12-01T12:00:00+00:00")
    assert plan(t, at("2026-12-01 10:00:00"), at("2026-12-01 15:20:00")) == (at("2026-12-01 12:00:00"), 2, None)


# -- live ------------------------------------------------------------------------------------------
@pytest.fixture
def svc(ws, tmp_path):
    return cb.deploy(ws, tmp_path)


def wait_for(trigger, n: int) -> list:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        made = [ex for ex in trigger.executions(limit=500) if ex.done]
        if len(made) >= n:
            return sorted(made, key=lambda ex: ex.trigger["eventId"])
        time.sleep(0.05)
    raise AssertionError(f"{trigger.name} made {len(trigger.executions())} executions, expected {n}")


def due_of(ex) -> datetime:
    return datetime.fromisoformat(ex.trigger["eventId"].removeprefix("cron:"))


def test_a_schedule_fires_on_time_on_its_home(ws, svc):
    t = svc.triggers.create("tick", name="every-second", cron="* * * * * *", input={"n": 2})
    made = wait_for(t, 3)[:3]
    dues = [due_of(ex) for ex in made]
    assert len(set(dues)) == 3 and all(d.microsecond == 0 for d in dues)
    for ex, due in zip(made, dues):
        assert ex.status == "success" and ex.input == {"n": 2}
        started = datetime.fromisoformat(ex.started_at)
        assert abs((started - due).total_seconds()) <= 1.0, (ex.started_at, due)   # on time, +-1 s
        assert ex._metadata["event"]["missed"] == 0
    fresh = ws.triggers.get(t.id)
    assert fresh.stats.fire_count >= 3 and fresh.stats.next_fire_at > dues[-1].isoformat()


def test_paused_service_does_not_fire_then_catches_up_once(ws, svc):
    t = svc.triggers.create("tick", name="every-second", cron="* * * * * *")
    wait_for(t, 1)
    svc.pause()
    time.sleep(0.5)  # let a fire that was already under way end
    before = len(t.executions(limit=500))
    time.sleep(3.0)  # three due times pass while paused
    assert len(t.executions(limit=500)) == before
    svc.resume()
    svc.execute("tick", {})  # the home runs the service again
    made = wait_for(t, before + 2)
    after = [ex for ex in made if ex._metadata["event"]["missed"] > 0]
    assert len(after) == 1 and after[0]._metadata["event"]["missed"] >= 2  # once, not per missed tick


def test_inactive_cron_trigger_does_not_fire(ws, svc):
    t = svc.triggers.create("tick", name="off", cron="* * * * * *", active=False)
    assert t.stats.next_fire_at is None
    svc.execute("tick", {})
    time.sleep(1.5)
    assert t.executions() == []
