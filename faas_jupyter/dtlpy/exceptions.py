"""``dtlpy.exceptions``: Dataloop's exception names mapped onto faas_jupyter's errors."""
from __future__ import annotations

from faas_jupyter.errors import Conflict, FaasError, NotFound, PermissionDenied, ValidationError

PlatformException = FaasError
SDKError = FaasError
BadRequest = ValidationError
Forbidden = PermissionDenied
Unauthorized = PermissionDenied
NotFound = NotFound
Conflict = Conflict

__all__ = ["BadRequest", "Conflict", "Forbidden", "NotFound", "PlatformException", "SDKError", "Unauthorized"]
