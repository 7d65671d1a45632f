"""``PackagersManager``: choose a packager, pack into a sink, unpack records.

Choice rule (documented, deterministic): among the packagers that accept the
object and artifact type, the lowest ``priority`` wins (1 highest .. 10); on a
tie the more specific ``PACKABLE_OBJECT_TYPE`` wins (deeper MRO); on a tie the
one registered *later* wins, so a custom packager overrides a builtin of equal
rank.  Builtins always count as registered before any custom one.  The pickle
fallback is kept apart and used last.

Collected: builtins (numpy/pandas ones only once that library is imported, so
``import faas_jupyter.packagers`` stays light), the entry-point group
``faas_jupyter.packagers`` (a class or a module of classes), and ``add()``.
"""
from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys
import types
import typing
import warnings
from itertools import count
from typing import Any

from faas_jupyter.errors import FaasError, PackagingError, PackingError, UnpackingError, ValidationError
from faas_jupyter.packagers.api import DataItem, DefaultPackager, PackContext, Packager
from faas_jupyter.packagers.bundles import BundleMixin
from faas_jupyter.packagers.log_hints import LogHint, parse_hint
from faas_jupyter.packagers.pickle_packager import PickleFallbackPackager
from faas_jupyter.packagers.records import linked as _linked, record as _record, remove_written as _remove_written
from faas_jupyter.packagers.typehints import reduce_hint, resolve_name, specificity, type_name

ENTRY_POINT_GROUP = "faas_jupyter.packagers"
BUILTIN_PRIORITY, CUSTOM_PRIORITY = 5, 3
BUILTIN_MODULES = ("faas_jupyter.packagers.python_values", "faas_jupyter.packagers.files")
LAZY_MODULES = {"numpy": "faas_jupyter.packagers.numpy_packagers",
                "pandas": "faas_jupyter.packagers.pandas_packagers"}


