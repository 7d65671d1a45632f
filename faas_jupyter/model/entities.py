"""Plain entity records with ``to_json()`` / ``from_json(d)`` in Dataloop's camelCase shape.

JSON keys are the field names in camelCase (``created_at`` -> ``createdAt``), except where Dataloop
has its own name: a service's or execution's ``revision`` is ``packageRevision`` and a service's
``init_input`` is ``initParams``. Timestamps are ISO-8601 strings in UTC (``now_iso()``).
The workspace subclasses these to add live methods; ``from_json`` builds ``cls``, so it returns
the subclass.
"""
from __future__ import annotations

import math

import copy
import re
import typing
from dataclasses import MISSING as NO_DEFAULT
from dataclasses import dataclass, field, fields
from enum import Enum
from typing import Any, ClassVar, TypeVar

from ..errors import ValidationError
from . import _json as J
from .clock import now
from .package import PackageSpec
from .roles import normalize_role
from .versions import parse_version

ROLES = ("owner", "developer", "annotationManager", "annotator")
WRITE_ROLES = frozenset({"owner", "developer"})
RUNTIMES = ("kernel", "process", "dask")
ON_RESET = ("failed", "rerun")


now_iso = now  # the model's name for ``model.clock.now``


class ExecutionStatus(str, Enum):
    """Dataloop's 8 execution statuses."""

    CREATED = "created"
    IN_PROGRESS = "in-progress"
    SUCCESS = "success"
    FAILED = "failed"
    TERMINATED = "terminated"
    ABORTED = "aborted"
    CANCELED = "canceled"
    SYSTEM_FAILURE = "system-failure"

    def __str__(self) -> str:
        return self.value

    @property
    def is_final(self) -> bool:
        """True once the execution will not change status again (Dataloop's rule)."""
        return self not in (ExecutionStatus.CREATED, ExecutionStatus.IN_PROGRESS)


FINAL_STATUSES = frozenset(s for s in ExecutionStatus if s.is_final)


def status_event(status: ExecutionStatus | str, message: str | None = None,
                 progress: int | None = None, timestamp: str | None = None) -> dict[str, Any]:
    """One ``status_log`` entry: ``{status, timestamp, message, progress}``."""
    return {"status": ExecutionStatus(status).value, "timestamp": timestamp or now_iso(),
            "message": message, "progress": progress}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def _load(value: Any, hint: Any, key: str | None) -> Any:
    """Check/convert one JSON value against a field's type hint."""
    if hint is Any:
        return copy.deepcopy(value)
    args = typing.get_args(hint)
    if type(None) in args:
        if value is None:
            return None
        hint = next(a for a in args if a is not type(None))
    origin = typing.get_origin(hint) or hint
    if isinstance(origin, type) and issubclass(origin, Enum):
        try:
            return origin(value)
        except ValueError:
            valid = ", ".join(m.value for m in origin)
            raise ValidationError(f"invalid value {value!r}; valid: {valid}", key) from None
    if origin is PackageSpec:
        with J.at(key):
            return PackageSpec.from_json(value)
    names = {str: "a string", int: "an integer", float: "a number", bool: "a boolean",
             dict: "an object", list: "a list"}
    types = (int, float) if origin is float else origin
    return copy.deepcopy(J.expect(value, types, key, names.get(origin, origin.__name__)))


def _dump(value: Any) -> Any:
    if isinstance(value, PackageSpec):
        return value.to_json()
    if isinstance(value, Enum):
        return value.value
    return copy.deepcopy(value)


E = TypeVar("E", bound="JsonEntity")


class JsonEntity:
    """Mixin: dataclass fields <-> camelCase JSON keys. Fields starting with '_' are not JSON."""

    KEY_NAMES: ClassVar[dict[str, str]] = {}
    __dataclass_fields__: ClassVar[dict[str, Any]]  # every subclass is a dataclass

    @classmethod
    def json_key(cls, name: str) -> str:
        return cls.KEY_NAMES.get(name) or _camel(name)

    def to_json(self) -> dict[str, Any]:
        return {self.json_key(f.name): _dump(getattr(self, f.name))
                for f in fields(self) if not f.name.startswith("_")}

    @classmethod
    def from_json(cls: type[E], d: Any) -> E:
        d = J.expect_object(d)
        hints = typing.get_type_hints(cls)
        kwargs = {}
        for f in fields(cls):
            key = cls.json_key(f.name)
            if not f.init or f.name.startswith("_"):
                continue
            if key in d:
                kwargs[f.name] = _load(d[key], hints[f.name], key)
            elif f.default is NO_DEFAULT and f.default_factory is NO_DEFAULT:
                raise ValidationError(f"missing required key {key!r}", key)
        return cls(**kwargs)


def _check_choice(value: Any, choices: tuple[str, ...], key: str, what: str) -> None:
    if value not in choices:
        raise ValidationError(f"invalid {what} {value!r}; use one of: {', '.join(choices)}", key)


def _check_positive(value: Any, key: str, what: str) -> None:
    J.expect(value, (int, float), key, f"a number ({what})")
    if not math.isfinite(value) or value <= 0:  # NaN passes ``<= 0``; inf would never time out
        raise ValidationError(f"{what} must be a positive finite number, got {value!r}", key)


@dataclass(eq=True)
class Project(JsonEntity):
    name: str
    id: str | None = None
    created_at: str | None = None
    creator: str | None = None

    def __post_init__(self) -> None:
        J.check_name(self.name, "project")


