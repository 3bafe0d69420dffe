"""A REANA 0.9 API stand-in for the dev stack. NOT REANA: for development only.

It serves the REST paths of `reana_server.json` (reana-commons 0.9) that a
client needs and runs `serial` workflows as local processes: every command of
every step is one job, `bash -c <command>` in the workflow's workspace, with the
step's container image ignored and `${parameter}`s substituted as REANA does
(string.Template, strict). The access token is read only from the
`access_token` query argument, as REANA 0.9 does.

Environment: VRE_REANA_PORT (8183), VRE_REANA_HOST (127.0.0.1),
VRE_REANA_TOKEN, VRE_REANA_USER_EMAIL, VRE_REANA_DATA_DIR
($VRE_DEVSTACK_HOME/data/reana).

Test switch VRE_REANA_HOSTILE=1 (off in the dev stack): every workspace listing
also names files a real server could list but no client may save as named
(`HOSTILE_NAMES`: `../../x`, an absolute path, a 300-character name), so tests
can show that they are refused.
"""

from __future__ import annotations

import base64
import contextlib
import fnmatch
import io
import json
import os
import re
import shutil
import signal
import string
import subprocess
import sys
import tempfile
import threading
import uuid
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import engines
from flask import Flask, Response, jsonify, request, send_file
from werkzeug.exceptions import HTTPException