class PackagersManager(BundleMixin):
    """Holds the packagers of one workspace/run; see the module docstring."""

    def __init__(self, entry_points: bool = True):
        self._entries: list[tuple[int, Packager, str]] = []   # (order, packager, source)
        self._builtin_order = count(-10**6)
        self._custom_order = count(1)
        self._lazy_loaded: set[str] = set()
        self.default_packager = PickleFallbackPackager()
        self.default_packager.priority = 10
        for module in BUILTIN_MODULES:
            self._add_builtin_module(module)
        if entry_points:
            self.collect_entry_points()

    # -- collection ------------------------------------------------------------
    def _add_builtin_module(self, module_name: str) -> None:
        for cls in importlib.import_module(module_name).PACKAGERS:
            packager = cls()
            if packager._priority is None:
                packager.priority = BUILTIN_PRIORITY
            self._entries.append((next(self._builtin_order), packager, "builtin"))

    def _ensure_lazy(self, force: bool = False) -> None:
        for lib, module in LAZY_MODULES.items():
            if module in self._lazy_loaded:
                continue
            if lib in sys.modules or (force and importlib.util.find_spec(lib) is not None):
                self._lazy_loaded.add(module)
                self._add_builtin_module(module)

    def collect_entry_points(self) -> None:
        """Add every packager advertised in the entry-point group (errors warn)."""
        from importlib.metadata import entry_points
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            self.add(ep.value, is_mandatory=False, source=f"entry point {ep.name}")

    def add(self, packager: Any, is_mandatory: bool = False, source: str = "custom") -> list[Packager]:
        """Register a Packager class/instance, ``"module.Class"`` or ``"module.*"``.

        A packager that cannot be loaded raises ``PackagingError`` if
        ``is_mandatory``, else warns and is skipped (MLRun's semantics).
        """
        try:
            added = [self._register(p, source) for p in _resolve(packager)]
        except Exception as exc:
            msg = f"cannot add packager {packager!r}: {exc}"
            if is_mandatory:
                raise PackagingError(msg) from exc
            warnings.warn(msg + " (skipped; pass is_mandatory=True to make this an error)", stacklevel=2)
            return []
        return added

    def _register(self, packager: Any, source: str) -> Packager:
        if inspect.isclass(packager):
            if not issubclass(packager, Packager) or inspect.isabstract(packager):
                raise TypeError(f"{packager.__qualname__} is not a concrete faas_jupyter Packager subclass")
            packager = packager()
        if not isinstance(packager, Packager):
            raise TypeError(f"{packager!r} is not a Packager")
        if packager.explicit_priority is None:
            packager.priority = CUSTOM_PRIORITY
        else:
            packager.priority = packager.explicit_priority  # validates 1..10
        self._entries.append((next(self._custom_order), packager, source))
        return packager

    # -- lookup ----------------------------------------------------------------
    def ranked(self) -> list[Packager]:
        """Packagers in the order they are tried (the fallback not included)."""
        entries = sorted(self._entries, key=lambda e: (e[1].priority, -specificity(e[1]), -e[0]))
        return [p for _, p, _ in entries]

    def packagers(self, load_all: bool = True) -> list[Packager]:
        if load_all:
            self._ensure_lazy(force=True)
        return self.ranked() + [self.default_packager]

    def list(self) -> list[dict]:
        """One row per packager in priority order (what ``%faas packagers`` shows)."""
        self._ensure_lazy(force=True)
        sources = {id(p): s for _, p, s in self._entries}
        return [{"name": type(p).__name__, "packable_type": type_name(p.PACKABLE_OBJECT_TYPE),
                 "priority": p.priority, "artifact_types": p.get_supported_artifact_types(),
                 "source": sources.get(id(p), "fallback")} for p in self.packagers()]

    def by_name(self, name: str | None) -> Packager | None:
        if not name:
            return None
        for load in (False, True):
            self._ensure_lazy(force=load)
            for p in self.packagers(load_all=False):
                if type(p).__name__ == name:
                    return p
        return None

    def find_packer(self, obj: Any, artifact_type: str | None = None, configurations: dict | None = None) -> Packager:
        self._ensure_lazy()
        for p in self.ranked():
            if p.is_packable(obj, artifact_type, configurations):
                return p
        if artifact_type in (None, "object"):
            return self.default_packager
        possible = sorted({t for p in self.ranked() if p.is_packable(obj) for t in
                           p.get_supported_packing_artifact_types()} | {"object"})
        raise PackingError(f"no packager packs a {type_name(type(obj))} as {artifact_type!r}; "
                           f"use one of {possible}")

    def packable_type_names(self) -> set[str]:
        """Qualified names of the non-builtin types the packagers pack, as source code may write
        them (``pkg.mod.T``, ``pkg.T`` for a re-export, ``T`` for one defined in the notebook):
        inference makes such an annotation an Item input."""
        names: set[str] = set()
        for p in self.ranked():
            tp = typing.get_origin(p.PACKABLE_OBJECT_TYPE) or p.PACKABLE_OBJECT_TYPE
            if not isinstance(tp, type) or tp.__module__ == "builtins":
                continue
            module, qual = tp.__module__, tp.__qualname__
            names |= {f"{module}.{qual}", f"{module.split('.')[0]}.{qual}"}
            if module == "__main__":
                names.add(qual)
        return names

    def artifact_types(self, load_all: bool = True) -> list[str]:
        """Every artifact type some packager packs (custom ones included)."""
        return sorted({t for p in self.packagers(load_all) for t in p.get_supported_packing_artifact_types()})

    def check_artifact_types(self, hints) -> list[LogHint]:
        """Parse ``hints`` (None kept) and refuse an artifact type no packager packs."""
        parsed = [None if h is None else parse_hint(h) for h in hints]
        known = None
        for h in parsed:
            if h is not None and h.artifact_type is not None:
                known = known or self.artifact_types(load_all=False)
                if h.artifact_type not in known:  # maybe a numpy/pandas one: load those too
                    known = self.artifact_types()
                if h.artifact_type not in known:
                    raise ValidationError(f"log hint {h.key!r}: no packager packs artifact type "
                                          f"{h.artifact_type!r}; known types: {', '.join(known)} (add "
                                          "the packager that supports it with ws.packagers.add)")
        return parsed

    def validate_hint(self, hint: Any, type_hint: Any) -> LogHint:
        """Check a hint against the packagers for ``type_hint`` before anything runs."""
        hint = parse_hint(hint)
        self._ensure_lazy(force=True)
        errors: list[str] = []
        for cls in reduce_hint(type_hint):
            cands = [p for p in self.ranked() if isinstance(cls, type) and p.is_packable_type(cls)]
            for p in cands or [self.default_packager]:
                at = hint.artifact_type or p.DEFAULT_PACKING_ARTIFACT_TYPE if isinstance(p, DefaultPackager) \
                    else hint.artifact_type
                try:
                    if isinstance(p, DefaultPackager):
                        p.validate_configurations(at, hint.configurations)
                    return hint
                except PackingError as exc:
                    errors.append(str(exc))
        if errors:
            raise PackingError(f"log hint {hint.key!r}: {errors[0]}")
        return hint

    # -- packing ---------------------------------------------------------------
    def pack(self, obj: Any, log_hint: Any, sink=None, prefix: str = "", known: dict | None = None) -> list[dict]:
        """Pack one object; returns its item records (several for a bundle)."""
        return self.pack_many([(obj, log_hint)], sink, prefix, known)

    def pack_many(self, pairs, sink=None, prefix: str = "", known: dict | None = None) -> list[dict]:
        """Pack ``[(obj, hint), ...]`` and link ``extra_data``/``metrics`` given as ``...``.

        Every link is checked before anything is written; ``known`` maps keys of
        records logged earlier (e.g. by the same execution) to their records.
        """
        hinted = [(obj, parse_hint(h)) for obj, h in pairs]
        keys = {h.key for _, h in hinted} | set(known or {})
        for _, h in hinted:
            for other in [k for k, v in {**h.extra_data, **h.metrics}.items() if v is ...]:
                if other not in keys:
                    raise PackingError(f"log hint {h.key!r} links {other!r}, which no output or "
                                       f"earlier item has; remove it or log {other!r}")
        records: list[dict] = []
        try:
            for obj, h in hinted:
                records += self._pack_hint(obj, h, PackContext(sink, prefix))
            self._link(records, hinted, known or {})
        except BaseException:
            _remove_written(records, sink)  # nothing of a failed packing stays in the store
            raise
        return records

    def _pack_hint(self, obj, hint: LogHint, ctx: PackContext) -> list[dict]:
        if hint.itemized or self._should_itemize(obj, hint):
            return self.pack_bundle(obj, hint, ctx)
        packager = self.find_packer(obj, hint.artifact_type, hint.configurations)
        if packager is self.default_packager and hint.artifact_type is None:
            warnings.warn(f"no packager for {type_name(type(obj))}: {hint.key!r} is pickled "
                          f"(add a Packager for this type to store it portably)", stacklevel=4)
        artifact_type = hint.artifact_type or packager.get_default_packing_artifact_type(obj)
        if isinstance(packager, DefaultPackager):
            packager.validate_configurations(artifact_type, hint.configurations)
        packager.context = ctx
        try:
            out = packager.pack(obj, key=hint.key, artifact_type=artifact_type,
                                configurations=dict(hint.configurations))
            return [_record(hint.key, obj, packager, artifact_type, out, ctx)]
        except FaasError as exc:
            if repr(hint.key) in str(exc):
                raise
            raise PackingError(f"output {hint.key!r}: {type(exc).__name__}: {exc}") from exc
        except Exception as exc:
            raise PackingError(f"packing {hint.key!r} ({type_name(type(obj))}) as {artifact_type!r} with "
                               f"{type(packager).__name__} failed: {type(exc).__name__}: {exc}") from exc
        finally:
            packager.context = PackContext(None)

    def _link(self, records: list[dict], hinted, known: dict) -> None:
        """Fill every ``{other_key: ...}`` of the hints and of the packers' artifacts."""
        by_key = {**known, **{r["key"]: r for r in records}}
        hint_of = {h.key: h for _, h in hinted}
        for record in records:
            hint = hint_of.get(record["key"])
            for field_name in ("extra_data", "metrics"):
                links = {**(record.get(field_name) or {}), **(getattr(hint, field_name) if hint else {})}
                if links:
                    record[field_name] = _linked(record["key"], field_name, links, by_key)

    # -- unpacking -------------------------------------------------------------
    def unpack(self, item_record: Any, type_hint: Any = None, source=None) -> Any:
        """Unpack a record by its stored packager/instructions, or to ``type_hint``."""
        if isinstance(item_record, (list, tuple)) or (isinstance(item_record, dict)
                                                       and "artifact_type" not in item_record):
            return self.unpack_collection(item_record, type_hint, source)
        item = DataItem(item_record, source)
        hints = reduce_hint(type_hint)
        packager = self.by_name(item_record.get("packager"))
        stored_type = item_record.get("artifact_type")
        if packager is not None and (type_hint is None or any(
                packager.is_unpackable(item, h, stored_type) for h in hints)):
            return self._call_unpack(packager, item, stored_type, item_record.get("instructions"))
        if type_hint is None:  # the packager that wrote it is not registered here: aim for what was packed
            hints = reduce_hint(_recorded_type(item_record))
        return self._unpack_by_hint(item, hints)

    def _unpack_by_hint(self, item: DataItem, hints: list) -> Any:
        errors = []
        # a numpy/pandas hint means that library is imported already; only an open hint needs them all
        self._ensure_lazy(force=any(h in (None, object) for h in hints))
        for hint in hints:
            fitting = [p for p in self.packagers(load_all=False) if p.is_unpackable(item, hint)]
            # a packager of exactly the hinted type first: for an `int` hint, not bool's (a subclass)
            fitting.sort(key=lambda p: p.PACKABLE_OBJECT_TYPE is not hint)
            for p in fitting:
                at = p.get_default_unpacking_artifact_type(item)
                if at not in p.get_supported_unpacking_artifact_types():
                    continue
                try:
                    return p.unpack(item, at, {})
                except Exception as exc:
                    errors.append(f"{type(p).__name__} ({at}): {type(exc).__name__}: {exc}")
        tried = "; ".join(errors) or "no packager unpacks to that type"
        raise UnpackingError(f"cannot unpack item {item.key!r} as {[type_name(h) for h in hints]}: {tried}")

    def _call_unpack(self, packager: Packager, item: DataItem, artifact_type, instructions) -> Any:
        try:
            return packager.unpack(item, artifact_type, dict(instructions or {}))
        except FaasError:
            raise
        except Exception as exc:
            raise UnpackingError(f"unpacking item {item.key!r} with {type(packager).__name__} failed: "
                                 f"{type(exc).__name__}: {exc}") from exc

    def clear_packagers_outputs(self) -> None:
        """Remove every temporary path the packagers registered for clearing."""
        for p in self.packagers(load_all=False):
            p.clear_future_paths()


