"""What the REANA panel does, without Tornado: validate, create, upload, start, follow, fetch.

Paths from the browser are workspace paths (relative to the Jupyter root
directory) and go through `resolve_within`; names that REANA returns are
confined again before anything is written. Uploads and downloads are tasks
with byte progress, streamed through `vre_common.streams`.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from vre_common.context import VREContext
from vre_common.errors import BackendError, BadRequest, Conflict, Forbidden, NotFound, VREError
from vre_common.models import TaskInfo
from vre_common.paths import resolve_within
from vre_common.streams import ByteProgress, BytesDone, read_file, save_stream
from vre_common.tasks import Task
from vre_common.workspace import SelectedFile, WalkPolicy, read_reana_yaml, workspace_files

from .client import ReanaAPI
from .engines import check_options, creation_spec, input_parameters, load_yadage_stages, options_for
from .graph import steps_of, with_status
from .ignore import ignore_rules
from .models import (
    DeletedWorkflow,
    ReanaConnection,
    RucioSetup,
    RucioSetupInput,
    RunInput,
    Secret,
    SecretInput,
    SecretList,
    StepCounts,
    StepLog,
    ValidationMessage,
    ValidationReport,
    Workflow,
    WorkflowGraph,
    WorkflowLogs,
    WorkflowPage,
    WorkflowSpecification,
    WorkspaceFile,
    WorkspaceFiles,
)
from .validation import validate_text

BACKEND_NAME = "REANA"
# The user's own credentials a workflow may receive as REANA secrets (service, field).
FORWARDABLE = frozenset({("rucio", "username"), ("rucio", "password"), ("zenodo", "token")})

# The workflow finds its inputs where its reana.yaml names them; a spec may list none.
INPUTS_POLICY = WalkPolicy("REANA", max_files=10_000, keep_selected_path=True, require_files=False)
LIST_STATUSES = ("created", "queued", "pending", "running", "finished", "failed", "stopped")
MAX_PAGE = 100


def _count(progress: dict[str, Any], key: str) -> int:
    value = progress.get(key)
    return int(value.get("total") or 0) if isinstance(value, dict) else 0


def workflow_from(item: dict[str, Any]) -> Workflow:
    progress = item.get("progress") or {}
    size = (item.get("size") or {}).get("raw")
    return Workflow(
        id=str(item.get("id", "")),
        name=str(item.get("name", "")),
        status=str(item.get("status", "")),
        created=item.get("created"),
        started_at=progress.get("run_started_at"),
        finished_at=progress.get("run_finished_at") or progress.get("run_stopped_at"),
        jobs=StepCounts(
            total=_count(progress, "total"),
            finished=_count(progress, "finished"),
            failed=_count(progress, "failed"),
            running=_count(progress, "running"),
        ),
        current_step=progress.get("current_step_name"),
        size_bytes=size if isinstance(size, int) and size >= 0 else None,
    )


def describe_specification(
    workflow: str, spec: dict[str, Any], used: dict[str, Any]
) -> WorkflowSpecification:
    inputs, outputs = spec.get("inputs") or {}, spec.get("outputs") or {}

    def names(part: dict[str, Any], key: str) -> list[str]:
        return [str(n).strip("/") for n in part.get(key) or [] if isinstance(n, str)]

    return WorkflowSpecification(
        workflow_id=workflow,
        workflow_type=(spec.get("workflow") or {}).get("type"),
        parameters={**(inputs.get("parameters") or {}), **used},
        input_files=names(inputs, "files"),
        input_directories=names(inputs, "directories"),
        output_files=names(outputs, "files"),
        output_directories=names(outputs, "directories"),
    )


def _workflow_path(workflow: str, *rest: str) -> str:
    return "/workflows/" + "/".join([quote(workflow, safe=""), *rest])


class ReanaService:
    def __init__(self, api: ReanaAPI, vre: VREContext, root_dir: str, server_url: str) -> None:
        self.api = api
        self.vre = vre
        self.root = Path(root_dir).resolve()
        self.server_url = server_url
        self.rucio_secrets: dict[str, str] = {}  # the admin's part of what `rucio: true` needs
        self._resumable()

    def _resumable(self) -> None:
        """After a server restart, each transfer starts again from the request it journalled."""

        async def upload(params: dict[str, Any]) -> TaskInfo:
            return await self.upload(str(params["workflow"]), str(params["path"]))

        async def run(params: dict[str, Any]) -> TaskInfo:
            return await self.run(RunInput.model_validate(params["run"]), params.get("workflow_id"))

        async def download(params: dict[str, Any]) -> TaskInfo:
            files = [str(f) for f in params.get("files") or []]
            return await self.download(
                str(params["workflow"]), str(params["target"]), files, bool(params.get("overwrite")), True
            )

        tasks = self.vre.tasks
        tasks.resumable("reana.upload", upload, "Resuming uploads the inputs to the same workflow again.")
        tasks.resumable(
            "reana.run", run, "Resuming continues with the workflow it created, unless it already started."
        )
        tasks.resumable(
            "reana.download", download, "Files already saved with the right size are kept and skipped."
        )

    # --- the server -------------------------------------------------------------------
    async def ping(self) -> ReanaConnection:
        """Who the user is on REANA (`GET /api/you`), which proves the token works."""
        you = await self.api.call("GET", "/you")
        return ReanaConnection(
            server_url=self.server_url,
            server_version=you.get("reana_server_version"),
            email=you.get("email"),
            username=you.get("username"),
            full_name=you.get("full_name"),
        )

    # --- reana.yaml -------------------------------------------------------------------
    async def _spec(self, path: str) -> tuple[Path, str, str]:
        """(file, workspace path, text) of the reana.yaml at or in `path`, read in the executor."""
        return await self.vre.executor.run("workspace", 30, read_reana_yaml, self.root, path)

    async def validate(self, path: str, text: str | None = None) -> ValidationReport:
        """The reana.yaml at `path` checked; with `text`, that text in its place (the editor's buffer)."""
        spec_file, relative, saved = await self._spec(path)
        report = await self.vre.executor.run(
            "workspace", 30, validate_text, saved if text is None else text, spec_file.parent, relative
        )
        if report.valid and report.specification is not None:
            report.operational_options = options_for(str(report.workflow_type))
        # CWL and Snakemake take their parameters from the file inputs.parameters.input names; for the
        # other engines `input` is a parameter like any other.
        if report.valid and report.specification is not None and report.workflow_type in ("cwl", "snakemake"):
            try:
                loaded = await self.vre.executor.run(
                    "workspace", 30, input_parameters, spec_file.parent, report.specification
                )
            except VREError as err:
                return report.model_copy(
                    update={
                        "valid": False,
                        "specification": None,
                        "messages": [
                            ValidationMessage(
                                severity="error",
                                key="inputs.parameters.input",
                                line=None,
                                message=err.message,
                            ),
                            *report.messages,
                        ],
                    }
                )
            if loaded is not None:
                report.parameters = {str(k): v for k, v in loaded.items()}
        return report

    async def _valid(self, path: str) -> ValidationReport:
        report = await self.validate(path)
        if not report.valid:
            first = next(m.message for m in report.messages if m.severity == "error")
            raise BadRequest(f"{report.source} is not valid: {first}", code="invalid_reana_yaml")
        return report

    # --- workflows ----------------------------------------------------------------------
    async def list_workflows(
        self, status: list[str], search: str, sort: str, page: int, size: int
    ) -> WorkflowPage:
        if unknown := [s for s in status if s not in LIST_STATUSES]:
            raise BadRequest(
                f"Unknown status {', '.join(unknown)}; use {', '.join(LIST_STATUSES)}.", code="invalid_status"
            )
        if page < 1 or not 1 <= size <= MAX_PAGE:
            raise BadRequest(f"page must be 1 or more and size 1 to {MAX_PAGE}.", code="invalid_page")
        params: dict[str, Any] = {
            "type": "batch",
            "page": page,
            "size": size,
            "sort": sort,
            "status": status or None,
            "include_progress": True,
            "search": json.dumps({"name": [search]}) if search else None,
        }
        answer = await self.api.call("GET", "/workflows", params=params)
        items = [workflow_from(item) for item in answer.get("items", [])]
        total = int(answer.get("total", len(items)))
        return WorkflowPage(
            items=items,
            total=total,
            page=page,
            size=size,
            has_next=bool(answer.get("has_next", page * size < total)),
        )

    async def status(self, workflow: str) -> Workflow:
        return workflow_from(await self.api.call("GET", _workflow_path(workflow, "status")))

    async def create(self, path: str, name: str) -> Workflow:
        report = await self._valid(path)
        spec_file, _, _ = await self._spec(path)
        return await self._create(await self._creation_spec(report, spec_file.parent), name)

    async def _creation_spec(self, report: ValidationReport, folder: Path) -> dict[str, Any]:
        assert report.specification is not None  # a valid report has it
        return await self.vre.executor.run("workspace", 30, creation_spec, folder, report.specification)

    async def _create(self, spec: dict[str, Any], name: str) -> Workflow:
        created = await self.api.call("POST", "/workflows", params={"workflow_name": name}, json=spec)
        return await self.status(created["workflow_id"])

    async def start(self, workflow: str, parameters: dict[str, Any], options: dict[str, Any]) -> Workflow:
        if parameters or options:
            described = await self.api.call("GET", _workflow_path(workflow, "parameters"))
            if parameters:
                parameters = self._check_parameters(parameters, described.get("parameters") or {})
            check_options(str(described.get("type")), options)
        await self._start(workflow, parameters, options)
        return await self.status(workflow)

    @staticmethod
    def _check_parameters(given: dict[str, Any], known: dict[str, Any]) -> dict[str, Any]:
        """The given parameters, typed like the workflow's defaults (the form sends text)."""
        if unknown := sorted(set(given) - set(known)):
            raise BadRequest(
                f"Unknown parameter(s) {', '.join(unknown)}; the workflow takes "
                f"{', '.join(sorted(known)) or 'none'}.",
                code="unknown_parameter",
            )
        typed = {}
        for key, value in given.items():
            default = known[key]
            if isinstance(value, str) and isinstance(default, (bool, int, float)):
                with contextlib.suppress(yaml.YAMLError):
                    value = yaml.safe_load(value)
                if not isinstance(value, (bool, int, float)) or isinstance(value, bool) != isinstance(
                    default, bool
                ):
                    raise BadRequest(
                        f"Parameter {key} must be {type(default).__name__} like its default {default!r}.",
                        code="invalid_parameter",
                    )
            typed[key] = value
        return typed

    async def _start(self, workflow: str, parameters: dict[str, Any], options: dict[str, Any]) -> None:
        body = {"input_parameters": parameters, "operational_options": options}
        await self.api.call("POST", _workflow_path(workflow, "start"), json=body)

    async def stop(self, workflow: str) -> Workflow:
        await self.api.call("PUT", _workflow_path(workflow, "status"), params={"status": "stop"}, json={})
        return await self.status(workflow)

    async def delete(self, workflow: str, all_runs: bool) -> DeletedWorkflow:
        answer = await self.api.call(
            "PUT",
            _workflow_path(workflow, "status"),
            params={"status": "deleted"},
            json={"all_runs": all_runs, "workspace": True},
        )
        return DeletedWorkflow(workflow_id=str(answer.get("workflow_id", "")), status="deleted")

    async def logs(self, workflow: str, steps: list[str]) -> WorkflowLogs:
        answer = await self.api.call("GET", _workflow_path(workflow, "logs"), json=steps or None)
        try:
            logs = json.loads(answer.get("logs") or "{}")
        except ValueError:
            logs = {}
        job_logs = logs.get("job_logs") or {}
        return WorkflowLogs(
            workflow_id=str(answer.get("workflow_id", "")),
            workflow_logs=str(logs.get("workflow_logs") or ""),
            steps=[
                StepLog(
                    job_id=job_id,
                    step=str(job.get("job_name") or ""),
                    status=job.get("status"),
                    command=job.get("cmd"),
                    environment=job.get("docker_img"),
                    compute_backend=job.get("compute_backend"),
                    started_at=job.get("started_at"),
                    finished_at=job.get("finished_at"),
                    logs=str(job.get("logs") or ""),
                )
                for job_id, job in job_logs.items()
                if isinstance(job, dict)
            ],
        )

    async def graph(self, workflow: str, path: str) -> WorkflowGraph:
        """The workflow's steps from REANA's copy of its specification (Yadage: from the local
        workflow file under `path`, as REANA keeps no Yadage specification), with live status."""
        stored = await self.api.call("GET", _workflow_path(workflow, "specification"))
        section = (stored.get("specification") or {}).get("workflow") or {}
        kind = str(section.get("type") or "")
        source = "REANA's copy of the specification"
        if kind == "yadage":
            if not path:
                raise BadRequest(
                    "REANA keeps no Yadage specification: give the workflow's folder as path.",
                    code="graph_needs_path",
                )
            spec_file, relative, _ = await self._spec(path)
            section = await self.vre.executor.run(
                "workspace", 30, load_yadage_stages, spec_file.parent, section.get("file") or ""
            )
            source = f"{Path(relative).parent.as_posix()}/{stored['specification']['workflow'].get('file')}"
        status, logs = await asyncio.gather(self.status(workflow), self.logs(workflow, []))
        return WorkflowGraph(
            workflow_id=status.id,
            workflow_type=kind,
            workflow_status=status.status,
            steps=with_status(steps_of(kind, section), logs.steps),
            source=source,
        )

    async def files(self, workflow: str, page: int, size: int) -> WorkspaceFiles:
        if page < 1 or not 1 <= size <= 1000:
            raise BadRequest("page must be 1 or more and size 1 to 1000.", code="invalid_page")
        answer = await self.api.call(
            "GET", _workflow_path(workflow, "workspace"), params={"page": page, "size": size}
        )
        items = [
            WorkspaceFile(
                name=str(item.get("name", "")),
                size_bytes=int((item.get("size") or {}).get("raw") or 0),
                last_modified=item.get("last-modified"),
            )
            for item in answer.get("items", [])
        ]
        total = int(answer.get("total", len(items)))
        return WorkspaceFiles(
            items=items,
            total=total,
            page=page,
            size=size,
            has_next=bool(answer.get("has_next", page * size < total)),
        )

    async def _all_files(self, workflow: str) -> dict[str, int]:
        found: dict[str, int] = {}
        page = 1
        while True:
            listing = await self.files(workflow, page, 1000)
            found.update({f.name: f.size_bytes for f in listing.items})
            if not listing.has_next:
                return found
            page += 1

    # --- transfers ----------------------------------------------------------------------
    async def _inputs(self, report: ValidationReport, base: Path) -> list[SelectedFile]:
        """Every input file the spec lists, its folders walked; named as the spec names them.

        As reana-client: files in `inputs.directories` that a `.gitignore` or `.reanaignore`
        next to the reana.yaml matches are left out; `inputs.files` are sent as listed.
        """
        found = await workspace_files(
            self.vre.executor, self.root, report.input_files, INPUTS_POLICY, base=base
        )
        ignore = await self.vre.executor.run("workspace", 30, ignore_rules, base)
        for folder in report.input_directories:
            policy = INPUTS_POLICY.with_ignored(ignore.below(folder) if ignore else None)
            found += await workspace_files(self.vre.executor, self.root, [folder], policy, base=base)
        return sorted({f.name: f for f in found}.values(), key=lambda f: f.name)

    async def _upload(self, task: Task, workflow: str, files: list[SelectedFile]) -> int:
        total = sum(file.size for file in files)
        progress = ByteProgress(task.report, total)
        for file in files:
            await self.api.call(
                "POST",
                _workflow_path(workflow, "workspace"),
                params={"file_name": file.name},
                content=read_file(file.local, progress.next_file()),
                headers={"Content-Type": "application/octet-stream", "Content-Length": str(file.size)},
                transfer=True,
            )
            progress.file_done(file.size)
        return len(files)

    async def upload(self, workflow: str, path: str) -> TaskInfo:
        """Upload the inputs that the reana.yaml at `path` lists into an existing workflow."""
        report = await self._valid(path)
        spec_file, _, _ = await self._spec(path)
        files = await self._inputs(report, spec_file.parent)

        async def work(task: Task) -> dict[str, Any]:
            return {"workflow": workflow, "files": await self._upload(task, workflow, files)}

        resume = {"workflow": workflow, "path": path}
        return self.vre.tasks.start(
            "reana.upload", f"Upload inputs to {workflow}", work, unit="bytes", resume=resume
        ).info()

    async def run(self, body: RunInput, created_id: str | None = None) -> TaskInfo:
        """Create a workflow from a folder's reana.yaml, upload its inputs and start it: one task.

        `created_id`: a resumed run's workflow, created before the server stopped.
        Cancel before the start deletes the workflow this run created (ours, never
        started); a workflow that started is the user's to stop.
        """
        report = await self._valid(body.path)
        spec_file, _, _ = await self._spec(body.path)
        spec = await self._creation_spec(report, spec_file.parent)
        parameters = self._check_parameters(
            body.parameters, (spec.get("inputs") or {}).get("parameters") or {}
        )
        check_options(str(report.workflow_type), body.operational_options)
        # reana-client's `create` uploads the reana.yaml itself too, next to the inputs.
        own = await workspace_files(
            self.vre.executor, self.root, [spec_file.name], INPUTS_POLICY, base=spec_file.parent
        )
        files = sorted(
            {f.name: f for f in [*own, *await self._inputs(report, spec_file.parent)]}.values(),
            key=lambda f: f.name,
        )
        if created_id is not None and (await self.status(created_id)).status != "created":
            created_id = None  # it started (or is gone): a resume makes a new run

        async def work(task: Task) -> dict[str, Any]:
            created = await self.status(created_id) if created_id else await self._create(spec, body.name)
            # The task ends when the run is submitted, not when it finishes: its title says so.
            task.title = f"Submit {created.name} to REANA"
            task.checkpoint(workflow_id=created.id)
            try:
                await self._upload(task, created.id, files)
            except asyncio.CancelledError:
                await self.delete(created.id, all_runs=False)
                task.result = {
                    "workflow_id": created.id,
                    "deleted": True,
                    "message": f"Cancelled before it started: the workflow {created.name} was deleted.",
                }
                raise
            await self._start(created.id, parameters, body.operational_options)
            return {"workflow_id": created.id, "workflow_name": created.name, "files": len(files)}

        resume = {"run": body.model_dump(), "workflow_id": created_id}
        return self.vre.tasks.start(
            "reana.run", f"Submit {body.name} to REANA", work, unit="bytes", resume=resume
        ).info()

    async def download(
        self, workflow: str, target: str, files: list[str], overwrite: bool, resuming: bool = False
    ) -> TaskInfo:
        """Fetch workspace files (the declared outputs when none are named) into a workspace folder.

        `resuming`: files already saved with the workspace's size (saves are
        atomic, so a file there is whole) are skipped, not refused.
        """
        folder = resolve_within(self.root, target)
        if folder.exists() and not folder.is_dir():
            raise BadRequest(f"{target} is a file, not a folder.", code="not_a_folder")
        available = await self._all_files(workflow)
        wanted = files or await self._outputs(workflow, available)
        if not wanted:
            raise NotFound("The workflow has no outputs yet.", code="no_outputs")
        if missing := [name for name in wanted if name not in available]:
            raise NotFound(
                f"Not in the workflow's workspace: {', '.join(missing[:5])}.", code="not_in_workspace"
            )
        plan = [(name, _local_name(folder, name), available[name]) for name in wanted]
        if resuming:
            saved = await self.vre.executor.run(
                "workspace",
                30,
                lambda: {n for n, local, size in plan if local.is_file() and local.stat().st_size == size},
            )
            plan = [item for item in plan if item[0] not in saved]
        if not overwrite and (existing := [name for name, local, _ in plan if local.exists()]):
            raise Conflict(
                f"Already in {target}: {', '.join(existing[:5])}. Choose another folder or overwrite.",
                code="target_exists",
            )
        total = sum(size for _, _, size in plan)
        label = (await self.status(workflow)).name or workflow

        async def work(task: Task) -> dict[str, Any]:
            progress = ByteProgress(task.report, total)
            written = []
            for name, local, size in plan:
                async with self.api.download(_workflow_path(workflow, "workspace", quote(name))) as (
                    _,
                    chunks,
                ):
                    await save_stream(chunks, local, progress.next_file())
                progress.file_done(size)
                written.append(local.relative_to(self.root).as_posix())
            return {
                "workflow": workflow,
                "target": folder.relative_to(self.root).as_posix(),
                "files": written,
            }

        resume = {"workflow": workflow, "target": target, "files": wanted, "overwrite": overwrite}
        scratch = [str(local.parent) for _, local, _ in plan]  # where a temporary file may be left
        return self.vre.tasks.start(
            "reana.download",
            f"Download {len(plan)} file(s) of {label}",
            work,
            unit="bytes",
            resume=resume,
            scratch=scratch,
        ).info()

    async def _outputs(self, workflow: str, available: dict[str, int]) -> list[str]:
        spec = (await self.api.call("GET", _workflow_path(workflow, "specification"))).get(
            "specification"
        ) or {}
        outputs = spec.get("outputs") or {}
        names = [f for f in outputs.get("files") or [] if isinstance(f, str)]
        for folder in outputs.get("directories") or []:
            if isinstance(folder, str):
                prefix = folder.strip("/") + "/"
                names.extend(sorted(n for n in available if n.startswith(prefix)))
        return [n.lstrip("/") for n in dict.fromkeys(names)]

    # --- a run's specification, and running it again --------------------------------------
    async def _specification(self, workflow: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """The run's reana.yaml (as REANA keeps it) and the parameters it was started with."""
        answer = await self.api.call("GET", _workflow_path(workflow, "specification"))
        spec = answer.get("specification")
        if not isinstance(spec, dict):
            raise BackendError(BACKEND_NAME, "the workflow's specification has an unexpected shape.")
        used = answer.get("parameters")
        return spec, used if isinstance(used, dict) else {}

    async def specification(self, workflow: str) -> WorkflowSpecification:
        return describe_specification(workflow, *await self._specification(workflow))

    async def rerun(self, workflow: str, parameters: dict[str, Any]) -> TaskInfo:
        """A new run of the same name, specification and inputs (copied from the old workspace),
        started with these parameters over the old ones: one task, like `run`.

        REANA's own restart needs the run to be kept; a new run works for any finished one.
        """
        spec, used = await self._specification(workflow)
        self._check_parameters(parameters, (spec.get("inputs") or {}).get("parameters") or {})
        old = await self.status(workflow)
        base = old.name.rsplit(".", 1)[0] if "." in old.name else old.name
        described = describe_specification(workflow, spec, used)
        available = await self._all_files(workflow)
        copied = {n: size for n, size in available.items() if n in described.input_files}
        for folder in described.input_directories:
            copied.update({n: s for n, s in available.items() if n.startswith(folder + "/")})
        total = sum(copied.values())

        async def work(task: Task) -> dict[str, Any]:
            created = await self.api.call("POST", "/workflows", params={"workflow_name": base}, json=spec)
            new_id = str(created["workflow_id"])
            task.title = f"Submit {created.get('workflow_name', base)} to REANA again"
            progress = ByteProgress(task.report, total)
            for name, size in sorted(copied.items()):
                async with self.api.download(_workflow_path(workflow, "workspace", quote(name))) as (
                    _,
                    chunks,
                ):
                    file_bytes = progress.next_file()

                    async def counted(
                        chunks: AsyncIterator[bytes] = chunks, on_bytes: BytesDone = file_bytes
                    ) -> AsyncIterator[bytes]:
                        sent = 0
                        async for chunk in chunks:
                            sent += len(chunk)
                            on_bytes(sent)
                            yield chunk

                    await self.api.call(
                        "POST",
                        _workflow_path(new_id, "workspace"),
                        params={"file_name": name},
                        content=counted(),
                        headers={"Content-Type": "application/octet-stream", "Content-Length": str(size)},
                        transfer=True,
                    )
                progress.file_done(size)
            await self._start(new_id, {**used, **parameters}, {})  # the engine's defaults
            return {
                "workflow_id": new_id,
                "workflow_name": created.get("workflow_name"),
                "files": len(copied),
            }

        return self.vre.tasks.start(
            "reana.run", f"Submit {old.name} to REANA again", work, unit="bytes"
        ).info()

    # --- secrets ------------------------------------------------------------------------
    async def secrets(self) -> SecretList:
        answer = await self.api.call("GET", "/secrets")
        return SecretList(secrets=[Secret(name=s["name"], type=s["type"]) for s in answer or []])

    async def add_secret(self, body: SecretInput) -> SecretList:
        """Give REANA a secret whose value this server holds; the browser only names it."""
        source = body.source
        if source.kind == "iam":
            # Never the raw IAM token: only one exchanged for an audience the admin configured.
            audience = source.audience or ""
            if audience not in self.vre.tokens.settings.exchange:
                raise Forbidden(
                    f"Your IAM token can go to REANA only as a token exchanged for a configured "
                    f"audience, and {audience or 'none'} is not one.",
                    code="secret_not_allowed",
                )
            value = str((await self.vre.tokens.token_for(audience)).value)
        else:
            if (source.service, source.field) not in FORWARDABLE:
                raise Forbidden(
                    "Only these credentials can become REANA secrets: "
                    + ", ".join(f"{service} {field}" for service, field in sorted(FORWARDABLE))
                    + ".",
                    code="secret_not_allowed",
                )
            found = self.vre.credentials.get(str(source.service), source.instance or "")
            if found is None or found[1] != "user" or source.field not in found[0]:
                # An admin's credential is shared by everyone on the server: never handed to a workflow.
                raise BadRequest(
                    f"You have no {source.service} {source.field} of your own on this server to send.",
                    code="invalid_secret_source",
                )
            value = str(found[0][str(source.field)])
        secret = {
            body.name: {
                "name": body.name,
                "value": base64.b64encode(value.encode()).decode(),
                "type": body.type,
            }
        }
        await self.api.call("POST", "/secrets/", params={"overwrite": body.overwrite}, json=secret)
        return await self.secrets()

    async def rucio_setup(self, body: RucioSetupInput) -> RucioSetup:
        """The env secrets REANA 0.9 needs for `rucio: true` steps, with an IAM token for Rucio.

        reana-job-controller writes each such job's rucio.cfg (reana-auth-rucio's template)
        from the secrets VONAME and RUCIO_USERNAME, the hosts RUCIO_RUCIO_HOST/RUCIO_AUTH_HOST
        and RUCIO_CFG_* overrides; with RUCIO_CFG_AUTH_TYPE=oidc a Rucio client that reads a
        bearer token from BEARER_TOKEN (WLCG token discovery) authenticates with it. REANA
        does not renew secrets: the token works for runs that start before it expires.
        """
        if not self.rucio_secrets.get("VONAME") or not self.rucio_secrets.get("RUCIO_RUCIO_HOST"):
            raise BadRequest(
                "This server does not say which Rucio workflows should use: ask your admin to set "
                "c.ReanaExtension.rucio_secrets (VONAME, RUCIO_RUCIO_HOST, RUCIO_AUTH_HOST).",
                code="rucio_not_configured",
            )
        if "rucio" not in self.vre.tokens.settings.exchange:
            raise BadRequest(
                "No IAM token exchange for Rucio is configured, so workflows cannot get a Rucio token.",
                code="rucio_not_configured",
            )
        token = await self.vre.tokens.token_for("rucio")
        values = {
            **self.rucio_secrets,
            "RUCIO_USERNAME": body.account,
            "RUCIO_CFG_AUTH_TYPE": "oidc",
            "BEARER_TOKEN": str(token.value),
        }
        secrets = {
            name: {"name": name, "value": base64.b64encode(value.encode()).decode(), "type": "env"}
            for name, value in values.items()
        }
        await self.api.call("POST", "/secrets/", params={"overwrite": True}, json=secrets)
        return RucioSetup(
            secrets=sorted(values),
            token_expires_at=token.expires_at,
            note=(
                "REANA keeps secrets as they are: this Rucio token expires and is not renewed, so "
                "run workflows that read from Rucio before then, or set this up again."
            ),
        )

    async def delete_secret(self, name: str) -> SecretList:
        await self.api.call("DELETE", "/secrets/", json=[name])
        return await self.secrets()


def _local_name(folder: Path, name: str) -> Path:
    """Where the workspace file `name` is saved in `folder`; a name the workspace listing should never
    have given (leaving the folder, absolute, a part too long to be a file name) is REANA's fault."""
    unsafe = BackendError(
        "REANA",
        f"the workspace lists a file that cannot be saved: {name[:80]!r}.",
        code="reana_unsafe_file_name",
    )
    if any(len(part) > 255 for part in name.split("/")):
        raise unsafe
    try:
        return resolve_within(folder, name)
    except VREError:
        raise unsafe from None
