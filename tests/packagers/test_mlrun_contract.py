"""MLRun's Packager contract to the letter (issue 13 items 7-12): Artifact/spec, packager-side
linking, custom artifact types, bundles of custom types, class-callable methods, clearing scopes."""
from __future__ import annotations

import inspect
import os
import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "workspace"))

from faas_jupyter.errors import PackingError, ValidationError  # noqa: E402
from faas_jupyter.packagers import Artifact, DefaultPackager, Packager  # noqa: E402
from faas_jupyter.packagers.clearing import clearing_scope  # noqa: E402
from mlrun_notes import BadResultPackager, Note, NotePackager, Notes, NotesPackager  # noqa: E402


@pytest.fixture
def notes(manager):
    manager.add(NotePackager)
    manager.add(NotesPackager)
    return manager


def test_artifact_constructs_as_documented():
    artifact = Artifact(key="my_artifact")
    assert (artifact.key, artifact.artifact_type, artifact.path) == ("my_artifact", None, None)
    assert artifact.spec.extra_data == {} and artifact.spec.metrics == {}
    artifact.spec.extra_data = {k: ... for k in ("a", "b")}
    assert artifact.extra_data == {"a": ..., "b": ...}


def test_packager_side_links_are_filled_once_all_outputs_are_packed(notes, store, tmp_path):
    with clearing_scope():
        records = notes.pack_many([(Note("hi", str(tmp_path)), "n:text[links=['count', 'other']]"),
                                   (3, "count"), ([1, 2], "other")], store, "p")
    note = records[0]
    assert note["artifact_type"] == "text" and note["extra_data"] == {"count": 3, "other": [1, 2]}
    assert store.open(note["path"]).read() == b"hi" and note["path"].endswith(".txt")
    assert notes.unpack(note, None, store) == Note("hi")
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".txt") and not p.endswith(".in.txt")]


def test_a_wrong_packager_side_link_fails_naming_the_output_and_leaves_nothing(notes, store, tmp_path):
    with pytest.raises(PackingError, match="output 'n' links extra_data 'missing'"):
        notes.pack_many([(Note("hi", str(tmp_path)), "n:text[links=['missing']]"), (3, "count")], store, "p")
    assert store.list("p") == []


def test_a_result_that_is_not_json_fails_naming_the_output(manager, store):
    manager.add(BadResultPackager)
    with pytest.raises(PackingError, match="output 'c': the result BadResultPackager.pack returned is not JSON"):
        manager.pack(1j, "c", store, "p")


def test_a_packer_that_raises_names_the_output(notes, store, tmp_path):
    with pytest.raises(PackingError, match="packing 'n' .*refuses"):
        notes.pack(Note("explode", str(tmp_path)), "n", store, "p")


def test_a_result_dict_from_pack_is_a_result_with_no_path(manager, store):
    class CountsAsFile(DefaultPackager):
        PACKABLE_OBJECT_TYPE = Note
        DEFAULT_PACKING_ARTIFACT_TYPE = "file"

        def pack_file(self, obj, key):
            return {key: len(obj.text)}

    manager.add(CountsAsFile)
    (rec,) = manager.pack(Note("four"), "n:file", store, "p")
    assert (rec["artifact_type"], rec["path"], rec["value"]) == ("result", None, 4)


def test_custom_artifact_types_are_accepted_where_a_packager_supports_them(manager, notes):
    assert [h.artifact_type for h in notes.check_artifact_types(["n:text", None, "x:result"]) if h] == \
        ["text", "result"]
    with pytest.raises(ValidationError, match="no packager packs artifact type 'nope'.*text"):
        notes.check_artifact_types(["n:nope"])
    with pytest.raises(ValidationError, match="not a name|cannot read"):
        notes.check_artifact_types(["n:te xt"])


def test_bundle_of_a_custom_dict_type_round_trips_as_that_type(notes, store, tmp_path):
    bundle = Notes(a=Note("one", str(tmp_path)), b=Note("two", str(tmp_path)))
    records = notes.pack(bundle, "*notes", store, "p")
    by_key = {r["key"]: r for r in records}
    assert set(by_key) == {"notes", "notes_a", "notes_b"} and by_key["notes_a"]["artifact_type"] == "text"
    back = notes.unpack_bundle(by_key["notes"], by_key, None, store)
    assert type(back) is Notes and back == {"a": Note("one"), "b": Note("two")}
    # a collection of records given as input is unpacked per item, then bundled to the hint
    given = {"x": by_key["notes_a"], "y": by_key["notes_b"]}
    assert type(notes.unpack_collection(given, Notes, store)) is Notes
    assert notes.unpack_collection(given, dict[str, Note], store) == {"x": Note("one"), "y": Note("two")}
    assert notes.unpack_collection(list(given.values()), list[Note], store) == [Note("one"), Note("two")]


