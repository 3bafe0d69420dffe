"""The error model shared by every endpoint.

Service modules raise these; the base handler turns them into
`{"error": <code>, "message": <what the user can do>}` with the right status.
Messages must never contain a token, a password or a URL that carries one.
"""

from __future__ import annotations

import errno
import logging
import re
from collections.abc import Mapping


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
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageFull(
            f"No space left in {where}: free some space (or ask for more quota) and try again."
        )
    return None


# --- one mapping of a backend's HTTP status, one scrubber for its messages -----------------------

TOKEN_IN_TEXT = re.compile(r"(access_token=)[^&\s'\"]+", re.IGNORECASE)
BEARER_IN_TEXT = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE)


def scrub(text: str, *secrets: str | None) -> str:
    """`text` without the given secrets, `access_token=` query values or bearer tokens."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    text = TOKEN_IN_TEXT.sub(r"\1***", text)
    return BEARER_IN_TEXT.sub(r"\1***", text)


class RedactTokens(logging.Filter):
    """HTTP libraries log request URLs (with an `access_token=` query) at INFO/DEBUG: scrub those lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "access_token=" in message.lower() or "bearer " in message.lower():
            record.msg, record.args = scrub(message), None
        return True


_redact = RedactTokens()
# A logger's filters see only what is logged to it, not what its children propagate: each logger
# that writes request lines gets the filter (urllib3's went unscrubbed under "urllib3").
for _logger in (
    "httpx",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "urllib3.connectionpool",
    "urllib3.poolmanager",
):
    if _redact not in logging.getLogger(_logger).filters:
        logging.getLogger(_logger).addFilter(_redact)


def http_error(
    backend: str, status: int, said: str = "", *, hints: Mapping[int, str] | None = None
) -> VREError:
    """The user-facing error for a backend's failed HTTP answer; codes are `<backend>_<what>`.

    `said` is the backend's own explanation (already scrubbed); `hints` add, per status,
    what the user of this backend can do about it.
    """
    prefix = backend.lower()
    hint = (hints or {}).get(status, "")
    detail = " ".join(part for part in (hint, f"{backend} said: {said}." if said else "") if part)
    detail = f" {detail}" if detail else ""
    if status == 401:
        return NotAuthenticated(
            f"{backend} did not accept your credentials.{detail}", code=f"{prefix}_auth_failed"
        )
    if status == 403:
        return Forbidden(f"{backend} refused.{detail}", code=f"{prefix}_forbidden")
    if status in (404, 410):
        return NotFound(f"Not found on {backend} (or deleted).{detail}", code=f"{prefix}_not_found")
    if status == 409:
        return Conflict(f"{backend} cannot do this in the current state.{detail}", code=f"{prefix}_conflict")
    if status == 413:
        return BadRequest(f"{backend} refused the data as too large.{detail}", code=f"{prefix}_too_large")
    if status == 429:
        return BackendError(
            backend,
            f"too many requests (rate limit); wait a minute and try again.{detail}",
            code=f"{prefix}_rate_limited",
        )
    if status in (400, 422):
        return BadRequest(f"{backend} refused the request.{detail}", code=f"{prefix}_invalid")
    if status == 504:
        return BackendTimeout(backend, f"the service did not answer in time ({status}); try again later.")
    if status in (502, 503):
        return BackendError(backend, f"the service is unavailable ({status}); try again later.")
    return BackendError(backend, f"unexpected answer {status}.{detail}")


# --- local file errors are the workspace's, never the backend's ----------------------------------


class WorkspaceError(VREError):
    """A file of the user's workspace could not be read or written (not a backend failure)."""

    status = 409
    code = "workspace_error"


def local_file_error(err: OSError, name: str) -> VREError:
    """What went wrong with the workspace file `name`, said as such (not as "cannot reach X")."""
    if full := no_space_left(err, name):
        return full
    if isinstance(err, FileNotFoundError):
        return WorkspaceError(
            f"{name} disappeared from your workspace while it was being sent: put it back and try again.",
            code="file_vanished",
        )
    if isinstance(err, PermissionError):
        return WorkspaceError(
            f"{name} cannot be read (permission denied): change its permissions and try again.",
            code="file_unreadable",
        )
    if isinstance(err, IsADirectoryError | NotADirectoryError):
        return WorkspaceError(
            f"{name} changed from a file to a folder or back: try again.", code="file_changed"
        )
    return WorkspaceError(f"{name} could not be read from your workspace ({err.strerror or err}).")
