"""Cross-cutting guarantees: a light top-level import and imports that point down only."""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "faas_jupyter"

# layer -> layers it may import (besides itself and the base modules errors/config)
ALLOWED = {
    "model": set(),
    "dtlpy": {"model"},  # the Dataloop compatibility module: builds model classes, nothing else
    "store": {"model"},
    "packagers": {"model"},
    "runner": {"model", "dtlpy", "store", "packagers"},
    "workspace": {"model", "dtlpy", "store", "packagers", "runner"},
    "commands": {"model", "workspace"},  # the one command layer under the front ends
    "magics": {"model", "dtlpy", "store", "packagers", "runner", "workspace", "commands", "widgets"},
    "widgets": {"model", "dtlpy", "store", "packagers", "runner", "workspace", "commands"},
    "server": {"model", "dtlpy", "store", "packagers", "runner", "workspace", "commands"},
}
FRONT_END_ONLY = ("IPython", "ipywidgets", "anywidget", "tornado", "jupyter_server", "ipykernel")
HEAVY = ("pandas", "numpy", "pyarrow", "dask", "distributed")


def _absolute(path: Path, node: ast.ImportFrom) -> str:
    """The absolute module of ``from .x import y`` / ``from .. import y`` in ``path``."""
    if node.level == 0:
        return node.module
    package = ["faas_jupyter", *path.relative_to(PKG).parent.parts]
    base = package[: len(package) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def _imports(path: Path):
    """Yield (module name, is_top_level) for every import in a file (relative ones made absolute)."""
    tree = ast.parse(path.read_text(), str(path))
    top = {id(n) for n in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, id(node) in top
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(path, node)
            if node.level and not node.module:  # ``from .. import store``: the names are modules
                for alias in node.names:
                    yield f"{module}.{alias.name}", id(node) in top
            else:
                yield module, id(node) in top


def test_relative_imports_are_resolved():
    code = "from ..store import x\nfrom . import _json\nfrom .package import y\n"
    fake = PKG / "model" / "fake.py"
    tree = ast.parse(code)
    assert [_absolute(fake, n) for n in tree.body] == ["faas_jupyter.store", "faas_jupyter.model",
                                                       "faas_jupyter.model.package"]


def _layer(path: Path) -> str | None:
    rel = path.relative_to(PKG).parts
    return rel[0] if len(rel) > 1 else None


def test_imports_point_down_only():
    wrong = []
    for path in PKG.rglob("*.py"):
        layer = _layer(path)
        if layer not in ALLOWED:
            continue
        for name, _ in _imports(path):
            parts = name.split(".")
            if parts[0] != "faas_jupyter" or len(parts) < 2 or parts[1] in ("errors", "config", layer):
                continue
            if parts[1] not in ALLOWED[layer]:
                wrong.append(f"{path.relative_to(PKG)} imports {name}")
    assert not wrong, "imports pointing up or sideways:\n" + "\n".join(wrong)


# modules the packagers manager / runtime factory import only when their library is in use;
# test_import_faas_jupyter_is_light checks that nothing imports them eagerly
LAZY_LOADED = ("packagers", "runtimes")


def test_core_never_imports_front_end_or_heavy_libraries_at_module_level():
    wrong = []
    for path in PKG.rglob("*.py"):
        layer = _layer(path)
        if layer in ("magics", "widgets", "server"):
            continue
        lazy = any(part in LAZY_LOADED for part in path.relative_to(PKG).parts)
        for name, top_level in _imports(path):
            root = name.split(".")[0]
            if root in FRONT_END_ONLY or (top_level and root in HEAVY and not lazy):
                wrong.append(f"{path.relative_to(PKG)} imports {name}")
    assert not wrong, "\n".join(wrong)


def test_import_faas_jupyter_is_light():
    code = ("import sys, faas_jupyter, faas_jupyter.model, faas_jupyter.packagers, faas_jupyter.runner, "
            "faas_jupyter.dtlpy; "
            "faas_jupyter.BaseServiceRunner, faas_jupyter.Packager, faas_jupyter.workspace; "
            "import json; print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
            f"{HEAVY + FRONT_END_ONLY + ('sqlalchemy',)!r})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_faas_workspace_is_callable_whatever_was_imported_first():
    code = ("import faas_jupyter as faas, faas_jupyter.workspace.packages, tempfile; "
            "ws = faas.workspace(home=tempfile.mkdtemp()); print(ws.project.name)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "default"
