"""Packagers: MLRun's Packager API, a manager, log hints and the builtin packagers.

numpy/pandas packagers load only once those libraries are imported by the user,
so importing this package stays light.
"""
from faas_jupyter.packagers.api import (Artifact, ArtifactSink, ArtifactSpec, ArtifactType, DataItem,
                                        DefaultPackager, Packager)
from faas_jupyter.packagers.log_hints import LogHint, parse_hint
from faas_jupyter.packagers.manager import ENTRY_POINT_GROUP, PackagersManager, validate_hint

__all__ = ["Artifact", "ArtifactSink", "ArtifactSpec", "ArtifactType", "DataItem", "DefaultPackager", "Packager",
           "LogHint", "parse_hint", "validate_hint", "ENTRY_POINT_GROUP", "PackagersManager"]
