"""Auth and error mapping of every route: 403 without auth, 403 for a cookie POST without
XSRF, JSON messages for bad input, and every verb decorated (no auth warning)."""
from __future__ import annotations

import json
import re

import pytest
from tornado.httpclient import HTTPClientError

from faas_jupyter.server import routes

# one concrete URL and the verbs of every route
ROUTES = [
    ("whoami", ["GET"]), ("packages", ["GET"]), ("packages/shapes", ["GET", "DELETE"]),
    ("packages/shapes/revisions", ["GET"]), ("packages/shapes/revisions/1.0.0", ["GET"]),
    ("packages/shapes/revisions/1.0.0/codebase.zip", ["GET"]), ("packages/shapes/diff?a=1.0.0", ["GET"]),
    ("services", ["GET", "POST"]), ("services/svc", ["GET", "PATCH", "DELETE"]),
    ("services/svc/pause", ["POST"]), ("services/svc/resume", ["POST"]), ("services/svc/execute", ["POST"]),
    ("executions", ["GET"]), ("executions/changes", ["GET"]), ("executions/x", ["GET"]), ("executions/x/logs", ["GET"]),
    ("executions/x/rerun", ["POST"]), ("executions/x/terminate", ["POST"]), ("datasets", ["GET"]),
    ("datasets/raw/items", ["GET"]), ("items/x", ["GET"]), ("items/x/preview", ["GET"]),
    ("summary", ["GET"]), ("console/executions", ["GET"]), ("console/filters", ["GET"]),
    ("console/stats", ["GET"]), ("console/items", ["GET"]), ("executions/x/log-lines", ["GET"]),
    ("executions/x/rerun-with", ["POST"]), ("items/x/lineage", ["GET"]),
    ("triggers", ["GET"]), ("services/svc/triggers", ["GET", "POST"]),
    ("triggers/t", ["GET", "PATCH", "DELETE"]), ("triggers/t/activate", ["POST"]),
    ("triggers/t/deactivate", ["POST"]), ("triggers/t/executions", ["GET"]),
]
CASES = [(path, verb) for path, verbs in ROUTES for verb in verbs]


def test_the_table_covers_every_route():
    patterns = [re.compile(p.removeprefix("/faas/api/") + "$") for p, _ in routes("/")]
    for path, _ in ROUTES:
        assert any(p.match(path.split("?")[0]) for p in patterns), path
    for p in patterns:  # and every route is in the table
        assert any(p.match(path.split("?")[0]) for path, _ in ROUTES), p.pattern


def _body(verb):
    return json.dumps({}) if verb in ("POST", "PATCH") else None


@pytest.mark.parametrize("path,verb", CASES)
async def test_unauthenticated_requests_are_403(http_server_client, jp_base_url, path, verb):
    with pytest.raises(HTTPClientError) as e:
        await http_server_client.fetch(jp_base_url + "faas/api/" + path, method=verb, body=_body(verb),
                                       allow_nonstandard_methods=True)
    assert e.value.code == 403


async def _session_cookie(http_server_client, jp_base_url, jp_auth_header) -> str:
    r = await http_server_client.fetch(jp_base_url + "api/status", headers=jp_auth_header)
    cookies = "; ".join(c.split(";")[0] for c in r.headers.get_list("Set-Cookie"))
    assert cookies, "the server set no cookie"
    return cookies


@pytest.mark.parametrize("path,verb", [c for c in CASES if c[1] != "GET"])
async def test_cookie_writes_without_the_xsrf_token_are_403(http_server_client, jp_base_url,
                                                            jp_auth_header, path, verb):
    cookies = await _session_cookie(http_server_client, jp_base_url, jp_auth_header)
    with pytest.raises(HTTPClientError) as e:
        await http_server_client.fetch(jp_base_url + "faas/api/" + path, method=verb, body=_body(verb),
                                       headers={"Cookie": cookies}, allow_nonstandard_methods=True)
    assert e.value.code == 403
    assert "xsrf" in json.loads(e.value.response.body)["message"].lower()


async def test_a_cookie_read_works_and_a_cookie_write_with_xsrf_reaches_the_handler(
        http_server_client, jp_base_url, jp_auth_header, pushed):
    cookies = await _session_cookie(http_server_client, jp_base_url, jp_auth_header)
    r = await http_server_client.fetch(jp_base_url + "faas/api/packages", headers={"Cookie": cookies})
    assert [p["name"] for p in json.loads(r.body)] == ["shapes"]
    xsrf = "xsrf-test-value"  # double-submit: the header must equal the _xsrf cookie
    with pytest.raises(HTTPClientError) as e:
        await http_server_client.fetch(
            jp_base_url + "faas/api/services", method="POST", body=json.dumps({"name": "s"}),
            headers={"Cookie": f"{cookies}; _xsrf={xsrf}", "X-XSRFToken": xsrf})
    assert e.value.code == 400  # past auth and XSRF: the body lacks "package"
    assert "package" in json.loads(e.value.response.body)["message"]


async def test_not_found_is_404_with_a_message_naming_the_fix(api):
    code, body = await api("GET", "packages", "nope")
    assert code == 404
    assert body == {"message": "no package 'nope' in project 'default'; packages: none"}


async def test_a_body_that_is_not_an_object_is_400(api):
    code, body = await api("POST", "services", body=[1, 2])
    assert code == 400
    assert "JSON object" in body["message"]
