"""The base handler of every `/vre/api/...` endpoint: JSON in, JSON out, one error shape."""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, TypeVar

from jupyter_server.base.handlers import APIHandler
from pydantic import BaseModel, ValidationError
from tornado import web

from .errors import BadRequest, VREError

Model = TypeVar("Model", bound=BaseModel)


class VREHandler(APIHandler):
    """Thin handler base: parse and validate, call one service method, write JSON.

    Any `VREError` raised by a service becomes its status and JSON body; any
    other exception becomes a 500 whose body says nothing about internals.
    """

    def parse_body(self, model: type[Model]) -> Model:
        try:
            return model.model_validate_json(self.request.body or b"{}")
        except ValidationError as err:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}"
                for e in err.errors(include_url=False, include_input=False)
            )
            raise BadRequest(f"Invalid request body: {problems}", code="invalid_body") from None

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
