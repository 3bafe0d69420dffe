"""The JSON contract of `/vre/api/rucio/...`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from vre_common.models import ErrorBody, TaskInfo


class InstanceInfo(BaseModel):
    name: str
    display_name: str
    mode: Literal["replica", "download"]
    auth: Literal["oidc", "userpass", "x509", "x509_proxy"]
    site_name: str
    webui_url: str
    destination_rse: str | None


class InstanceList(BaseModel):
    instances: list[InstanceInfo]
    default_instance: str | None


class Account(BaseModel):
    account: str
    account_type: str
    email: str | None
    status: str


class ScopeList(BaseModel):
    scopes: list[str]


class RSEInfo(BaseModel):
    rse: str
    rse_type: str
    deterministic: bool


class RSEList(BaseModel):
    rses: list[RSEInfo]


class DIDItem(BaseModel):
    scope: str
    name: str
    did_type: Literal["CONTAINER", "DATASET", "FILE"]
    bytes: int | None = None
    length: int | None = None  # files in a dataset or container, when Rucio knows
    adler32: str | None = None


class Availability(BaseModel):
    did: str
    state: Literal["available", "replicating", "not_available"]
    # Where the file is under the mount, when available.
    path: str | None = None


class DIDPage(BaseModel):
    items: list[DIDItem]
    # Pass back as `cursor` for the next page; null when this was the last one.
    next_cursor: str | None
    # With `availability=1` (replica mode): the state of each file of the page, in the same order.
    availability: list[Availability] | None = None


class DIDList(BaseModel):
    """Body of `POST <instance>/make-available` and `POST <instance>/download`."""

    dids: list[str] = Field(min_length=1, max_length=100)


class UploadInput(BaseModel):
    """Body of `POST <instance>/upload`."""

    # A file or folder, relative to the Jupyter root.
    path: str = Field(min_length=1, max_length=4096)
    rse: str
    scope: str
    # `scope:name` of a dataset to add the files to; created when it does not exist.
    dataset: str | None = None
    # Lifetime of the new rule (the dataset's, or each file's); none: kept until deleted.
    lifetime_days: int | None = Field(default=None, ge=1, le=3650)


class AvailabilityList(BaseModel):
    rse: str
    files: list[Availability]


class Attachment(BaseModel):
    """A DID attached to a notebook as a kernel variable (stored in the notebook's metadata)."""

    instance: str
    did: str
    variable: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


class ResolveInput(BaseModel):
    attachments: list[Attachment] = Field(min_length=1, max_length=50)


class ResolvedAttachment(BaseModel):
    variable: str
    did: str
    instance: str
    # A file resolves to its path.
    value: str | None = None
    # A dataset or container resolves to a file listing its files' paths, one per line (UTF-8), which the
    # kernel reads; given only when every one of its `files` is there.
    paths_file: str | None = None
    files: int | None = None
    # How many of `files` are not there yet (with `error` "not_available"), when they were counted.
    missing: int | None = None
    # The check of a large collection still running: ask again to collect its outcome.
    task: TaskInfo | None = None
    error: ErrorBody | None = None


class ResolveResult(BaseModel):
    attachments: list[ResolvedAttachment]


class RuleInfo(BaseModel):
    id: str
    account: str
    rse_expression: str
    state: str
    expires_at: str | None
    locks_ok: int
    locks_replicating: int
    locks_stuck: int


class RuleList(BaseModel):
    rules: list[RuleInfo]


class DIDDetails(BaseModel):
    did: DIDItem
    metadata: dict[str, str | int | float | bool | None]
