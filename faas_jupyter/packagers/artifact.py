"""``Artifact``: what a packer returns for a stored object, as MLRun's documentation writes it.

``Artifact(key="my_artifact")`` constructs with nothing else; ``artifact.spec.extra_data``
and ``artifact.spec.metrics`` take ``{other_key: ...}`` links the manager fills in once all
outputs are packed.  A builtin packer writes its file into the store itself (``path``); a
custom one may instead give ``src_path`` (a file it wrote, usually marked for clearing) or
``body`` (bytes or text), and the manager copies that into the store.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class ArtifactType:
    """The artifact type names (MLRun's, minus the unimplemented model/plot)."""
    OBJECT = "object"
    PATH = "path"
    FILE = "file"
    DATASET = "dataset"
    RESULT = "result"
    ALL = (OBJECT, PATH, FILE, DATASET, RESULT)


@dataclass
class ArtifactSpec:
    """The part of an artifact a packer may fill in: links, and where its content is."""

    extra_data: dict = field(default_factory=dict)   # {key: ... | value}; ``...`` = link that output
    metrics: dict = field(default_factory=dict)      # {key: ... | number}; links results only
    src_path: str | None = None                      # a local file to copy into the store
    body: Any = None                                 # bytes/str to write into the store

    def get_body(self) -> Any:
        return self.body


class Artifact:
    """A stored (or to-be-stored) file and what describes it; see the module docstring."""

    def __init__(self, key: str, artifact_type: str | None = None, format: str | None = None,
                 path: str | None = None, size: int | None = None, digest: str | None = None,
                 extra_data: dict | None = None, metrics: dict | None = None, meta: dict | None = None,
                 *, src_path: str | None = None, body: Any = None):
        self.key = key
        self.artifact_type = artifact_type   # None: the artifact type the packer was asked for
        self.format = format
        self.path = path                     # relative to the store root, once written
        self.size = size
        self.digest = digest
        self.meta = dict(meta or {})         # preview, schema ... (JSON)
        self.spec = ArtifactSpec(dict(extra_data or {}), dict(metrics or {}),
                                 None if src_path is None else str(src_path), body)

    extra_data = property(lambda self: self.spec.extra_data,
                          lambda self, value: setattr(self.spec, "extra_data", dict(value or {})))
    metrics = property(lambda self: self.spec.metrics,
                       lambda self, value: setattr(self.spec, "metrics", dict(value or {})))
    src_path = property(lambda self: self.spec.src_path)

    def __eq__(self, other) -> bool:
        return isinstance(other, Artifact) and vars(self) == vars(other)

    def __repr__(self) -> str:
        return (f"Artifact(key={self.key!r}, artifact_type={self.artifact_type!r}, "
                f"format={self.format!r}, path={self.path!r})")
