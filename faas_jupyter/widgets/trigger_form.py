"""``TriggerFields``: the deploy panel's optional trigger (event or cron) for the new service."""
from __future__ import annotations

import json
from typing import Any

import ipywidgets as W

from faas_jupyter.errors import ValidationError
from faas_jupyter.model.triggers import ACTIONS, CATCH_UP, EXECUTION_MODES, RESOURCES

WIDE = W.Layout(width="320px")
LABELS = {"description_width": "110px"}
KINDS = ("none", "Event", "Cron")


class TriggerFields(W.VBox):
    """Type (none | Event | Cron), function, and the fields of that type; ``values()`` gives
    the keyword arguments of ``svc.triggers.create`` (None for no trigger)."""

    def __init__(self, functions: list[str]):
        super().__init__()
        self.kind = W.ToggleButtons(options=KINDS, value="none", description="trigger", style=LABELS)
        self.function = W.Dropdown(options=functions, description="function", style=LABELS, layout=WIDE)
        self.name = W.Text(description="trigger name", placeholder="default: the service's",
                           style=LABELS, layout=WIDE)
        self.resource = W.Dropdown(options=RESOURCES, value="Item", description="resource", style=LABELS,
                                   layout=WIDE)
        self.actions = W.SelectMultiple(options=ACTIONS, value=("Created",), rows=3, description="actions",
                                        style=LABELS, layout=WIDE)
        self.mode = W.Dropdown(options=EXECUTION_MODES, value="Once", description="mode", style=LABELS,
                               layout=WIDE)
        self.filter = W.Textarea(description="filter", placeholder='{"dataset": "raw"}  (JSON; empty: every one)',
                                 style=LABELS, layout=WIDE)
        self.cron = W.Text(value="*/5 * * * *", description="cron", placeholder="minute hour day month weekday",
                           style=LABELS, layout=WIDE)
        self.catch_up = W.Dropdown(options=CATCH_UP, value="one", description="missed runs", style=LABELS,
                                   layout=WIDE)
        self.input = W.Textarea(description="input", placeholder="{}  (JSON: the function's other inputs)",
                                style=LABELS, layout=WIDE)
        self.add_class("faas-trigger-fields")
        self.kind.observe(lambda _: self._show(), "value")
        self._show()

    def set_functions(self, functions: list[str]) -> None:
        keep = self.function.value
        self.function.options = functions
        self.function.value = keep if keep in functions else (functions[0] if functions else None)

    def _show(self) -> None:
        kind = self.kind.value
        rows: list[W.Widget] = [self.kind]
        if kind != "none":
            rows += [self.function, self.name]
        if kind == "Event":
            rows += [self.resource, self.actions, self.mode, self.filter]
        elif kind == "Cron":
            rows += [self.cron, self.catch_up]
        if kind != "none":
            rows.append(self.input)
        self.children = rows

    def values(self) -> dict[str, Any] | None:
        """The create arguments, or None when no trigger is asked for; bad JSON names the field."""
        kind = self.kind.value
        if kind == "none":
            return None
        if not self.function.value:
            raise ValidationError("the module has no function for a trigger to run", "function")
        out: dict[str, Any] = {"function": self.function.value, "type": kind,
                               "input": _json_object(self.input.value, "input")}
        if self.name.value.strip():
            out["name"] = self.name.value.strip()
        if kind == "Cron":
            return {**out, "cron": self.cron.value.strip(), "catch_up": self.catch_up.value}
        return {**out, "resource": self.resource.value, "actions": list(self.actions.value),
                "execution_mode": self.mode.value, "filter": _json_object(self.filter.value, "filter")}


def _json_object(text: str, what: str) -> dict:
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"trigger {what} is not valid JSON ({exc.msg} at column {exc.colno}); "
                              f"write an object such as {{\"dataset\": \"raw\"}}", what) from None
    if not isinstance(value, dict):
        raise ValidationError(f"trigger {what} must be a JSON object, not {type(value).__name__}", what)
    return value