@dataclass(eq=True)
class Member(JsonEntity):
    user: str
    role: str

    def __post_init__(self) -> None:
        J.expect(self.user, str, "user", "a user name (string)")
        if not self.user:
            raise ValidationError("user name is empty", "user")
        self.role = normalize_role(self.role)  # Dataloop's "Project Owner" ... -> "owner" ...
        _check_choice(self.role, ROLES, "role", "role")

    @property
    def can_write(self) -> bool:
        """Owners and developers may push, update and delete packages and manage members."""
        return self.role in WRITE_ROLES


@dataclass(eq=True)
class Revision(JsonEntity):
    package: str
    version: str
    created_at: str | None = None
    creator: str | None = None
    message: str = ""
    codebase_digest: str = ""
    spec: PackageSpec | None = None
    changes: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        J.check_name(self.package, "package", "package")
        with J.at("version"):
            parse_version(self.version)
        if self.spec is not None and not isinstance(self.spec, PackageSpec):
            raise ValidationError(f"expected a PackageSpec, got {type(self.spec).__name__}", "spec")


@dataclass(eq=True)
class Service(JsonEntity):
    name: str
    package: str
    module_name: str = "default_module"
    revision: str | None = None
    init_input: dict[str, Any] = field(default_factory=dict)
    runtime: str = "kernel"
    concurrency: int = 1
    execution_timeout: float = 3600
    max_attempts: int = 1
    on_reset: str = "failed"
    active: bool = True
    id: str | None = None
    project: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    creator: str | None = None
    scheduler: str | None = None        # dask: the scheduler address; None = a LocalCluster of the host
    shared_filesystem: bool = False     # dask: a local artifact root is the same folder on every worker
    install_requirements: bool = True   # dask: pip install the package's requirements on the workers

    KEY_NAMES: ClassVar[dict[str, str]] = {"revision": "packageRevision", "init_input": "initParams"}

    def __post_init__(self) -> None:
        J.check_name(self.name, "service")
        J.check_name(self.module_name, "module", "moduleName")
        if self.revision is not None:
            with J.at("packageRevision"):
                parse_version(self.revision)
        J.expect(self.init_input, dict, "initParams", "an object of init input values")
        _check_choice(self.runtime, RUNTIMES, "runtime", "runtime")
        _check_choice(self.on_reset, ON_RESET, "onReset", "onReset")
        for key in ("concurrency", "max_attempts"):
            J.expect(getattr(self, key), int, _camel(key), "an integer")
            _check_positive(getattr(self, key), _camel(key), key)
        _check_positive(self.execution_timeout, "executionTimeout", "execution_timeout")
        _check_scheduler(self.scheduler, self.runtime)


_ADDRESS = re.compile(r"^([a-z][a-z0-9+]*://)?[^\s/:]+(:\d+)?/?$")


def _check_scheduler(address: Any, runtime: str) -> None:
    if address is None:
        return
    J.expect(address, str, "scheduler", "a Dask scheduler address (string)")
    if runtime != "dask":
        raise ValidationError(f"a scheduler is for runtime 'dask', not {runtime!r}; pass "
                              "runtime='dask' or drop scheduler", "scheduler")
    if not _ADDRESS.fullmatch(address):
        raise ValidationError(f"invalid Dask scheduler address {address!r}; use e.g. "
                              "'tcp://host:8786'", "scheduler")


@dataclass(eq=True)
class Execution(JsonEntity):
    id: str | None = None
    service: str | None = None
    package: str | None = None
    revision: str | None = None
    function_name: str = "run"
    status: ExecutionStatus = ExecutionStatus.CREATED
    status_log: list[Any] = field(default_factory=list)
    input: dict[str, Any] = field(default_factory=dict)
    output: Any = None
    error: str | None = None
    traceback: str | None = None
    attempts: int = 0
    max_attempts: int = 1
    duration: float | None = None
    created_at: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    creator: str | None = None
    project: str | None = None
    trigger: dict[str, Any] | None = None  # {"id", "name", "eventId"} of the trigger that started it, else None

    KEY_NAMES: ClassVar[dict[str, str]] = {"revision": "packageRevision"}

    def __post_init__(self) -> None:
        with J.at("status"):
            self.status = _load(self.status, ExecutionStatus, None)
        J.expect(self.status_log, list, "statusLog", "a list of status events")
        J.expect(self.input, dict, "input", "an object of input values")

    @property
    def done(self) -> bool:
        return self.status.is_final


@dataclass(eq=True)
class Item(JsonEntity):
    id: str | None = None
    key: str | None = None
    artifact_type: str | None = None
    format: str | None = None
    size: int | None = None
    digest: str | None = None
    packager: str | None = None
    object_type: str | None = None
    instructions: dict[str, Any] = field(default_factory=dict)
    path: str | None = None
    url: str | None = None
    dataset: str | None = None
    execution: str | None = None
    value: Any = None
    created_at: str | None = None
    creator: str | None = None
    project: str | None = None


@dataclass(eq=True)
class Dataset(JsonEntity):
    id: str | None = None
    name: str | None = None
    created_at: str | None = None
    creator: str | None = None
    project: str | None = None

    def __post_init__(self) -> None:
        if self.name is not None:
            J.check_name(self.name, "dataset")


@dataclass(eq=True)
class Annotation(JsonEntity):
    id: str | None = None
    item: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    created_at: str | None = None
    creator: str | None = None
