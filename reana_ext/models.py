"""The JSON contract of `/vre/api/reana/...`. Nothing here carries the REANA token or a secret's value."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from vre_common.workspace import MAX_SPEC_BYTES

WorkflowStatus = Literal[
    "created", "queued", "pending", "running", "finished", "failed", "stopped", "deleted"
]
ACTIVE_STATUSES = ("created", "queued", "pending", "running")
WORKFLOW_NAME = r"^[A-Za-z0-9_-]{1,128}$"


# --- reana.yaml ---------------------------------------------------------------------------
class ValidationMessage(BaseModel):
    severity: Literal["error", "warning"]
    # The key it is about, e.g. "workflow.specification.steps[0].commands", and its line (1-based).
    key: str | None
    line: int | None
    message: str


class ValidationReport(BaseModel):
    source: str  # the reana.yaml's workspace path
    valid: bool
    workflow_type: Literal["serial", "cwl", "snakemake", "yadage"] | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    input_files: list[str] = Field(default_factory=list)
    input_directories: list[str] = Field(default_factory=list)
    output_files: list[str] = Field(default_factory=list)
    output_directories: list[str] = Field(default_factory=list)
    # The operational options this workflow type takes (REANA's names).
    operational_options: list[str] = Field(default_factory=list)
    messages: list[ValidationMessage] = Field(default_factory=list)
    # The parsed file, for creating the workflow; not sent to the browser.
    specification: dict[str, Any] | None = Field(default=None, exclude=True)


# --- the server ---------------------------------------------------------------------------
class ReanaConnection(BaseModel):
    """`GET ping`: whether REANA answers for this user, and who they are there."""

    server_url: str
    server_version: str | None
    email: str | None
    username: str | None
    full_name: str | None


# --- workflows ----------------------------------------------------------------------------
class StepCounts(BaseModel):
    total: int = 0
    finished: int = 0
    failed: int = 0
    running: int = 0


class Workflow(BaseModel):
    id: str
    name: str  # "<name>.<run number>", as REANA shows it
    status: str
    created: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    jobs: StepCounts = Field(default_factory=StepCounts)
    current_step: str | None = None
    size_bytes: int | None = None


class DeletedWorkflow(BaseModel):
    workflow_id: str
    status: Literal["deleted"]


class WorkflowPage(BaseModel):
    items: list[Workflow]
    total: int
    page: int
    size: int
    has_next: bool


class StepLog(BaseModel):
    job_id: str
    step: str
    status: str | None
    command: str | None
    environment: str | None
    compute_backend: str | None
    started_at: str | None
    finished_at: str | None
    logs: str


class WorkflowLogs(BaseModel):
    workflow_id: str
    workflow_logs: str
    steps: list[StepLog]


class GraphStep(BaseModel):
    """One step (serial step, CWL step, Snakemake rule, Yadage stage) of a workflow's graph."""

    name: str
    depends_on: list[str] = Field(default_factory=list)
    inputs: list[str] = Field(default_factory=list)
    outputs: list[str] = Field(default_factory=list)
    environment: str | None = None
    commands: list[str] = Field(default_factory=list)
    # created (no job yet), running, finished, failed or stopped; from the workflow's jobs.
    status: str = "created"
    job_ids: list[str] = Field(default_factory=list)


class WorkflowGraph(BaseModel):
    workflow_id: str
    workflow_type: str
    workflow_status: str
    steps: list[GraphStep]
    # Where the steps were read: REANA's copy of the specification or the local workflow file.
    source: str


class WorkspaceFile(BaseModel):
    name: str
    size_bytes: int
    last_modified: str | None


class WorkspaceFiles(BaseModel):
    items: list[WorkspaceFile]
    total: int
    page: int
    size: int
    has_next: bool


class Secret(BaseModel):
    name: str
    type: Literal["env", "file"]


class SecretList(BaseModel):
    secrets: list[Secret]


# --- request bodies -----------------------------------------------------------------------
class PathInput(BaseModel):
    """A reana.yaml, or a folder that holds one, relative to the workspace."""

    path: str = Field(min_length=1, max_length=4096)


class ValidateInput(PathInput):
    """`path`, and the editor's unsaved `text` of that reana.yaml to check instead of the saved file."""

    text: str | None = Field(default=None, max_length=MAX_SPEC_BYTES)


class CreateInput(PathInput):
    name: str = Field(pattern=WORKFLOW_NAME)


Parameters = dict[str, str | int | float | bool]
# REANA's operational options (reana-commons 0.9): serial CACHE/FROM/TARGET, cwl TARGET,
# snakemake report, yadage toplevel/initdir/initfiles/accept_metadir.
OperationalOptions = dict[str, str | int | float | bool | list[str]]


class RunInput(CreateInput):
    parameters: Parameters = Field(default_factory=dict, max_length=200)
    operational_options: OperationalOptions = Field(default_factory=dict, max_length=20)


class StartInput(BaseModel):
    parameters: Parameters = Field(default_factory=dict, max_length=200)
    operational_options: OperationalOptions = Field(default_factory=dict, max_length=20)


class UploadInput(PathInput):
    pass


class DownloadInput(BaseModel):
    # A workspace folder to write into; files keep their paths inside the REANA workspace.
    target: str = Field(min_length=1, max_length=4096)
    # Workspace files to fetch; none: the workflow's declared outputs (outputs.files).
    files: list[str] = Field(default_factory=list, max_length=1000)
    overwrite: bool = False


class SecretSource(BaseModel):
    """Where the server takes a secret's value from; the browser never sees it."""

    kind: Literal["credential", "iam"]
    # kind=credential: a credential this server holds (e.g. service "rucio", instance "cms", field "password").
    service: Literal["rucio", "reana", "zenodo"] | None = None
    instance: str | None = Field(default=None, max_length=64)
    field: str | None = Field(default=None, max_length=64)
    # kind=iam: the IAM access token, exchanged for this service's audience where configured (e.g. "rucio").
    audience: str | None = Field(default=None, max_length=64)


class SecretInput(BaseModel):
    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
    type: Literal["env", "file"] = "env"
    source: SecretSource
    overwrite: bool = False


class RucioSetupInput(BaseModel):
    """`POST rucio-setup`: the user's Rucio account; the rest comes from the server."""

    account: str = Field(pattern=r"^[a-z0-9_.-]{1,25}$")


class RucioSetup(BaseModel):
    # The names of the env secrets written (never their values).
    secrets: list[str]
    token_expires_at: float | None
    note: str
