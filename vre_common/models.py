"""The JSON contract of the shared endpoints (`/vre/api/auth`, `/credentials`, `/tasks`).

Nothing here ever carries a token, a password or a secret.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

ServiceName = Literal["rucio", "reana", "zenodo"]


class ErrorBody(BaseModel):
    error: str
    message: str


class ErrorResponse(ErrorBody):
    """The body of every failing `/vre/api/...` request: a code, what the user can do, and for a
    502/504 the backend that failed (e.g. "Rucio")."""

    backend: str | None = None
    # with "signin_required": where the user signs in again (the hub's login page)
    login_url: str | None = None


class Identity(BaseModel):
    """Who the IAM token says the user is."""

    subject: str
    username: str | None = None
    name: str | None = None
    email: str | None = None
    issuer: str | None = None


class TokenState(BaseModel):
    """The IAM access token's state, never the token."""

    configured: bool
    source: Literal["environment", "file", "refresh", "hub"] | None = None
    expires_at: datetime | None = None
    refreshable: bool = False
    error: ErrorResponse | None = None  # with "signin_required" it carries the login URL


class ServiceConnection(BaseModel):
    """Whether one instance of one service has usable credentials."""

    service: ServiceName
    instance: str
    display_name: str
    auth: Literal["iam", "token", "userpass", "x509"]
    connected: bool
    # Where the credential comes from: the IAM token, the user's store, the admin's config.
    source: Literal["iam", "user", "admin"] | None = None
    # Names of the fields a user enters for this auth kind (e.g. ["token"]); empty for IAM.
    fields: list[str] = Field(default_factory=list)
    message: str


class AuthStatus(BaseModel):
    identity: Identity | None
    token: TokenState
    services: list[ServiceConnection]


class CredentialInput(BaseModel):
    """Body of `PUT /vre/api/credentials/<service>/<instance>`."""

    fields: dict[str, str] = Field(min_length=1)


# "interrupted": the server stopped while it ran; resume or dismiss it.
TaskState = Literal["queued", "running", "succeeded", "failed", "cancelled", "interrupted"]


class Progress(BaseModel):
    done: int = 0
    total: int | None = None
    unit: Literal["bytes", "items", "files"] = "items"


class TaskInfo(BaseModel):
    id: str
    kind: str  # "<service>.<action>", e.g. "rucio.make_available"
    title: str
    state: TaskState
    progress: Progress
    error: ErrorBody | None = None
    result: dict[str, Any] | None = None
    created_at: datetime
    updated_at: datetime


class TaskList(BaseModel):
    tasks: list[TaskInfo]
