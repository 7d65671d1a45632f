"""Log hints: what to call an output and how to pack it.

Accepted forms::

    "scores"                                  key only (the packager's default type)
    "scores:file"  / "scores : file"          key and artifact type
    "df : file[file_format='csv', sep=';']"   configurations as Python keyword literals
    "*parts" / "**parts"                      itemize a collection (one level per star)
    {"key": "df", "artifact_type": "file", "file_format": "csv"}   extra keys = configurations
    LogHint(...)

The bracket part is parsed by Python's own ``ast`` (values are literals), so
quoted spaces, commas and colons survive, unlike MLRun's string splitting.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any

from faas_jupyter.errors import ValidationError
from faas_jupyter.packagers.api import ArtifactType

KEY_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_HINT_RE = re.compile(r"^\s*(?P<stars>\**)\s*(?P<key>[^:\s\[\]]+)\s*"
                      r"(?::\s*(?P<type>[^\s\[\]]+)\s*(?P<conf>\[.*\])?)?\s*$", re.S)
TYPE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")  # pack_<type> must be a method name
_DICT_FIELDS = ("key", "artifact_type", "itemized", "extra_data", "metrics", "labels")


@dataclass
class LogHint:
    key: str
    artifact_type: str | None = None
    configurations: dict = field(default_factory=dict)
    itemized: int = 0                      # levels of ``*key`` itemizing
    extra_data: dict = field(default_factory=dict)   # {other_key: ...} linked after packing
    metrics: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)

    def __post_init__(self):
        if not isinstance(self.key, str) or not KEY_RE.fullmatch(self.key):
            raise ValidationError(f"log hint key {self.key!r} must match {KEY_RE.pattern} "
                                  f"(letters, digits, '_', '.', '-')")
        # Any name a packager supports is fine (custom types: "notes:text"); whether one does
        # is checked against the manager (``PackagersManager.check_artifact_types``).
        if self.artifact_type is not None and not (isinstance(self.artifact_type, str)
                                                   and TYPE_RE.fullmatch(self.artifact_type)):
            raise ValidationError(f"log hint {self.key!r}: artifact type {self.artifact_type!r} is not a "
                                  f"name; use e.g. one of {list(ArtifactType.ALL)} or a type your "
                                  "packager supports")


def _parse_configurations(text: str, hint: str) -> dict:
    try:
        call = ast.parse(f"_({text[1:-1]})", mode="eval").body
    except SyntaxError as exc:
        raise ValidationError(f"log hint {hint!r}: cannot parse the configurations {text}: {exc.msg}") from None
    if call.args:
        raise ValidationError(f"log hint {hint!r}: configurations must be name=value pairs, e.g. "
                              f"file[file_format='csv']")
    out = {}
    for kw in call.keywords:
        try:
            out[kw.arg] = ast.literal_eval(kw.value)
        except ValueError:
            raise ValidationError(f"log hint {hint!r}: the value of {kw.arg!r} must be a literal "
                                  f"(string, number, list, dict...)") from None
    return out


def parse_hint(hint: Any) -> LogHint:
    """Turn a string, dict or LogHint into a LogHint (raises ``ValidationError``)."""
    if isinstance(hint, LogHint):
        return hint
    if isinstance(hint, dict):
        if "key" not in hint:
            raise ValidationError(f"log hint {hint!r} has no 'key'")
        known = {k: hint[k] for k in _DICT_FIELDS if k in hint}
        configurations = {**hint.get("configurations", {}),
                          **{k: v for k, v in hint.items() if k not in _DICT_FIELDS + ("configurations",)}}
        itemized = known.pop("itemized", 0)
        return LogHint(configurations=configurations, itemized=int(itemized), **known)
    if not isinstance(hint, str):
        raise ValidationError(f"a log hint is a str, dict or LogHint, not {type(hint).__name__}")
    m = _HINT_RE.match(hint)
    if not m:
        raise ValidationError(f"cannot read log hint {hint!r}; write 'key', 'key:artifact_type' or "
                              f"\"key : file[file_format='csv']\"")
    conf = _parse_configurations(m["conf"], hint) if m["conf"] else {}
    return LogHint(m["key"], m["type"], conf, itemized=len(m["stars"]))
