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