NOTE = "REANA API stand-in of the VRE dev stack, for development only: not REANA"
API_VERSION = "0.9.4"  # the reana_server.json this stand-in follows
ACTIVE = ("queued", "pending", "running")
NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("Bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{int(value)} {unit}" if unit == "Bytes" else f"{value:.2f} {unit}"
        value /= 1024
    return str(size)


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


@dataclass
class Job:
    id: str
    step: str
    command: str
    image: str
    status: str = "created"
    rucio: bool = False  # the step said `rucio: true`
    voms_proxy: bool = False  # the step said `voms_proxy: true`
    started_at: str | None = None
    finished_at: str | None = None


@dataclass
class Workflow:
    id: str
    name: str
    run_number: int
    spec: dict[str, Any]
    created: str
    status: str = "created"
    parameters: dict[str, Any] = field(default_factory=dict)
    run_started_at: str | None = None
    run_finished_at: str | None = None
    run_stopped_at: str | None = None
    jobs: list[Job] = field(default_factory=list)
    engine_log: str = ""
    total_jobs: int = 0

    @property
    def full_name(self) -> str:
        return f"{self.name}.{self.run_number}"

    def log(self, message: str) -> None:
        self.engine_log += f"{now()} {message}\n"

    def progress(self) -> dict[str, Any]:
        def jobs(status: str) -> dict[str, Any]:
            ids = [j.id for j in self.jobs if j.status == status]
            return {"total": len(ids), "job_ids": ids}

        current = next((j for j in self.jobs if j.status == "running"), None)
        return {
            "total": {"total": self.total_jobs, "job_ids": []},
            "running": jobs("running"),
            "finished": jobs("finished"),
            "failed": jobs("failed"),
            "current_command": current.command if current else None,
            "current_step_name": current.step if current else None,
            "run_started_at": self.run_started_at,
            "run_finished_at": self.run_finished_at,
            "run_stopped_at": self.run_stopped_at,
        }


class Store:
    """Workflows, secrets and workspaces of the stand-in, persisted under data_dir."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.lock = threading.RLock()
        self.processes: dict[str, subprocess.Popen] = {}  # workflow id -> running job
        self.stopping: set[str] = set()
        for sub in ("workspaces", "logs"):
            (data_dir / sub).mkdir(parents=True, exist_ok=True)
        self.workflows: dict[str, Workflow] = {}
        state = data_dir / "state.json"
        if state.exists():
            for raw in json.loads(state.read_text()):
                raw["jobs"] = [Job(**job) for job in raw["jobs"]]
                wf = Workflow(**raw)
                if wf.status in ACTIVE:  # the process that ran it is gone
                    wf.status, wf.run_finished_at = "failed", now()
                    wf.log("The REANA stand-in restarted while this workflow ran.")
                self.workflows[wf.id] = wf
        secrets_file = data_dir / "secrets.json"
        self.secrets: dict[str, dict[str, str]] = (
            json.loads(secrets_file.read_text()) if secrets_file.exists() else {}
        )

    def save(self) -> None:
        with self.lock:
            self._write("state.json", [asdict(w) for w in self.workflows.values()])
            self._write("secrets.json", self.secrets)

    def _write(self, name: str, payload: Any) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.data_dir, prefix=f".{name}")
        with os.fdopen(fd, "w") as handle:
            json.dump(payload, handle)
        os.replace(tmp, self.data_dir / name)  # mkstemp files are 0600

    def workspace(self, wf: Workflow) -> Path:
        return self.data_dir / "workspaces" / wf.id

    def find(self, id_or_name: str) -> Workflow:
        with self.lock:
            if id_or_name in self.workflows:
                return self.workflows[id_or_name]
            name, _, run = id_or_name.partition(".")
            runs = [w for w in self.workflows.values() if w.name == name and w.status != "deleted"]
            if run:
                runs = [w for w in runs if str(w.run_number) == run]
            if not runs:
                raise ApiError(404, f"REANA_WORKON is set to {id_or_name}, but that workflow does not exist.")
            return max(runs, key=lambda w: w.run_number)

    def create(self, name: str, spec: dict[str, Any]) -> Workflow:
        with self.lock:
            run = 1 + max((w.run_number for w in self.workflows.values() if w.name == name), default=0)
            wf = Workflow(id=str(uuid.uuid4()), name=name, run_number=run, spec=spec, created=now())
            self.workspace(wf).mkdir(parents=True)
            self.workflows[wf.id] = wf
            self.save()
            return wf


def safe_path(root: Path, relative: str) -> Path:
    """The path under root, refusing `..`, and anything that resolves outside root."""
    parts = [p for p in relative.replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        raise ApiError(400, 'Path cannot contain "..", and must name a file in the workspace.')
    target = root.joinpath(*parts)
    if not target.resolve().is_relative_to(root.resolve()):
        raise ApiError(400, "Path leaves the workspace.")
    return target


HOSTILE_NAMES = ("../../x", "/tmp/vre-hostile-absolute", "a" * 300)


def workspace_files(root: Path) -> list[dict[str, Any]]:
    items, inside = [], root.resolve()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        if not path.resolve().is_relative_to(inside):
            continue
        stat = path.stat()
        items.append(
            {
                "name": path.relative_to(root).as_posix(),
                "size": {"raw": stat.st_size, "human_readable": human_size(stat.st_size)},
                "last-modified": datetime.fromtimestamp(stat.st_mtime, timezone.utc).strftime(
                    "%Y-%m-%dT%H:%M:%S"
                ),
            }
        )
    return items


def paginate(items: list[Any]) -> dict[str, Any]:
    page, size = request.args.get("page", type=int), request.args.get("size", type=int)
    result: dict[str, Any] = {"total": len(items), "items": items}
    if page and size:
        result.update(
            items=items[(page - 1) * size : page * size],
            page=page,
            has_prev=page > 1,
            has_next=page * size < len(items),
        )
    return result


class Runner:
    """Runs one workflow in a thread: serial steps one process per command, CWL and
    Snakemake as one engine process whose log lines give each step's status."""

    def __init__(
        self,
        store: Store,
        wf: Workflow,
        secrets: dict[str, dict[str, str]],
        engine: engines.Plan | None = None,
    ) -> None:
        self.store, self.wf, self.secrets, self.engine = store, wf, secrets, engine

    def environment(self) -> dict[str, str]:
        # a clean environment: the server's own (which may hold credentials) is not passed on
        env = {
            k: os.environ[k]
            for k in ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "PYENV_ROOT")
            if k in os.environ
        }
        env.update(REANA_WORKSPACE=str(self.store.workspace(self.wf)), REANA_WORKFLOW_UUID=self.wf.id)
        secret_dir = self.store.data_dir / "logs" / self.wf.id / "secrets"
        for name, secret in self.secrets.items():
            value = base64.b64decode(secret["value"])
            if secret["type"] == "env":
                env[name] = value.decode()
            else:
                secret_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
                (secret_dir / name).write_bytes(value)
                env["REANA_SECRETS_DIR"] = str(secret_dir)
        return env

    def rucio_environment(self, env: dict[str, str], logs: Path, job: Job) -> dict[str, str]:
        """What REANA 0.9 gives a step with `voms_proxy: true` / `rucio: true` (engines.py's
        `voms_proxy_setup` and `rucio_setup` follow reana-job-controller's init containers);
        the job's own log gets their messages, as the init containers' output."""
        job_env = dict(env)
        messages: list[str] = []
        if job.voms_proxy:
            job_env.update(engines.voms_proxy_setup(env, logs / "vomsproxy_cache", messages))
        if job.rucio:
            job_env.update(engines.rucio_setup(env, logs / "rucio_cache", messages))
            # Stand-in for the user's image having the Rucio clients: the dev stack's Rucio venv.
            home = Path(
                os.environ.get("VRE_DEVSTACK_HOME", Path(__file__).resolve().parents[2] / ".devstack")
            )
            facts_file = home / "services" / "rucio.json"
            cli = (
                Path(json.loads(facts_file.read_text()).get("rucio_cli") or "")
                if facts_file.exists()
                else None
            )
            if cli is not None and cli.parent.is_dir():
                job_env["PATH"] = f"{cli.parent}{os.pathsep}{env.get('PATH', '')}"
        if messages:
            with open(logs / f"{job.id}.log", "a") as out:
                out.write("".join(f"{m}\n" for m in messages))
        return job_env

    def run(self) -> None:
        wf, store = self.wf, self.store
        logs = store.data_dir / "logs" / wf.id
        logs.mkdir(parents=True, exist_ok=True)
        env = self.environment()
        kind = wf.spec["workflow"]["type"]
        with store.lock:
            wf.status, wf.run_started_at = "running", now()
            wf.log(
                f"Workflow started ({kind}, run locally by the REANA stand-in; container images are ignored)."
            )
            store.save()
        final = self.run_engine(env, logs) if self.engine else self.run_serial(env, logs)
        with store.lock:
            store.stopping.discard(wf.id)
            wf.status = final
            if final == "stopped":
                wf.run_stopped_at = now()
            else:
                wf.run_finished_at = now()
            wf.log(f"Workflow {final}.")
            store.save()

    def run_serial(self, env: dict[str, str], logs: Path) -> str:
        wf, store = self.wf, self.store
        final = "finished"
        for job in wf.jobs:
            with store.lock:
                if wf.id in store.stopping:
                    final = "stopped"
                    break
                job.status, job.started_at = "running", now()
                wf.log(f"Step {job.step}: running job {job.id}")
                job_env = self.rucio_environment(env, logs, job) if job.rucio or job.voms_proxy else env
                with open(logs / f"{job.id}.log", "ab") as out:
                    proc = subprocess.Popen(
                        ["bash", "-c", job.command],
                        cwd=store.workspace(wf),
                        env=job_env,
                        stdin=subprocess.DEVNULL,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                store.processes[wf.id] = proc
                store.save()
            code = proc.wait()
            with store.lock:
                store.processes.pop(wf.id, None)
                job.finished_at = now()
                if wf.id in store.stopping:
                    job.status, final = "stopped", "stopped"
                elif code == 0:
                    job.status = "finished"
                else:
                    job.status, final = "failed", "failed"
                wf.log(f"Step {job.step}: job {job.id} {job.status} (exit code {code})")
                store.save()
            if final != "finished":
                break
        return final

    def run_engine(self, env: dict[str, str], logs: Path) -> str:
        """One cwltool/snakemake process; its output is the workflow log, each step's lines its job log."""
        wf, store, plan = self.wf, self.store, self.engine
        assert plan is not None
        reader = engines.LogReader(plan.kind)
        by_key: dict[str, Job] = {}
        current: Job | None = None
        with store.lock:
            if wf.id in store.stopping:
                return "stopped"
            wf.log(f"Engine: {Path(plan.command[0]).name} {' '.join(plan.command[1:])}")
            proc = subprocess.Popen(
                plan.command,
                cwd=store.workspace(wf),
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                text=True,
                errors="replace",
            )
            store.processes[wf.id] = proc
        assert proc.stdout is not None
        for line in proc.stdout:
            event = reader.read(line)
            with store.lock:
                wf.engine_log += line
                if event.what == "total":
                    wf.total_jobs = max(wf.total_jobs, event.total)
                elif event.what == "start":
                    job = next((j for j in wf.jobs if j.step == event.step and j.status == "created"), None)
                    if job is None:
                        job = Job(id=str(uuid.uuid4()), step=event.step, command="", image="")
                        wf.jobs.append(job)
                        wf.total_jobs = max(wf.total_jobs, len(wf.jobs))
                    job.status, job.started_at, current = "running", now(), job
                    if event.key:
                        by_key[event.key] = job
                elif event.what in ("finished", "failed"):
                    job = by_key.get(event.key) if event.key else None
                    job = job or next(
                        (j for j in wf.jobs if j.step == event.step and j.status == "running"), None
                    )
                    if job is not None:
                        job.status, job.finished_at = event.what, now()
                        self._job_line(logs, job, line)
                        current = None if job is current else current
                        continue
                if current is not None:
                    self._job_line(logs, current, line)
                store.save()
        code = proc.wait()
        with store.lock:
            store.processes.pop(wf.id, None)
            stopped = wf.id in store.stopping
            for job in wf.jobs:
                if job.status in ("created", "running"):
                    job.status = "stopped" if stopped else ("failed" if code else "finished")
                    job.finished_at = job.finished_at or now()
            store.save()
        if stopped:
            return "stopped"
        return "finished" if code == 0 else "failed"

    @staticmethod
    def _job_line(logs: Path, job: Job, line: str) -> None:
        with open(logs / f"{job.id}.log", "a") as out:
            out.write(line)


def expand_jobs(wf: Workflow, parameters: dict[str, Any], options: dict[str, Any]) -> list[Job]:
    steps = wf.spec["workflow"]["specification"]["steps"]
    names = [step.get("name") or f"step{number}" for number, step in enumerate(steps)]
    first, last = 0, len(steps) - 1
    for option in ("FROM", "TARGET"):
        if option in options:
            if options[option] not in names:
                raise ApiError(400, f"Operational option {option}: there is no step {options[option]}.")
            if option == "FROM":
                first = names.index(options[option])
            else:
                last = names.index(options[option])
    jobs = []
    for number, step in enumerate(steps):
        if not first <= number <= last:
            continue
        for command in step["commands"]:
            try:
                expanded = string.Template(command).substitute({k: str(v) for k, v in parameters.items()})
            except (KeyError, ValueError) as exc:
                raise ApiError(
                    400, f"Workflow parameter(s) could not be expanded. Please take a look to {exc}"
                ) from None
            jobs.append(
                Job(
                    id=str(uuid.uuid4()),
                    step=step.get("name") or f"step{number}",
                    command=expanded,
                    image=step.get("environment", ""),
                    rucio=bool(step.get("rucio")),
                    voms_proxy=bool(step.get("voms_proxy")),
                )
            )
    return jobs


def validate_spec(spec: Any) -> None:
    if not isinstance(spec, dict) or not isinstance(spec.get("workflow"), dict):
        raise ApiError(400, "The REANA specification must be a JSON object with a 'workflow'.")
    workflow = spec["workflow"]
    kind = workflow.get("type")
    if kind not in ("serial", "cwl", "snakemake", "yadage"):
        raise ApiError(400, f"Unknown workflow type '{kind}': use serial, cwl, snakemake or yadage.")
    if kind == "cwl" and not isinstance(workflow.get("specification"), dict):
        raise ApiError(400, "A CWL workflow's specification must be its packed CWL document.")
    if kind in ("snakemake", "yadage") and not isinstance(workflow.get("file"), str):
        raise ApiError(400, f"A {kind} workflow needs workflow.file, its path in the workspace.")
    if kind != "serial":
        return
    steps = (workflow.get("specification") or {}).get("steps")
    if not isinstance(steps, list) or not steps:
        raise ApiError(400, "A serial workflow needs workflow.specification.steps (a non-empty list).")
    for step in steps:
        commands = step.get("commands") if isinstance(step, dict) else None
        if not isinstance(commands, list) or not commands or not all(isinstance(c, str) for c in commands):
            raise ApiError(400, "Every serial step needs 'commands', a non-empty list of strings.")


def json_object() -> dict[str, Any]:
    """The request's JSON body: an object, or {} when there is none."""
    body = request.get_json(silent=True)
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise ApiError(400, "The request body must be a JSON object.")
    return body


def create_app(store: Store, tokens: dict[str, dict[str, str]], hostile: bool = False) -> Flask:
    app = Flask("vre-devstack-reana")

    def user() -> dict[str, str]:
        token = request.args.get("access_token")
        if not token:
            raise ApiError(
                401, "User not signed in: pass the REANA access token as the access_token query argument."
            )
        if token not in tokens:
            raise ApiError(403, "Token not valid.")
        return tokens[token]

    def describe(wf: Workflow, owner: dict[str, str]) -> dict[str, Any]:
        return {
            "id": wf.id,
            "name": wf.full_name,
            "status": wf.status,
            "user": owner["id"],
            "created": wf.created,
            "progress": wf.progress(),
            "launcher_url": None,
        }

    def reply(wf: Workflow, owner: dict[str, str], message: str, **extra: Any) -> dict[str, Any]:
        return {
            "message": message,
            "workflow_id": wf.id,
            "workflow_name": wf.full_name,
            "user": owner["id"],
            **extra,
        }

    @app.errorhandler(ApiError)
    def api_error(exc: ApiError):
        return jsonify({"message": exc.message}), exc.status

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> tuple[Response, int]:
        if isinstance(exc, HTTPException):
            return jsonify({"message": f"{exc.name} (REANA stand-in)."}), exc.code or 500
        app.logger.exception("unexpected error")
        return jsonify({"message": f"REANA stand-in error: {exc}"}), 500

    @app.after_request
    def label(response: Response) -> Response:
        response.headers["X-VRE-Devstack"] = NOTE
        return response

    @app.get("/api/ping")
    def ping():
        return jsonify({"message": "OK", "status": "200", "vre_devstack": NOTE})

    @app.get("/api/you")
    def you():
        owner = user()
        quota = {
            "usage": {"raw": 0, "human_readable": "0"},
            "limit": {"raw": 0, "human_readable": "unlimited"},
            "health": "healthy",
        }
        return jsonify(
            {
                "email": owner["email"],
                "full_name": owner["full_name"],
                "username": owner["username"],
                "reana_server_version": API_VERSION,
                "vre_devstack": NOTE,
                "reana_token": {
                    "status": "active",
                    "requested_at": owner["created"],
                    "value": request.args["access_token"],
                },
                "quota": {"cpu": quota, "disk": quota},
            }
        )

    @app.get("/api/info")
    def info():
        user()
        return jsonify(
            {
                "compute_backends": {
                    "title": "List of supported compute backends (all run locally here)",
                    "value": ["kubernetes"],
                },
                "default_workspace": {
                    "title": "Default workspace",
                    "value": str(store.data_dir / "workspaces"),
                },
                "workspaces_available": {
                    "title": "List of available workspaces",
                    "value": [str(store.data_dir / "workspaces")],
                },
                "default_kubernetes_jobs_timeout": {
                    "title": "Default timeout for Kubernetes jobs",
                    "value": "604800",
                },
                "maximum_kubernetes_jobs_timeout": {
                    "title": "Maximum timeout for Kubernetes jobs",
                    "value": "1209600",
                },
                "vre_devstack": {"title": NOTE, "value": API_VERSION},
            }
        )

    @app.get("/api/workflows")
    def list_workflows():
        owner = user()
        statuses = [s for value in request.args.getlist("status") for s in value.split(",") if s]
        search = request.args.get("search", "")
        names = [search] if search else []
        with contextlib.suppress(ValueError, AttributeError):  # reana-client sends {"name": [...]}
            names = json.loads(search).get("name", [])
        only = request.args.get("workflow_id_or_name")
        with store.lock:
            found = [
                w
                for w in store.workflows.values()
                if (w.status in statuses if statuses else w.status != "deleted")
                and (not names or any(n in w.full_name for n in names))
                and (not only or only in (w.id, w.name, w.full_name))
            ]
            # REANA orders by the exact creation time; `created` shows only seconds, so
            # workflows created within one second keep the order in which they were made.
            order = {wf_id: number for number, wf_id in enumerate(store.workflows)}
            found.sort(
                key=lambda w: (w.created, order[w.id]), reverse=request.args.get("sort", "desc") != "asc"
            )
            items = []
            for wf in found:
                item = describe(wf, owner)
                size = -1
                if request.args.get("include_workspace_size", "").lower() == "true":
                    size = sum(p.stat().st_size for p in store.workspace(wf).rglob("*") if p.is_file())
                item["size"] = {"raw": size, "human_readable": human_size(size) if size >= 0 else ""}
                items.append(item)
        return jsonify(paginate(items))

    @app.post("/api/workflows")
    def create_workflow():
        owner = user()
        if request.args.get("spec"):
            raise ApiError(
                501, "Creating workflows from a remote repository is not supported by the stand-in."
            )
        name = request.args.get("workflow_name") or "workflow"
        if not NAME_RE.match(name):
            raise ApiError(400, "Workflow name may contain only letters, digits, '-' and '_'.")
        spec = request.get_json(silent=True)
        validate_spec(spec)
        wf = store.create(name, spec)
        return jsonify(
            {
                "message": "The workflow has been successfully created.",
                "workflow_id": wf.id,
                "workflow_name": wf.full_name,
                "user": owner["id"],
            }
        ), 201

    @app.get("/api/workflows/<id_or_name>/status")
    def status(id_or_name: str):
        owner = user()
        wf = store.find(id_or_name)
        return jsonify({**describe(wf, owner), "logs": ""})

    @app.get("/api/workflows/<id_or_name>/parameters")
    def parameters(id_or_name: str):
        user()
        wf = store.find(id_or_name)
        return jsonify(
            {
                "id": wf.id,
                "name": wf.full_name,
                "type": wf.spec["workflow"]["type"],
                "parameters": (wf.spec.get("inputs") or {}).get("parameters") or {},
            }
        )

    @app.get("/api/workflows/<id_or_name>/specification")
    def specification(id_or_name: str):
        user()
        wf = store.find(id_or_name)
        return jsonify({"specification": wf.spec, "parameters": wf.parameters})

    def start(wf: Workflow, owner: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
        if body.get("restart"):
            raise ApiError(
                400, "Restarting workflows is not supported by the REANA stand-in: create a new run."
            )
        given = body.get("input_parameters") or {}
        if not isinstance(given, dict):
            raise ApiError(400, "input_parameters must be an object.")
        with store.lock:
            if wf.status != "created":
                raise ApiError(409, f"Workflow {wf.id} could not be started because it is {wf.status}.")
            params = {**((wf.spec.get("inputs") or {}).get("parameters") or {}), **given}
            kind = wf.spec["workflow"]["type"]
            if kind not in engines.RUNS:
                raise ApiError(501, engines.NOT_RUN.format(kind=kind.capitalize()))
            try:
                options = engines.check_options(kind, body.get("operational_options") or {})
            except ValueError as exc:
                raise ApiError(400, str(exc)) from None
            plan = None
            if kind == "serial":
                wf.jobs = expand_jobs(wf, params, options)
            else:
                try:
                    plan = engines.plan(
                        wf.spec,
                        params,
                        options,
                        store.workspace(wf),
                        store.data_dir / "logs" / wf.id / "engine",
                    )
                except ValueError as exc:
                    raise ApiError(400, str(exc)) from None
                wf.jobs = [Job(id=str(uuid.uuid4()), step=step, command="", image="") for step in plan.steps]
            wf.parameters, wf.total_jobs, wf.status = params, len(wf.jobs), "queued"
            wf.log(f"Workflow queued with parameters {json.dumps(params, sort_keys=True)}")
            store.save()
            threading.Thread(target=Runner(store, wf, dict(store.secrets), plan).run, daemon=True).start()
        return reply(wf, owner, "Workflow submitted.", status="queued")

    @app.post("/api/workflows/<id_or_name>/start")
    def start_workflow(id_or_name: str):
        owner = user()
        return jsonify(start(store.find(id_or_name), owner, json_object()))

    @app.put("/api/workflows/<id_or_name>/status")
    def set_status(id_or_name: str):
        owner = user()
        wf = store.find(id_or_name)
        wanted, body = request.args.get("status"), json_object()
        if wanted == "start":
            return jsonify(start(wf, owner, body))
        if wanted == "stop":
            with store.lock:
                if wf.status not in ACTIVE:
                    raise ApiError(409, f"Workflow {wf.id} is not running.")
                store.stopping.add(wf.id)
                proc = store.processes.get(wf.id)
                if proc is not None:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
            return jsonify(reply(wf, owner, "Workflow successfully stopped.", status="stopped"))
        if wanted == "deleted":
            if body.get("workspace") is False:
                raise ApiError(400, "The workspace of a deleted workflow is always deleted (REANA 0.9).")
            with store.lock:
                runs = (
                    [w for w in store.workflows.values() if w.name == wf.name]
                    if body.get("all_runs")
                    else [wf]
                )
                if any(w.status in ACTIVE for w in runs):
                    raise ApiError(
                        403, f"Workflow {wf.full_name} cannot be deleted as it is currently running."
                    )
                for run in runs:
                    run.status = "deleted"
                    shutil.rmtree(store.workspace(run), ignore_errors=True)
                store.save()
            return jsonify(reply(wf, owner, "Workflow successfully deleted.", status="deleted"))
        raise ApiError(400, "status must be one of start, stop, deleted.")

    @app.get("/api/workflows/<id_or_name>/logs")
    def logs(id_or_name: str):
        owner = user()
        wf = store.find(id_or_name)
        steps = request.get_json(silent=True)
        if steps is not None and not isinstance(steps, list):
            raise ApiError(400, "Send the step names as a JSON list.")
        job_logs = {}
        for job in wf.jobs:
            if steps and job.step not in steps:
                continue
            path = store.data_dir / "logs" / wf.id / f"{job.id}.log"
            job_logs[job.id] = {
                "workflow_uuid": wf.id,
                "job_name": job.step,
                "compute_backend": "local (REANA stand-in)",
                "backend_job_id": job.id,
                "docker_img": job.image,
                "cmd": job.command,
                "status": job.status,
                "logs": path.read_text(errors="replace") if path.exists() else "",
                "started_at": job.started_at,
                "finished_at": job.finished_at,
            }
        payload = {"workflow_logs": wf.engine_log, "job_logs": job_logs, "engine_specific": None}
        return jsonify(reply(wf, owner, "", logs=json.dumps(payload)))

    @app.post("/api/workflows/<id_or_name>/workspace")
    def upload(id_or_name: str):
        user()
        wf = store.find(id_or_name)
        if "application/octet-stream" not in request.headers.get("Content-Type", ""):
            raise ApiError(400, "Wrong Content-Type: use application/octet-stream.")
        name = request.args.get("file_name", "")
        target = safe_path(store.workspace(wf), name.lstrip("/"))
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            raise ApiError(400, f"Cannot create the folders of {name} in the workspace.") from None
        if target.is_dir():
            raise ApiError(400, f"{name} is a directory in the workspace.")
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(request.stream, out, 1 << 20)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        finally:
            Path(tmp).unlink(missing_ok=True)
        return jsonify({"message": f"{name.lstrip('/')} has been successfully uploaded."})

    def matching(wf: Workflow, pattern: str) -> list[dict[str, Any]]:
        root = store.workspace(wf)
        items = workspace_files(root)
        if hostile:  # the test switch (module docstring)
            items += [{"name": n, "size": {"raw": 1, "human_readable": "1 Bytes"}} for n in HOSTILE_NAMES]
        if not pattern:
            return items
        safe_path(root, pattern)  # refuses ".."
        pattern = pattern.strip("/")
        return [
            i for i in items if fnmatch.fnmatchcase(i["name"], pattern) or i["name"].startswith(pattern + "/")
        ]

    @app.get("/api/workflows/<id_or_name>/workspace")
    def list_files(id_or_name: str):
        user()
        wf = store.find(id_or_name)
        items = matching(wf, request.args.get("file_name", ""))
        search = request.args.get("search")
        if search:
            try:
                filters = json.loads(search)
            except ValueError:
                filters = None
            if not isinstance(filters, dict):
                raise ApiError(400, 'search must be a JSON object, e.g. {"name": ["out"]}.')
            for key, values in filters.items():
                items = [
                    i
                    for i in items
                    if any(
                        str(v) in str(i["size"]["raw"] if key == "size" else i.get(key, "")) for v in values
                    )
                ]
        return jsonify(paginate(items))

    @app.get("/api/workflows/<id_or_name>/workspace/<path:file_name>")
    def download(id_or_name: str, file_name: str):
        user()
        wf = store.find(id_or_name)
        root = store.workspace(wf)
        target = safe_path(root, file_name)
        if target.is_file() and not target.is_symlink():
            return send_file(
                target, mimetype="application/octet-stream", as_attachment=True, download_name=target.name
            )
        items = matching(wf, file_name)
        if not items:
            raise ApiError(404, f"{file_name} does not exist.")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for item in items:
                archive.write(root / item["name"], item["name"])
        buffer.seek(0)
        return send_file(buffer, mimetype="application/zip", as_attachment=True, download_name="download.zip")

    @app.delete("/api/workflows/<id_or_name>/workspace/<path:file_name>")
    def delete_file(id_or_name: str, file_name: str):
        user()
        wf = store.find(id_or_name)
        deleted = {}
        for item in matching(wf, file_name):
            (store.workspace(wf) / item["name"]).unlink()
            deleted[item["name"]] = {"size": item["size"]["raw"]}
        if not deleted:
            raise ApiError(404, f"{file_name} does not exist.")
        return jsonify({"deleted": deleted, "failed": {}})

    @app.get("/api/workflows/<id_or_name>/disk_usage")
    def disk_usage(id_or_name: str):
        owner = user()
        wf = store.find(id_or_name)
        size = sum(i["size"]["raw"] for i in workspace_files(store.workspace(wf)))
        return jsonify(
            reply(
                wf,
                owner,
                "",
                disk_usage_info=[{"name": "", "size": {"raw": size, "human_readable": human_size(size)}}],
            )
        )

    @app.get("/api/secrets")
    @app.get("/api/secrets/")
    def list_secrets():
        user()
        with store.lock:
            return jsonify([{"name": n, "type": s["type"]} for n, s in sorted(store.secrets.items())])

    @app.post("/api/secrets")
    @app.post("/api/secrets/")
    def add_secrets():
        user()
        body = request.get_json(silent=True)
        # REANA's document declares no 400 here; REANA answers a malformed body with 500.
        if not isinstance(body, dict) or not body:
            raise ApiError(500, "Secrets must be a JSON object {name: {name, value (base64), type}}.")
        overwrite = request.args.get("overwrite", "").lower() == "true"
        with store.lock:
            for name, secret in body.items():
                if not isinstance(secret, dict) or secret.get("type") not in ("env", "file"):
                    raise ApiError(500, f"Secret {name}: type must be 'env' or 'file'.")
                try:
                    base64.b64decode(secret["value"], validate=True)
                except (KeyError, ValueError, TypeError):
                    raise ApiError(500, f"Secret {name}: value must be base64-encoded.") from None
                if name in store.secrets and not overwrite:
                    raise ApiError(
                        409,
                        f"Operation cancelled. Secret {name} already exists. "
                        "If you want to change it use overwrite.",
                    )
            for name, secret in body.items():
                store.secrets[name] = {"type": secret["type"], "value": secret["value"]}
            store.save()
        return jsonify({"message": "Secret(s) successfully added."}), 201

    @app.delete("/api/secrets")
    @app.delete("/api/secrets/")
    def delete_secrets():
        user()
        names = request.get_json(silent=True)
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ApiError(500, "Send the names of the secrets to delete as a JSON list.")
        with store.lock:
            missing = [n for n in names if n not in store.secrets]
            if missing:
                return jsonify(missing), 404
            for name in names:
                del store.secrets[name]
            store.save()
        return jsonify(names)

    return app


def main() -> None:
    from waitress import serve

    host = os.environ.get("VRE_REANA_HOST", "127.0.0.1")
    port = int(os.environ.get("VRE_REANA_PORT", "8183"))
    home = Path(os.environ.get("VRE_DEVSTACK_HOME", Path(__file__).resolve().parents[2] / ".devstack"))
    store = Store(Path(os.environ.get("VRE_REANA_DATA_DIR", home / "data" / "reana")))
    token = os.environ.get("VRE_REANA_TOKEN", "vre-devstack-reana-token")
    email = os.environ.get("VRE_REANA_USER_EMAIL", "jdoe@vre.example.org")
    owner = {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"vre-devstack:{email}")),
        "email": email,
        "username": email.split("@")[0],
        "full_name": "Jane Doe",
        "created": now(),
    }
    url = f"http://{host}:{port}"
    facts = {
        "note": NOTE,
        "url": url,
        "api_url": f"{url}/api",
        "token": token,
        "user": email,
        "reana_server_version": API_VERSION,
        "workspaces": str(store.data_dir / "workspaces"),
        "client": str(home / "venvs" / "reana-client" / "bin" / "reana-client"),
    }
    services = home / "services"
    services.mkdir(parents=True, exist_ok=True)
    (services / "reana.json.tmp").write_text(json.dumps(facts, indent=2))
    (services / "reana.json.tmp").replace(services / "reana.json")

    def shutdown(signum: int, frame: Any) -> None:
        with store.lock:
            for proc in store.processes.values():
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
        sys.exit(0)

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    print(f"{NOTE}: {url}/api (workspaces in {store.data_dir / 'workspaces'})", flush=True)
    hostile = os.environ.get("VRE_REANA_HOSTILE") == "1"
    serve(
        create_app(store, {token: owner}, hostile),
        host=host,
        port=port,
        threads=8,
        ident="vre-devstack-reana",
    )


if __name__ == "__main__":
    main()
