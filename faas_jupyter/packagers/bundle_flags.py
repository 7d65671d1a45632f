"""``DefaultPackager``'s bundle methods, driven by MLRun's ``BUNDLE_FROM_LIST`` / ``BUNDLE_FROM_DICT``.

A packager whose type holds other objects (a dict-like or list-like class) sets a flag:
``unbundle`` then splits an object into a dict or list for ``*key`` outputs (each item packed
on its own) and ``bundle`` builds one from the unpacked items of a bundle input or output.
"""
from __future__ import annotations

import typing
from typing import Any

from faas_jupyter.packagers.clearing import make_class_callable


class BundleFlags:
    """Mixed into ``DefaultPackager`` (before ``Packager``, whose bundle methods are abstract)."""

    BUNDLE_FROM_LIST = False   # True: bundle(list) builds this type, and unbundle() splits it
    BUNDLE_FROM_DICT = False

    def can_bundle(self, bundle_hint: Any, collection_type: type) -> bool:
        tp = typing.get_origin(self.PACKABLE_OBJECT_TYPE) or self.PACKABLE_OBJECT_TYPE
        hint = typing.get_origin(bundle_hint) or bundle_hint
        if not (isinstance(tp, type) and isinstance(hint, type) and isinstance(collection_type, type)):
            return False
        if not (hint is tp or (self.PACK_SUBCLASSES and issubclass(hint, tp))):
            return False
        return ((self.BUNDLE_FROM_LIST and issubclass(collection_type, (list, tuple)))
                or (self.BUNDLE_FROM_DICT and issubclass(collection_type, dict)))

    def can_unbundle(self, bundled_object: Any) -> bool:
        return (self.BUNDLE_FROM_LIST or self.BUNDLE_FROM_DICT) and self.is_packable_type(type(bundled_object))

    def bundle(self, collection: dict | list) -> Any:
        return self.PACKABLE_OBJECT_TYPE(collection)

    def unbundle(self, bundled_object: Any) -> dict | list:
        if self.BUNDLE_FROM_DICT and hasattr(bundled_object, "keys"):
            return {k: bundled_object[k] for k in bundled_object.keys()}
        return list(bundled_object)


make_class_callable(BundleFlags)  # MyPackager.can_bundle(hint, dict) works on the class too
