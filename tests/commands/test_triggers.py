"""The ``triggers`` command (``%faas trigger``, ``faas triggers``) on a real workspace: create
event and cron triggers from flags, list, show, activate, deactivate, delete; each mistake is
one error naming the flag and the fix, and stores nothing."""
from __future__ import annotations

import pytest

from faas_jupyter.commands import COMMANDS
from faas_jupyter.commands.triggers import parse_on
from faas_jupyter.errors import NotFound, ValidationError

MAIN = '''
import dtlpy as dl
from faas_jupyter import BaseServiceRunner


class ServiceRunner(BaseServiceRunner):
    def on_item(self, item: dl.Item, tag: str = "x"):
        return tag

    def tick(self, n: int = 1):
        return n
'''


@pytest.fixture
def svc(ws, tmp_path):
    src = tmp_path / "trig"
    src.mkdir()
    (src / "main.py").write_text(MAIN)
    ws.packages.push(str(src), package_name="trig")
    yield ws.packages.get("trig").deploy(service_name="ts", runtime="kernel")
    for s in ws.services.list():
        ws.services.delete(s.name)


def run(ws, *words, **flags):
    cmd = COMMANDS["triggers"]
    data = cmd(ws, words=list(words), **flags)
    return data, cmd.text(data), cmd.json(data)


def test_on_flags_read_like_the_issue():
    assert parse_on("item:created") == ("Item", ["Created"])
    assert parse_on("Dataset:Created,updated, deleted") == ("Dataset", ["Created", "Updated", "Deleted"])
    for text, message in (("itm:created", "unknown resource 'itm'; use item, dataset, annotation"),
                          ("item", "names no action; add one of created, updated, deleted after ':'"),
                          ("item:made", "unknown action 'made'")):
        with pytest.raises(ValidationError, match=message):
            parse_on(text)


def test_create_list_show_toggle_delete(ws, svc):
    _, text, as_json = run(ws, "ts", "on_item", on="item:created,updated", filter='{"dataset": "raw"}',
                           mode="always", input='{"tag": "t"}')
    assert text == "trigger ts: Item Created/Updated (always) runs ts.on_item"
    assert as_json["spec"]["filter"] == {"dataset": "raw"} and as_json["spec"]["executionMode"] == "Always"
    _, text, _ = run(ws, "create", "ts", "tick", cron="0 3 * * *", name="nightly", catch_up="none")
    assert text == "trigger nightly: cron '0 3 * * *' runs ts.tick"
    out, text, as_json = run(ws)  # no action, no --on/--cron: list
    assert out.action == "ls" and [t["name"] for t in as_json] == ["nightly", "ts"]
    lines = text.splitlines()
    assert lines[0] == "triggers" and lines[1].split() == ["trigger", "service", "function", "fires", "on",
                                                          "active", "next", "fire", "last", "fire", "fires",
                                                          "failures"]
    assert "cron '0 3 * * *'" in text and "03:00:00" in text and "on event" in text and "never" in text
    assert [t["name"] for t in run(ws, "ls", "ts")[2]] == ["nightly", "ts"]
    _, text, as_json = run(ws, "show", "nightly")
    assert text.splitlines()[0].startswith("trigger nightly (") and "missed runs: none" in text
    assert "(no executions yet)" in text and as_json["executions"] == []
    assert run(ws, "deactivate", "nightly")[1] == "trigger nightly deactivated"
    assert ws.triggers.get("nightly").active is False and "inactive" in run(ws, "ls")[1]
    assert run(ws, "activate", "nightly")[1] == "trigger nightly activated"
    assert run(ws, "delete", "nightly")[2]["deleted"] == "nightly"
    assert [t.name for t in ws.triggers.list()] == ["ts"]


@pytest.mark.parametrize(("words", "flags", "message"), [
    (("ts", "tick"), {"on": "item:created", "cron": "* * * * *"}, "--on events or on a --cron schedule, not both"),
    (("create", "ts", "tick"), {}, "say when the trigger fires: --on item:created"),
    (("ts", "on_item"), {"on": "item:created", "filter": "{oops"}, "--filter is not valid JSON"),
    (("ts", "on_item"), {"on": "item:created", "filter": "[1]"}, "--filter must be a JSON object"),
    (("ts", "tick"), {"cron": "* * * * *", "filter": "{}"}, "--filter and --mode are for --on"),
    (("ts", "on_item"), {"on": "item:created", "catch_up": "one"}, "are for --cron triggers"),
    (("ts", "tick"), {"cron": "61 * * * *"}, "61"),
    (("ts",), {"on": "item:created"}, "triggers create takes SERVICE FUNCTION, got 1 word(s) 'ts'"),
    (("show",), {}, "triggers show takes a trigger NAME (or id)"),
    (("ls", "ts"), {"cron": "* * * * *"}, "--on/--cron belong to create and update, not ls"),
    (("ts", "tick"), {"on": "item:created"}, "exactly one input of type 'Item'"),
])
def test_mistakes_are_one_error_and_store_nothing(ws, svc, words, flags, message):
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(ws, *words, **flags)
    assert ws.triggers.list() == []


def test_update_changes_what_is_given_and_keeps_the_rest(ws, svc):
    run(ws, "ts", "on_item", on="item:created", filter='{"dataset": "raw"}', name="watch")
    _, text, as_json = run(ws, "update", "watch", on="item:updated,deleted", mode="always")
    assert text == "trigger watch: Item Updated/Deleted (always) now runs ts.on_item"
    assert as_json["spec"]["filter"] == {"dataset": "raw"}  # not given: kept
    run(ws, "update", "watch", filter="{}", input='{"tag": "y"}')
    fresh = ws.triggers.get("watch")
    assert (fresh.filter, fresh.input, fresh.actions) == ({}, {"tag": "y"}, ["Updated", "Deleted"])
    with pytest.raises(ValidationError, match="triggers update: nothing to change; give some of --on"):
        run(ws, "update", "watch")
    with pytest.raises(ValidationError, match="61"):
        run(ws, "update", "watch", cron="61 * * * *")
    assert ws.triggers.get("watch").type == "Event"


def test_unknown_names_say_what_exists(ws, svc):
    run(ws, "ts", "tick", cron="0 3 * * *", name="nightly")
    with pytest.raises(NotFound, match="nope"):
        run(ws, "show", "nope")
    with pytest.raises(NotFound, match="ghost"):
        run(ws, "ghost", "tick", cron="0 3 * * *")
