"""All SQL lives in ``store/``: the workspace imports neither SQLAlchemy nor the table definitions
(it calls the store's query functions and gets rows whose JSON columns are decoded)."""
from __future__ import annotations

import ast
from pathlib import Path

WORKSPACE = Path(__file__).resolve().parents[1] / "faas_jupyter" / "workspace"
FORBIDDEN = ("sqlalchemy", "faas_jupyter.store.schema")


def _imported(path: Path, root: Path = WORKSPACE) -> list[str]:
    """Every module ``path`` (under the workspace package ``root``) imports, anywhere in it,
    relative imports made absolute; ``from m import n`` yields both ``m`` and ``m.n``."""
    package = ["faas_jupyter", "workspace", *path.relative_to(root).parent.parts]
    names = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1]) if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            names += [module] + [f"{module}.{alias.name}" for alias in node.names]
    return names


def _forbidden(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FORBIDDEN)


def test_the_check_sees_each_import_form(tmp_path):
    fake = tmp_path / "workspace" / "sub" / "fake.py"
    fake.parent.mkdir(parents=True)
    fake.write_text("import json\nimport sqlalchemy.exc\nfrom faas_jupyter.store import schema, items\n"
                    "def f():\n    from ...store.schema import datasets\n    from sqlalchemy import select\n")
    found = [n for n in _imported(fake, tmp_path / "workspace") if _forbidden(n)]
    assert found == ["sqlalchemy.exc", "faas_jupyter.store.schema", "faas_jupyter.store.schema",
                     "faas_jupyter.store.schema.datasets", "sqlalchemy", "sqlalchemy.select"]
    assert not _forbidden("faas_jupyter.store.schemas") and not _forbidden("sqlalchemy_utils")


def test_workspace_imports_neither_sqlalchemy_nor_the_schema():
    wrong = [f"{path.relative_to(WORKSPACE.parent)} imports {name}"
             for path in sorted(WORKSPACE.rglob("*.py")) for name in _imported(path) if _forbidden(name)]
    assert not wrong, "SQL belongs in faas_jupyter/store/:\n" + "\n".join(wrong)
