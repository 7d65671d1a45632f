"""``DeployPanel``: pick module and revision, fill init inputs, choose runtime, optionally a
trigger (event or cron) for the new service, deploy."""
from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as W

from faas_jupyter.errors import ValidationError
from faas_jupyter.model.entities import RUNTIMES
from faas_jupyter.model.triggers import Trigger

from ._base import StatusLine, TextRepr, esc, guarded
from .fields import Form
from .text import deploy_text
from .trigger_form import TriggerFields

if TYPE_CHECKING:
    from faas_jupyter.workspace.packages import Package
    from faas_jupyter.workspace import Workspace

WIDE = W.Layout(width="320px")
LABELS = {"description_width": "110px"}


class DeployPanel(TextRepr, W.VBox):
    """A form for ``pkg.deploy(...)``; invalid values give one red line and deploy nothing."""

    def __init__(self, ws: Workspace, package: Package | str, revision: str | None = None) -> None:
        super().__init__()
        self.ws = ws
        self.package = package if isinstance(package, str) else package.name
        self.pkg = ws.packages.get(self.package)
        versions = [r.version for r in reversed(self.pkg.revisions)]
        self.revision = W.Dropdown(options=versions, value=revision or versions[0],
                                   description="revision", style=LABELS, layout=WIDE)
        self.module = W.Dropdown(description="module", style=LABELS, layout=WIDE)
        self.service_name = W.Text(description="service name", style=LABELS, layout=WIDE)
        self.runtime = W.Dropdown(options=list(RUNTIMES), value="kernel", description="runtime",
                                  style=LABELS, layout=WIDE)
        self.concurrency = W.BoundedIntText(value=1, min=1, max=10_000, description="concurrency",
                                            style=LABELS, layout=WIDE)
        # dask only: where the cluster is (empty: a LocalCluster of this kernel)
        self.scheduler = W.Text(description="scheduler", placeholder="tcp://host:8786 (dask; empty: local)",
                                style=LABELS, layout=WIDE)
        self.scheduler.add_class("faas-deploy-scheduler")
        self.deploy_button = W.Button(description="Deploy", button_style="primary", icon="rocket")
        self.deploy_button.on_click(lambda _: self.deploy())
        self.deploy_button.add_class("faas-deploy-button")
        self.trigger = TriggerFields([])
        self.trigger_button = W.Button(description="Add trigger", icon="bolt", disabled=True,
                                       tooltip="add the trigger above to the deployed service")
        self.trigger_button.on_click(lambda _: self.add_trigger())
        self.trigger_button.add_class("faas-add-trigger-button")
        self.add_class("faas-deploy-panel")
        self.status = StatusLine()
        self.form_box = W.VBox()
        self.service = None
        self._callbacks = []
        self._load_revision()
        self.revision.observe(lambda _: self._load_revision(), "value")
        self.module.observe(lambda _: self._load_module(), "value")
        title = W.HTML(f"<b>deploy package {esc(self.package)}</b>")
        self.children = [title, self.revision, self.module, self.service_name,
                         W.HTML("<i>init inputs</i>"), self.form_box, self.runtime,
                         self.scheduler, self.concurrency, self.trigger,
                         W.HBox([self.deploy_button, self.trigger_button]), self.status]

    def on_deployed(self, callback) -> None:
        """Call ``callback(service)`` after each successful deploy."""
        self._callbacks.append(callback)

    def _load_revision(self) -> None:
        self.spec = self.ws.packages.get(self.package, version=self.revision.value)
        names = [m.name for m in self.spec.modules]
        keep = self.module.value
        self.module.options = names
        self.module.value = keep if keep in names else names[0]
        self._load_module()

    def _load_module(self) -> None:
        if self.module.value is None:
            return
        module = self.spec.module(self.module.value)
        self.trigger.set_functions([f.name for f in module.functions])
        self.form = Form(module.init_inputs, self.ws, what="init input")
        self.form_box.children = [self.form.box]
        if not self.service_name.value or self.service_name.value == getattr(self, "_auto_name", None):
            self._auto_name = self._default_name(module.name)
            self.service_name.value = self._auto_name

    def _default_name(self, module: str) -> str:
        return self.package if len(self.spec.modules) == 1 else f"{self.package}-{module}"[:64]

    def values(self) -> dict:
        """The deploy arguments; ValidationError names the first bad field."""
        name = self.service_name.value.strip()
        if not name:
            raise ValidationError("service name is empty; type one, e.g. "
                                  f"{self._default_name(self.module.value)!r}", "service_name")
        values = dict(service_name=name, module_name=self.module.value,
                      revision=self.revision.value, init_input=self.form.values(),
                      runtime=self.runtime.value, concurrency=int(self.concurrency.value))
        scheduler = self.scheduler.value.strip()
        if scheduler:
            if self.runtime.value != "dask":
                raise ValidationError("a scheduler is for runtime 'dask'; choose runtime dask or "
                                      "clear the scheduler field", "scheduler")
            values["scheduler"] = scheduler
        return values

    def trigger_values(self, service_name: str) -> dict | None:
        """The trigger's create arguments (None: no trigger), checked as a Trigger first."""
        values = self.trigger.values()
        if values is not None:
            fields = {k: v for k, v in values.items() if k != "name"}
            Trigger(name=values.get("name", service_name), service=service_name, **fields)
        return values

    def deploy(self):
        """Deploy with the form's values (and its trigger, if one is chosen); returns the
        Service, or None after an error line (a bad trigger deploys nothing)."""
        self.status.clear()
        kwargs, _ = guarded(self.status, self.values)
        if kwargs is None:
            return None
        trigger, _ = guarded(self.status, self.trigger_values, kwargs["service_name"])
        if self.status.kind == "error":
            return None
        svc, _ = guarded(self.status, lambda: self.ws.packages.get(self.package).deploy(**kwargs))
        if svc is None:
            return None
        self.service = svc
        self.trigger_button.disabled = False
        self.status.ok(f"deployed {svc.name}: {self.package} {svc.revision}, module "
                       f"{svc.module_name}, runtime {svc.runtime}")
        if trigger is not None:
            self._create_trigger(trigger, deployed=True)
        for callback in self._callbacks:
            callback(svc)
        return svc

    def add_trigger(self):
        """Add the trigger of the form to the deployed service; the Trigger, or None."""
        self.status.clear()
        if self.service is None:
            self.status.error("deploy the service first; its trigger is added with it")
            return None
        values, _ = guarded(self.status, self.trigger_values, self.service.name)
        if values is None:
            if self.status.kind != "error":
                self.status.error("choose a trigger type (Event or Cron) above, then Add trigger")
            return None
        return self._create_trigger(values)

    def _create_trigger(self, values: dict, deployed: bool = False):
        args = dict(values)
        function = args.pop("function")
        made, _ = guarded(self.status, lambda: self.service.triggers.create(function, **args))
        if made is None:
            if deployed:  # the service stays: say so, and how to add the trigger again
                self.status.error(f"deployed {self.service.name}, but its trigger was refused: "
                                  f"{self.status.message}; fix it and press Add trigger")
            return None
        what = f"cron {made.cron!r}" if made.type == "Cron" else f"{made.resource} {'/'.join(made.actions)}"
        prefix = f"{self.status.message}; " if deployed else ""
        self.status.ok(f"{prefix}trigger {made.name}: {what} runs {made.function}")
        return made

    def text(self) -> str:
        return deploy_text(self.spec)
