"""The linters, run by ``./dev test`` and so by CI (issue 10 item 5).

* ``lint-imports``: the import contracts in ``pyproject.toml`` (layers point down, the front
  ends are independent, a ``_private`` module is imported only inside its own package);
* no import cycle between modules, function-local imports included (``test_no_import_cycles``);
* ``ruff check`` with the rules in ``pyproject.toml``;
* ``mypy``: strict on ``model/``, ``store/``, ``runner/``, ``commands/``.

Each runs in a subprocess from the repository root, so it reads ``pyproject.toml`` as a
developer's shell would, and a failure shows the tool's own report.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def _report(done: subprocess.CompletedProcess) -> str:
    return (done.stdout + done.stderr)[-20000:]


def test_import_contracts():
    done = _run("-c", "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())")
    assert done.returncode == 0, _report(done)


def test_ruff():
    done = _run("-m", "ruff", "check", "--no-cache", "faas_jupyter")
    assert done.returncode == 0, _report(done)


@pytest.mark.slow
def test_mypy():
    done = _run("-m", "mypy", "--cache-dir", str(ROOT / ".mypy_cache"))
    assert done.returncode == 0, _report(done)


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    cycles.append(sorted(group))
    return cycles


def _describe(graph: grimp.ImportGraph, group: list[str]) -> str:
    edges = []
    for importer in group:
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if imported in group:
                lines = [d["line_number"] for d in graph.get_import_details(importer=importer, imported=imported)]
                edges.append(f"  {importer} -> {imported} (line {', '.join(map(str, lines))})")
    return "\n".join(edges)


def test_cycle_finder_finds_a_cycle_and_only_cycles():
    graph = grimp.ImportGraph()
    for name in ("p", "p.a", "p.b", "p.c", "p.d"):
        graph.add_module(name)
    graph.add_import(importer="p.a", imported="p.b")
    graph.add_import(importer="p.b", imported="p.c")
    graph.add_import(importer="p.c", imported="p.a")
    graph.add_import(importer="p.d", imported="p.a")
    assert import_cycles(graph) == [["p.a", "p.b", "p.c"]]


def test_no_import_cycles():
    """No module reaches itself through imports; grimp counts function-local imports too, so a
    cycle is removed by moving code, not by hiding an import. ``TYPE_CHECKING`` imports are left
    out: their names do not exist at run time, so nothing can use them to dodge a cycle, and types
    that refer to each other (``Workspace.services -> Services``, ``Services(ws: Workspace)``) are
    not a dependency between the modules."""
    graph = grimp.build_graph("faas_jupyter", exclude_type_checking_imports=True, cache_dir=None)
    cycles = import_cycles(graph)
    assert not cycles, "import cycles:\n" + "\n\n".join(_describe(graph, group) for group in cycles)
