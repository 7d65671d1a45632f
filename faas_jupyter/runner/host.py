"""Run calls against one loaded service instance; the same code in every runtime.

``ServiceHost`` loads the codebase, builds the instance with its init inputs,
and turns one ``CallSpec`` into one ``CallResult``: scope (for ``kill_event``),
log capture, progress and context injection, error classification.
"""
from __future__ import annotations

import re
import time
import traceback

from faas_jupyter.errors import FaasError, ValidationError
from faas_jupyter.model.service_runner import Context, ExecutionScope, Progress, execution_logger
from faas_jupyter.runner.adapters import scratch_releases
from faas_jupyter.runner.capture import Capture, in_execution
from faas_jupyter.runner.invoke import Invoker
from faas_jupyter.runner.loader import load_codebase
from faas_jupyter.runner.runtimes.base import CallResult, CallSpec, EventSink, ServiceConfig, timed_out

class ServiceHost:
    """One service's instance and the way to call it."""

    def __init__(self, config: ServiceConfig):
        self.config = config
        module = config.module
        loaded = load_codebase(config.codebase, cache_dir=config.cache_dir)
        self.runner_class = loaded.runner_class(module.entry_path, module.class_name)
        self.invoker = self._build()
        # what drops an execution's downloaded inputs and scratch folders when it ends
        self.releases = scratch_releases(config.resolver, config.pack_output)

    def _build(self) -> Invoker:
        cfg = self.config
        invoker = Invoker.create(self.runner_class, cfg.module, cfg.init_input, cfg.resolver)
        try:
            invoker.instance.service_entity = cfg.service_entity
        except AttributeError:  # a class with __slots__ or a read-only property: nothing to set
            pass
        return invoker

    def run(self, call: CallSpec, sink: EventSink, scope: ExecutionScope | None = None) -> CallResult:
        """Run one call in the current thread; never raises for user errors."""
        eid = call.execution_id
        if scope is None:
            deadline = time.monotonic() + call.timeout if call.timeout else None
            scope = ExecutionScope(eid, deadline)
        cap = Capture(lambda stream, text: sink.log(eid, stream, text, time.time()), self.config.echo)
        started = time.time()
        sink.started(eid, started)
        # in_execution: the scope, the capture, and the clearing of what packagers marked while
        # unpacking the inputs and packing the outputs (deleted once stored, success or failure)
        try:
            with in_execution(scope, cap):
                result = self._call(call, scope, sink)
        finally:  # downloaded copies of remote inputs and scratch folders go with the execution
            for release in self.releases:
                release(eid)
        result.started_at, result.finished_at = started, time.time()
        if scope.reset_requested:  # do_reset(): the next call gets a fresh instance
            self.invoker = self._build()
        return result

    def _injected(self, call: CallSpec, sink: EventSink) -> tuple[Progress, Context]:
        """The ``progress`` and ``context`` a function may ask for (built only when it does)."""
        cfg, eid = self.config, call.execution_id
        logger = execution_logger(eid)
        progress = Progress(eid, callback=lambda event: sink.progress(eid, event), logger=logger)
        trigger = call.trigger or {}
        return progress, Context(eid, service=cfg.name, package=cfg.package, revision=cfg.revision,
                                 function_name=call.function_name, logger=logger, progress=progress,
                                 project=cfg.project, trigger_id=trigger.get("id"), event=trigger.get("event"))

    def _call(self, call: CallSpec, scope: ExecutionScope, sink: EventSink) -> CallResult:
        eid = call.execution_id
        try:
            plan = self.invoker.plan(call.function_name)
            progress, context = self._injected(call, sink) if plan.inject else (None, None)
            output = plan.call(call.inputs, progress, context)
            if scope.timed_out:  # the caller already has it back failed: store nothing of a late result
                return timed_out(call)
            if self.config.pack_output is not None:
                output = self.config.pack_output(output, plan.function, call)
            return CallResult(eid, "success", output=output)
        except InterruptedError as exc:
            if scope.timed_out:
                return timed_out(call)
            if scope.terminate_requested:
                return CallResult(eid, "terminated", error=str(exc))
            return _failed(eid, exc)
        except KeyboardInterrupt:
            return CallResult(eid, "aborted", error="interrupted by the user (KeyboardInterrupt)")
        except BaseException as exc:  # SystemExit too: it fails this execution, not the service
            if scope.timed_out:
                return timed_out(call)
            return _failed(eid, exc)


def _failed(eid: str, exc: BaseException) -> CallResult:
    kind = type(exc).__name__
    tb = None if isinstance(exc, FaasError) else user_traceback(exc)
    message = str(exc) or repr(exc)
    if isinstance(exc, SystemExit):
        message = f"the function called sys.exit({exc.code!r})"
    return CallResult(eid, "failed", error=f"{kind}: {message}", traceback=tb,
                      error_type="ValidationError" if isinstance(exc, ValidationError) else kind)


# a frame of a codebase file: <cache>/<64-hex codebase digest>/<path in the codebase>
_CODEBASE_FILE = re.compile(r'File "[^"]*?[/\\][0-9a-f]{64}[/\\]([^"]+)"')


def user_traceback(exc: BaseException) -> str:
    """The traceback without the runner's own frames, so it starts in user code; frames of
    codebase files name the file as the user wrote it (``main.py``), not the extracted copy."""
    tb = exc.__traceback__
    while tb is not None and "faas_jupyter/runner/" in tb.tb_frame.f_code.co_filename.replace("\\", "/"):
        tb = tb.tb_next
    text = "".join(traceback.format_exception(type(exc), exc, tb))
    return _CODEBASE_FILE.sub(lambda m: f'File "{m.group(1).replace(chr(92), "/")}"', text)


def host_for(config: ServiceConfig) -> ServiceHost:
    """Build a host, turning any failure to load or instantiate into a FaasError."""
    try:
        return ServiceHost(config)
    except FaasError:
        raise
    except Exception as exc:
        raise FaasError(f"service {config.name!r} could not start: {type(exc).__name__}: {exc}\n"
                        f"{user_traceback(exc)}") from exc
