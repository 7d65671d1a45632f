"""Inputs that are not logged items: a local path or a URL (any fsspec protocol).

``ExternalSource`` stands where an artifact store stands for a ``DataItem``: the record's
``path`` is the path or URL itself.  A local file is read where it is and never marked for
clearing (MLRun once deleted users' inputs); a remote one is downloaded to a temporary file,
which ``get_data_item_local_path`` marks for clearing at the end of the execution.
"""
from __future__ import annotations

import os
import tempfile


def is_url(text: str) -> bool:
    return "://" in text and not text.startswith("file://")


def external_record(location: str) -> dict:
    """The item record of a path or URL an execution was given for an Item input."""
    path = location if is_url(location) else os.path.abspath(location.removeprefix("file://"))
    key = os.path.basename(path.rstrip("/").split("?", 1)[0]) or "input"
    return {"id": None, "key": key, "artifact_type": None, "packager": None, "path": path, "url": path,
            "instructions": {}, "value": None, "external": True}


class ExternalSource:
    """Reads a path or URL given as an input (the ``ArtifactSink`` read side)."""

    def __init__(self, storage_options: dict | None = None):
        self.storage_options = dict(storage_options or {})
        self._copies: set[str] = set()

    def url(self, rel: str) -> str:
        return rel

    def exists(self, rel: str) -> bool:
        if not is_url(rel):
            return os.path.exists(rel)
        import fsspec
        fs, path = fsspec.core.url_to_fs(rel, **self.storage_options)
        return fs.exists(path)

    def open(self, rel: str, mode: str = "rb"):
        if not is_url(rel):
            return open(rel, mode)
        import fsspec
        return fsspec.open(rel, mode, **self.storage_options).open()

    def local_path(self, rel: str) -> str:
        if not is_url(rel):
            return rel
        import fsspec  # a dependency of faas_jupyter; imported only for a remote input
        suffix = "-" + os.path.basename(rel.split("?", 1)[0])  # keeps the extension readers look at
        fd, local = tempfile.mkstemp(prefix="faas-input-", suffix=suffix)
        os.close(fd)
        self._copies.add(local)
        try:
            fs, path = fsspec.core.url_to_fs(rel, **self.storage_options)
        except ImportError:  # fsspec's http needs aiohttp; the standard library can fetch http(s)
            if not rel.startswith(("http://", "https://")):
                raise
            import urllib.request
            urllib.request.urlretrieve(rel, local)
            return local
        fs.get_file(path, local)
        return local

    def is_local_copy(self, path: str) -> bool:
        return str(path) in self._copies

    def scratch_dir(self) -> str:
        return tempfile.mkdtemp(prefix="faas-input-")
