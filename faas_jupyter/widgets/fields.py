"""One form field per FunctionIO: the right input widget plus checking/converting its value.

Shared by DeployPanel (init inputs) and FunctionForm (function inputs).
"""
from __future__ import annotations

import json
from typing import Any

import ipywidgets as W

from faas_jupyter.errors import ValidationError
from faas_jupyter.model.types import PackageInputType as T
from faas_jupyter.model.types import base_type, is_array

LABEL_WIDTH = "180px"
_NUMBERS = {T.INTEGER: W.IntText, T.FLOAT: W.FloatText, T.NUMBER: W.FloatText}
_PICKERS = {T.ITEM: "items", T.DATASET: "datasets"}


def item_label(item) -> str:
    kind = getattr(item, "artifact_type", None) or getattr(item, "object_type", None) or "item"
    return f"{item.key or '(no key)'} · {kind} · {str(item.id)[:8]}"


def _options(ws, kind: str) -> list[tuple[str, str]]:
    """(label, id) pairs for the item or dataset picker, newest first as the API lists them."""
    if kind == "items":
        return [(item_label(i), i.id) for i in ws.items.list()]
    return [(d.name, d.name) for d in ws.datasets.list()]


class Field:
    """A labelled input widget for one FunctionIO; ``value()`` checks and converts."""

    def __init__(self, io, ws=None, what: str = "input"):
        self.io, self.ws, self.what = io, ws, what
        self.type = T(io.type)
        self.widget = self._make_widget()
        label = W.Label(f"{io.name} ({self.type.value})", layout=W.Layout(width=LABEL_WIDTH))
        label.tooltip = io.description or None
        self.box = W.HBox([label, self.widget])

    @property
    def name(self) -> str:
        return self.io.name

    def _default(self, fallback: Any) -> Any:
        return self.io.default if self.io.has_default and self.io.default is not None else fallback

    def _make_widget(self) -> W.Widget:
        t = self.type
        if t in _NUMBERS:
            return _NUMBERS[t](value=self._default(0))
        if t is T.BOOLEAN:
            return W.Checkbox(value=bool(self._default(False)), indent=False)
        if t is T.STRING:
            return W.Text(value=str(self._default("")))
        if t in _PICKERS and self.ws is not None:
            opts = _options(self.ws, _PICKERS[t])
            value = self._default(None)
            return W.Dropdown(options=opts, value=value if value in dict(opts).values() else
                              (opts[0][1] if opts else None))
        if t is T.ITEM_ARRAY and self.ws is not None:
            return W.SelectMultiple(options=_options(self.ws, "items"), rows=4)
        if t is T.JSON or is_array(t):
            text = json.dumps(self.io.default, indent=1) if self.io.has_default else ""
            return W.Textarea(value=text, placeholder="JSON" if t is T.JSON else "a JSON list",
                              rows=3, layout=W.Layout(width="360px"))
        return W.Text(value=str(self._default("")), placeholder=f"{t.value} id")  # other entities

    def _fail(self, message: str):
        raise ValidationError(f"{self.what} {self.name!r} ({self.type.value}): {message}", self.name)

    def value(self) -> Any:
        """The checked value, or ``_OMIT`` when empty with a default (the default then applies)."""
        w, v = self.widget, self.widget.value
        if isinstance(w, W.Textarea):
            return self._json_value(v)
        if isinstance(w, W.SelectMultiple):
            return list(v)
        if isinstance(w, W.Dropdown) and v is None:
            kind = _PICKERS[self.type]
            fix = "log one with ws.items.log(obj, key=...)" if kind == "items" else \
                "create one with ws.datasets.create(name)"
            self._fail(f"no {kind[:-1]} to choose; {fix}")
        if isinstance(w, W.Text) and self.type is not T.STRING:  # an entity id typed in
            if not v.strip():
                return _OMIT if self.io.has_default else self._fail(f"enter a {self.type.value} id")
            return v.strip()
        return v

    def _json_value(self, text: str) -> Any:
        if not text.strip():
            if self.io.has_default:
                return _OMIT
            self._fail("enter a JSON value" + (" (a list)" if is_array(self.type) else ""))
        try:
            value = json.loads(text)
        except json.JSONDecodeError as e:
            self._fail(f"invalid JSON at line {e.lineno} column {e.colno}: {e.msg}")
        if is_array(self.type) and not isinstance(value, list):
            self._fail(f"expected a JSON list of {base_type(self.type).value}, got {type(value).__name__}")
        return value


_OMIT = object()  # the field is empty and has a default: leave it out so the default applies


class Form:
    """Fields for a list of FunctionIOs in a VBox; ``values()`` raises on the first bad one."""

    def __init__(self, ios, ws=None, what: str = "input"):
        self.fields = {io.name: Field(io, ws, what) for io in ios}
        empty = W.HTML(f"<i>no {what}s</i>")
        self.box = W.VBox([f.box for f in self.fields.values()] or [empty])

    def __getitem__(self, name: str) -> Field:
        return self.fields[name]

    def values(self) -> dict:
        out = {}
        for name, f in self.fields.items():
            v = f.value()
            if v is not _OMIT:
                out[name] = v
        return out
