"""Plain-text tables for terminals, nbconvert and kernels without a widget front end."""
from __future__ import annotations

from typing import Any, Iterable, Sequence


def cell(value: Any, width: int = 60) -> str:
    text = "" if value is None else str(value).replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def table(rows: Iterable[Sequence[Any]], headers: Sequence[str], empty: str = "(none)") -> str:
    """Left-aligned columns separated by two spaces, with a dashed rule under the headers."""
    body = [[cell(v) for v in row] for row in rows]
    if not body:
        return empty
    widths = [max(len(h), *(len(r[i]) for r in body)) for i, h in enumerate(headers)]
    line = lambda values: "  ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip()
    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, body)])
