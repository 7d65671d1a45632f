"""The workspace's collections: visible to type checkers and IDEs, built once, imported lazily."""
from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
import threading
import typing
from functools import cached_property

import pytest

import faas_jupyter as faas
from faas_jupyter.workspace import _base
from faas_jupyter.workspace._base import Workspace

# ws.<name> -> the module defining its class
COLLECTIONS = {
    "projects": ("faas_jupyter.workspace.projects", "Projects"),
    "packages": ("faas_jupyter.workspace.packages", "Packages"),
    "services": ("faas_jupyter.workspace.services", "Services"),
    "executions": ("faas_jupyter.workspace.executions", "Executions"),
    "items": ("faas_jupyter.workspace.items", "Items"),
    "datasets": ("faas_jupyter.workspace.datasets", "Datasets"),
    "packagers": ("faas_jupyter.workspace.packagers", "Packagers"),
    "console": ("faas_jupyter.workspace.console", "Console"),
    "triggers": ("faas_jupyter.workspace.triggers", "Triggers"),
}


def _class(name: str) -> type:
    module, cls = COLLECTIONS[name]
    return getattr(importlib.import_module(module), cls)


def _return_type(name: str) -> type:
    """The return annotation of ``Workspace.<name>`` resolved as a type checker does: the
    ``TYPE_CHECKING`` imports of ``_base`` are in scope."""
    func = inspect.getattr_static(Workspace, name).func
    scope = {cls: _class(attr) for attr, (_, cls) in COLLECTIONS.items()}
    return typing.get_type_hints(func, globalns=vars(_base), localns=scope)["return"]


@pytest.mark.parametrize("name", sorted(COLLECTIONS))
def test_each_collection_is_a_declared_property_annotated_with_its_class(name):
    assert isinstance(inspect.getattr_static(Workspace, name), cached_property)
    assert _return_type(name) is _class(name)


@pytest.mark.parametrize("name", sorted(COLLECTIONS))
def test_the_annotated_class_is_what_the_workspace_gives(ws, name):
    collection = getattr(ws, name)
    assert type(collection) is _return_type(name)
    assert getattr(ws, name) is collection


def test_packages_follow_the_current_project(ws):
    packages = ws.packages
    ws.projects.create("vision")
    ws.use_project("vision")
    assert packages.project.name == "vision"
    assert ws.packages is packages


@pytest.mark.parametrize("name", ["services", "items", "packagers"])
def test_concurrent_first_access_builds_a_collection_once(tmp_home, monkeypatch, name):
    cls = _class(name)
    built = []
    original = cls.__init__
    entered = threading.Event()

    def counting_init(self, ws, *args, **kwargs):
        built.append(self)
        entered.set()
        # hold the first builder inside its constructor until the others have asked too
        others_asked.wait(5)
        original(self, ws, *args, **kwargs)

    monkeypatch.setattr(cls, "__init__", counting_init)
    ws = faas.workspace()
    others_asked = threading.Event()
    seen: list = []
    threads = [threading.Thread(target=lambda: seen.append(getattr(ws, name))) for _ in range(8)]
    threads[0].start()
    assert entered.wait(5)
    for t in threads[1:]:
        t.start()
    others_asked.set()
    for t in threads:
        t.join(10)
    assert len(built) == 1
    assert len(seen) == 8 and all(c is built[0] for c in seen)


def test_a_new_workspace_imports_no_collection_module_before_use(tmp_path):
    code = ("import sys, faas_jupyter as faas; ws = faas.workspace(home=sys.argv[1]); "
            "print([m for m in sys.modules if m in sys.argv[2:]])")
    modules = [module for module, _ in COLLECTIONS.values() if module != "faas_jupyter.workspace.projects"]
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path), *modules],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
