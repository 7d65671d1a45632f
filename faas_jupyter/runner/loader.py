"""Load a revision's codebase as an isolated module namespace.

Each codebase is extracted once into a content-addressed folder and imported
under its own ``sys.modules`` prefix ``_faas_<digest12>``. Modules of that
namespace get a private ``__import__`` that maps the codebase's top-level names
(``utils``, ``helpers.x``) into the prefix, so two revisions of one package
loaded side by side each import their own ``utils``. Nothing is added to
``sys.path``; other code never sees the codebase. ``import dtlpy`` in a codebase gets
``faas_jupyter.dtlpy`` when the real dtlpy is not installed (never in its place).
"""
from __future__ import annotations

import builtins
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import shutil
import sys
import tempfile
import threading
import traceback
import types
from pathlib import Path
from typing import Any, Mapping, Sequence

from faas_jupyter.errors import NotFound, ValidationError
from faas_jupyter.model.codebase import Codebase

_SKIP_DIRS = {"__pycache__", ".git", ".ipynb_checkpoints"}
# SDKs package code imports that we can stand in for when they are not installed
_COMPAT = {"dtlpy": "faas_jupyter.dtlpy"}
_LOCK = threading.RLock()
_CACHE: dict[str, "LoadedCodebase"] = {}


def codebase_digest(files: Mapping[str, bytes]) -> str:
    """The content digest of ``files``: the same as ``model.codebase.Codebase.digest``."""
    return Codebase(files).digest


def _as_files(codebase: Any) -> tuple[dict[str, bytes], str]:
    """Accept a ``Codebase`` (or anything with ``.files``/``.digest``), a dict, or a folder path.

    A folder is read as a push reads it (``Codebase.from_dir``: .gitignore, caches and VCS
    folders skipped); a dict is checked like any codebase (no ``..`` or absolute paths).
    """
    if isinstance(codebase, (str, os.PathLike)):
        codebase = Codebase.from_dir(codebase)
    elif isinstance(codebase, Mapping):
        codebase = Codebase(codebase)
    return dict(codebase.files), codebase.digest


def load_codebase(codebase: Any, cache_dir: str | os.PathLike[str] | None = None) -> "LoadedCodebase":
    """The loaded namespace of ``codebase``, cached by digest (loading twice is free).

    A folder is snapshotted first, so later edits to it never change what is loaded.
    """
    files, digest = _as_files(codebase)
    with _LOCK:
        loaded = _CACHE.get(digest)
        if loaded is None:
            root = _extract(files, digest, cache_dir)
            loaded = _CACHE[digest] = LoadedCodebase(digest, root, sorted(files))
        return loaded


def _extract(files: Mapping[str, bytes], digest: str, cache_dir: str | os.PathLike[str] | None) -> Path:
    """Write ``files`` once under ``<cache_dir>/<digest>`` (atomic rename, reused later)."""
    base = Path(cache_dir or Path(tempfile.gettempdir()) / f"faas_jupyter_codebases_{os.getuid()}")
    final = base / digest
    if final.is_dir():
        return final
    base.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{digest[:12]}-", dir=base))
    for rel, data in files.items():
        target = tmp / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    try:
        os.rename(tmp, final)
    except OSError:  # another process extracted the same digest first: use theirs
        shutil.rmtree(tmp, ignore_errors=True)
    return final


def module_name_of(entry_point: str) -> str:
    """``src/app.py`` -> ``src.app``."""
    path = entry_point.replace("\\", "/").removeprefix("./")
    return path.removesuffix(".py").replace("/", ".")


