"""Bundles: ``*key`` packs each item of a collection as its own item, and back.

Packing ``[a, b]`` with ``"*parts"`` writes items ``parts_0`` and ``parts_1``
and a structure record ``parts`` (packager ``bundle``) whose instructions list
the collection type, the original keys (type-tagged) and the item keys.  A list
or dict holding things no result can keep (DataFrames, arrays...) with no
artifact type is itemized automatically instead of being pickled whole.
"""
from __future__ import annotations

import logging
import typing
from dataclasses import replace

from faas_jupyter.errors import FaasError, UnpackingError
from faas_jupyter.packagers import tagged
from faas_jupyter.packagers.log_hints import KEY_RE
from faas_jupyter.packagers.typehints import reduce_hint, resolve_name, type_name

log = logging.getLogger("faas_jupyter.packagers")
BUNDLE = "bundle"
_COLLECTIONS = {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset, "dict": dict}


class BundleMixin:
    """Bundle methods of ``PackagersManager``."""

    def _should_itemize(self, obj, hint) -> bool:
        if hint.artifact_type is not None or type(obj) not in (list, tuple, dict) or not obj:
            return False
        self._ensure_lazy()
        if any(p.is_packable(obj) for p in self.ranked()):
            return False  # a result, or npz for arrays
        log.info("%r holds objects a result cannot keep: stored as one item per element", hint.key)
        return True

    def pack_bundle(self, obj, hint, ctx) -> list[dict]:
        unbundler = next((p for p in self.ranked() if p.can_unbundle(obj)), None)
        if unbundler is None:  # nothing to split: pack it whole, as MLRun does
            return self._pack_hint(obj, replace(hint, itemized=0), ctx)
        items = unbundler.unbundle(obj)
        pairs = items.items() if isinstance(items, dict) else enumerate(items)
        records, keys, item_keys = [], [], []
        for i, (k, value) in enumerate(pairs):
            sub_key = f"{hint.key}_{k}" if KEY_RE.fullmatch(f"{hint.key}_{k}") else f"{hint.key}_{i}"
            sub = replace(hint, key=sub_key, itemized=max(hint.itemized - 1, 0), extra_data={}, metrics={})
            records += self._pack_hint(value, sub, ctx)
            keys.append(k)
            item_keys.append(sub_key)
        structure = {"key": hint.key, "artifact_type": "result", "format": None, "size": None,
                     "digest": None, "packager": BUNDLE, "object_type": type(obj).__qualname__,
                     "instructions": {"collection": type(obj).__name__, "keys": tagged.encode(keys),
                                      "items": item_keys, "type": type_name(type(obj)),
                                      "unbundled": "dict" if isinstance(items, dict) else "list"},
                     "path": None, "url": None, "value": dict(zip(map(str, keys), item_keys))}
        return records + [structure]

    def unpack_bundle(self, structure: dict, records: dict, type_hint=None, source=None):
        """Rebuild a ``*key`` collection from its structure record and item records by key."""
        if structure.get("packager") != BUNDLE:
            raise UnpackingError(f"item {structure.get('key')!r} is not a bundle")
        info = structure["instructions"]
        item_hint = _item_hint(type_hint)
        values = []
        for item_key in info["items"]:
            if item_key not in records:
                raise UnpackingError(f"bundle {structure['key']!r} needs item {item_key!r}, which was not given")
            rec = records[item_key]
            values.append(self.unpack_bundle(rec, records, item_hint, source) if rec.get("packager") == BUNDLE
                          else self.unpack(rec, item_hint, source))
        kind = _COLLECTIONS.get(info["collection"])
        if kind is not None:
            return dict(zip(tagged.decode(info["keys"]), values)) if kind is dict else kind(values)
        collection = dict(zip(tagged.decode(info["keys"]), values)) if info.get("unbundled") == "dict" \
            else values
        return self.bundle_collection(collection, type_hint, structure["key"], info.get("type"))

    def bundle_collection(self, collection, type_hint, key: str, type_text: str | None = None):
        """``collection`` (a dict or list of unpacked objects) as ``type_hint`` (else the type
        named ``type_text``): as it is when it already is one, else by a packager's ``bundle``."""
        hints = [h for h in reduce_hint(type_hint) if h is not None and h is not object]
        target = hints[0] if hints else None
        if target is None and type_text:
            try:
                target = resolve_name(type_text)
            except FaasError:  # the type is not importable here: the plain collection is all we have
                log.warning("bundle %r: type %s cannot be imported; returning a %s", key, type_text,
                            type(collection).__name__)
                return collection
        if not isinstance(target, type) or isinstance(collection, target):
            return collection
        for p in self.ranked():
            if p.can_bundle(target, type(collection)):
                return p.bundle(collection)
        raise UnpackingError(f"bundle {key!r}: no packager bundles a {type(collection).__name__} into "
                             f"{type_name(target)}; register the packager of that type (ws.packagers.add)")

    def unpack_collection(self, records, type_hint=None, source=None):
        """A list/dict of records -> the collection of unpacked objects (``list[pd.DataFrame]``)."""
        item_hint = _item_hint(type_hint)
        if isinstance(records, dict):
            collection = {k: self.unpack(r, item_hint, source) for k, r in records.items()}
        else:
            collection = [self.unpack(r, item_hint, source) for r in records]
        return self.bundle_collection(collection, type_hint, "input")


def item_hint(type_hint):
    """The hint of one item of a collection hint (``dict[str, X]`` -> X, as MLRun takes the last)."""
    return _item_hint(type_hint)


def _item_hint(type_hint):
    args = [a for a in typing.get_args(type_hint) if a is not ...]  # tuple[X, ...] -> X
    return args[-1] if args else None
