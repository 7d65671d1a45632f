"""The pure domain model: package JSON, entities, codebases (stdlib + pathspec only)."""
from __future__ import annotations

from ._json import NAME_RULE, check_name
from .codebase import Codebase, CodebaseDiff
from .entities import (FINAL_STATUSES, ON_RESET, ROLES, RUNTIMES, WRITE_ROLES, Annotation, Dataset,
                       Execution, ExecutionStatus, Item, JsonEntity, Member, Project, Revision, Service,
                       now_iso, status_event)
from .package import MISSING, FunctionIO, PackageFunction, PackageModule, PackageSpec
from .types import (ENTITY_TYPES, VALID_TYPES, PackageInputType, array_of, base_type,
                    default_io_name, is_array, is_entity)
from .roles import DATALOOP_ROLE_NAMES, normalize_role
from .versions import FIRST_VERSION, bump_version, latest_version, parse_version, version_key

__all__ = [
    "NAME_RULE", "check_name",
    "Codebase", "CodebaseDiff",
    "FINAL_STATUSES", "ON_RESET", "ROLES", "RUNTIMES", "WRITE_ROLES", "Annotation", "Dataset", "Execution",
    "ExecutionStatus", "Item", "JsonEntity", "Member", "Project", "Revision", "Service", "now_iso", "status_event",
    "MISSING", "FunctionIO", "PackageFunction", "PackageModule", "PackageSpec",
    "ENTITY_TYPES", "VALID_TYPES", "PackageInputType", "array_of", "base_type", "default_io_name",
    "is_array", "is_entity",
    "DATALOOP_ROLE_NAMES", "normalize_role",
    "FIRST_VERSION", "bump_version", "latest_version", "parse_version", "version_key",
]