class LoadedCodebase:
    """One codebase imported under its own prefix; ``runner_class()`` finds the module's class."""

    def __init__(self, digest: str, root: Path, paths: list[str]):
        self.digest = digest
        self.root = root
        self.paths = paths
        self.prefix = f"_faas_{digest[:12]}"
        self._finder = _Finder(self.prefix, root)
        self._builtins = dict(builtins.__dict__)
        self._search: list[dict[str, str]] = [self._top_names(root)]  # like sys.path, first wins
        self._builtins["__import__"] = self._import
        sys.meta_path.insert(0, self._finder)
        self._finder.builtins = self._builtins
        self._package = self._make_package()

    def _make_package(self) -> types.ModuleType:
        module = importlib.util.module_from_spec(
            importlib.machinery.ModuleSpec(self.prefix, None, is_package=True))
        module.__path__ = [str(self.root)]
        sys.modules[self.prefix] = module
        return module

    def _top_names(self, directory: Path) -> dict[str, str]:
        """Importable top-level names in ``directory`` -> qualified name under the prefix."""
        rel = directory.relative_to(self.root).as_posix()
        base = self.prefix if rel == "." else f"{self.prefix}.{rel.replace('/', '.')}"
        names = {}
        for child in directory.iterdir():
            if child.suffix == ".py" and child.stem.isidentifier():
                names[child.stem] = f"{base}.{child.stem}"
            elif (child.is_dir() and child.name.isidentifier() and child.name not in _SKIP_DIRS
                  and any(child.glob("*.py"))):  # a data folder must not shadow an installed package
                names[child.name] = f"{base}.{child.name}"
        return names

    def import_entry(self, entry_point: str) -> types.ModuleType:
        """Import ``entry_point`` (a path in the codebase) and return the module."""
        rel = entry_point.replace("\\", "/").removeprefix("./")
        if rel not in self.paths:
            shown = ", ".join(p for p in self.paths if p.endswith(".py")) or "none"
            raise NotFound(f"entryPoint {rel!r} is not in the codebase; Python files: {shown}")
        with _LOCK:
            # the entry point's folder is importable before the codebase root, as
            # `python src/app.py` would see it
            names = self._top_names((self.root / rel).parent)
            if names not in self._search:
                self._search.insert(0, names)
            qualified = f"{self.prefix}.{module_name_of(rel)}"
            try:
                return importlib.import_module(qualified)
            except Exception as exc:
                raise _user_code_error(exc, rel, self.root) from exc

    def runner_class(self, entry_point: str = "main.py", class_name: str = "ServiceRunner") -> type:
        """The class ``class_name`` of ``entry_point``; NotFound names what exists instead."""
        module = self.import_entry(entry_point)
        cls = getattr(module, class_name, None)
        if not isinstance(cls, type):
            classes = sorted(n for n, v in vars(module).items()
                             if isinstance(v, type) and v.__module__ == module.__name__)
            raise NotFound(f"class {class_name!r} not found in {entry_point}; classes there: "
                           f"{', '.join(classes) or 'none'} (set the module's className)")
        return cls

    def _import(self, name: str, globals: Mapping[str, Any] | None = None, locals: Mapping[str, Any] | None = None,
                fromlist: Sequence[str] = (), level: int = 0) -> types.ModuleType:
        if level == 0:
            top, _, rest = name.partition(".")
            for names in self._search:
                qualified = names.get(top)
                if qualified is not None:
                    full = qualified + ("." + rest if rest else "")
                    module = builtins.__import__(full, globals, locals, fromlist, 0)
                    return module if fromlist else sys.modules[qualified]
            if top in _COMPAT:
                compat = _compat_import(top, rest, fromlist)
                if compat is not None:
                    return compat
        return builtins.__import__(name, globals, locals, fromlist, level)

    def unload(self) -> None:
        """Forget this namespace (tests; a deleted service)."""
        with _LOCK:
            for name in [n for n in sys.modules if n == self.prefix or n.startswith(self.prefix + ".")]:
                del sys.modules[name]
            if self._finder in sys.meta_path:
                sys.meta_path.remove(self._finder)
            _CACHE.pop(self.digest, None)

    def __repr__(self) -> str:
        return f"LoadedCodebase({self.prefix}, {len(self.paths)} files)"


def _compat_import(top: str, rest: str, fromlist: Sequence[str]) -> types.ModuleType | None:
    """``import dtlpy[.x]`` -> ``faas_jupyter.dtlpy[.x]``, unless a real ``dtlpy`` is installed.

    Looked up on every import (not cached): installing the real SDK later takes effect.
    """
    if importlib.util.find_spec(top) is not None:
        return None
    target = _COMPAT[top] + ("." + rest if rest else "")
    try:
        module = importlib.import_module(target)
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            f"No module named '{top}.{rest}': faas_jupyter's {top} compatibility module has no "
            f"'{rest}' (it covers {_COMPAT[top]}.COVERED); install the real {top} to use it",
            name=f"{top}.{rest}") from None
    return module if fromlist else importlib.import_module(_COMPAT[top])


class _Loader(importlib.machinery.SourceFileLoader):
    """Executes a codebase module with the namespace's private ``__import__``."""

    builtins: dict[str, Any] = {}

    def exec_module(self, module: types.ModuleType) -> None:
        setattr(module, "__builtins__", self.builtins)  # noqa: B010 (ModuleType declares no __builtins__)
        super().exec_module(module)


class _Finder(importlib.abc.MetaPathFinder):
    """Finds ``<prefix>.a.b`` as ``<root>/a/b.py`` or the package ``<root>/a/b/``."""

    def __init__(self, prefix: str, root: Path):
        self.prefix = prefix
        self.root = root
        self.builtins: dict[str, Any] = {}

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: types.ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith(self.prefix + "."):
            return None
        base = self.root.joinpath(*fullname.split(".")[1:])
        init, plain = base / "__init__.py", base.with_suffix(".py")
        if base.is_dir():
            source = init if init.is_file() else None
            return self._spec(fullname, source, [str(base)])
        if plain.is_file():
            return self._spec(fullname, plain, None)
        return None

    def _spec(self, fullname: str, source: Path | None, search: list[str] | None) -> importlib.machinery.ModuleSpec | None:
        if source is None:  # a folder without __init__.py still works as a package
            spec = importlib.machinery.ModuleSpec(fullname, None, is_package=True)
            spec.submodule_search_locations = search
            return spec
        loader = _Loader(fullname, str(source))
        loader.builtins = self.builtins
        return importlib.util.spec_from_file_location(
            fullname, source, loader=loader, submodule_search_locations=search)


def _user_code_error(exc: BaseException, entry: str, root: Path) -> ValidationError:
    """Turn a syntax or import-time error in user code into one message naming file and line."""
    if isinstance(exc, SyntaxError) and exc.filename:
        path = _relative(exc.filename, root)
        return ValidationError(f"syntax error in {path} line {exc.lineno}: {exc.msg}",
                               path=path, line=exc.lineno)
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if _inside(f.filename, root)]
    if frames:
        path, line = _relative(frames[-1].filename, root), frames[-1].lineno
    else:
        path, line = entry, None
    where = f"{path} line {line}" if line else path
    return ValidationError(f"importing {entry} failed at {where}: {type(exc).__name__}: {exc}",
                           path=path, line=line)


def _inside(filename: str, root: Path) -> bool:
    return filename.startswith(str(root) + os.sep)


def _relative(filename: str, root: Path) -> str:
    return Path(filename).relative_to(root).as_posix() if _inside(filename, root) else filename
