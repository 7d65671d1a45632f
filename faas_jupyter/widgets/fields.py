"""One form field per FunctionIO: the right input widget plus checking/converting its value.

Shared by DeployPanel (init inputs) and FunctionForm (function inputs).
"""
from __future__ import annotations

import json
import re
from html import escape as html_escape
from typing import TYPE_CHECKING, Any

import ipywidgets as W

from faas_jupyter.errors import ValidationError
from faas_jupyter.model.types import PackageInputType as T
from faas_jupyter.model.types import base_type, is_array

from ._base import ERROR_STYLE

if TYPE_CHECKING:
    from collections.abc import Iterable

    from faas_jupyter.model.package import FunctionIO
    from faas_jupyter.workspace.items import Item
    from faas_jupyter.workspace import Workspace

LABEL_WIDTH = "180px"
# numbers are typed as text and checked: IntText would turn 1.5 into 1 and keep the old
# value for "abc" without a word, so a run would start with a value nobody typed
_NUMBERS = {T.INTEGER: "a whole number", T.FLOAT: "a number", T.NUMBER: "a number"}
_INTEGER = re.compile(r"[+-]?\d+")
_INPUT_NAME = re.compile(r"input '([^']+)'")
_PICKERS = {T.ITEM: "items", T.DATASET: "datasets"}


def item_label(item: Item) -> str:
    kind = getattr(item, "artifact_type", None) or getattr(item, "object_type", None) or "item"
    return f"{item.key or '(no key)'} · {kind} · {str(item.id)[:8]}"


def _options(ws: Workspace, kind: str) -> list[tuple[str, str]]:
    """(label, id) pairs for the item or dataset picker, newest first as the API lists them."""
    if kind == "items":
        return [(item_label(i), i.id) for i in ws.items.list()]
    return [(d.name, d.name) for d in ws.datasets.list()]


class Field:
    """A labelled input widget for one FunctionIO; ``value()`` checks and converts."""

    def __init__(self, io: FunctionIO, ws: Workspace | None = None, what: str = "input") -> None:
        self.io, self.ws, self.what = io, ws, what
        self.type = T(io.type)
        self.widget = self._make_widget()
        label = W.Label(f"{io.name} ({self.type.value})", layout=W.Layout(width=LABEL_WIDTH))
        label.tooltip = io.description or None
        self.message = W.HTML()  # this field's own error, beside it
        self.message.add_class("faas-field-message")
        self.box = W.HBox([label, self.widget, self.message])
        if self.type in _NUMBERS:
            self.widget.observe(lambda _: self.check(), "value")

    @property
    def name(self) -> str:
        return self.io.name

    def _default(self, fallback: Any) -> Any:
        return self.io.default if self.io.has_default and self.io.default is not None else fallback

    def _make_widget(self) -> W.Widget:
        t = self.type
        if t in _NUMBERS:
            default = self._default(None)
            return W.Text(value="" if default is None else str(default), placeholder=_NUMBERS[t],
                          layout=W.Layout(width="160px"))
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
        self.show(message)
        raise ValidationError(f"{self.what} {self.name!r} ({self.type.value}): {message}", self.name)

    def show(self, message: str | None) -> None:
        """Show ``message`` beside the field (None clears it)."""
        self.message.value = "" if not message else (
            f'<span class="faas-field-error" role="alert" style="{ERROR_STYLE}">{html_escape(message, quote=False)}</span>')

    def check(self) -> bool:
        """Check the field now (as the user types); True if its value is fine."""
        try:
            self.value()
        except ValidationError:
            return False
        self.show(None)
        return True

    def value(self) -> Any:
        """The checked value, or ``_OMIT`` when empty with a default (the default then applies)."""
        w, v = self.widget, self.widget.value
        if self.type in _NUMBERS:
            return self._number(v)
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

    def _number(self, text: str) -> Any:
        text = text.strip()
        if not text:
            return _OMIT if self.io.has_default else self._fail(f"enter {_NUMBERS[self.type]}")
        if self.type is T.INTEGER:
            if not _INTEGER.fullmatch(text):
                self._fail(f"must be a whole number, not {text!r}")
            return int(text)
        try:
            number = float(text)
        except ValueError:
            self._fail(f"must be a number, not {text!r}")
        if number != number or number in (float("inf"), float("-inf")):
            self._fail(f"must be a finite number, not {text!r}")
        return number

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

    def __init__(self, ios: Iterable[FunctionIO], ws: Workspace | None = None, what: str = "input") -> None:
        self.fields = {io.name: Field(io, ws, what) for io in ios}
        empty = W.HTML(f"<i>no {what}s</i>")
        self.box = W.VBox([f.box for f in self.fields.values()] or [empty])

    def __getitem__(self, name: str) -> Field:
        return self.fields[name]

    def values(self) -> dict:
        """Every field checked (each shows its own message); raises naming the bad ones."""
        out, bad = {}, []
        for name, f in self.fields.items():
            try:
                v = f.value()
            except ValidationError as e:
                bad.append(e)
                continue
            f.show(None)
            if v is not _OMIT:
                out[name] = v
        if bad:  # each field shows its own; the error carries them all
            raise ValidationError("; ".join(e.message for e in bad), bad[0].path)
        return out

    def blame(self, error: BaseException) -> bool:
        """Show a server-side error about one input (a bad item id, a bad integer) beside that
        field, as a local check would; True if a field took it."""
        found = _INPUT_NAME.search(str(error))
        field = self.fields.get(found.group(1)) if found else None
        if field is None:
            return False
        field.show(str(error).split(": ", 1)[-1] if str(error).startswith("input") else str(error))
        return True
