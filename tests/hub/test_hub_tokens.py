"""jupyterlab-vre on the dev stack's real JupyterHub: IAM login, the `hub` token source, renewal
across many token lifetimes, revocation and signing in again, two users side by side."""

from __future__ import annotations

import json
import os
import pwd
import stat
import subprocess
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import HUB_TEST_TOKEN_LIFETIME
from hubsession import HubUser

pytestmark = pytest.mark.integration

LIFETIMES = 10


def status(user: HubUser) -> dict[str, Any]:
    answer = user.api("GET", "auth/status")
    assert answer.status_code == 200, answer.text
    return answer.json()


def rucio_account(user: HubUser) -> httpx.Response:
    return user.api("GET", "rucio/devstack/account")


def server_pid(name: str) -> int:
    """The pid of the user's jupyterhub-singleuser process, found by its owner."""
    found = subprocess.run(
        ["pgrep", "-u", name, "-f", "jupyterhub-singleuser"], capture_output=True, text=True, check=False
    )
    pids = [int(p) for p in found.stdout.split()]
    assert pids, f"no server process of {name}"
    return min(pids)


def test_the_server_runs_as_the_user_and_holds_no_iam_secret(hub_users: Callable, hub_stack: dict) -> None:
    jdoe = hub_users("jdoe")
    pid = server_pid("jdoe")
    assert pwd.getpwuid(os.stat(f"/proc/{pid}").st_uid).pw_name == "jdoe"
    environ = Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace")
    config = (Path(os.environ.get("VRE_DEVSTACK_HOME", ".devstack")) / "data" / "hub-singleuser").resolve()
    config_text = (config / "jupyter_server_config.py").read_text()
    for secret in (c["secret"] for c in hub_stack["iam"]["clients"].values()):
        assert secret not in environ and secret not in config_text
    assert "VRE_IAM_REFRESH_TOKEN" not in environ
    assert "VRE_IAM_TOKEN_SOURCE=hub" in environ
    state = status(jdoe)
    assert state["token"]["source"] == "hub"
    assert state["identity"]["username"] == "jdoe"


def test_the_user_has_own_home_workspace_and_jupyter_data(hub_users: Callable, hub_stack: dict) -> None:
    hub_users("jdoe")
    hub_users("asmith")
    for name in ("jdoe", "asmith"):
        home = Path(hub_stack["hub"]["users"][name]["home"])
        info = home.stat()
        assert pwd.getpwuid(info.st_uid).pw_name == name
        assert stat.S_IMODE(info.st_mode) & 0o007 == 0, f"{home} is open to other users"
        cwd = Path(os.readlink(f"/proc/{server_pid(name)}/cwd"))
        assert cwd == home


def test_each_user_sees_own_rucio_account(hub_users: Callable) -> None:
    for name in ("jdoe", "asmith"):
        answer = rucio_account(hub_users(name))
        assert answer.status_code == 200, answer.text
        assert answer.json()["account"] == name


def test_tokens_stay_valid_for_ten_lifetimes_without_an_auth_error(hub_users: Callable) -> None:
    """Work steadily for ten access-token lifetimes: every call answers, the token is renewed each time."""
    jdoe = hub_users("jdoe")
    expiries: set[str] = set()
    errors: list[str] = []
    calls = 0
    deadline = time.monotonic() + LIFETIMES * HUB_TEST_TOKEN_LIFETIME + 2
    while time.monotonic() < deadline:
        for answer in (
            jdoe.api("GET", "auth/status"),
            rucio_account(jdoe),
            jdoe.api("GET", "rucio/devstack/dids/search", params={"query": "user.jdoe:*", "limit": "5"}),
        ):
            calls += 1
            if answer.status_code != 200:
                errors.append(f"{answer.request.url.path}: {answer.status_code} {answer.text[:200]}")
            elif answer.request.url.path.endswith("auth/status"):
                token = answer.json()["token"]
                if token.get("error"):
                    errors.append(f"status: {token['error']}")
                else:
                    expires = datetime.fromisoformat(token["expires_at"])
                    assert expires.timestamp() > time.time(), "the status reported an expired token"
                    expiries.add(token["expires_at"])
        time.sleep(1)
    assert errors == [], f"{len(errors)} of {calls} calls failed: {errors[:5]}"
    # a new token in (nearly) every lifetime: renewal happened, it was not one long-lived token
    assert len(expiries) >= LIFETIMES - 1, sorted(expiries)


