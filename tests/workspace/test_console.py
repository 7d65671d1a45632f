"""``ws.console``: sorted, filtered pages with totals over many rows, chart aggregates,
incremental log lines, items of the whole project and their lineage (SQLite and PostgreSQL)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest

from faas_jupyter.errors import PermissionDenied, ValidationError
from faas_jupyter.store.executions import insert_executions
from faas_jupyter.workspace.console import ExecutionFilter, percentile

CODE = '''
from faas_jupyter import BaseServiceRunner
import pandas as pd


class ServiceRunner(BaseServiceRunner):
    def double(self, table: pd.DataFrame) -> pd.DataFrame:
        print("doubling")
        print("done")
        return table * 2

    def add(self, x: int) -> int:
        return x + 1
'''
T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
STATUSES = ("success", "failed", "in-progress", "terminated")


def _rows(project_id: str, n: int) -> list[dict]:
    """``n`` recorded executions, one a minute, of two functions and three users."""
    out = []
    for i in range(n):
        ts = (T0 + timedelta(minutes=i)).isoformat(timespec="microseconds")
        status = STATUSES[i % 4]
        out.append({"id": f"{i:032x}", "project_id": project_id, "service_id": None,
                    "service_name": "svc" if i % 2 else "other", "package_name": "p", "revision": "1.0.0",
                    "module_name": "m", "function_name": "f" if i % 3 else "g", "status": status,
                    "input": {}, "output": None, "error": None, "attempts": 1, "max_attempts": 1,
                    "created_at": ts, "started_at": ts, "finished_at": None,
                    "duration": None if status == "in-progress" else float(i % 10), "creator": f"u{i % 3}",
                    "rerun_of": None, "metadata": {}})
    return out


@pytest.fixture
def seeded(ws, request):
    n = 100_000 if "sqlite" in ws.settings.db_url else 2_000  # the paging claim, where it is cheap
    rows = _rows(ws.project.id, n)  # the project first: creating it is a write of its own
    with ws.store.transaction() as conn:
        insert_executions(conn, rows)
    return n


def test_pages_sort_filter_and_count_over_many_rows(ws, seeded):
    page, total = ws.console.executions(limit=50, offset=0)
    assert total == seeded and len(page) == 50
    assert page[0].id == f"{seeded - 1:032x}"  # newest first
    last, _ = ws.console.executions(limit=50, offset=seeded - 10)
    assert [e.id for e in last] == [f"{i:032x}" for i in range(9, -1, -1)]

    flt = ExecutionFilter(service="svc", status=["failed"], user="u1")
    page, total = ws.console.executions(flt, limit=500)
    expected = [i for i in range(seeded) if i % 2 and i % 4 == 1 and i % 3 == 1]
    assert total == len(expected)
    assert {(e.service, e.status.value, e.creator) for e in page} == {("svc", "failed", "u1")}

    since = (T0 + timedelta(minutes=100)).isoformat()
    until = (T0 + timedelta(minutes=110)).isoformat()
    page, total = ws.console.executions(ExecutionFilter(since=since, until=until), sort="created",
                                        descending=False)
    assert total == 10 and [e.id for e in page] == [f"{i:032x}" for i in range(100, 110)]

    by_duration, _ = ws.console.executions(sort="duration", descending=True, limit=3)
    assert [e.duration for e in by_duration] == [9.0, 9.0, 9.0]
    with pytest.raises(ValidationError, match="cannot sort executions by 'color'"):
        ws.console.executions(sort="color")
    values = ws.console.filter_values()
    assert (values["services"], values["functions"], values["users"]) == (
        ["other", "svc"], ["f", "g"], ["u0", "u1", "u2"])


def test_stats_stack_statuses_over_time_and_give_duration_percentiles(ws, seeded):
    flt = ExecutionFilter(until=(T0 + timedelta(minutes=120)).isoformat())
    stats = ws.console.stats(flt)
    assert stats["bucket"] == "minute"  # two hours of data
    assert len(stats["overTime"]) == 120
    assert stats["overTime"][1] == {"t": "2026-01-01T00:01", "counts": {"failed": 1}}
    assert sum(sum(b["counts"].values()) for b in stats["overTime"]) == 120
    by_fn = {d["function"]: d for d in stats["durations"]}
    g = sorted(float(i % 10) for i in range(0, 120, 3) if i % 4 != 2)
    assert by_fn["g"]["count"] == len(g)
    assert by_fn["g"]["p50"] == pytest.approx(percentile(g, 0.5))
    assert by_fn["g"]["p95"] == pytest.approx(percentile(g, 0.95))
    assert sum(stats["histogram"]["counts"]) == 90  # the in-progress quarter has no duration
    assert ws.console.stats()["bucket"] == ("day" if seeded > 20_000 else "hour")


def test_percentile_matches_linear_interpolation():
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert percentile([0.0, 10.0], 0.95) == pytest.approx(9.5)
    assert percentile([7.0], 0.95) == 7.0


def _service(ws, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "main.py").write_text(CODE)
    ws.packages.push(src, package_name="tables")
    return ws.packages.get("tables").deploy(service_name="tables-svc", runtime="kernel")


def test_log_lines_come_after_an_offset_and_lineage_links_items(ws, tmp_path):
    svc = _service(ws, tmp_path)
    ws.datasets.create("raw")
    source = ws.items.log(pd.DataFrame({"a": [1, 2]}), key="source_table", dataset="raw")
    ws.items.log({"note": 1}, key="loose_note")  # no dataset: still an item of the project
    ex = svc.execute("double", {"table": source.id})
    assert ex.status == "success", ex.error

    first = ws.console.log_lines(ex.id)
    assert "".join(line["text"] for line in first["lines"]) == "doubling\ndone\n"
    assert ws.console.log_lines(ex.id, after=first["next"])["lines"] == []

    items, total = ws.console.items()
    assert total == 3 and [i["key"] for i in items][1:] == ["loose_note", "source_table"]  # newest first
    produced = next(i for i in items if i["execution"] == ex.id)
    assert (produced["executionService"], produced["executionFunction"]) == ("tables-svc", "double")
    found, n = ws.console.items(search="SOURCE")
    assert n == 1 and found[0]["dataset"] == "raw"
    found, n = ws.console.items(execution=ex.id[:8])
    assert n == 1 and found[0]["id"] == produced["id"]
    assert ws.console.items(dataset="raw")[1] == 1
    assert set(ws.console.item_types()) == {i["artifactType"] for i in items}

    lineage = ws.console.lineage(produced["id"])
    assert lineage["producedBy"].id == ex.id
    assert lineage["revision"] == {"package": "tables", "version": "1.0.0"}
    assert lineage["inputs"] == [{"input": "table", "id": source.id, "key": "source_table",
                                  "artifactType": source.artifact_type}]
    used = ws.console.lineage(source.id)
    assert used["producedBy"] is None and [e.id for e in used["usedBy"]] == [ex.id]


def test_rerun_with_edited_inputs_keeps_the_others(ws, tmp_path):
    svc = _service(ws, tmp_path)
    ex = svc.execute("add", {"x": 1})
    again = ex.rerun(input={"x": 41})
    assert (again.output, again.input, again.status.value) == (42, {"x": 41}, "success")


def test_non_members_read_nothing(ws, tmp_path):
    ws.project  # noqa: B018 (created, tester owns it)
    stranger = ws.as_user("mallory")
    with pytest.raises(PermissionDenied, match="mallory"):
        stranger.console.executions()
    with pytest.raises(PermissionDenied):
        stranger.console.items()


@pytest.mark.parametrize("sort", ["created", "duration", "status", "user"])
@pytest.mark.parametrize("descending", [True, False])
def test_pages_from_either_end_tile_the_whole_order(ws, sort, descending):
    rows = _rows(ws.project.id, 203)  # pages past the middle are read from the other end
    with ws.store.transaction() as conn:
        insert_executions(conn, rows)
    everything, total = ws.console.executions(sort=sort, descending=descending, limit=500)
    paged = []
    for offset in range(0, total, 20):
        page, _ = ws.console.executions(sort=sort, descending=descending, limit=20, offset=offset)
        paged += [e.id for e in page]
    assert total == 203 and paged == [e.id for e in everything]
    if sort == "duration":  # unfinished runs (no duration) come last either way
        assert all(e.duration is None for e in everything[-50:]) and everything[0].duration is not None
