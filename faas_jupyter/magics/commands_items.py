"""`%faas` commands for packagers and stored items."""
from __future__ import annotations

from faas_jupyter import _text
from faas_jupyter.magics.registry import arg, command


@command("packagers", help="list the packagers in the order they are tried (priority, specificity, registration)")
def packagers(magics, args):
    rows = [[p["priority"], p["name"], p["packable_type"], ", ".join(p["artifact_types"]), p["source"]]
            for p in magics.ws.packagers.list()]
    print(_text.table(rows, ["priority", "packager", "type", "artifact types", "source"]))


def _size(n) -> str:
    if n is None:
        return "-"
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000


@command("items", arg("dataset", nargs="?", help="only the items of this dataset"),
         help="list stored items (artifacts and results)")
def items(magics, args):
    rows = [[i.id[:12], i.key, i.artifact_type, i.format or "-", _size(i.size), i.dataset or "-",
             i.created_at[:19].replace("T", " ")] for i in magics.ws.items.list(dataset=args.dataset)]
    print(_text.table(rows, ["id", "key", "type", "format", "size", "dataset", "created"],
                      empty="(no items)"))
