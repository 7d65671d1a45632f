from __future__ import annotations

import threading

import pytest

from faas_jupyter.model.service_runner import (BaseServiceRunner, Context, ExecutionScope, Progress,
                                               current_scope, execution_scope)


def test_kill_event_raises_only_for_the_terminated_execution_of_this_thread():
    runner = BaseServiceRunner()
    runner.kill_event()  # outside any execution: a no-op
    a, b = ExecutionScope("a"), ExecutionScope("b")
    a.request_terminate()
    seen = {}

    def run(scope):
        with execution_scope(scope):
            try:
                runner.kill_event()
                seen[scope.execution_id] = "running"
            except InterruptedError as exc:
                seen[scope.execution_id] = str(exc)
    threads = [threading.Thread(target=run, args=(s,)) for s in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"a": "Execution received termination signal", "b": "running"}
    assert current_scope() is None


def test_a_passed_deadline_counts_as_a_timeout():
    scope = ExecutionScope("a", deadline=0.0)
    with execution_scope(scope), pytest.raises(InterruptedError):
        BaseServiceRunner().kill_event()
    assert scope.timed_out


def test_do_reset_marks_the_current_execution():
    scope = ExecutionScope("a")
    with execution_scope(scope):
        BaseServiceRunner().do_reset()
    assert scope.reset_requested


def test_ping_answers_pong():
    assert BaseServiceRunner().ping() == "pong"
    assert BaseServiceRunner().ping(Progress("a")) == "pong"


def test_every_progress_update_is_recorded_with_only_the_given_fields():
    events = []
    progress = Progress("a", callback=events.append)
    progress.update(progress=1)
    progress.update(progress=2, message="two", status="working", output={"n": 2})
    assert [e["progress"] for e in events] == [1, 2]
    assert set(events[0]) == {"timestamp", "progress"}
    assert (progress.progress, progress.message, progress.output) == (2, "two", {"n": 2})


def test_context_carries_the_execution_and_a_logger():
    ctx = Context("ex-1", service="svc", package="pkg", revision="1.0.2", function_name="run")
    assert (ctx.execution_id, ctx.service, ctx.package, ctx.revision) == ("ex-1", "svc", "pkg", "1.0.2")
    assert ctx.logger.extra == {"execution_id": "ex-1"}


def test_the_public_names_are_importable_from_the_package():
    import faas_jupyter
    assert faas_jupyter.BaseServiceRunner is BaseServiceRunner
    assert faas_jupyter.Progress is Progress and faas_jupyter.Context is Context
