"""``dataloop.json`` components beyond the modules: the package's services and their triggers.

Export writes, as Dataloop's DPK manifest does, ``components.services`` (the services deployed
from the package: name, module, init inputs, runtime settings) and ``components.triggers``
(each bound to its service by ``namespace: "services.<name>"``; ``spec.operation`` names only
the function). Import with ``deploy=True`` deploys those services from the pushed revision and
creates the triggers; without it nothing is deployed and a warning says what was left out.
"""
from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

from faas_jupyter.errors import ValidationError
from faas_jupyter.model.triggers import Trigger

NAMESPACE = "services."
# Service JSON keys a manifest keeps (ids, owners, times and the pinned revision are the target's)
SERVICE_KEYS = ("name", "moduleName", "initParams", "runtime", "concurrency", "executionTimeout",
                "maxAttempts", "onReset", "scheduler", "sharedFilesystem", "installRequirements")
_DEPLOY_ARGS = {"moduleName": "module_name", "initParams": "init_input", "runtime": "runtime",
                "concurrency": "concurrency", "executionTimeout": "execution_timeout",
                "maxAttempts": "max_attempts", "onReset": "on_reset", "scheduler": "scheduler",
                "sharedFilesystem": "shared_filesystem", "installRequirements": "install_requirements"}
_TRIGGER_ARGS = ("name", "type", "resource", "actions", "filter", "execution_mode", "cron", "start_at",
                 "end_at", "input", "catch_up", "active")


def service_component(svc: Any) -> dict[str, Any]:
    d = svc.to_json()
    return {k: d[k] for k in SERVICE_KEYS if d.get(k) is not None}


def trigger_component(trigger: Any) -> dict[str, Any]:
    """A trigger as a DPK manifest lists it: bound to its service by ``namespace``."""
    d = trigger.to_json()
    spec = dict(d["spec"])
    spec["operation"] = {"type": "function", "functionName": trigger.function}
    return {"name": d["name"], "active": d["active"], "type": d["type"],
            "namespace": f"{NAMESPACE}{trigger.service}", "spec": spec}


def components(ws: Any, package: str) -> dict[str, list[dict[str, Any]]]:
    """``{services, triggers}`` of the services deployed from ``package`` (empty lists: none)."""
    services = sorted((s for s in ws.services.list() if str(s.package) == package), key=lambda s: s.name)
    triggers = [t for s in services for t in s.triggers.list()]
    return {"services": [service_component(s) for s in services],
            "triggers": [trigger_component(t) for t in sorted(triggers, key=lambda t: t.name)]}


def read_components(directory: str | Path) -> dict[str, list[Any]]:
    """``components.services`` / ``components.triggers`` of a folder's ``dataloop.json`` (or empty)."""
    path = Path(directory).expanduser() / "dataloop.json"
    if not path.is_file():
        return {"services": [], "triggers": []}
    try:
        doc = json.loads(path.read_text("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"dataloop.json is not valid JSON: {exc}") from None
    found = (doc.get("components") or {}) if isinstance(doc, dict) else {}
    out = {}
    for key in ("services", "triggers"):
        value = found.get(key) or []
        if not isinstance(value, list):
            raise ValidationError(f"dataloop.json: components.{key} must be a list", f"components.{key}")
        out[key] = value
    return out


def parse_trigger(entry: Any, index: int) -> Trigger:
    """A manifest trigger as a Trigger; its service comes from ``namespace`` (or the operation)."""
    where = f"components.triggers[{index}]"
    if not isinstance(entry, dict):
        raise ValidationError(f"dataloop.json: {where} must be an object", where)
    spec = dict(entry.get("spec") or {})
    operation = dict(spec.get("operation") or {})
    namespace = entry.get("namespace") or ""
    if namespace.startswith(NAMESPACE):
        operation.setdefault("serviceName", namespace[len(NAMESPACE):])
    if not operation.get("serviceName"):
        raise ValidationError(f"dataloop.json: {where} names no service; set "
                              "namespace: 'services.<service name>'", f"{where}.namespace")
    spec["operation"] = operation
    try:
        return Trigger.from_json({**entry, "spec": spec})
    except ValidationError as exc:
        raise ValidationError(f"dataloop.json: {where}: {exc.message}",
                              f"{where}.{exc.path}" if exc.path else where) from None


def deploy_components(ws: Any, pkg: Any, found: dict[str, list[Any]]) -> tuple[list[Any], list[Any]]:
    """Deploy the manifest's services from ``pkg`` (its revision) and create its triggers.

    Every trigger is checked before anything is deployed, so a bad one changes nothing.
    """
    triggers = [parse_trigger(t, i) for i, t in enumerate(found["triggers"])]
    services = [_deploy(pkg, s, i) for i, s in enumerate(found["services"])]
    created = [_create(ws, t) for t in triggers]
    return services, created


def _deploy(pkg: Any, entry: Any, index: int) -> Any:
    where = f"components.services[{index}]"
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        raise ValidationError(f"dataloop.json: {where} must be an object with a name", where)
    kwargs = {arg: entry[key] for key, arg in _DEPLOY_ARGS.items() if key in entry}
    return pkg.deploy(service_name=entry["name"], revision=pkg.version, **kwargs)


def _create(ws: Any, trigger: Trigger) -> Any:
    kwargs = {k: getattr(trigger, k) for k in _TRIGGER_ARGS}
    return ws.services.get(trigger.service).triggers.create(trigger.function, **kwargs)


def warn_not_deployed(found: dict[str, list[Any]], directory: str | Path) -> None:
    """Import without deploy: say what the manifest holds that was not created."""
    if found["services"] or found["triggers"]:
        warnings.warn(f"{Path(directory).name}/dataloop.json lists {len(found['services'])} service(s) "
                      f"and {len(found['triggers'])} trigger(s), not created; import with deploy=True "
                      "(faas import --deploy) to deploy them", UserWarning, stacklevel=3)
