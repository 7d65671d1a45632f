from __future__ import annotations

import pytest

from faas_jupyter.errors import ValidationError
from faas_jupyter.model.entities import (FINAL_STATUSES, ROLES, WRITE_ROLES, Annotation, Dataset, Execution,
                                         ExecutionStatus, Item, Member, Project, Revision, Service, now_iso,
                                         status_event)
from faas_jupyter.model.package import PackageSpec

EXAMPLES = [
    Project("vision", id="p1", created_at=now_iso(), creator="alice"),
    Member("bob", "annotationManager"),
    Revision("shapes", "1.0.2", now_iso(), "alice", "fix", "ab" * 32, PackageSpec("shapes"), {"changed": ["main.py"]}),
    Service("svc", "shapes", revision="1.0.1", init_input={"k": 1}, runtime="dask", concurrency=4,
            execution_timeout=1.5, max_attempts=3, on_reset="rerun", active=False, id="s1"),
    Execution(id="e1", service="svc", function_name="run", status="failed",
              status_log=[status_event("created"), status_event(ExecutionStatus.FAILED, "boom")],
              input={"x": 1}, output=[1, {"a": None}], error="ValueError: boom", attempts=1, duration=0.25),
    Item(id="i1", key="scores", artifact_type="result", format="json", size=10, value={"a": 1},
         instructions={"packager": "x"}),
    Dataset(id="d1", name="raw"),
    Annotation(id="a1", item="i1", data={"label": "cat"}),
]


@pytest.mark.parametrize("entity", EXAMPLES, ids=lambda e: type(e).__name__)
def test_entities_round_trip_through_json(entity):
    assert type(entity).from_json(entity.to_json()) == entity


def test_json_keys_are_dataloop_camel_case():
    svc = Service("svc", "shapes", revision="1.0.0").to_json()
    assert {"moduleName", "packageRevision", "initParams", "executionTimeout", "maxAttempts", "onReset",
            "createdAt"} <= set(svc)
    ex = Execution(status="success").to_json()
    assert {"functionName", "statusLog", "maxAttempts", "startedAt", "finishedAt", "packageRevision"} <= set(ex)
    assert ex["status"] == "success"
    assert {"artifactType", "objectType"} <= set(Item().to_json())
    rev = Revision("p", "1.0.0", spec=PackageSpec("p")).to_json()
    assert rev["codebaseDigest"] == "" and rev["spec"]["name"] == "p"


def test_service_defaults_match_the_spec():
    svc = Service("svc", "shapes")
    assert (svc.runtime, svc.concurrency, svc.execution_timeout, svc.max_attempts, svc.on_reset, svc.active) == \
        ("kernel", 1, 3600, 1, "failed", True)


def test_execution_statuses_and_finality():
    assert [s.value for s in ExecutionStatus] == ["created", "in-progress", "success", "failed", "terminated",
                                                  "aborted", "canceled", "system-failure"]
    assert not ExecutionStatus.CREATED.is_final and not ExecutionStatus.IN_PROGRESS.is_final
    assert len(FINAL_STATUSES) == 6 and ExecutionStatus.SYSTEM_FAILURE.is_final
    assert Execution(status="in-progress").status is ExecutionStatus.IN_PROGRESS
    assert Execution(status="success").done


def test_roles():
    assert ROLES == ("owner", "developer", "annotationManager", "annotator")
    assert WRITE_ROLES == {"owner", "developer"}
    assert Member("a", "developer").can_write and not Member("a", "annotator").can_write


@pytest.mark.parametrize(("cls", "doc", "path", "words"), [
    (Member, {"user": "a", "role": "boss"}, "role", "owner, developer"),
    (Service, {"name": "s", "package": "p", "runtime": "gpu"}, "runtime", "kernel, process, dask"),
    (Service, {"name": "s", "package": "p", "onReset": "retry"}, "onReset", "failed, rerun"),
    (Service, {"name": "s", "package": "p", "concurrency": 0}, "concurrency", "positive"),
    (Service, {"name": "s", "package": "p", "executionTimeout": "1h"}, "executionTimeout", "a number"),
    (Service, {"name": "bad name", "package": "p"}, "name", "invalid service name"),
    (Service, {"name": "s", "package": "p", "packageRevision": "latest"}, "packageRevision", "3 numbers"),
    (Service, {"name": "s"}, "package", "missing required key"),
    (Execution, {"status": "done"}, "status", "in-progress"),
    (Execution, {"attempts": "1"}, "attempts", "an integer"),
    (Execution, {"input": [1]}, "input", "an object"),
    (Revision, {"package": "p", "version": "1.0.0", "spec": {"name": "bad name"}}, "spec.name", "package name"),
    (Item, {"size": True}, "size", "an integer"),
    (Dataset, {"name": "a/b"}, "name", "invalid dataset name"),
    (Project, {"name": ""}, "name", "invalid project name"),
])
def test_bad_json_gives_validation_error_with_the_key(cls, doc, path, words):
    with pytest.raises(ValidationError) as info:
        cls.from_json(doc)
    assert info.value.path == path and words in info.value.message


def test_from_json_of_a_non_object_is_a_validation_error():
    with pytest.raises(ValidationError, match="JSON object"):
        Service.from_json(["svc"])


def test_subclasses_come_back_from_from_json():
    class LiveProject(Project):
        def hello(self) -> str:
            return f"hi {self.name}"

    assert LiveProject.from_json({"name": "x"}).hello() == "hi x"