def _resolve(spec: Any) -> list:
    if not isinstance(spec, str):
        if isinstance(spec, types.ModuleType):
            return _module_packagers(spec)
        return [spec]
    if ":" in spec:
        module_name, attr = spec.split(":", 1)
    else:
        module_name, _, attr = spec.rpartition(".")
    if not module_name:
        raise ValueError(f"write 'module.Class', 'module:Class' or 'module.*', not {spec!r}")
    module = importlib.import_module(module_name)
    if attr == "*":
        return _module_packagers(module)
    obj = module
    for part in attr.split("."):
        obj = getattr(obj, part)
    return _module_packagers(obj) if isinstance(obj, types.ModuleType) else [obj]


def _module_packagers(module) -> list:
    return [obj for obj in vars(module).values()
            if inspect.isclass(obj) and issubclass(obj, Packager) and not inspect.isabstract(obj)
            and obj.__module__ == module.__name__ and not obj.__name__.startswith("_")]


def _recorded_type(item_record: dict) -> Any:
    """The packed object's type from the record's ``object_type`` (None when unknown or not importable)."""
    name = item_record.get("object_type")
    try:
        return resolve_name(name) if name else None
    except FaasError:
        return None


def validate_hint(hint: Any, obj_type_hint: Any = None, manager: PackagersManager | None = None) -> LogHint:
    """Parse ``hint`` and check it against the packager for ``obj_type_hint`` before running.

    Raises ``ValidationError`` for a malformed hint and ``PackingError`` for an
    artifact type or configuration the packager does not take.
    """
    parsed = parse_hint(hint)
    if obj_type_hint is not None:
        if manager is None:
            manager = PackagersManager()
        manager.validate_hint(parsed, obj_type_hint)
    return parsed
