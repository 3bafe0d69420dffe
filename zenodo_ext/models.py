"""The JSON contract of `/vre/api/zenodo/...`. Nothing here carries a token."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

ACCESS_RIGHTS = ("open", "embargoed", "restricted", "closed")


class Creator(BaseModel):
    name: str = Field(description='"Family, Given", as Zenodo wants it')
    affiliation: str | None = None
    orcid: str | None = None


class MetadataForm(BaseModel):
    """What the panel's form sends; checked by `metadata.check_metadata` before Zenodo sees it."""

    title: str = ""
    upload_type: str = "dataset"
    description: str = ""
    creators: list[Creator] = Field(default_factory=list)
    access_right: Literal["open", "embargoed", "restricted", "closed"] = "open"
    license: str | None = "cc-by-4.0"
    publication_date: str | None = None
    version: str | None = None
    keywords: list[str] = Field(default_factory=list)
    communities: list[str] = Field(default_factory=list)
    embargo_date: str | None = None
    access_conditions: str | None = None
    # Anything else Zenodo's deposit metadata takes (related_identifiers, grants, notes, ...).
    extra: dict[str, Any] = Field(default_factory=dict)


class CreateInput(BaseModel):
    """Body of `POST depositions`: metadata from the form, or from a workspace `codemeta.json`."""

    metadata: MetadataForm | None = None
    codemeta_path: str | None = None


class MetadataInput(BaseModel):
    metadata: MetadataForm


class UploadInput(BaseModel):
    """Body of `POST depositions/<id>/upload`: workspace files and folders."""

    paths: list[str] = Field(min_length=1, max_length=100)


class NewVersionInput(BaseModel):
    # Zenodo copies the files of the last version into the new draft; drop them to upload anew.
    keep_files: bool = False


class CommunityInput(BaseModel):
    community: str = Field(min_length=1, max_length=100)


class FetchInput(BaseModel):
    """Body of `POST records/<id>/fetch`: where in the workspace the files go."""

    folder: str = Field(min_length=1)
    overwrite: bool = False
    # Names of the record's files to fetch; none: all of them.
    files: list[str] = Field(default_factory=list, max_length=100)


class FileInfo(BaseModel):
    name: str
    size: int | None = None
    checksum: str | None = None  # md5 hex, as Zenodo reports it
    url: str | None = None  # where a record's file downloads from (public for open records)


class DepositionSummary(BaseModel):
    id: int
    title: str
    state: str  # Zenodo's: unsubmitted, inprogress, done, error
    published: bool
    doi: str | None = None  # once published
    reserved_doi: str | None = None  # Zenodo reserves one for a draft
    doi_url: str | None = None
    record_url: str | None = None
    conceptrecid: str | None = None
    created: str | None = None
    modified: str | None = None


class Deposition(DepositionSummary):
    metadata: dict[str, Any]
    files: list[FileInfo]
    citation: str | None = None


class Discarded(BaseModel):
    deleted: int  # the discarded draft's id


class DepositionPage(BaseModel):
    items: list[DepositionSummary]
    page: int
    size: int
    has_next: bool


class Published(BaseModel):
    id: int
    doi: str
    doi_url: str
    record_url: str | None
    citation: str


class CodemetaMetadata(BaseModel):
    """`codemeta.json` converted by eOSSR into a form's worth of Zenodo metadata."""

    path: str
    metadata: MetadataForm
    warnings: list[str]


class VerifyResult(BaseModel):
    connected: bool
    message: str


class RecordSummary(BaseModel):
    id: int
    title: str
    doi: str | None
    doi_url: str | None
    record_url: str | None
    publication_date: str | None = None
    creators: list[str] = Field(default_factory=list)
    version: str | None = None
    communities: list[str] = Field(default_factory=list)
    resource_type: str | None = None
    access_right: str | None = None


class RecordFilters(BaseModel):
    """What `GET records` narrows the search to, as Zenodo's records API takes it."""

    community: str | None = None
    resource_type: str | None = None  # Zenodo's upload types: dataset, software, publication, ...
    access_right: Literal["open", "embargoed", "restricted", "closed"] | None = None

    def params(self) -> dict[str, str]:
        named = {"communities": self.community, "type": self.resource_type, "access_right": self.access_right}
        return {key: value for key, value in named.items() if value}


class RecordPage(BaseModel):
    items: list[RecordSummary]
    total: int
    page: int
    size: int


class RecordVersion(BaseModel):
    id: int
    version: str | None


class Record(RecordSummary):
    description: str | None = None
    metadata: dict[str, Any]
    files: list[FileInfo]
    versions: list[RecordVersion]
    conceptrecid: str | None = None
    citation: str


class Community(BaseModel):
    id: str
    slug: str
    title: str
    description: str | None = None
    url: str | None = None


class CommunityPage(BaseModel):
    items: list[Community]
    total: int
    page: int
    size: int
    default_community: str | None


class CommunityRequest(BaseModel):
    community: str
    status: Literal["requested", "accepted", "on_publish"]
    message: str
