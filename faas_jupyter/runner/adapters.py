"""How the runner reaches inputs and outputs: the resolver and the output packer.

The runner knows neither the store nor the packagers' choice rules. A ``ServiceConfig``
carries two adapters that do, and ``ServiceHost.run`` (``runner/host.py``) calls them where
the function runs (kernel thread, worker process, Dask worker):

* ``config.resolver`` (:class:`InputResolver`): ``Invoker`` asks it, for each entity-typed
  input (``runner/invoke.py`` ``converter``), for the object the parameter wants: an
  :class:`EntityRef` of an Item becomes a ``pd.DataFrame`` when the annotation says so;
* ``config.pack_output`` (:class:`OutputPacker`): ``ServiceHost._call`` hands it the return
  value, the ``PackageFunction`` and the call; it writes artifacts and returns a
  :class:`PackedOutput` (JSON plus new item records), which is all that travels back to
  the parent, where the recorder (``workspace/_recorder.py``) stores the item records;
* both may hold local copies made for one execution (:class:`ExecutionScratch`):
  ``ServiceHost.run`` calls ``release(execution_id)`` when it ends, success or failure.

The store-backed implementations are ``workspace/adapters.py`` (``StoreResolver``,
``StoreOutputPacker``); both pickle, so the process and Dask runtimes ship them to workers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from faas_jupyter.model.package import PackageFunction


@dataclass
class EntityRef:
    """An entity input looked up in the parent: its type name (Item, Dataset, Annotation)
    and its record; the resolver turns it into an object where the function runs."""

    type: str
    record: dict[str, Any]


@dataclass
class PackedOutput:
    """A function's output after packing: JSON (item references inside) + new item records."""

    value: Any
    items: list[dict[str, Any]] = field(default_factory=list)


class InputResolver(Protocol):
    """Turns an entity reference (an Item id, an ``{"item_id": ...}`` dict, an :class:`EntityRef`,
    the entity itself) into the object the parameter wants; ``annotation`` may ask for e.g.
    ``pd.DataFrame``."""

    def resolve(self, type_name: str, value: Any, annotation: Any) -> Any: ...


class PackingCall(Protocol):
    """What a packer reads of the call (``runtimes.base.CallSpec`` has it): artifacts of an
    execution live under ``<project>/<execution_id>[-<attempt>]``; ``returns`` are log hints
    given at execute time, used instead of the FunctionIO outputs."""

    @property
    def execution_id(self) -> str: ...
    @property
    def attempt(self) -> int: ...
    @property
    def returns(self) -> list[Any] | None: ...


class OutputPacker(Protocol):
    """Packs a function's return value by its FunctionIO outputs (or the call's log hints)."""

    def __call__(self, output: Any, function: PackageFunction, call: PackingCall) -> PackedOutput: ...


class ExecutionScratch(Protocol):
    """An adapter holding local copies (downloaded inputs, scratch folders) per execution."""

    def release(self, execution_id: str) -> None: ...


def scratch_releases(*adapters: object) -> list[Callable[[str], None]]:
    """The ``release`` of every adapter that keeps per-execution copies (found once per
    service: getattr, not isinstance(adapter, ExecutionScratch), whose runtime Protocol check
    costs microseconds; a plain resolver has no release)."""
    found = (getattr(adapter, "release", None) for adapter in adapters)
    return [release for release in found if release is not None]