def test_bundle_signatures_and_abstract_methods_as_documented():
    assert {"can_bundle", "can_unbundle"} <= Packager.__abstractmethods__
    assert not ({"can_bundle", "can_unbundle"} & DefaultPackager.__abstractmethods__)
    assert list(inspect.signature(Packager.can_unbundle).parameters)[-1] == "bundled_object"
    assert list(inspect.signature(Packager.unbundle).parameters)[-1] == "bundled_object"

    class NoBundles(Packager):  # a direct Packager subclass must say whether it bundles
        def get_default_packing_artifact_type(self, obj): return "result"
        def get_default_unpacking_artifact_type(self, data_item): return "result"
        def get_supported_artifact_types(self): return ["result"]
        def pack(self, obj, key=None, artifact_type=None, configurations=None): return {key: 1}
        def unpack(self, data_item, artifact_type=None, instructions=None): return 1

    with pytest.raises(TypeError, match="can_bundle"):
        NoBundles()


def test_documented_class_methods_can_be_called_on_the_class():
    assert NotePackager.get_supported_artifact_types() == ["object", "text"]
    assert NotePackager.get_default_packing_artifact_type(Note("x")) == "text"
    assert NotePackager.is_packable(Note("x"), "text") and not NotePackager.is_packable(1)
    assert NotesPackager.can_bundle(Notes, dict) and not NotesPackager.can_bundle(Notes, list)
    assert NotesPackager.can_unbundle(Notes()) and not NotePackager.can_unbundle(Notes())
    assert NotesPackager.unbundle(Notes(a=1)) == {"a": 1} and type(NotesPackager.bundle({"a": 1})) is Notes
    instance = NotePackager()  # an explicit parent call with self still works
    assert DefaultPackager.is_packable(instance, Note("x")) and instance.is_packable(Note("x"))


def test_clearing_scopes_delete_their_own_paths_only(tmp_path):
    packager = NotePackager()
    outside, kept = tmp_path / "outside.txt", tmp_path / "other-thread.txt"
    outside.write_text("x")
    packager.add_future_clearing_path(outside)  # outside any scope: until clear_future_paths()
    other_marked, release = threading.Event(), threading.Event()

    def other_thread():
        with clearing_scope():
            kept.write_text("y")
            packager.add_future_clearing_path(kept)
            other_marked.set()
            release.wait(10)

    t = threading.Thread(target=other_thread)
    t.start()
    other_marked.wait(10)
    with clearing_scope():
        mine = tmp_path / "mine"
        mine.mkdir()
        (mine / "f").write_text("z")
        NotePackager.add_future_clearing_path(mine)  # on the class, as the documentation writes it
    assert not mine.exists() and kept.exists() and outside.exists()
    release.set()
    t.join(10)
    assert not kept.exists() and packager.future_clearing_path_list == [str(outside)]
    packager.clear_future_paths()
    assert not outside.exists()


class Unpackaged:
    """A type no packager packs: only the pickle fallback would take it."""


def test_a_path_input_is_read_by_the_hinted_types_packager_but_never_unpickled(manager, tmp_path):
    import pickle

    import pandas as pd

    from faas_jupyter.errors import UnpackingError
    from faas_jupyter.packagers.external import ExternalSource, external_record
    pd.DataFrame({"a": [1, 2]}).to_parquet(tmp_path / "t.parquet")
    frame = manager.unpack(external_record(str(tmp_path / "t.parquet")), pd.DataFrame, ExternalSource())
    assert list(frame["a"]) == [1, 2]
    (tmp_path / "thing.pkl").write_bytes(pickle.dumps(Unpackaged()))
    with pytest.raises(UnpackingError, match="path or URL given as an input"):
        manager.unpack(external_record(str(tmp_path / "thing.pkl")), Unpackaged, ExternalSource())


def test_a_super_call_never_replaces_the_override(manager):
    class Loud(NotePackager):
        def is_packable(self, obj, artifact_type=None, configurations=None):
            return super().is_packable(obj, artifact_type, configurations) and obj.text == "yes"

    loud = Loud()
    assert loud.is_packable(Note("yes")) and not loud.is_packable(Note("no"))
    assert not loud.is_packable(Note("no"))  # still the override after super() was used


