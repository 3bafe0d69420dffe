"""The REANA 0.9 REST API (`/api/...` of reana-commons' `reana_server.json`), spoken with httpx.

REANA 0.9 takes the access token only as the `access_token` query argument, so
every request URL carries it. It is added here and nowhere else, REANA's own
messages are scrubbed of it, httpx's request log lines are redacted
(`vre_common.errors.RedactTokens`), and
httpx's exceptions (whose text holds the URL) never reach the user.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterable, AsyncIterator, Callable
from typing import Any

import httpx

from vre_common.errors import (  # importing it also redacts httpx's request log lines
    BackendError,
    BackendTimeout,
    http_error,
    scrub,
)

BACKEND = "REANA"
HINTS = {401: "Enter a valid access token in the REANA panel."}


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
        said = scrub(str(message), token)[:500] if message else ""
        status = answer.status_code
        if status == 403 and "token" in said.lower():
            status = 401  # REANA answers a revoked or unknown token with 403
        raise http_error(BACKEND, status, said, hints=HINTS)
