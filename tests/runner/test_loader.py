from __future__ import annotations

import sys

import pytest

from faas_jupyter.errors import NotFound, ValidationError
from faas_jupyter.runner.loader import codebase_digest, load_codebase


def _codebase(greeting: str, **extra: bytes) -> dict[str, bytes]:
    files = {
        "main.py": b"import utils\nfrom helpers.text import shout\n\n"
                   b"class ServiceRunner:\n"
                   b"    def run(self, name):\n"
                   b"        import utils as again\n"
                   b"        return shout(utils.greet(name)) + again.SUFFIX\n",
        "utils.py": f"SUFFIX = '!'\ndef greet(name):\n    return '{greeting} ' + name\n".encode(),
        "helpers/__init__.py": b"",
        "helpers/text.py": b"def shout(s):\n    return s.upper()\n",
    }
    files.update(extra)
    return files


@pytest.fixture
def load(tmp_path):
    loaded = []

    def _load(files):
        cb = load_codebase(files, cache_dir=tmp_path)
        loaded.append(cb)
        return cb
    yield _load
    for cb in loaded:
        cb.unload()


def test_two_revisions_side_by_side_each_import_their_own_helpers(load):
    v1 = load(_codebase("hello")).runner_class()()
    v2 = load(_codebase("goodbye")).runner_class()()
    assert v1.run("ann") == "HELLO ANN!"
    assert v2.run("ann") == "GOODBYE ANN!"
    assert "utils" not in sys.modules or not hasattr(sys.modules["utils"], "greet")


def test_loading_the_same_codebase_twice_returns_the_cached_namespace(load):
    assert load(_codebase("hi")) is load(_codebase("hi"))


def test_a_changed_folder_is_a_new_namespace_and_the_old_one_is_untouched(load, tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    for name, data in _codebase("hi").items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    old = load(folder).runner_class()()
    (folder / "utils.py").write_text("SUFFIX = '?'\ndef greet(n):\n    return 'yo ' + n\n")
    new = load(folder).runner_class()()
    assert (old.run("a"), new.run("a")) == ("HI A!", "YO A?")


def test_entry_point_and_class_name_are_honoured_with_sibling_imports(load):
    files = {"src/app.py": b"from tools import double\nclass Runner:\n    def run(self, x):\n"
                           b"        return double(x)\n",
             "src/tools.py": b"def double(x):\n    return 2 * x\n"}
    assert load(files).runner_class("src/app.py", "Runner")().run(4) == 8


def test_a_missing_entry_point_names_the_file_and_what_exists(load):
    with pytest.raises(NotFound, match=r"entryPoint 'src/app.py'.*main.py"):
        load(_codebase("hi")).runner_class("src/app.py")


def test_a_missing_class_names_the_classes_that_exist(load):
    with pytest.raises(NotFound, match=r"class 'Runner' not found in main.py; classes there: ServiceRunner"):
        load(_codebase("hi")).runner_class("main.py", "Runner")


def test_a_syntax_error_names_the_file_and_line(load):
    files = _codebase("hi", **{"utils.py": b"x = 1\ndef broken(:\n"})
    with pytest.raises(ValidationError, match=r"syntax error in utils.py line 2") as info:
        load(files).runner_class()
    assert (info.value.path, info.value.line) == ("utils.py", 2)


def test_an_import_error_in_user_code_names_the_file_and_line(load):
    files = _codebase("hi", **{"utils.py": b"\nimport not_a_module_anywhere_xyz\n"})
    with pytest.raises(ValidationError, match=r"utils.py line 2: ModuleNotFoundError"):
        load(files).runner_class()


def test_digest_depends_on_content_only():
    assert codebase_digest({"a": b"1", "b": b"2"}) == codebase_digest({"b": b"2", "a": b"1"})
    assert codebase_digest({"a": b"1"}) != codebase_digest({"a": b"2"})


def test_a_dict_codebase_path_outside_its_root_is_refused(tmp_path):
    with pytest.raises(ValidationError, match="codebase path '../evil.py'"):
        load_codebase({"main.py": b"", "../evil.py": b"x = 1\n"}, cache_dir=tmp_path / "c")
    assert not (tmp_path / "evil.py").exists()


# -- `import dtlpy` in package code ------------------------------------------------------------
_DTLPY_CODE = {
    "main.py": b"import dtlpy as dl\nfrom dtlpy.entities import Item\nimport dtlpy.entities\n\n"
               b"class ServiceRunner(dl.BaseServiceRunner):\n"
               b"    def run(self, item: dl.Item, progress: dl.Progress):\n"
               b"        return dl.__name__, Item is dl.Item, dtlpy.entities.__name__\n",
}


def test_import_dtlpy_resolves_to_the_compat_module_when_dtlpy_is_not_installed(load, monkeypatch):
    import importlib.util
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p])  # no cwd entry that might hold one
    assert importlib.util.find_spec("dtlpy") is None, "the real dtlpy is installed here"
    runner = load(_DTLPY_CODE).runner_class()
    import faas_jupyter.dtlpy as compat
    assert issubclass(runner, compat.BaseServiceRunner)
    assert runner().run(None, None) == ("faas_jupyter.dtlpy", True, "faas_jupyter.dtlpy.entities")
    assert "dtlpy" not in sys.modules  # nothing global: other code still sees no dtlpy


def test_a_real_installed_dtlpy_is_never_shadowed(load, tmp_path, monkeypatch):
    site = tmp_path / "site"
    (site / "dtlpy").mkdir(parents=True)
    (site / "dtlpy" / "__init__.py").write_text(
        "REAL = True\nclass BaseServiceRunner:\n    pass\nclass Item:\n    pass\nclass Progress:\n    pass\n")
    (site / "dtlpy" / "entities.py").write_text("from . import Item\n")
    monkeypatch.syspath_prepend(str(site))
    try:
        runner = load(_DTLPY_CODE).runner_class()
        assert runner().run(None, None) == ("dtlpy", True, "dtlpy.entities")
        assert sys.modules["dtlpy"].REAL
    finally:
        for name in [n for n in sys.modules if n == "dtlpy" or n.startswith("dtlpy.")]:
            del sys.modules[name]


def test_a_dtlpy_submodule_the_compat_module_lacks_is_a_clear_import_error(load):
    files = {"main.py": b"import dtlpy.ml\n\nclass ServiceRunner:\n    def run(self):\n        return 1\n"}
    with pytest.raises(ValidationError, match=r"compatibility module has no 'ml'.*install the real dtlpy"):
        load(files).runner_class()
