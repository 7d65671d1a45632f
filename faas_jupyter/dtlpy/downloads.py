"""Where Dataloop's ``download(local_path)`` writes: a rule the workspace's derived items follow too."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def download_path(name: str, local_path: str | os.PathLike | None, ident: str | None) -> Path:
    """Where ``download`` writes ``name`` (dtlpy ``Item.download``'s rule for ``local_path``)."""
    if local_path is None:
        base = Path(tempfile.gettempdir()) / f"faas_jupyter_downloads_{os.getuid()}" / (ident or "item")
        return base / name
    path = Path(local_path).expanduser()
    if path.is_dir() or not path.suffix:
        return path / name
    return path
