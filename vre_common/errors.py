"""The error model shared by every endpoint.

Service modules raise these; the base handler turns them into
`{"error": <code>, "message": <what the user can do>}` with the right status.
Messages must never contain a token, a password or a URL that carries one.
"""

from __future__ import annotations


class VREError(Exception):
    """An error the user can act on. Subclasses fix the HTTP status."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def to_json(self) -> dict[str, str]:
        return {"error": self.code, "message": self.message}


class BadRequest(VREError):
    status = 400
    code = "bad_request"


class NotAuthenticated(VREError):
    status = 401
    code = "not_authenticated"


class Forbidden(VREError):
    status = 403
    code = "forbidden"


class NotFound(VREError):
    status = 404
    code = "not_found"


class Conflict(VREError):
    status = 409
    code = "conflict"


class BackendError(VREError):
    """The backend answered with a failure or could not be reached."""

    status = 502
    code = "backend_error"

    def __init__(self, backend: str, message: str, *, code: str | None = None) -> None:
        super().__init__(f"{backend}: {message}", code=code)
        self.backend = backend

    def to_json(self) -> dict[str, str]:
        return {**super().to_json(), "backend": self.backend}


class BackendTimeout(BackendError):
    status = 504
    code = "backend_timeout"


class StorageFull(VREError):
    """The disk (or quota) under a download target is full; the partial file was removed."""

    status = 507
    code = "disk_full"


def no_space_left(err: OSError, where: str) -> StorageFull | None:
    """A `StorageFull` for an out-of-space/quota `OSError`, else None."""
    import errno

    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageFull(
            f"No space left in {where}: free some space (or ask for more quota) and try again."
        )
    return None