class Tag:
    def __init__(self, name):
        self.name = name

    def __eq__(self, other):
        return type(other) is Tag and other.name == self.name


class TagPackager(DefaultPackager):
    """An Artifact given as ``body=``: the manager writes it into the store."""

    PACKABLE_OBJECT_TYPE = Tag
    DEFAULT_PACKING_ARTIFACT_TYPE = "label"
    DEFAULT_UNPACKING_ARTIFACT_TYPE = "label"

    def pack_label(self, obj, key):
        return Artifact(key=key, body=obj.name, format="txt"), {}

    def unpack_label(self, data_item):
        with data_item.open() as f:
            return Tag(f.read().decode())


CUSTOM_ROWS = [
    # (id, factory(scratch), hint, artifact_type, format)
    ("text-src-path", lambda d: Note("hello", d), "n", "text", "txt"),
    ("text-explicit", lambda d: Note("hi there", d), "n:text", "text", "txt"),
    ("text-as-pickle", lambda d: Note("kept whole", d), "n:object", "object", "pkl"),
    ("label-body", lambda d: Tag("urgent"), "t", "label", "txt"),
    ("label-in-list", lambda d: [Tag("a"), Tag("b")], "*tags", "result", None),
    ("notes-bundle", lambda d: Notes(x=Note("1", d), y=Note("2", d)), "*notes", "result", None),
    ("notes-whole", lambda d: Notes(x=Note("1", d)), "notes", "result", None),
]


@pytest.mark.parametrize("factory,hint,artifact_type,fmt", [r[1:] for r in CUSTOM_ROWS],
                         ids=[r[0] for r in CUSTOM_ROWS])
def test_custom_type_roundtrip(notes, store, tmp_path, factory, hint, artifact_type, fmt):
    notes.add(TagPackager)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    obj = factory(str(scratch))
    with clearing_scope():
        records = notes.pack(obj, hint, store, "rt")
    top = records[-1]
    assert (top["artifact_type"], top["format"]) == (artifact_type, fmt)
    if top["packager"] == "bundle":
        back = notes.unpack_bundle(top, {r["key"]: r for r in records}, None, store)
    else:
        back = notes.unpack(top, None, store)
    assert type(back) is type(obj) and back == obj
    assert not [p for p in os.listdir(scratch) if not p.endswith(".in.txt")]  # packers' files cleared


PATH_ROWS = [
    # (id, file name, write(path), hint, check(obj))
    ("parquet-frame", "t.parquet", lambda p: __import__("pandas").DataFrame({"a": [1]}).to_parquet(p),
     "pandas.DataFrame", lambda o: list(o["a"]) == [1]),
    ("csv-frame", "t.csv", lambda p: p.write_text("a,b\n1,x\n"), "pandas.DataFrame",
     lambda o: o.to_dict("list") == {"a": [1], "b": ["x"]}),
    ("npy-array", "t.npy", lambda p: __import__("numpy").save(p, __import__("numpy").arange(3)),
     "numpy.ndarray", lambda o: o.tolist() == [0, 1, 2]),
    ("json-dict", "t.json", lambda p: p.write_text('{"k": [1, 2]}'), "dict", lambda o: o == {"k": [1, 2]}),
    ("json-list", "t.json", lambda p: p.write_text("[1, 2]"), "list", lambda o: o == [1, 2]),
    ("any-path", "t.bin", lambda p: p.write_bytes(b"\0\1"), "pathlib.Path", lambda o: o.read_bytes() == b"\0\1"),
    ("bytes", "t.bin", lambda p: p.write_bytes(b"\0\1"), "bytes", lambda o: o == b"\0\1"),
]


@pytest.mark.parametrize("name,write,hint,check", [r[1:] for r in PATH_ROWS], ids=[r[0] for r in PATH_ROWS])
def test_path_input_roundtrip(manager, tmp_path, name, write, hint, check):
    from faas_jupyter.packagers.external import ExternalSource, external_record
    from faas_jupyter.packagers.typehints import resolve_name
    path = tmp_path / name
    write(path)
    obj = manager.unpack(external_record(str(path)), resolve_name(hint), ExternalSource())
    assert isinstance(obj, resolve_name(hint)) and check(obj)
    assert path.exists()  # a local input is never cleared
