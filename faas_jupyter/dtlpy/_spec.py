"""Package-spec names of dtlpy with dtlpy's constructors, building our model's classes.

``dl.FunctionIO(type=..., name=..., value=...)``, ``dl.PackageFunction(inputs=..., outputs=...)``
and ``dl.PackageModule(init_inputs=..., functions=...)`` are subclasses of the model's
``FunctionIO`` / ``PackageFunction`` / ``PackageModule``: what a deploy script builds can be
passed to ``ws.packages.push(modules=...)`` as it is. Runtime and trigger names are plain
records (their JSON is Dataloop's), kept so deploy scripts import and build them.
"""
from __future__ import annotations

from enum import Enum
from typing import Any

from faas_jupyter.errors import ValidationError
from faas_jupyter.model import package as _model
from faas_jupyter.model.types import BASE_TYPES, default_io_name


def _type_members() -> list[tuple[str, str]]:
    """dtlpy's member names (``INT``, ``ITEMS`` ...) plus ours (``INTEGER``, ``ITEM_ARRAY``)."""
    pairs = []
    for t in BASE_TYPES:
        dl_name = "INT" if t.value == "Integer" else t.name
        pairs += [(dl_name, t.value), (dl_name + "S", t.value + "[]")]
    for t in _model.PackageInputType:
        pairs.append((t.name, t.value))
    seen, out = set(), []
    for name, value in pairs:
        if name not in seen:
            seen.add(name)
            out.append((name, value))
    return out


# A str enum with the same values as ``faas_jupyter.PackageInputType``: the model accepts its
# members wherever a type is given, and ``dl.PackageInputType.ITEMS == "Item[]"``.
PackageInputType = Enum("PackageInputType", _type_members(), type=str, module=__name__)
PackageInputType.__str__ = lambda self: self.value  # f"{t}" prints "Item", as Dataloop's does


def _io_list(ios: Any, what: str) -> list:
    """A FunctionIO, a list of them, or ``{name: type}`` (Dataloop's decorators) -> list."""
    if ios is None:
        return []
    if isinstance(ios, _model.FunctionIO):
        return [ios]
    if isinstance(ios, dict):
        return [FunctionIO(type=t, name=n) for n, t in ios.items()]
    if isinstance(ios, (list, tuple)):
        return [FunctionIO.from_json(io) if isinstance(io, dict) else io for io in ios]
    raise ValidationError(f"{what}: expected FunctionIO, a list of them or {{name: type}}, "
                          f"got {type(ios).__name__}", what)


def _with_compute_config(extra: dict | None, compute_config: str | None) -> dict:
    """A copy of ``extra`` keeping Dataloop's ``compute_config=`` as its JSON key ``computeConfig``."""
    extra = dict(extra or {})
    if compute_config is not None:
        extra["computeConfig"] = compute_config
    return extra


class FunctionIO(_model.FunctionIO):
    """``dl.FunctionIO(type, value=None, name=None, ...)``; the name defaults by type (``item``)."""

    def __init__(self, type: Any = None, value: Any = None, name: str | None = None,
                 description: str | None = None, actions: list | None = None,
                 default: Any = _model.MISSING, extra: dict | None = None, **_dataloop_only: Any):
        if type is None:
            raise ValidationError("FunctionIO needs a type, e.g. dl.PackageInputType.ITEM", "type")
        super().__init__(name=name if name is not None else default_io_name(str(type)),
                         type=str(type), description=description, actions=actions,
                         default=default, extra=dict(extra or {}))
        self.value = value  # used where Dataloop uses it: a service's init_input

    def to_json(self, resource: str = "package") -> dict:
        """Dataloop's shapes: the package JSON, or ``{name: value}`` for an execution/service."""
        if resource in ("execution", "service"):
            return {self.name: self.value}
        return super().to_json()


class PackageFunction(_model.PackageFunction):
    """``dl.PackageFunction(name='run', inputs=[...], outputs=[...], description=...)``."""

    def __init__(self, name: str = "run", inputs: Any = None, outputs: Any = None,
                 description: str | None = "", display_name: str | None = None,
                 display_icon: str | None = None, *, input: Any = None, output: Any = None,
                 extra: dict | None = None, compute_config: str | None = None, **_dataloop_only: Any):
        extra = _with_compute_config(extra, compute_config)
        super().__init__(name=name, description=description or "",
                         input=_io_list(inputs if inputs is not None else input, "inputs"),
                         output=_io_list(outputs if outputs is not None else output, "outputs"),
                         display_name=display_name, display_icon=display_icon, extra=extra)

    @property
    def inputs(self) -> list:
        return self.input

    @property
    def outputs(self) -> list:
        return self.output


