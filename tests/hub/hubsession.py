"""A user of the dev stack's JupyterHub, driven over real HTTP as a browser would be.

Signs in through the hub's IAM login (authorization code: the IAM's login form),
starts the user's server, and calls the server's `/vre/api/...` with a Hub API
token of that user. Used by tests/hub and benchmarks/hub_load.py.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from html import unescape
from typing import Any
from urllib.parse import urljoin

import httpx

SPAWN_TIMEOUT_S = 180


class LoginFailed(AssertionError):
    pass


@dataclass
class HubUser:
    hub: dict[str, Any]
    name: str
    password: str
    timeout: float = 60
    token: str = field(default="", repr=False)
    browser: httpx.Client = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.browser = httpx.Client(timeout=self.timeout)

    def close(self) -> None:
        self.browser.close()

    # --- signing in -----------------------------------------------------------------
    def _follow(self, response: httpx.Response, stop_at: str) -> httpx.Response:
        """Follow redirects until the next URL starts with `stop_at` (not fetched) or none is left."""
        while response.is_redirect:
            target = urljoin(str(response.url), response.headers["location"])
            if target.startswith(stop_at):
                return response
            response = self.browser.get(target)
        return response

    def login(self) -> None:
        """Open the hub's login, sign in on the IAM page, land back on the hub with a session cookie."""
        iam_page = self._follow(self.browser.get(self.hub["login_url"]), stop_at="\0")
        form = re.search(r'<form method="post" action="([^"]+)"', iam_page.text)
        if form is None:
            raise LoginFailed(f"no IAM login form at {iam_page.url}: {iam_page.status_code}")
        action = urljoin(str(iam_page.url), unescape(form.group(1)))
        answer = self.browser.post(action, data={"username": self.name, "password": self.password})
        if not answer.is_redirect:
            raise LoginFailed(f"IAM refused {self.name}: {answer.status_code}")
        # the hub's callback sets the cookie; stop before the hub sends us to spawn a server
        landed = self._follow(answer, stop_at=self.hub["url"] + "/hub/spawn")
        if landed.status_code >= 400:
            raise LoginFailed(f"the hub refused the login of {self.name}: {landed.status_code}")
        if "jupyterhub-hub-login" not in self.browser.cookies:
            raise LoginFailed(f"no hub session cookie after signing in as {self.name}")

    def _xsrf(self) -> str | None:
        """The hub's XSRF cookie (the hub's pages may set it more than once, per path)."""
        found = {c.path: c.value for c in self.browser.cookies.jar if c.name == "_xsrf"}
        return found.get("/hub/") or next(iter(found.values()), None)

    def _xsrf_headers(self) -> dict[str, str]:
        xsrf = self._xsrf()
        return {"X-XSRFToken": xsrf} if xsrf else {}

    def make_token(self) -> str:
        """A Hub API token of this user (what the browser's session could get), for calling the server."""
        if not self._xsrf():
            self.browser.get(self.hub["url"] + "/hub/home")
        answer = self.browser.post(
            f"{self.hub['api_url']}/users/{self.name}/tokens",
            json={"note": "tests/hub", "expires_in": 3600},
            headers=self._xsrf_headers(),
        )
        answer.raise_for_status()
        self.token = answer.json()["token"]
        return self.token

    # --- the user's server --------------------------------------------------------------
    def hub_api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"token {self.token}"}
        return httpx.request(
            method, f"{self.hub['api_url']}{path}", headers=headers, timeout=self.timeout, **kwargs
        )

    def spawn(self) -> None:
        """Start the user's server (if it is not running) and wait until the hub says it is ready."""
        model = self.hub_api("GET", f"/users/{self.name}").json()
        if not (model.get("servers") or {}).get("", {}).get("ready"):
            started = self.hub_api("POST", f"/users/{self.name}/server")
            if started.status_code not in (201, 202, 400):  # 400: already running
                raise AssertionError(f"spawn of {self.name}: {started.status_code} {started.text[:300]}")
        deadline = time.monotonic() + SPAWN_TIMEOUT_S
        while time.monotonic() < deadline:
            model = self.hub_api("GET", f"/users/{self.name}").json()
            if (model.get("servers") or {}).get("", {}).get("ready"):
                return
            time.sleep(1)
        raise AssertionError(f"the server of {self.name} was not ready after {SPAWN_TIMEOUT_S}s")

    def server_url(self, path: str) -> str:
        return f"{self.hub['url']}/user/{self.name}/{path.lstrip('/')}"

    def api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Call `/vre/api/<path>` on the user's server through the proxy."""
        headers = {"Authorization": f"token {self.token}", **kwargs.pop("headers", {})}
        return httpx.request(
            method, self.server_url(f"vre/api/{path}"), headers=headers, timeout=self.timeout, **kwargs
        )

    def stop(self) -> None:
        self.hub_api("DELETE", f"/users/{self.name}/server")
