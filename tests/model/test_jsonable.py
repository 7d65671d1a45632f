import json

import pytest

from faas_jupyter.model.jsonable import jsonable


class Thing:
    id = "t1"


def test_jsonable_is_what_json_dumps_with_a_default_writes_read_back():
    value = {"a": (1, 2.5, None, True), 3: [Thing(), {"x": Thing()}], None: "n", 1.5: "f", False: 0}
    got = jsonable(value, lambda o: o.id)
    assert got == json.loads(json.dumps(value, default=lambda o: o.id))
    assert got["a"] == [1, 2.5, None, True] and got["3"] == ["t1", {"x": "t1"}]


def test_jsonable_copies_containers_and_keeps_scalars():
    inner = {"k": [1]}
    got = jsonable({"v": inner}, repr)
    assert got == {"v": inner} and got["v"] is not inner and got["v"]["k"] is not inner["k"]


def test_a_default_that_raises_and_a_bad_key_raise_type_error():
    def strict(o):
        raise TypeError(f"{type(o).__name__} is not JSON")
    with pytest.raises(TypeError, match="Thing is not JSON"):
        jsonable([Thing()], strict)
    with pytest.raises(TypeError, match="keys must be"):
        jsonable({(1, 2): 0}, repr)
