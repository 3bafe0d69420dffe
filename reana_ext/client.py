"""The REANA 0.9 REST API (`/api/...` of reana-commons' `reana_server.json`), spoken with httpx.

REANA 0.9 takes the access token only as the `access_token` query argument, so
every request URL carries it. It is added here and nowhere else, REANA's own
messages are scrubbed of it, httpx's request log lines are redacted, and
httpx's exceptions (whose text holds the URL) never reach the user.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import AsyncIterable, AsyncIterator, Callable
from typing import Any

import httpx

from vre_common.errors import (
    BackendError,
    BackendTimeout,
    BadRequest,
    Conflict,
    Forbidden,
    NotAuthenticated,
    NotFound,
)

BACKEND = "REANA"
TOKEN_IN_URL = re.compile(r"(access_token=)[^&\s'\"]+")


class _RedactToken(logging.Filter):
    """httpx logs every request URL at INFO level: take the token out of those lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "access_token=" in message:
            record.msg, record.args = TOKEN_IN_URL.sub(r"\1***", message), None
        return True


_redact = _RedactToken()
for _name in ("httpx", "httpcore"):
    if _redact not in logging.getLogger(_name).filters:
        logging.getLogger(_name).addFilter(_redact)


def scrub(text: str, token: str) -> str:
    text = TOKEN_IN_URL.sub(r"\1***", text)
    return text.replace(token, "***") if token else text


class ReanaAPI:
    """One REANA server, called as the user whose token `token()` returns."""

    def __init__(
        self,
        server_url: str,
        token: Callable[[], str],
        timeout: float,
        transfer_timeout: float,
        verify: bool | str = True,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base = server_url.rstrip("/") + "/api"
        self._token = token
        self.timeout = httpx.Timeout(timeout)
        self.transfer_timeout = httpx.Timeout(timeout, read=transfer_timeout, write=transfer_timeout)
        self._http = httpx.AsyncClient(
            timeout=self.timeout, verify=verify, follow_redirects=False, transport=transport
        )

    async def close(self) -> None:
        await self._http.aclose()

    def _params(self, params: dict[str, Any] | None, token: str) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        for key, value in (params or {}).items():
            if value is None:
                continue
            for item in value if isinstance(value, list) else [value]:
                pairs.append((key, str(item).lower() if isinstance(item, bool) else str(item)))
        pairs.append(("access_token", token))
        return pairs

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        content: bytes | AsyncIterable[bytes] | None = None,
        headers: dict[str, str] | None = None,
        transfer: bool = False,
    ) -> Any:
        """One request; REANA's JSON answer, or a `VREError` saying what went wrong."""
        token = str(self._token())
        query = self._params(params, token)
        try:
            answer = await self._http.request(
                method,
                self.base + path,
                params=query,
                json=json,
                content=content,
                headers=headers,
                timeout=self.transfer_timeout if transfer else self.timeout,
            )
        except httpx.TimeoutException:
            raise BackendTimeout(BACKEND, "the server did not answer in time; try again later.") from None
        except (httpx.HTTPError, OSError):
            raise BackendError(
                BACKEND, "cannot reach the server; it may be down.", code="reana_unreachable"
            ) from None
        return self._answer(answer, token)

    @contextlib.asynccontextmanager
    async def download(self, path: str) -> AsyncIterator[tuple[int | None, AsyncIterator[bytes]]]:
        """Stream a GET: (Content-Length or None, the body's chunks)."""
        token = str(self._token())
        request = self._http.build_request(
            "GET", self.base + path, params=self._params(None, token), timeout=self.transfer_timeout
        )
        try:
            response = await self._http.send(request, stream=True)
        except httpx.TimeoutException:
            raise BackendTimeout(BACKEND, "the server did not answer in time; try again later.") from None
        except (httpx.HTTPError, OSError):
            raise BackendError(
                BACKEND, "cannot reach the server; it may be down.", code="reana_unreachable"
            ) from None
        try:
            if response.status_code != 200:
                await response.aread()
                self._answer(response, token)
            length = response.headers.get("Content-Length")

            async def chunks() -> AsyncIterator[bytes]:
                try:
                    async for chunk in response.aiter_bytes():
                        yield chunk
                except httpx.TimeoutException:
                    raise BackendTimeout(BACKEND, "the download stalled; try again later.") from None
                except httpx.HTTPError:
                    raise BackendError(
                        BACKEND, "the download was cut off; try again.", code="reana_unreachable"
                    ) from None

            yield (int(length) if length and length.isdigit() else None), chunks()
        finally:
            await response.aclose()

    def _answer(self, answer: httpx.Response, token: str) -> Any:
        try:
            body = answer.json()
        except ValueError:
            body = None
        if 200 <= answer.status_code < 300:
            if body is None and answer.content:
                raise BackendError(BACKEND, f"the answer to {answer.request.method} is not JSON.")
            return body
        message = body.get("message") if isinstance(body, dict) else None
        message = scrub(str(message), token)[:500] if message else f"HTTP {answer.status_code}"
        status = answer.status_code
        if status == 401 or (status == 403 and "token" in message.lower()):
            raise NotAuthenticated(
                "REANA did not accept your access token: enter a valid one in the REANA panel.",
                code="reana_auth_failed",
            )
        if status == 403:
            raise Forbidden(f"REANA refused: {message}", code="reana_forbidden")
        if status == 404:
            raise NotFound(f"REANA: {message}", code="reana_not_found")
        if status == 409:
            raise Conflict(f"REANA: {message}", code="reana_conflict")
        if status in (400, 422):
            raise BadRequest(f"REANA refused the request: {message}", code="reana_refused")
        if status == 504:
            raise BackendTimeout(BACKEND, message)
        raise BackendError(BACKEND, f"{message} (HTTP {status})")
