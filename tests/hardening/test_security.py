"""Every /vre/api endpoint, taken from the running server's routes: no request without Jupyter's auth,
no cross-site (cookie-only, no XSRF token) mutating request; hostile paths against every endpoint that
takes one, with zero escapes checked on disk."""

from __future__ import annotations

import itertools
import re
import uuid

import pytest
from figures import record
from tornado import web
from tornado.httpclient import HTTPClientError
from tornado.routing import PathMatches, Rule

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
MUTATING = ("POST", "PUT", "PATCH", "DELETE")
# Values tried for each URL group until the whole path matches the route's regex.
# The last two fill the catch-all routes that answer unknown URLs with a JSON 404.
SAMPLES = (
    "0123456789abcdef0123456789abcdef",
    "dl",
    "default",
    "1",
    "MY_SECRET",
    "some-workflow",
    "auth",
    "/no-such",
)


@pytest.fixture
def jp_server_config(every_path_endpoint_config):
    return every_path_endpoint_config


def vre_routes(app: web.Application) -> list[tuple[PathMatches, type]]:
    """(matcher, handler class) of every route under /vre/api, however deeply the routers nest."""
    found = []

    def walk(rules: list[Rule]) -> None:
        for rule in rules:
            if hasattr(rule.target, "rules"):
                walk(rule.target.rules)
            elif isinstance(rule.matcher, PathMatches) and "/vre/api/" in rule.matcher.regex.pattern:
                found.append((rule.matcher, rule.target))

    walk(app.default_router.rules + app.wildcard_router.rules)
    return found


def top_level_groups(pattern: str) -> list[tuple[int, int]]:
    """Spans of the outermost `(...)` groups of a regex."""
    spans, depth, start, escaped = [], 0, 0, False
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "(":
            depth, start = depth + 1, (i if depth == 0 else start)
        elif ch == ")":
            depth -= 1
            if depth == 0:
                spans.append((start, i + 1))
    return spans


def concrete_path(matcher: PathMatches) -> str:
    """A path the route matches, with sample values in its groups."""
    pattern = matcher.regex.pattern.rstrip("$")
    spans = top_level_groups(pattern)
    for values in itertools.product(SAMPLES, repeat=len(spans)):
        path, last = "", 0
        for (start, end), value in zip(spans, values, strict=False):
            path += pattern[last:start] + value
            last = end
        path = re.sub(r"\\(.)", r"\1", path + pattern[last:])
        if matcher.regex.match(path):
            return path
    raise AssertionError(f"no sample path for {matcher.regex.pattern}")


def endpoints(app: web.Application) -> list[tuple[str, str]]:
    """(method, path) of every implemented method of every /vre/api route."""
    result = []
    for matcher, handler in vre_routes(app):
        path = concrete_path(matcher)
        path = path[path.index("/vre/api/") :]  # without the server's base URL
        for method in METHODS:
            if getattr(handler, method.lower()) is not getattr(web.RequestHandler, method.lower()):
                result.append((method, path))
    return sorted(set(result))


async def raw_fetch(client, path: str, method: str, headers: dict[str, str]) -> tuple[int, bytes]:
    body = "{}" if method in ("POST", "PUT", "PATCH") else None
    try:
        answer = await client.fetch(path, method=method, headers=headers, body=body, follow_redirects=False)
        return answer.code, answer.body
    except HTTPClientError as err:
        return err.code, err.response.body if err.response else b""


async def test_every_endpoint_needs_auth_and_every_mutating_one_an_xsrf_token(
    jp_serverapp, http_server_client, jp_base_url, jp_auth_header
):
    found = endpoints(jp_serverapp.web_app)
    assert len(found) >= 40, found  # the three extensions and the shared endpoints are all there
    assert ("GET", "/vre/api/auth/status") in found

    def url(path: str) -> str:
        return jp_base_url.rstrip("/") + path

    # Without any credentials: refused, and the handler never ran.
    for method, path in found:
        code, _ = await raw_fetch(http_server_client, url(path), method, {})
        assert code in (401, 403), f"{method} {path} answered {code} without auth"

    # A browser session: log in with the token once, then only the cookies count.
    token = jp_auth_header["Authorization"].split()[-1]
    login = await http_server_client.fetch(
        url("/vre/api/auth/status") + f"?token={token}", follow_redirects=False
    )
    cookies = "; ".join(c.split(";")[0] for c in login.headers.get_list("Set-Cookie"))
    assert cookies, "logging in with the token gave no cookie"
    code, _ = await raw_fetch(http_server_client, url("/vre/api/auth/status"), "GET", {"Cookie": cookies})
    assert code == 200, "the session cookie alone authenticates reads"
    xsrf = uuid.uuid4().hex
    control = url(f"/vre/api/tasks/{uuid.uuid4().hex}")
    with_token = {"Cookie": f"{cookies}; _xsrf={xsrf}", "X-XSRFToken": xsrf}
    code, _ = await raw_fetch(http_server_client, control, "DELETE", with_token)
    assert code == 404, "with its XSRF token a cookie session may mutate (the task does not exist)"

    # The browser sends the cookies but the page cannot send the token: refused by the XSRF check
    # (403 naming it); with another site's Origin, Jupyter's origin check refuses first (403/404).
    no_token = {"Cookie": f"{cookies}; _xsrf={xsrf}"}
    cross_site = {**no_token, "Origin": "https://evil.example"}
    mutating = [(m, p) for m, p in found if m in MUTATING]
    for method, path in mutating:
        code, body = await raw_fetch(http_server_client, url(path), method, no_token)
        assert code == 403, f"{method} {path} answered {code} without the XSRF token"
        assert b"xsrf" in body.lower(), body
        code, body = await raw_fetch(http_server_client, url(path), method, cross_site)
        assert code in (403, 404), f"{method} {path} answered {code} to a cross-site request"
    record("security", "endpoints checked (auth)", len(found))
    record("security", "mutating endpoints checked (XSRF)", len(mutating))
