"""The one error family of faas_jupyter.

Every message names the thing that is wrong and how to fix it, e.g.
``package 'x' has no revision 1.0.9; latest is 1.0.3``.  Front ends turn these
into one-line errors (``UsageError`` in magics, a JSON message in REST, exit
status 1 in the CLI) instead of tracebacks.
"""
from __future__ import annotations


class FaasError(Exception):
    """Base of every error faas_jupyter raises on purpose."""


class NotFound(FaasError, LookupError):
    """A named thing (package, revision, service, item...) does not exist."""


class Conflict(FaasError):
    """The thing exists already, or the store changed under the request."""


class PermissionDenied(FaasError, PermissionError):
    """The acting user lacks the role an action needs."""


class ValidationError(FaasError, ValueError):
    """Bad input. ``path`` is the JSON path of the offending value, if any.

    ``str(err)`` reads ``"modules[0].functions[2].input[1].type: unknown type 'Image'; ..."``.
    """

    def __init__(self, message: str, path: str | None = None, *, line: int | None = None):
        self.message = message
        self.path = path or None
        self.line = line
        super().__init__(f"{path}: {message}" if path else message)


class ExecutionError(FaasError):
    """An execution failed; ``execution`` holds its record when known."""

    def __init__(self, message: str, execution=None):
        self.execution = execution
        super().__init__(message)


class PackagingError(FaasError):
    """A packager could not pack or unpack an object (never swallowed)."""


class PackingError(PackagingError):
    """Packing an output failed: the execution fails, nothing is lost silently."""


class UnpackingError(PackagingError):
    """Unpacking an input failed."""


class NoChangeWarning(UserWarning):
    """A push found nothing changed and made no revision (use force=True)."""


class TypeInferenceWarning(UserWarning):
    """Inference had to guess a FunctionIO type (e.g. Json for an unknown annotation) at push."""
