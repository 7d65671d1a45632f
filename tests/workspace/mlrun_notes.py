"""MLRun-style custom packagers for the tests (importable by worker processes: tests put this
folder on sys.path).

``Note`` packs as the custom artifact type ``text``: the packer writes a temporary file, marks it
for clearing and returns ``Artifact(key=..., src_path=...)`` with packager-side links; unpacking
writes a marked copy too.  ``Notes`` is a dict-like bundle of notes (``BUNDLE_FROM_DICT``).
"""
from __future__ import annotations

import os
import tempfile

from faas_jupyter.packagers import Artifact, DefaultPackager


class Note:
    def __init__(self, text: str, scratch: str | None = None, copy_path: str | None = None):
        self.text, self.scratch, self.copy_path = text, scratch, copy_path

    def __eq__(self, other):
        return isinstance(other, Note) and other.text == self.text

    def __repr__(self):
        return f"Note({self.text!r})"


class Notes(dict):
    """Notes by name."""


class NotePackager(DefaultPackager):
    PACKABLE_OBJECT_TYPE = Note
    DEFAULT_PACKING_ARTIFACT_TYPE = "text"
    DEFAULT_UNPACKING_ARTIFACT_TYPE = "text"

    def pack_text(self, obj: Note, key: str, links: list | None = None):
        fd, path = tempfile.mkstemp(suffix=".txt", dir=obj.scratch)
        with os.fdopen(fd, "w") as f:
            f.write(obj.text)
        self.add_future_clearing_path(path)
        if obj.text == "explode":
            raise RuntimeError("the note refuses to be packed")
        artifact = Artifact(key=key, src_path=path)
        artifact.spec.extra_data = {k: ... for k in links or []}
        return artifact, {"scratch": obj.scratch}

    def unpack_text(self, data_item, scratch: str | None = None):
        with open(self.get_data_item_local_path(data_item)) as f:
            text = f.read()
        fd, copy = tempfile.mkstemp(suffix=".in.txt", dir=scratch)
        with os.fdopen(fd, "w") as f:
            f.write(text)
        self.add_future_clearing_path(copy)
        return Note(text, scratch, copy)


class NotesPackager(DefaultPackager):
    PACKABLE_OBJECT_TYPE = Notes
    BUNDLE_FROM_DICT = True
    DEFAULT_PACKING_ARTIFACT_TYPE = "result"
    DEFAULT_UNPACKING_ARTIFACT_TYPE = "result"

    def pack_result(self, obj, key):
        return {key: {k: v.text for k, v in obj.items()}}

    def unpack_result(self, data_item):
        return Notes({k: Note(v) for k, v in data_item.value.items()})


class BadResultPackager(DefaultPackager):
    """Returns a result that is not JSON."""

    PACKABLE_OBJECT_TYPE = complex
    DEFAULT_PACKING_ARTIFACT_TYPE = "result"

    def pack_result(self, obj, key):
        return {key: obj}
