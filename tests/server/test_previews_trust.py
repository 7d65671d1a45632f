"""REST previews never unpickle: a pickle item shows its type, size and module (real server)."""
from __future__ import annotations

import pathlib


class Toucher:
    """Unpickling this creates a file: shows whether the server unpickled it."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return pathlib.Path.touch, (pathlib.Path(self.marker),)


async def test_the_server_shows_a_pickle_without_unpickling_it(api, ws, tmp_path):
    marker = tmp_path / "unpickled-by-the-server"
    item = ws.items.log(Toucher(str(marker)), key="evil")
    code, p = await api("GET", "items", item.id, "preview")
    assert code == 200 and not marker.exists()
    assert (p["kind"], p["objectType"], p["size"], p["module"]) == ("text", item.object_type, item.size,
                                                                     Toucher.__module__)
    assert "not loaded for a preview" in p["text"]