class PackageModule(_model.PackageModule):
    """``dl.PackageModule(name, entry_point, class_name, init_inputs, functions)``."""

    def __init__(self, name: str = "default_module", entry_point: str = "main.py",
                 class_name: str = "ServiceRunner", init_inputs: Any = None, functions: Any = None,
                 extra: dict | None = None, compute_config: str | None = None, **_dataloop_only: Any):
        extra = _with_compute_config(extra, compute_config)
        functions = functions if isinstance(functions, (list, tuple)) else [functions] if functions else []
        super().__init__(name=name, entry_point=entry_point, class_name=class_name,
                         init_inputs=_io_list(init_inputs, "init_inputs"), functions=list(functions),
                         extra=extra)


class _Record:
    """A keyword record whose ``to_json()`` is Dataloop's camelCase JSON of what was given."""

    _defaults: dict = {}

    def __init__(self, **kwargs: Any):
        for key, value in {**self._defaults, **kwargs}.items():
            setattr(self, key, value)

    def to_json(self) -> dict:
        def camel(k: str) -> str:
            head, *rest = k.split("_")
            return head + "".join(p.title() for p in rest)
        return {camel(k): (v.to_json() if isinstance(v, _Record) else v) for k, v in vars(self).items()}

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({inner})"


class KubernetesRabbitmqAutoscaler(_Record):
    _defaults = {"type": "rabbitmq", "min_replicas": 0, "max_replicas": 1, "queue_length": 10}


class KubernetesRPSAutoscaler(_Record):
    _defaults = {"type": "rps", "min_replicas": 0, "max_replicas": 1, "threshold": 10}


class KubernetesRuntime(_Record):
    """Dataloop's pod runtime. Deploying reads ``concurrency``; the pod fields have no
    meaning on a notebook's machine and are kept only in this record."""

    _defaults = {"pod_type": "regular-s", "concurrency": 10, "num_replicas": 1, "runner_image": None,
                 "autoscaler": None}


class _StrEnum(str, Enum):
    def __str__(self) -> str:
        return self.value


class InstanceCatalog(_StrEnum):
    REGULAR_XS = "regular-xs"
    REGULAR_S = "regular-s"
    REGULAR_M = "regular-m"
    REGULAR_L = "regular-l"
    HIGHMEM_XS = "highmem-xs"
    HIGHMEM_S = "highmem-s"
    HIGHMEM_M = "highmem-m"
    HIGHMEM_L = "highmem-l"
    GPU_K80_S = "gpu-k80-s"
    GPU_K80_M = "gpu-k80-m"
    GPU_T4_S = "gpu-t4"
    GPU_T4_M = "gpu-t4-m"


class TriggerResource(_StrEnum):
    ITEM = "Item"
    DATASET = "Dataset"
    ANNOTATION = "Annotation"
    ITEM_STATUS = "ItemStatus"
    TASK = "Task"
    ASSIGNMENT = "Assignment"


class TriggerAction(_StrEnum):
    CREATED = "Created"
    UPDATED = "Updated"
    DELETED = "Deleted"
    STATUS_CHANGED = "statusChanged"
    CLONE = "Clone"


class TriggerExecutionMode(_StrEnum):
    ONCE = "Once"
    ALWAYS = "Always"


class TriggerType(_StrEnum):
    EVENT = "Event"
    CRON = "Cron"


class ItemStatus(_StrEnum):
    COMPLETED = "completed"
    APPROVED = "approved"
    DISCARDED = "discard"


class OnResetAction(_StrEnum):
    RERUN = "rerun"
    FAILED = "failed"


class PackageRequirement(_Record):
    """``dl.PackageRequirement(name, version=None, operator=None)``: a package.json requirement."""

    _defaults = {"version": None, "operator": None}

    def to_json(self) -> dict:
        return {k: v for k, v in super().to_json().items() if v is not None}
