"""`/vre/api/reana/...`: parse, call one `ReanaService` method, write JSON."""

from __future__ import annotations

from typing import Any

from tornado import web

from vre_common.handlers import VREHandler

from .models import (
    CreateInput,
    DownloadInput,
    RucioSetupInput,
    RunInput,
    SecretInput,
    StartInput,
    UploadInput,
    ValidateInput,
)
from .service import ReanaService

# A workflow's UUID, its name (latest run) or "name.run".
WORKFLOW = r"(?P<workflow>[A-Za-z0-9_\-]{1,128}(?:\.[0-9]{1,9})?)"
ENV_NAME = r"(?P<name>[A-Za-z_][A-Za-z0-9_]{0,127})"


class ReanaHandler(VREHandler):
    auth_resource = "vre_reana"

    def initialize(self, service: ReanaService) -> None:
        self.service = service


class PingHandler(ReanaHandler):
    """`GET ping`: REANA's version and who the user is there."""

    @web.authenticated
    async def get(self) -> None:
        self.write_json(await self.service.ping())


class ValidateHandler(ReanaHandler):
    """`POST validate` {"path", "text"?}: a reana.yaml (or its folder) checked, with line-numbered messages."""

    @web.authenticated
    async def post(self) -> None:
        body = self.parse_body(ValidateInput)
        self.write_json(await self.service.validate(body.path, body.text))


class WorkflowsHandler(ReanaHandler):
    """`GET workflows?status=&search=&sort=&page=&size=`; `POST workflows` {"path", "name"}: create."""

    @web.authenticated
    async def get(self) -> None:
        statuses = [s for value in self.get_arguments("status") for s in value.split(",") if s]
        page = await self.service.list_workflows(
            status=statuses,
            search=self.get_argument("search", ""),
            sort=self.choice_argument("sort", ("desc", "asc"), "desc"),
            page=self.int_argument("page", 1),
            size=self.int_argument("size", 20),
        )
        self.write_json(page)

    @web.authenticated
    async def post(self) -> None:
        body = self.parse_body(CreateInput)
        self.write_json(await self.service.create(body.path, body.name), status=201)


class RunHandler(ReanaHandler):
    """`POST run` {"path", "name", "parameters"}: create, upload and start, as one task (202)."""

    @web.authenticated
    async def post(self) -> None:
        self.write_json(await self.service.run(self.parse_body(RunInput)), status=202)


class WorkflowHandler(ReanaHandler):
    """`GET workflows/<w>`: status and step counts; `DELETE workflows/<w>[?all_runs=true]`."""

    @web.authenticated
    async def get(self, workflow: str) -> None:
        self.write_json(await self.service.status(workflow))

    @web.authenticated
    async def delete(self, workflow: str) -> None:
        all_runs = self.choice_argument("all_runs", ("false", "true"), "false") == "true"
        self.write_json(await self.service.delete(workflow, all_runs))


class StartHandler(ReanaHandler):
    """`POST workflows/<w>/start` {"parameters"}"""

    @web.authenticated
    async def post(self, workflow: str) -> None:
        body = self.parse_body(StartInput)
        self.write_json(await self.service.start(workflow, body.parameters, body.operational_options))


class StopHandler(ReanaHandler):
    """`POST workflows/<w>/stop`"""

    @web.authenticated
    async def post(self, workflow: str) -> None:
        self.write_json(await self.service.stop(workflow))


class UploadHandler(ReanaHandler):
    """`POST workflows/<w>/upload` {"path"}: the reana.yaml's inputs, as a task (202)."""

    @web.authenticated
    async def post(self, workflow: str) -> None:
        body = self.parse_body(UploadInput)
        self.write_json(await self.service.upload(workflow, body.path), status=202)


class LogsHandler(ReanaHandler):
    """`GET workflows/<w>/logs[?step=name&step=...]`"""

    @web.authenticated
    async def get(self, workflow: str) -> None:
        self.write_json(await self.service.logs(workflow, self.get_arguments("step")))


class GraphHandler(ReanaHandler):
    """`GET workflows/<w>/graph[?path=folder]`: steps, dependencies and live status (Yadage: path needed)."""

    @web.authenticated
    async def get(self, workflow: str) -> None:
        self.write_json(await self.service.graph(workflow, self.get_argument("path", "")))


class FilesHandler(ReanaHandler):
    """`GET workflows/<w>/files?page=&size=`: the workflow's workspace."""

    @web.authenticated
    async def get(self, workflow: str) -> None:
        files = await self.service.files(
            workflow, self.int_argument("page", 1), self.int_argument("size", 100)
        )
        self.write_json(files)


class DownloadHandler(ReanaHandler):
    """`POST workflows/<w>/download` {"target", "files", "overwrite"}: a task (202)."""

    @web.authenticated
    async def post(self, workflow: str) -> None:
        body = self.parse_body(DownloadInput)
        self.write_json(
            await self.service.download(workflow, body.target, body.files, body.overwrite), status=202
        )


class SecretsHandler(ReanaHandler):
    """`GET secrets`: names and types; `POST secrets` {"name", "type", "source"}: from a held credential."""

    auth_resource = "vre_secrets"

    @web.authenticated
    async def get(self) -> None:
        self.write_json(await self.service.secrets())

    @web.authenticated
    async def post(self) -> None:
        self.write_json(await self.service.add_secret(self.parse_body(SecretInput)), status=201)


class RucioSetupHandler(ReanaHandler):
    """`POST rucio-setup` {"account"}: the secrets REANA's `rucio: true` steps need."""

    @web.authenticated
    async def post(self) -> None:
        self.write_json(await self.service.rucio_setup(self.parse_body(RucioSetupInput)))


class SecretHandler(ReanaHandler):
    """`DELETE secrets/<name>`"""

    auth_resource = "vre_secrets"

    @web.authenticated
    async def delete(self, name: str) -> None:
        self.write_json(await self.service.delete_secret(name))


def reana_routes(prefix: str, service: ReanaService) -> list[tuple[str, type, dict[str, Any]]]:
    kwargs = {"service": service}
    workflow = f"{prefix}/workflows/{WORKFLOW}"
    return [
        (f"{prefix}/ping", PingHandler, kwargs),
        (f"{prefix}/validate", ValidateHandler, kwargs),
        (f"{prefix}/run", RunHandler, kwargs),
        (f"{prefix}/workflows", WorkflowsHandler, kwargs),
        (workflow, WorkflowHandler, kwargs),
        (f"{workflow}/start", StartHandler, kwargs),
        (f"{workflow}/stop", StopHandler, kwargs),
        (f"{workflow}/upload", UploadHandler, kwargs),
        (f"{workflow}/logs", LogsHandler, kwargs),
        (f"{workflow}/graph", GraphHandler, kwargs),
        (f"{workflow}/files", FilesHandler, kwargs),
        (f"{workflow}/download", DownloadHandler, kwargs),
        (f"{prefix}/secrets", SecretsHandler, kwargs),
        (f"{prefix}/rucio-setup", RucioSetupHandler, kwargs),
        (f"{prefix}/secrets/{ENV_NAME}", SecretHandler, kwargs),
    ]
