"""Clearing paths per logging, and packager methods callable on the class.

``clearing_scope()`` wraps one logging (``ws.items.log``, or one execution: its inputs
unpacked, the function run, its outputs packed): every path a packager marks with
``add_future_clearing_path`` inside it is deleted when it ends, success or failure.
Scopes are per thread (a context variable), so concurrent executions sharing a manager
never delete each other's paths.

MLRun's documentation calls ``is_packable``, ``pack``, ``get_supported_artifact_types``
... "class methods" although they are instance methods there; ``class_callable`` makes
``MyPackager.get_supported_artifact_types()`` work too, on one shared instance per class,
while ``Base.method(self, ...)`` (an explicit call of a parent's method) still works.
"""
from __future__ import annotations

import contextvars
import functools
import os
import shutil
import threading
import types

# the paths marked for clearing in the open scope (``clearing_scope``, or the runner's own
# context around one execution, ``runner.capture.in_execution``)
MARKED: contextvars.ContextVar[list | None] = contextvars.ContextVar("faas_clearing", default=None)
_SHARED_LOCK = threading.Lock()

CLASS_CALLABLE = ("get_default_packing_artifact_type", "get_default_unpacking_artifact_type",
                  "get_supported_artifact_types", "get_supported_packing_artifact_types",
                  "get_supported_unpacking_artifact_types", "is_packable", "is_unpackable", "pack",
                  "unpack", "can_bundle", "can_unbundle", "bundle", "unbundle",
                  "add_future_clearing_path", "get_data_item_local_path")


def note_clearing_path(packager, path: str) -> None:
    """Called by ``Packager.add_future_clearing_path``: the open scope deletes it too."""
    marked = MARKED.get()
    if marked is not None:
        marked.append((packager, path))


class clearing_scope:  # used as a function: ``with clearing_scope():``
    """Delete, at the end of the block, every path packagers marked for clearing in it.

    A class, not a ``@contextmanager`` generator: every execution opens one (~1.5 us less)."""

    __slots__ = ("_token",)

    def __enter__(self) -> list:
        marked: list = []
        self._token = MARKED.set(marked)
        return marked

    def __exit__(self, *_exc: object) -> None:
        marked = MARKED.get() or []
        MARKED.reset(self._token)
        clear_marked(marked)


def clear_marked(marked: list) -> None:
    """Delete the paths of a scope that ended (the last marked first)."""
    for packager, path in reversed(marked):
        packager.forget_clearing_path(path)
        remove_path(path)


def remove_path(path: str) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.lexists(path):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


def shared_instance(cls):
    """One instance of ``cls`` for calls made on the class itself."""
    inst = cls.__dict__.get("_faas_shared_instance")
    if inst is None:
        with _SHARED_LOCK:
            inst = cls.__dict__.get("_faas_shared_instance")
            if inst is None:
                inst = cls()
                type.__setattr__(cls, "_faas_shared_instance", inst)
    return inst


class class_callable:
    """A method that binds to the instance, or (called on the class) to ``shared_instance``."""

    def __init__(self, func):
        self.func = func
        self.name = func.__name__
        self._found: dict[type, bool] = {}   # per instance class: is this the method it finds?
        functools.update_wrapper(self, func)

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is not None:
            bound = types.MethodType(self.func, instance)
            if self._is_found_on(type(instance)):  # never cache a parent's method got via super()
                try:  # a non-data descriptor: the instance's own entry answers next time (hot path)
                    instance.__dict__[self.name] = bound
                except AttributeError:  # __slots__: no instance dict
                    pass
            return bound
        func = self.func

        @functools.wraps(func)
        def on_class(*args, **kwargs):
            if args and isinstance(args[0], owner):  # Base.method(self, ...): an explicit self
                return func(*args, **kwargs)
            return func(shared_instance(owner), *args, **kwargs)
        return on_class

    def _is_found_on(self, cls) -> bool:
        """Is this the method plain attribute lookup on ``cls`` finds (not an overridden one)?"""
        found = self._found.get(cls)
        if found is None:
            owner = next((k for k in cls.__mro__ if self.name in k.__dict__), None)
            found = self._found[cls] = owner is not None and owner.__dict__[self.name] is self
        return found


def make_class_callable(cls) -> None:
    """Wrap the methods of ``cls`` named in CLASS_CALLABLE (those it defines itself)."""
    for name in CLASS_CALLABLE:
        value = cls.__dict__.get(name)
        if isinstance(value, types.FunctionType):
            setattr(cls, name, class_callable(value))
