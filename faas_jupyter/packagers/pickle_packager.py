"""The explicit last resort: pickle anything (stdlib ``pickle`` by default).

The pickling itself (instructions with versions, the trust and digest checks before
unpickling) is ``packagers/pickling.py``, shared with every ``DefaultPackager``'s
``pack_object`` / ``unpack_object``.
"""
from __future__ import annotations

from faas_jupyter.packagers.api import ArtifactType, DefaultPackager


class PickleFallbackPackager(DefaultPackager):
    """Any type, as a pickle ``object`` artifact (kept apart as the last resort)."""

    PACKABLE_OBJECT_TYPE = ...
    PRIORITY = 10
    DEFAULT_PACKING_ARTIFACT_TYPE = ArtifactType.OBJECT
    DEFAULT_UNPACKING_ARTIFACT_TYPE = ArtifactType.OBJECT