def test_revoked_session_asks_to_sign_in_again_and_the_same_server_works_after(
    hub_users: Callable, hub_stack: dict
) -> None:
    jdoe, asmith = hub_users("jdoe"), hub_users("asmith")
    pid = server_pid("jdoe")
    iam = hub_stack["iam"]
    revoked = httpx.post(
        iam["revoke_user_url"].format(username="jdoe"), auth=("admin", iam["admin_secret"]), timeout=10
    )
    assert revoked.status_code == 200 and revoked.json()["revoked_refresh_tokens"] >= 1
    # within one lifetime the hub fails to renew and the server says so, with the hub's login
    deadline = time.monotonic() + 2 * HUB_TEST_TOKEN_LIFETIME + 5
    answer = rucio_account(jdoe)
    while answer.status_code == 200 and time.monotonic() < deadline:
        time.sleep(1)
        answer = rucio_account(jdoe)
    assert answer.status_code == 401, answer.text
    body = answer.json()
    assert body["error"] == "signin_required"
    assert body["login_url"] == "/hub/login"
    state = status(jdoe)["token"]
    assert state["error"]["error"] == "signin_required"
    assert state["error"]["login_url"] == "/hub/login"
    # asmith is not affected
    assert rucio_account(asmith).status_code == 200
    # jdoe signs in again (IAM form); the same server process answers again
    jdoe.login()
    deadline = time.monotonic() + 10
    answer = rucio_account(jdoe)
    while answer.status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.5)
        answer = rucio_account(jdoe)
    assert answer.status_code == 200, answer.text
    assert answer.json()["account"] == "jdoe"
    assert status(jdoe)["token"].get("error") is None
    assert server_pid("jdoe") == pid


def test_a_credential_of_one_user_is_neither_seen_nor_used_by_the_other(
    hub_users: Callable, hub_stack: dict
) -> None:
    jdoe, asmith = hub_users("jdoe"), hub_users("asmith")
    connections = [c for c in status(jdoe)["services"] if c["service"] == "zenodo"]
    assert connections, "the dev stack's Zenodo instance is not configured"
    instance = connections[0]["instance"]
    secret = "jdoe-only-zenodo-token-0123456789"
    stored = jdoe.api("PUT", f"credentials/zenodo/{instance}", json={"fields": {"token": secret}})
    assert stored.status_code == 200, stored.text
    assert stored.json()["source"] == "user"
    try:
        theirs = next(c for c in status(asmith)["services"] if c["service"] == "zenodo")
        assert theirs["source"] != "user"
        assert secret not in asmith.api("GET", "auth/status").text
        store = Path(hub_stack["hub"]["users"]["jdoe"]["home"]) / ".local/share/jupyter/vre/credentials.json"
        info = store.stat()
        assert pwd.getpwuid(info.st_uid).pw_name == "jdoe"
        assert stat.S_IMODE(info.st_mode) == 0o600
        assert secret in store.read_text()  # root can; the other user cannot:
        peek = subprocess.run(
            ["runuser", "-u", "asmith", "--", "cat", str(store)], capture_output=True, check=False
        )
        assert peek.returncode != 0 and secret.encode() not in peek.stdout
    finally:
        jdoe.api("DELETE", f"credentials/zenodo/{instance}")


def test_task_lists_are_separate(hub_users: Callable) -> None:
    jdoe, asmith = hub_users("jdoe"), hub_users("asmith")
    started = jdoe.api(
        "POST",
        "rucio/devstack/make-available",
        json={"dids": ["user.jdoe:analysis.zmumu.inputs"]},
    )
    assert started.status_code in (200, 202), started.text
    task = started.json()
    task_id = task.get("id") or task.get("task", {}).get("id")
    assert task_id
    mine = jdoe.api("GET", "tasks").json()
    theirs = asmith.api("GET", "tasks").json()
    ids = lambda answer: {t["id"] for t in (answer["tasks"] if isinstance(answer, dict) else answer)}  # noqa: E731
    assert task_id in ids(mine)
    assert task_id not in ids(theirs)
    assert asmith.api("GET", f"tasks/{task_id}").status_code == 404


def test_the_hub_role_lets_a_server_read_only_its_own_users_auth_state(
    hub_users: Callable, hub_stack: dict
) -> None:
    """The server token (JUPYTERHUB_API_TOKEN) of jdoe reads jdoe's auth_state, not asmith's."""
    hub_users("jdoe")
    hub_users("asmith")
    environ = Path(f"/proc/{server_pid('jdoe')}/environ").read_bytes().split(b"\0")
    token = next(e.split(b"=", 1)[1].decode() for e in environ if e.startswith(b"JUPYTERHUB_API_TOKEN="))
    api = hub_stack["hub"]["api_url"]
    own = httpx.get(f"{api}/users/jdoe", headers={"Authorization": f"token {token}"}, timeout=10)
    assert own.status_code == 200 and isinstance(own.json().get("auth_state"), dict)
    assert "refresh_token" not in own.json()["auth_state"], "the refresh token must stay sealed on the hub"
    other = httpx.get(f"{api}/users/asmith", headers={"Authorization": f"token {token}"}, timeout=10)
    assert other.status_code in (403, 404)
    assert json.dumps(other.json()).find("access_token") == -1
