"""schema.JSONText: JSON columns stored as TEXT (no DDL change), read and written as values."""
import json

import pytest
from sqlalchemy import Text, cast, select

from faas_jupyter.store import packages as K
from faas_jupyter.store import projects as P
from faas_jupyter.store.schema import JSONText, decode_json, executions, revisions, services


def test_the_ddl_of_a_json_column_is_text(store):
    assert isinstance(JSONText().impl, Text)
    assert all(isinstance(c.type, JSONText) for c in (executions.c.input, services.c.init_input))
    assert str(executions.c.input.type.compile(dialect=store.engine.dialect)) == "TEXT"


def test_a_spec_is_stored_canonically_and_read_back_as_a_dict(store):
    with store.transaction() as conn:
        pid = P.insert_project(conn, "p", "alice")["id"]
        pkg = K.insert_package(conn, pid, "pkg", "alice")["id"]
        spec = {"name": "pkg", "modules": [{"b": 1, "a": [1, 2]}]}
        row = K.insert_revision(conn, pkg, version="1.0.0", creator="a", message="", codebase_digest="d",
                                spec=spec, changes={"added": ["x.py"]}, files={"x.py": b"1"})
    with store.connect() as conn:
        text = conn.scalar(select(cast(revisions.c.spec, Text)).where(revisions.c.id == row["id"]))
        back = K.latest_revision(conn, pkg)
    assert text == '{"modules":[{"a":[1,2],"b":1}],"name":"pkg"}'
    assert back["spec"] == spec and back["changes"] == {"added": ["x.py"]}


def test_like_compares_the_json_text_and_raw_rows_decode_like_sqlalchemy():
    clause = executions.c.input.like("%abc%")
    assert clause.right.type.__class__ is Text  # the pattern is not JSON-encoded
    row = {"init_input": '{"a": 1}', "runtime_config": "{}", "metadata": "{}", "name": "s"}
    assert decode_json(services, row) == {"init_input": {"a": 1}, "runtime_config": {}, "metadata": {},
                                          "name": "s"}


@pytest.mark.parametrize("value", [{"x": 1}, "é\"\n", [1.5, None, True, False, 1e300, -0.0], {"a": {"b": [1, [2]]}},
                                   3, {1: "int key", 2.5: "float key", None: "none key"}, [], {}, float("nan")])
def test_the_fast_encoder_writes_what_json_dumps_writes(value):
    from faas_jupyter.store.schema import dumps
    assert dumps(value) == json.dumps(value)


def test_the_fast_encoder_refuses_what_is_not_json():
    from faas_jupyter.store.schema import dumps
    with pytest.raises(TypeError, match="Object of type object is not JSON serializable"):
        dumps({"a": object()})
    loop: list = []
    loop.append(loop)
    with pytest.raises((ValueError, RecursionError)):
        dumps(loop)
