"""Calls to Zenodo: eOSSR for the REST calls, httpx for streamed file transfers.

eOSSR's `ZenodoAPI` keeps its base URL in an instance attribute, but its
module-level functions (`get_record`, `query_records`, `get_deposit`, ...) read
the module constants `zenodo_api_base_url` / `zenodo_sandbox_api_base_url`.
Setting those on `eossr.api.zenodo.zenodo` would change them for every thread
and every other user of eOSSR in the process. Instead, `eossr_for(url)` loads a
private copy of that module (same code, its own globals) whose constants point
at the configured URL; the shared module is never touched, and two copies for
two URLs cannot see each other's. Exceptions and helpers come from eOSSR's
shared submodules, so they are the same classes everywhere.

eOSSR sends the token as a query argument, so its exceptions carry URLs with
the token in them: every message goes through `vre_common.errors.scrub` before
it reaches a response, a task or a log.
"""

from __future__ import annotations

import ast
import importlib.util
import logging
import re
import threading
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

import eossr.api.zenodo.zenodo as shared_eossr
import httpx
import requests
from eossr.api.zenodo.http_status import HTTPStatusError

from vre_common.context import VREContext
from vre_common.errors import BackendError, BackendTimeout, VREError, http_error, local_file_error, scrub

log = logging.getLogger(__name__)
T = TypeVar("T")
BACKEND = "Zenodo"

_copies: dict[tuple[str, float], ModuleType] = {}
_copies_lock = threading.Lock()


def eossr_for(api_url: str, timeout: float) -> ModuleType:
    """eOSSR's zenodo module, privately loaded, talking to `api_url` with `timeout` per request."""
    key = (api_url, timeout)
    with _copies_lock:
        if key not in _copies:
            spec = importlib.util.spec_from_file_location(
                f"eossr.api.zenodo._vre_copy_{len(_copies)}", shared_eossr.__file__
            )
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            base = api_url.rstrip("/") + "/"  # the shape of eOSSR's own constants
            module.zenodo_api_base_url = module.zenodo_sandbox_api_base_url = base
            site = api_url.rstrip("/").removesuffix("/api")
            module.zenodo_url = module.zenodo_sandbox_url = site
            module._default_timeout = timeout
            _copies[key] = module
        return _copies[key]


def zenodo_details(payload: Any) -> str:
    """Zenodo's own explanation from an error body: its message and per-field errors."""
    if not isinstance(payload, dict):
        return ""
    parts = []
    message = payload.get("message")
    if isinstance(message, str) and message.strip():
        parts.append(message.strip().rstrip("."))
    for err in payload.get("errors") or []:
        if isinstance(err, dict):
            field = str(err.get("field", "")).removeprefix("metadata.")
            text = err.get("message") or err.get("messages")
            parts.append(f"{field}: {text}" if field else str(text))
    return "; ".join(parts)[:500]


# What a Zenodo user can do about a failure, next to the generic mapping's words.
HINTS = {
    401: "Enter a valid personal access token (with the deposit:write and deposit:actions scopes) "
    "in the Zenodo panel.",
    403: "Your token lacks the scope for this, or the deposition is published and locked "
    "(make a new version instead).",
    413: "The limit is 50 GB per record: split the data or contact Zenodo.",
}


def error_for_status(status: int, details: str = "") -> VREError:
    return http_error(BACKEND, status, details, hints=HINTS)


STATUS_LINE = re.compile(r"HTTP Status Code: (\d{3})")


def map_error(err: Exception, token: str | None = None) -> VREError:
    """A `VREError` for what eOSSR, requests or httpx raised; no token in it."""
    if isinstance(err, VREError):
        return err
    if isinstance(err, HTTPStatusError):
        # eOSSR's message: "HTTP Status Code: <n> - <name>.\n<description>\n<repr of the JSON body>"
        text = str(err)
        match = STATUS_LINE.search(text)
        body: Any = None
        if text.count("\n") >= 2:
            try:
                body = ast.literal_eval(text.split("\n", 2)[2])
            except (ValueError, SyntaxError, MemoryError, RecursionError):
                body = None
        status = int(match.group(1)) if match else 502
        return error_for_status(status, scrub(zenodo_details(body), token))
    if isinstance(err, requests.HTTPError) and err.response is not None:
        try:
            body = err.response.json()
        except ValueError:
            body = None
        return error_for_status(err.response.status_code, scrub(zenodo_details(body), token))
    if isinstance(err, httpx.HTTPStatusError):
        try:
            body = err.response.json()
        except ValueError:
            body = None
        return error_for_status(err.response.status_code, scrub(zenodo_details(body), token))
    if isinstance(err, requests.Timeout | httpx.TimeoutException):
        return BackendTimeout(BACKEND, "the server did not answer in time; try again later.")
    if isinstance(err, requests.ConnectionError | httpx.TransportError):
        return BackendError(BACKEND, "cannot reach the server; it may be down.", code="zenodo_unreachable")
    if isinstance(err, OSError) and not isinstance(err, requests.RequestException):
        # The workspace's, not Zenodo's; named by its file name only (no server path in answers).
        return local_file_error(err, Path(str(err.filename)).name if err.filename else "A file")
    if isinstance(err, ValueError):  # not JSON, or a record without what every record has (eOSSR)
        return BackendError(
            BACKEND, "the server's answer is malformed; try again later.", code="zenodo_malformed"
        )
    log.error("Zenodo call failed: %s: %s", type(err).__name__, scrub(str(err), token))
    return BackendError(BACKEND, "unexpected failure; the Jupyter server log has details.")


def check_response(response: httpx.Response, token: str | None) -> None:
    """Raise the mapped error for a failed httpx answer."""
    if response.is_success:
        return
    try:
        body = response.json()
    except ValueError:
        body = None
    raise error_for_status(response.status_code, scrub(zenodo_details(body), token))


class ZenodoSession:
    """The user's Zenodo: eOSSR calls in the bounded executor, and an httpx client for transfers."""

    def __init__(
        self, vre: VREContext, instance: str, api_url: str, timeout: float, transfer_timeout: float
    ) -> None:
        self.vre = vre
        self.instance = instance
        self.api_url = api_url.rstrip("/")
        self.timeout = timeout
        self.transfer_timeout = transfer_timeout
        self.eossr = eossr_for(self.api_url, timeout)

    def token(self) -> str:
        """The user's personal access token (401 with what to do when there is none)."""
        return str(self.vre.credential("zenodo", self.instance)["token"])

    def api(self, token: str) -> Any:
        """An eOSSR `ZenodoAPI` for this call only: its base URL is an instance attribute."""
        api = self.eossr.ZenodoAPI(access_token=token)
        api.api_base_url = self.api_url + "/"
        return api

    async def call(self, fn: Callable[[Any, str], T], *, authenticated: bool = True) -> T:
        """Run `fn(api, token)` in the executor; every failure becomes a scrubbed `VREError`."""
        token = self.token() if authenticated else ""
        api = self.api(token) if authenticated else None

        def run() -> T:
            try:
                return fn(api, token)
            except Exception as err:
                raise map_error(err, token) from None

        # eOSSR's own per-request timeout is `timeout`; a call may make a few requests.
        return await self.vre.executor.run(BACKEND, self.timeout * 3, run)

    def http(self) -> httpx.AsyncClient:
        """For streamed transfers: connect/pool within `timeout`, each read/write within `transfer_timeout`."""
        return httpx.AsyncClient(
            timeout=httpx.Timeout(self.transfer_timeout, connect=self.timeout, pool=self.timeout),
            follow_redirects=True,
        )
