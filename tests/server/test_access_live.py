"""Access through REST on a real ``jupyter server`` subprocess whose IdentityProvider maps a
token to a user: a non-member gets 403 on every route of the app's handler table, members
of any role read and execute as themselves, someone else's execution needs owner or
developer, bodies are capped (413) and checked (UTF-8, finite numbers, whole names) before
anything is stored."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from tornado import web

sys.path.insert(0, str(Path(__file__).parent))
from live_server import live  # noqa: E402,F401  (the fixture)

from faas_jupyter.server import PREFIX, routes  # noqa: E402

METHODS = ("get", "post", "patch", "put", "delete")
# a real name for each kind of path parameter, by the literal segment before it
SAMPLES = {"packages": "shapes", "revisions": "1.0.0", "services": "svc", "executions": "{ex}",
           "datasets": "raw", "items": "{item}", "triggers": "trig"}
_ALTERNATIVES = re.compile(r"\(([\w.-]+(?:\|[\w.-]+)+)\)")


def _paths(pattern: str) -> list[str]:
    """Concrete path templates for a route pattern (``(pause|resume)`` gives both)."""
    paths = [""]
    for part in re.split(r"(\([^()]*\))", pattern):
        if not part.startswith("("):
            options = [part.replace("\\", "")]
        elif _ALTERNATIVES.fullmatch(part):
            options = part[1:-1].split("|")
        else:  # a parameter: a real name of the kind the segment before it names
            previous = paths[0].rstrip("/").rsplit("/", 1)[-1]
            options = [SAMPLES.get(previous, "x")]
        paths = [p + o for p in paths for o in options]
    return paths


def route_cases() -> list[tuple[str, str]]:
    """(METHOD, path template) for every verb of every route the extension registers."""
    cases = []
    base = f"/{PREFIX}/"
    for pattern, handler in routes("/"):
        relative = pattern[len(base):]
        verbs = [m.upper() for m in METHODS if getattr(handler, m) is not getattr(web.RequestHandler, m)]
        for path in _paths(relative):
            sample = path.format(ex="e" * 32, item="i" * 32)
            assert re.fullmatch(relative, sample), (relative, path)  # the template hits its own route
            cases.extend((verb, path) for verb in verbs)
    return cases


CASES = route_cases()


@pytest.fixture(scope="module")
def world(live):
    """A process service ``svc`` deployed by the owner with a cron trigger ``trig``, one finished
    execution, the item id."""
    code, svc = live.call("POST", "services", body={"name": "svc", "package": "shapes", "runtime": "process"})
    assert code == 201, svc
    code, ex = live.call("POST", "services/svc/execute", body={"function": "add", "input": {"x": 1}})
    assert code == 201, ex
    item = live.ws.items.list()[0]
    code, trig = live.call("POST", "services/svc/triggers",
                           body={"name": "trig", "function": "add", "type": "Cron", "cron": "0 3 * * *",
                                 "input": {"x": 1}})
    assert code == 201, trig
    return {"ex": live.final(ex["id"])["id"], "item": item.id}


def test_the_route_table_is_what_the_server_registers(jp_serverapp):
    # every /faas/api handler the running app knows comes from routes(): none escapes the matrix
    found = set()

    def walk(router):
        for rule in getattr(router, "rules", []):
            if hasattr(rule.target, "rules"):  # a host's (or the wildcard) router
                walk(rule.target)
                continue
            regex = getattr(rule.matcher, "regex", None)
            if regex is not None and f"/{PREFIX}/" in regex.pattern:
                found.add(regex.pattern.rstrip("$"))
    walk(jp_serverapp.web_app.default_router)
    base = jp_serverapp.web_app.settings["base_url"]
    assert found == {p for p, _ in routes(base)}
    assert len({(v, p) for v, p in CASES}) == len(CASES) >= 25


@pytest.mark.parametrize(("method", "path"), CASES, ids=[f"{m} {p}" for m, p in CASES])
def test_every_route_is_403_for_a_non_member(live, world, method, path):
    code, err = live.call(method, path.format(**world), user="eve")
    assert code == 403, (code, err)
    assert "user 'eve' is not a member of project 'default'" in err["message"]


def test_a_non_member_learns_nothing_about_names(live, world):
    for path in ("packages/nope", "services/nope", f"executions/{'0' * 32}", "items/nope/preview"):
        code, err = live.call("GET", path, user="eve")
        assert code == 403 and "nope" not in err["message"].split(" may not ")[0]
    code, err = live.call("POST", "services/nope/execute", user="eve", raw=b"\xff not even JSON")
    assert code == 403  # membership comes before the body is read


@pytest.mark.parametrize("user", ["owner", "dev", "mgr", "ann"])
def test_members_of_any_role_read_every_get_route(live, world, user):
    for method, path in CASES:
        if method != "GET" or path.endswith("diff"):
            continue
        code, body = live.call(method, path.format(**world), user=user)
        assert code == 200, (path, code, body)
    code, diff = live.call("GET", "packages/shapes/diff", user=user, query={"a": "1.0.0"})
    assert code == 200


def test_requests_act_as_the_jupyter_user_not_the_server_user(live, world):
    code, who = live.call("GET", "whoami", user="ann")
    assert (code, who["user"], who["role"]) == (200, "ann", "annotator")
    code, ex = live.call("POST", "services/svc/execute", user="ann", body={"function": "add", "input": {"x": 2}})
    assert code == 201 and ex["creator"] == "ann"
    assert live.final(ex["id"], user="ann")["output"] == 12
    # the server's shared token is an anonymous Jupyter user: it acts as the server's owner
    code, who = live.call("GET", "whoami")
    assert (who["user"], who["role"]) == ("owner", "owner")


def test_rerun_and_terminate_of_someone_elses_execution_need_owner_or_developer(live, world):
    code, err = live.call("POST", f"executions/{world['ex']}/rerun", user="ann")  # the owner's
    assert code == 403 and "needs role owner or developer" in err["message"]
    code, mine = live.call("POST", "services/svc/execute", user="ann",
                           body={"function": "slow", "input": {"seconds": 60}})
    assert code == 201
    code, err = live.call("POST", f"executions/{mine['id']}/terminate", user="mgr")
    assert code == 403 and f"user 'mgr' may not terminate execution {mine['id']} of 'ann'" in err["message"]
    code, ex = live.call("POST", f"executions/{mine['id']}/terminate", user="dev")
    assert code == 200, ex
    done = live.final(mine["id"])
    assert done["status"] == "terminated"
    assert "terminate requested by dev" in [e["message"] for e in done["statusLog"]]
    code, again = live.call("POST", f"executions/{mine['id']}/rerun", user="ann")  # their own
    assert code == 201 and again["creator"] == "ann"
    assert live.call("POST", f"executions/{again['id']}/terminate", user="ann")[0] == 200


# -- bodies ----------------------------------------------------------------------------------------
def _count(live) -> int:
    code, page = live.call("GET", "executions", query={"limit": "1000"})
    return len(page["items"])


def test_a_body_over_the_cap_is_413_declared_or_chunked(live, world):
    big = b'{"function": "add", "input": {"x": 1, "pad": "' + b"x" * (16 * 2**20) + b'"}}'
    before = _count(live)
    code, err = live.call("POST", "services/svc/execute", raw=big)
    assert code == 413 and "larger than 16777216 bytes" in err["message"] and "max_body_bytes" in err["message"]

    def chunks():  # no Content-Length: counted as it arrives, dropped past the cap
        for i in range(0, len(big), 2**20):
            yield big[i:i + 2**20]
    code, err = live.call("POST", "services/svc/execute", raw=chunks())
    assert code == 413
    assert _count(live) == before  # nothing stored
    code, ex = live.call("POST", "services/svc/execute", body={"function": "add", "input": {"x": 1}})
    assert code == 201  # the server is fine afterwards


@pytest.mark.parametrize(("raw", "message"), [
    (b'{"function": "add", "input": {"x": "one"}}', "input 'x' of function 'add' must be an Integer"),
    (b'{"function": "add", "input": {"x": 1, "z": 2}}', "function 'add' has no input 'z'"),
    (b'{"function": "add", "input": {"x": NaN}}', "NaN is not a JSON number"),
    (b'{"function": "add", "input": {"x": 1e999}}', "1e999 is not a finite number"),
    (b'{"function": "add", "input": {"x": "\xff"}}', "not UTF-8 text"),
    (b'{"function": "add\\n", "input": {"x": 1}}', "no function 'add\\n'"),
])
def test_a_bad_execute_is_400_and_stores_nothing(live, world, raw, message):
    before = _count(live)
    code, err = live.call("POST", "services/svc/execute", user="ann", raw=raw)
    assert code in (400, 404) and message in err["message"], err
    assert _count(live) == before


@pytest.mark.parametrize(("method", "path", "raw"), [
    ("POST", "services", b'{"name": "s2", "package": "shapes", "executionTimeout": NaN}'),
    ("POST", "services", b'{"name": "s2", "package": "shapes", "executionTimeout": Infinity}'),
    ("POST", "services", b'{"name": "s2", "package": "shapes", "executionTimeout": 1e999}'),
    ("PATCH", "services/svc", b'{"executionTimeout": -Infinity}'),
    ("POST", "services", b'{"name": "ok\\n", "package": "shapes"}'),
    ("POST", "services", b'{"name": "s\xe9", "package": "shapes"}'),
])
def test_bad_numbers_names_and_encodings_are_400(live, world, method, path, raw):
    code, err = live.call(method, path, user="dev", raw=raw)
    assert code == 400, err
    code, services = live.call("GET", "services")
    assert [s["name"] for s in services] == ["svc"]
    assert services[0]["executionTimeout"] == 3600


def test_item_inputs_are_item_ids_of_the_project_never_server_paths(live, world):
    other = live.ws.as_user("owner")
    other.use_project("other")
    foreign = other.items.list()[0].id
    cases = [("/etc/hostname", 400, "is a path or URL"), ("file:///etc/hostname", 400, "is a path or URL"),
             ("jupyter_server_config.json", 404, "no Item with id 'jupyter_server_config.json'"),  # in its cwd
             (foreign, 404, f"no Item with id '{foreign}' in project 'default'")]
    before = _count(live)
    for value, status, message in cases:
        code, err = live.call("POST", "services/svc/execute", user="ann",
                              body={"function": "peek", "input": {"item": value}})
        assert code == status and message in err["message"], (value, err)
    assert _count(live) == before
    code, ex = live.call("POST", "services/svc/execute", user="ann",
                         body={"function": "peek", "input": {"item": world["item"]}})
    assert code == 201 and live.final(ex["id"])["output"] == world["item"]
