"""``FunctionForm``: a form for one function of a service, a Run button and the result."""
from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as W

from faas_jupyter.commands.tables import duration_of
from faas_jupyter.errors import ExecutionError, FaasError

from ._base import StatusLine, TextRepr, error_line, esc, guarded
from ._lookup import function_spec
from .detail import ExecutionDetail
from .fields import Form
from .text import function_text

if TYPE_CHECKING:
    from faas_jupyter.workspace import Workspace
    from faas_jupyter.workspace.services import Service


class FunctionForm(TextRepr, W.VBox):
    """Fields from the function's inputs; Run executes and shows the execution below."""

    def __init__(self, service: Service | str, function_name: str, ws: Workspace | None = None) -> None:
        super().__init__()
        self.ws = ws if ws is not None else service.workspace
        self.svc = self.ws.services.get(service) if isinstance(service, str) else service
        self.function = function_spec(self.ws, self.svc, function_name)
        self.form = Form(self.function.input, self.ws, what="input")
        self.run_button = W.Button(description=f"Run {function_name}", button_style="primary",
                                   icon="play")
        self.run_button.on_click(lambda _: self.run())
        self.add_class("faas-function-form")
        self.status = StatusLine()
        self.result = ExecutionDetail(self.ws)
        self.execution = None
        title = W.HTML(f"<b>{esc(self.svc.name)}.{esc(function_name)}</b> "
                       f"<span class='faas-dim'>{esc(self.function.description or '')}</span>")
        self.children = [title, self.form.box, self.run_button, self.status, self.result]

    def run(self):
        """Execute with the form's values and wait; returns the Execution (None on bad input)."""
        self.status.clear()
        values, _ = guarded(self.status, self.form.values)
        if values is None:
            return None
        try:
            ex = self.svc.execute(self.function.name, execution_input=values, wait=True)
        except ExecutionError as e:  # a failed run still has a record worth showing
            ex = e.execution
            if ex is None:
                self.status.error(error_line(e))
                return None
        except FaasError as e:  # bad input, paused service...: nothing ran
            self.form.blame(e)  # a bad item id shows beside its field, as a bad integer does
            self.status.error(error_line(e))
            return None
        self.execution = ex
        self.result.show(ex)
        if str(ex.status) == "success":
            self.status.ok(f"{ex.function_name}: success in {duration_of(ex) or '-'}")
        else:
            self.status.error(f"{ex.function_name}: {ex.status}" + (f": {ex.error}" if ex.error else ""))
        return ex

    def text(self) -> str:
        return function_text(self.svc, self.function)
