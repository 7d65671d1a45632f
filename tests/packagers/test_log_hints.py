"""Log hints: a real parser (quoted spaces, commas, colons survive) and early validation."""
from __future__ import annotations

import pytest

from faas_jupyter.errors import PackingError, ValidationError
from faas_jupyter.packagers.log_hints import LogHint, parse_hint
from faas_jupyter.packagers.manager import validate_hint


@pytest.mark.parametrize("text,expected", [
    ("scores", LogHint("scores")),
    ("scores:file", LogHint("scores", "file")),
    ("  scores  :  file ", LogHint("scores", "file")),
    ("df : file[file_format='csv', sep='; ']", LogHint("df", "file", {"file_format": "csv", "sep": "; "})),
    ('df:file[note="a: b, c", cols=[1, 2], opts={"k": (1, None)}]',
     LogHint("df", "file", {"note": "a: b, c", "cols": [1, 2], "opts": {"k": (1, None)}})),
    ("*parts", LogHint("parts", itemized=1)),
    ("** parts : result", LogHint("parts", "result", itemized=2)),
    ({"key": "df", "artifact_type": "file", "file_format": "csv"}, LogHint("df", "file", {"file_format": "csv"})),
    ({"key": "m", "extra_data": {"x": ...}}, LogHint("m", extra_data={"x": ...})),
])
def test_parse(text, expected):
    assert parse_hint(text) == expected


@pytest.mark.parametrize("bad,match", [
    ("", "cannot read"),
    ("a b", "cannot read"),
    ("k:mo del", "cannot read"),
    ("k:9x", "not a name"),
    ("k:file[1]", "name=value"),
    ("k:file[x=open('f')]", "literal"),
    ("k:file[x=]", "cannot parse"),
    ({"artifact_type": "file"}, "no 'key'"),
    (3, "str, dict or LogHint"),
    ("bad/key", "cannot read|must match"),
])
def test_parse_errors(bad, match):
    with pytest.raises(ValidationError, match=match):
        parse_hint(bad)


def test_validate_before_running_with_type_hint():
    import pandas as pd
    assert validate_hint("x").key == "x"
    assert validate_hint("df", pd.DataFrame).artifact_type is None
    with pytest.raises(PackingError, match="did you mean 'file_format'"):
        validate_hint({"key": "df", "artifact_type": "file", "format": "csv"}, pd.DataFrame)
    with pytest.raises(PackingError, match="cannot pack as 'dataset'"):
        validate_hint("n:dataset", int)
    assert validate_hint("n : file[file_format='txt']", dict).configurations == {"file_format": "txt"}
