"""The Trigger entity (Dataloop's JSON), its cron parser and its filter language."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from faas_jupyter.errors import ValidationError
from faas_jupyter.model.cron import parse_cron
from faas_jupyter.model.trigger_filter import check_filter, matches
from faas_jupyter.model.triggers import Trigger


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


# -- cron ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("spec, after, due", [
    ("*/5 * * * *", "2026-12-01 01:30:10", "2026-12-01 01:35:00"),
    ("*/5 * * * *", "2026-12-01 01:35:00", "2026-12-01 01:40:00"),   # strictly after
    ("0 3 * * MON", "2026-12-01 01:30:00", "2026-12-07 03:00:00"),   # 2026-12-01 is a Tuesday
    ("0 3 * * 0", "2026-12-01 01:30:00", "2026-12-06 03:00:00"),     # 0 = Sunday
    ("0 3 * * 7", "2026-12-01 01:30:00", "2026-12-06 03:00:00"),     # 7 = Sunday too
    ("0 0 29 2 *", "2026-12-01 00:00:00", "2028-02-29 00:00:00"),    # leap day
    ("0 0 1,15 * FRI", "2026-12-01 00:00:01", "2026-12-04 00:00:00"),  # dom OR dow when both set
    ("30 23 31 DEC *", "2026-12-01 00:00:00", "2026-12-31 23:30:00"),
    ("0 9-17/4 * * *", "2026-12-01 09:00:00", "2026-12-01 13:00:00"),
    ("*/2 * * * * *", "2026-12-01 01:30:10.5", "2026-12-01 01:30:12"),  # optional seconds field
    ("59 23 31 12 *", "2026-12-31 23:59:00", "2027-12-31 23:59:00"),
])
def test_cron_next_fire(spec, after, due):
    assert parse_cron(spec).next_after(at(after)) == at(due)


@pytest.mark.parametrize("spec, field", [
    ("* * *", "3 fields"), ("61 * * * *", "minute field '61'"), ("* 24 * * *", "hour field"),
    ("* * 0 * *", "day-of-month field"), ("* * * 13 *", "month field"), ("* * * * MOON", "day-of-week"),
    ("*/0 * * * *", "minute field"), ("5-1 * * * *", "minute field"), ("0 0 30 2 *", "never fires"),
    ("", "expected a cron spec"),
])
def test_bad_cron_names_the_field_and_the_fix(spec, field):
    with pytest.raises(ValidationError) as err:
        parse_cron(spec, "spec.cron")
    assert err.value.path == "spec.cron"
    assert field in err.value.message and "'*/5 * * * *'" in err.value.message


# -- filters -------------------------------------------------------------------------------------
DOC = {"id": "i1", "key": "scores", "dataset": "raw", "size": 10,
       "metadata": {"user": {"score": 0.7, "tags": ["a", "b"], "flag": None}}}


@pytest.mark.parametrize("query, expected", [
    ({}, True), (None, True),
    ({"dataset": "raw"}, True), ({"dataset": "other"}, False),
    ({"dataset": "raw", "key": "scores"}, True), ({"dataset": "raw", "key": "x"}, False),
    ({"metadata.user.score": {"$gt": 0.5}}, True), ({"metadata.user.score": {"$gt": 0.7}}, False),
    ({"metadata.user.score": {"$gte": 0.7, "$lt": 1}}, True), ({"size": {"$lte": 9}}, False),
    ({"key": {"$in": ["a", "scores"]}}, True), ({"key": {"$nin": ["a", "scores"]}}, False),
    ({"key": {"$ne": "x"}}, True), ({"key": {"$eq": "scores"}}, True),
    ({"metadata.user.flag": {"$exists": True}}, True), ({"metadata.user.nope": {"$exists": True}}, False),
    ({"metadata.user.nope": {"$exists": False}}, True), ({"metadata.user.nope": None}, False),
    ({"metadata.user.tags.1": "b"}, True), ({"metadata.user.tags": ["a", "b"]}, True),
    ({"$or": [{"key": "x"}, {"dataset": "raw"}]}, True), ({"$or": [{"key": "x"}, {"dataset": "y"}]}, False),
    ({"$and": [{"key": "scores"}, {"size": {"$gt": 5}}]}, True),
    ({"$and": [{"key": "scores"}, {"$or": [{"size": 1}, {"size": 2}]}]}, False),
    ({"key": {"$gt": 3}}, False),    # a string never orders against a number
    ({"size": {"$gt": "3"}}, False),
])
def test_filter_matches(query, expected):
    if query is not None:
        check_filter(query)
    assert matches(query, DOC) is expected


@pytest.mark.parametrize("query, path", [
    ([], "filter"), ({"$and": {}}, "filter.$and"), ({"$or": []}, "filter.$or"),
    ({"$nor": []}, "filter.$nor"), ({"a": {"$regex": "x"}}, "filter.a.$regex"),
    ({"a": {"$in": "x"}}, "filter.a.$in"), ({"a": {"$exists": 1}}, "filter.a.$exists"),
    ({"a": {"$gt": [1]}}, "filter.a.$gt"), ({"$and": [{"b": 1}, {"c": {"$bad": 1}}]}, "filter.$and[1].c.$bad"),
    ({"a..b": 1}, "filter.a..b"),
])
def test_bad_filter_names_its_path(query, path):
    with pytest.raises(ValidationError) as err:
        check_filter(query)
    assert err.value.path == path


# -- the entity ----------------------------------------------------------------------------------
def test_event_trigger_json_is_dataloops_shape_and_round_trips():
    t = Trigger("on-new", "svc", function="handle", actions=["Created", "Updated"],
                filter={"dataset": "raw"}, execution_mode="Always", input={"tag": "x"})
    d = t.to_json()
    assert d["type"] == "Event" and d["active"] is True
    assert d["spec"] == {"filter": {"dataset": "raw"}, "resource": "Item", "actions": ["Created", "Updated"],
                         "executionMode": "Always", "input": {"tag": "x"},
                         "operation": {"type": "function", "serviceName": "svc", "functionName": "handle"}}
    assert set(d["stats"]) == {"lastFiredAt", "nextFireAt", "fireCount", "failureCount"}
    assert Trigger.from_json(d) == t


def test_cron_trigger_json_round_trips_and_infers_its_type():
    t = Trigger("nightly", "svc", type="Cron", cron="0 3 * * *", start_at="2026-01-01T00:00:00+00:00",
                catch_up="none")
    d = t.to_json()
    assert d["spec"]["cron"] == "0 3 * * *" and d["spec"]["catchUp"] == "none"
    del d["type"]
    assert Trigger.from_json(d) == t


def test_dataloop_defaults():
    t = Trigger.from_json({"spec": {"operation": {"serviceName": "svc"}}})
    assert (t.name, t.function, t.type, t.resource, t.actions, t.execution_mode) == \
        ("svc", "run", "Event", "Item", ["Created"], "Once")


@pytest.mark.parametrize("d, path, words", [
    ({"type": "Cron", "spec": {"cron": "* * *"}}, "spec.cron", "3 fields"),
    ({"type": "Cron", "spec": {}}, "spec.cron", "needs a cron spec"),
    ({"spec": {"actions": ["Made"]}}, "spec.actions[0]", "Created, Updated, Deleted"),
    ({"spec": {"actions": []}}, "spec.actions", "empty"),
    ({"spec": {"resource": "Task"}}, "spec.resource", "Item, Dataset, Annotation"),
    ({"spec": {"executionMode": "Twice"}}, "spec.executionMode", "Once, Always"),
    ({"spec": {"filter": {"a": {"$x": 1}}}}, "spec.filter.a.$x", "unknown operator"),
    ({"type": "Webhook"}, "type", "Event, Cron"),
    ({"type": "Cron", "spec": {"cron": "* * * * *", "catchUp": "all"}}, "spec.catchUp", "one, none"),
    ({"type": "Cron", "spec": {"cron": "* * * * *", "startAt": "yesterday"}}, "spec.startAt", "ISO-8601"),
    ({"type": "Cron", "spec": {"cron": "* * * * *", "startAt": "2026-01-02T00:00:00"}}, "spec.startAt",
     "no timezone"),
    ({"type": "Cron", "spec": {"cron": "* * * * *", "startAt": "2026-01-02T00:00:00+00:00",
                               "endAt": "2026-01-01T00:00:00+00:00"}}, "spec.endAt", "not after"),
    ({"spec": {"input": []}}, "spec.input", "object"),
    ({"name": "bad name"}, "name", "invalid trigger name"),
    ({"spec": {"operation": {"functionName": "1x"}}}, "spec.operation.functionName", "identifier"),
])
def test_from_json_errors_carry_the_json_path(d, path, words):
    spec = d.setdefault("spec", {})
    spec.setdefault("operation", {}).setdefault("serviceName", "svc")
    with pytest.raises(ValidationError) as err:
        Trigger.from_json(d)
    assert err.value.path == path and words in err.value.message


def test_missing_service_is_named():
    with pytest.raises(ValidationError) as err:
        Trigger.from_json({"name": "x", "spec": {}})
    assert err.value.path == "spec.operation.serviceName"


def test_next_fire_respects_start_and_end():
    t = Trigger("c", "svc", type="Cron", cron="0 * * * *", start_at="2026-12-01T05:00:00+00:00",
                end_at="2026-12-01T07:00:00+00:00")
    assert t.next_fire(at("2026-12-01 01:10:00")) == at("2026-12-01 05:00:00")  # start is a due time
    assert t.next_fire(at("2026-12-01 05:00:00")) == at("2026-12-01 06:00:00")
    assert t.next_fire(at("2026-12-01 06:00:00")) == at("2026-12-01 07:00:00")
    assert t.next_fire(at("2026-12-01 07:00:00")) is None                       # ended
    late = Trigger("c", "svc", type="Cron", cron="0 * * * *", start_at="2026-12-01T05:30:00+00:00")
    assert late.next_fire(at("2026-12-01 01:00:00")) == at("2026-12-01 06:00:00")
