"""Role names as Dataloop writes them, accepted wherever a role is given.

Dataloop's UI and docs say "Project Owner", "Developer", "Annotation Manager",
"Annotator"; we store ``owner``, ``developer``, ``annotationManager``, ``annotator``.
``normalize_role`` maps any of those spellings (case, spaces, ``_``/``-`` ignored) to ours.
"""
from __future__ import annotations

from typing import Any

# folded spelling -> our role name
_FOLDED = {
    "owner": "owner", "projectowner": "owner",
    "developer": "developer", "projectdeveloper": "developer",
    "annotationmanager": "annotationManager", "annotationsmanager": "annotationManager",
    "annotator": "annotator",
}
DEVELOPER_ROLES = ("owner", "developer")  # who may push, deploy, delete and manage members
MEMBER_ROLES = ("owner", "developer", "annotationManager", "annotator")  # who may read and execute
DATALOOP_ROLE_NAMES = {"Project Owner": "owner", "Developer": "developer",
                       "Annotation Manager": "annotationManager", "Annotator": "annotator"}


def normalize_role(role: Any) -> Any:
    """Our name for ``role`` ("Project Owner" -> "owner"); anything unknown is returned as
    given, for the caller's check to reject with the list of valid roles."""
    if not isinstance(role, str):
        return role
    folded = "".join(ch for ch in role.lower() if ch not in " _-")
    return _FOLDED.get(folded, role)
