"""``faas test DIR``: run a Dataloop package folder with its ``mock.json``, offline and correct.

Dataloop's local runner, with its defects fixed: the module's ``entryPoint`` and
``className`` are honoured (mock.json keys still override them), the codebase root is
importable (``import utils`` works), inputs are checked by type, ``progress``/``context``
are injected only where the signature asks (single and multi mode alike), Item/Dataset/
Annotation inputs come from the local workspace, every call gets a status, duration and
captured logs, and any failure makes the run fail (non-zero exit in the CLI).

mock.json: ``{"function_name", "module_name", "class_name", "entry_point",
"init_params" | "config", "inputs": [{name, value}, ...] | [[{name, value}, ...], ...]}``.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from faas_jupyter.errors import NotFound, ValidationError

if TYPE_CHECKING:
    from faas_jupyter.workspace._base import Workspace


@dataclass
class CallOutcome:
    inputs: dict
    status: str
    output: Any = None
    error: str | None = None
    traceback: str | None = None
    logs: str = ""
    duration: float | None = None

    def to_json(self) -> dict:
        return {"inputs": self.inputs, "status": self.status, "output": self.output, "error": self.error,
                "traceback": self.traceback, "logs": self.logs, "duration": self.duration}


@dataclass
class LocalTestResult:
    package: str
    module: str
    function: str
    calls: list

    @property
    def ok(self) -> bool:
        return all(c.status == "success" for c in self.calls)

    def to_json(self) -> dict:
        return {"package": self.package, "module": self.module, "function": self.function,
                "ok": self.ok, "calls": [c.to_json() for c in self.calls]}

    def text(self) -> str:
        lines = [f"{self.package} {self.module}.{self.function}: {len(self.calls)} call(s)"]
        for i, c in enumerate(self.calls):
            took = "" if c.duration is None else f" in {c.duration * 1000:.1f} ms"
            lines.append(f"[{i}] {c.status}{took}: " + (json.dumps(c.output, default=repr) if c.status == "success"
                                                        else str(c.error)))
            lines += [f"    {line}" for line in c.logs.splitlines()]
            if c.traceback:
                lines += [f"    {line}" for line in c.traceback.rstrip().splitlines()]
        return "\n".join(lines)


def _read_json(path: Path, what: str) -> Any:
    if not path.is_file():
        raise NotFound(f"{what} {str(path)!r} does not exist")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{path.name} is not valid JSON: {exc}", path.name, line=exc.lineno) from None


def _pairs(entries: Any, where: str) -> dict:
    if not isinstance(entries, list) or not all(isinstance(e, dict) and "name" in e for e in entries):
        raise ValidationError(f"{where} must be a list of {{\"name\": ..., \"value\": ...}}", where)
    return {e["name"]: e.get("value") for e in entries}


def read_mock(mock: dict) -> tuple[list[dict], dict]:
    """(one input dict per call, init inputs) from a mock.json document."""
    raw = mock.get("inputs", [])
    if raw and all(isinstance(e, list) for e in raw):
        calls = [_pairs(e, f"inputs[{i}]") for i, e in enumerate(raw)]
    else:
        calls = [_pairs(raw, "inputs")]
    init = mock.get("init_params", mock.get("config", {})) or {}
    if not isinstance(init, dict):
        raise ValidationError("init_params must be an object of init input values", "init_params")
    return calls, init


def run_local_test(ws: Workspace, directory: str | Path, mock_file: str = "mock.json", function: str | None = None,
                   concurrency: int | None = None) -> LocalTestResult:
    """Run ``directory``'s function with the calls of its mock file; see the module docstring."""
    from faas_jupyter.model.codebase import Codebase
    from faas_jupyter.workspace._package_files import resolve_spec
    root = Path(directory).expanduser().resolve()
    mock = _read_json(root / mock_file, "mock file")
    if not isinstance(mock, dict):
        raise ValidationError(f"{mock_file} must hold a JSON object")
    cb = Codebase.from_dir(root, max_bytes=ws.settings.max_codebase_bytes if ws else 100_000_000)
    spec = resolve_spec(cb, None, None, root.name)
    module = spec.module(mock.get("module_name"))
    overrides = {k: mock[m] for k, m in (("entry_point", "entry_point"), ("class_name", "class_name")) if m in mock}
    module = replace(module, **overrides) if overrides else module
    name = mock.get("function_name") or function or "run"
    fn = module.function(name)
    calls, init = read_mock(mock)
    outcomes = _run(ws, spec, module, cb, fn, calls, init, concurrency or mock.get("concurrency") or len(calls))
    return LocalTestResult(spec.name, module.name, fn.name, outcomes)


def _run(ws: Workspace, spec, module, cb, fn, calls: list[dict], init: dict, concurrency: int) -> list:
    from faas_jupyter.runner.invoke import is_json
    from faas_jupyter.runner.runtimes.base import ServiceConfig
    from faas_jupyter.runner.runtimes.kernel import KernelRuntime
    from faas_jupyter.runner.supervisor import MemoryRecorder, Supervisor
    from faas_jupyter.workspace._entity_lookup import prepare_inputs
    from faas_jupyter.workspace.adapters import StoreResolver
    config = ServiceConfig(name=f"test-{spec.name}", module=module, codebase=cb, package=spec.name,
                           revision="local", init_input=init, concurrency=max(1, int(concurrency)),
                           resolver=StoreResolver(ws.settings.artifacts, tuple(ws.packagers.stored()),
                                                  ws.packagers.manager) if ws else None,
                           cache_dir=str(Path(ws.settings.home) / "codebases") if ws else None)
    runtime, recorder = KernelRuntime(), MemoryRecorder()
    runtime.start(config)
    try:
        sup = Supervisor(runtime, recorder, 1, None)
        ids = [uuid.uuid4().hex for _ in calls]
        prepared = [prepare_inputs(ws, fn, c) if ws else c for c in calls]
        futures = [sup.submit(i, fn.name, p, block=len(calls) == 1) for i, p in zip(ids, prepared)]
        for f in futures:
            f.result()
    finally:
        runtime.stop()
    out = []
    for eid, inputs in zip(ids, calls):
        r = recorder.records[eid]
        output = r.output if r.output is None or is_json(r.output) else repr(r.output)
        out.append(CallOutcome(inputs, r.status, output, r.error, r.traceback, r.text(), r.duration))
    return out
