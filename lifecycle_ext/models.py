"""The JSON contract of `/vre/api/lifecycle/...`: plain data, never a credential."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

VARIABLE = r"^[A-Za-z_][A-Za-z0-9_]{0,63}$"
DID = r"^[A-Za-z0-9_.\-]{1,255}:[A-Za-z0-9_.\-/]{1,1000}$"


class Input(BaseModel):
    """A DID attached to the notebook, with what the Rucio API resolved it to (mounted mode)."""

    variable: str = Field(pattern=VARIABLE)
    did: str = Field(pattern=DID)
    instance: str = Field(min_length=1, max_length=64)
    # Local path(s) on the mounted RSE (from `POST /vre/api/rucio/resolve`); unused in rucio mode.
    value: str | list[str] | None = None
    # A resolved collection's listing of paths (`paths_file` of the same answer), read by the server.
    paths_file: str | None = Field(default=None, max_length=4096)
    # Whether the DID is a file (one path) or a dataset/container (several).
    kind: Literal["file", "collection"] | None = None


class SpecInput(BaseModel):
    """`POST spec`: amend the reana.yaml of `folder` with the notebook's inputs."""

    folder: str = Field(min_length=1, max_length=4096)
    mode: Literal["mounted", "rucio"]
    inputs: list[Input] = Field(min_length=1, max_length=50)
    write: bool = True


class SpecResult(BaseModel):
    source: str  # the reana.yaml that was amended
    path: str  # the amended file's workspace path (what to validate and run)
    text: str  # its content, shown to the user before it is used
    parameters: dict[str, str]


class RunFacts(BaseModel):
    """What REANA said about the run (from `/vre/api/reana/workflows/<id>`)."""

    id: str = Field(min_length=1, max_length=128)
    name: str = Field(min_length=1, max_length=140)  # "<name>.<run number>"
    status: str = Field(max_length=32)
    engine: str = Field(pattern=r"^[a-z0-9_-]{1,32}$")  # the workflow's type in its reana.yaml
    server_url: str | None = Field(default=None, max_length=2048)
    started_at: str | None = None
    finished_at: str | None = None


class InputFacts(BaseModel):
    did: str = Field(pattern=DID)
    instance: str = Field(min_length=1, max_length=64)
    rucio_url: str | None = Field(default=None, max_length=2048)
    variable: str | None = None
    mode: Literal["mounted", "rucio"] = "mounted"


class CrateInput(BaseModel):
    """`POST crate`: write `ro-crate-metadata.json` into `folder` (the folder that is published)."""

    folder: str = Field(min_length=1, max_length=4096)
    title: str = Field(default="", max_length=500)
    description: str = Field(default="", max_length=10000)
    inputs: list[InputFacts] = Field(default_factory=list, max_length=50)
    run: RunFacts
    # The workflow specification (a workspace path); copied into `folder` as reana.yaml if outside it.
    specification: str | None = Field(default=None, max_length=4096)
    doi: str | None = Field(default=None, max_length=200)
    # The deposition's licence, as Zenodo names it (e.g. cc-by-4.0); the crate's root says it.
    license: str | None = Field(default=None, max_length=100)
    # False: only check the folder against Zenodo's limits and list what would be published.
    write: bool = True


class CrateResult(BaseModel):
    path: str  # workspace path of ro-crate-metadata.json
    files: list[str]  # data entities, named as in the Zenodo record
    bytes: int
    doi: str | None


class ProvenanceResult(BaseModel):
    """Zenodo metadata pieces the frontend puts into the deposition (related identifiers, notes)."""

    related_identifiers: list[dict[str, str]]
    notes: str
    software_version: str
