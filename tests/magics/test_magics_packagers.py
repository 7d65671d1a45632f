"""`%%faas` infers an annotation of a registered packager's type as an Item input (issue 13 item 14)."""
from __future__ import annotations

import sys
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "workspace"))  # mlrun_notes

CELL = textwrap.dedent('''\
    from faas_jupyter import BaseServiceRunner
    from mlrun_notes import Note, Notes

    class ServiceRunner(BaseServiceRunner):
        def read(self, note: Note, all_notes: dict[str, Note], notes: Notes) -> str:
            return note.text
    ''')


def _types(ip) -> list:
    ip.run_cell_magic("faas", "module notes --package memo", CELL)
    return [(i.name, i.type) for i in ip.faas.packages["memo"].modules["notes"].function("read").input]


def test_a_packagers_type_is_an_item_input(ip, capsys):
    from mlrun_notes import NotePackager, NotesPackager
    assert _types(ip) == [("note", "Json"), ("all_notes", "Json"), ("notes", "Json")]
    assert "annotation 'Note' of input 'note' is not a FunctionIO type" in capsys.readouterr().out
    ip.faas.ws.packagers.add(NotePackager)
    ip.faas.ws.packagers.add(NotesPackager)
    assert _types(ip) == [("note", "Item"), ("all_notes", "Item"), ("notes", "Item")]
    assert "warning" not in capsys.readouterr().out
