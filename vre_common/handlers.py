"""The base handler of every `/vre/api/...` endpoint: JSON in, JSON out, one error shape."""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, TypeVar

from jupyter_core.utils import ensure_async
from jupyter_server.auth.utils import HTTP_METHOD_TO_AUTH_ACTION
from jupyter_server.base.handlers import APIHandler
from pydantic import BaseModel, ValidationError
from tornado import web

from .context import VREContext
from .errors import BadRequest, Forbidden, NotFound, VREError
from .models import CredentialInput, TaskList

Model = TypeVar("Model", bound=BaseModel)


class VREHandler(APIHandler):
    """Thin handler base: parse and validate, call one service method, write JSON.

    Any `VREError` raised by a service becomes its status and JSON body; any
    other exception becomes a 500 whose body says nothing about internals.

    Every request is authorized before it runs, as jupyter_server's `@authorized`
    does: the server's Authorizer is asked whether this user may `read` (GET) or
    `write` (POST, PUT, DELETE) `auth_resource`. Jupyter's default allows all; a
    hub's Authorizer can refuse, e.g. writes of `vre_zenodo` (publishing) or
    anything of `vre_secrets` to a user a server is shared with.
    """

    auth_resource = "vre"

    async def prepare(self) -> None:
        await super().prepare()
        user = self.current_user
        action = HTTP_METHOD_TO_AUTH_ACTION.get(self.request.method or "")
        if user and action:  # no user: `@web.authenticated` refuses it
            allowed = await ensure_async(
                self.authorizer.is_authorized(self, user, action, self.auth_resource)
            )
            if not allowed:
                raise Forbidden(
                    f"You are not allowed to {action} {self.auth_resource} on this server; "
                    "ask its owner or your hub admin.",
                    code="not_authorized",
                )

    def parse_body(self, model: type[Model]) -> Model:
        try:
            return model.model_validate_json(self.request.body or b"{}")
        except ValidationError as err:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}"
                for e in err.errors(include_url=False, include_input=False)
            )
            raise BadRequest(f"Invalid request body: {problems}", code="invalid_body") from None

    def int_argument(self, name: str, default: int) -> int:
        """A whole-number query argument; a clear 400 for anything else."""
        value = self.get_argument(name, None)
        if value is None:
            return default
        try:
            return int(value)
        except ValueError:
            raise BadRequest(f"{name} must be a whole number.", code=f"invalid_{name}") from None

    def choice_argument(self, name: str, choices: tuple[str, ...], default: str) -> str:
        value = self.get_argument(name, default)
        if value not in choices:
            raise BadRequest(f"{name} must be one of: {', '.join(choices)}.", code=f"invalid_{name}")
        return value

    def write_json(self, payload: BaseModel | dict[str, Any] | list[Any], status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        if isinstance(payload, BaseModel):
            self.finish(payload.model_dump_json())
        else:
            self.finish(json.dumps(payload))

    def send_error(self, status_code: int = 500, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, VREError):
            status_code = exc.status
        super().send_error(status_code, **kwargs)

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if isinstance(value, VREError):
            # Expected, user-facing errors: one line, no traceback.
            self.log.warning(
                "%s %s -> %s %s", self.request.method, self.request.path, value.status, value.code
            )
            return
        super().log_exception(typ, value, tb)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, VREError):
            body = exc.to_json()
        elif isinstance(exc, web.HTTPError):
            reason = (
                HTTPStatus(status_code).phrase if status_code in HTTPStatus._value2member_map_ else "Error"
            )
            body = {
                "error": reason.lower().replace(" ", "_"),
                "message": exc.log_message % exc.args if exc.log_message else reason,
            }
        else:
            body = {
                "error": "internal_error",
                "message": "Unexpected server error; the Jupyter server log has details.",
            }
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))


class StatusHandler(VREHandler):
    """`GET <prefix>/status`: version and configuration state of one extension."""

    def initialize(self, status: Callable[[], BaseModel]) -> None:
        self._status = status

    @web.authenticated
    def get(self) -> None:
        self.write_json(self._status())


class ContextHandler(VREHandler):
    """A handler of the shared endpoints; gets the server's `VREContext`."""

    def initialize(self, context: VREContext) -> None:
        self.context = context


class AuthStatusHandler(ContextHandler):
    """`GET /vre/api/auth/status`: who the user is, which services are connected. Never a token."""

    @web.authenticated
    async def get(self) -> None:
        self.write_json(await self.context.auth_status())


class CredentialHandler(ContextHandler):
    """`PUT`/`DELETE /vre/api/credentials/<service>/<instance>`: the user's own credential."""

    auth_resource = "vre_credentials"

    @web.authenticated
    async def put(self, service: str, instance: str) -> None:
        body = self.parse_body(CredentialInput)
        self.write_json(await self.context.set_credential(service, instance, body.fields))

    @web.authenticated
    async def delete(self, service: str, instance: str) -> None:
        self.write_json(await self.context.clear_credential(service, instance))


class TaskListHandler(ContextHandler):
    """`GET /vre/api/tasks[?kind=<prefix>]`: background tasks, newest first."""

    auth_resource = "vre_tasks"

    @web.authenticated
    def get(self) -> None:
        tasks = self.context.tasks.list(self.get_argument("kind", ""))
        self.write_json(TaskList(tasks=[t.info() for t in tasks]))


class TaskHandler(ContextHandler):
    """`GET /vre/api/tasks/<id>`: one task; `DELETE`: cancel it (dismiss it when interrupted)."""

    auth_resource = "vre_tasks"

    @web.authenticated
    def get(self, task_id: str) -> None:
        self.write_json(self.context.tasks.get(task_id).info())

    @web.authenticated
    def delete(self, task_id: str) -> None:
        self.write_json(self.context.tasks.cancel(task_id).info())


class TaskResumeHandler(ContextHandler):
    """`POST /vre/api/tasks/<id>/resume`: start an interrupted task again; answers the new task."""

    @web.authenticated
    async def post(self, task_id: str) -> None:
        self.write_json(await self.context.tasks.resume(task_id))


class UnknownEndpointHandler(VREHandler):
    """Any other URL under an extension's prefix: a JSON 404 (not Jupyter's HTML page)."""

    def _unknown(self, *args: str) -> None:
        raise NotFound(
            f"No VRE endpoint at {self.request.path}; see docs/api/openapi.yaml.", code="no_endpoint"
        )

    get = post = put = delete = patch = web.authenticated(_unknown)


def unknown_endpoint(prefix: str) -> tuple[str, type, dict[str, Any]]:
    """The route to list after all of `prefix`'s own: it answers what they do not."""
    return (rf"{prefix}(?:/.*)?", UnknownEndpointHandler, {})


def shared_routes(context: VREContext) -> list[tuple[str, type, dict[str, Any]]]:
    """The endpoints every extension relies on, registered once per server."""
    name = r"([A-Za-z0-9_.\-]+)"
    kwargs = {"context": context}
    return [
        ("/vre/api/auth/status", AuthStatusHandler, kwargs),
        (rf"/vre/api/credentials/{name}/{name}", CredentialHandler, kwargs),
        ("/vre/api/tasks", TaskListHandler, kwargs),
        (r"/vre/api/tasks/([0-9a-f]{32})", TaskHandler, kwargs),
        (r"/vre/api/tasks/([0-9a-f]{32})/resume", TaskResumeHandler, kwargs),
        unknown_endpoint("/vre/api/(?:auth|credentials|tasks)"),
    ]
