"""Tests of the JupyterHub case: the dev stack's hub, its IAM login and the `hub` token source.

The `devstack_up` fixture is the integration tests' one (tests/integration/conftest.py),
loaded here so that both packages start and stop the dev stack the same way.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "integration_conftest", Path(__file__).resolve().parents[1] / "integration" / "conftest.py"
)
assert _spec and _spec.loader
_integration = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_integration)

devstack_up = _integration.devstack_up

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hubsession import HubUser  # noqa: E402

# Access tokens live this long in the hub tests (the dev stack's default is 60 s): ten lifetimes
# of work then take under two minutes.
HUB_TEST_TOKEN_LIFETIME = 10
REPO = Path(__file__).resolve().parents[2]
DEVSTACK = REPO / "devstack" / "devstack"


def _iam_lifetime() -> int | None:
    stack_file = _integration._stack_home() / "stack.json"
    if not stack_file.exists() or not _integration._running("iam"):
        return None
    return json.loads(stack_file.read_text()).get("iam", {}).get("access_token_lifetime")


@pytest.fixture(scope="session")
def hub_stack(devstack_up: Callable[..., dict]) -> Iterator[dict]:
    """The whole dev stack with the hub, its IAM issuing short-lived tokens.

    An IAM already running with another lifetime is restarted, and at the end the IAM is
    restarted with the lifetime it had (or its default) for the tests that follow.
    """
    previous = _iam_lifetime()
    if previous is not None and previous != HUB_TEST_TOKEN_LIFETIME:
        subprocess.run([DEVSTACK, "down", "hub", "iam"], check=True, cwd=REPO)
    os.environ["VRE_IAM_TOKEN_LIFETIME"] = str(HUB_TEST_TOKEN_LIFETIME)
    try:
        stack = devstack_up("iam", "rucio", "zenodo", "reana", "hub")
    finally:
        del os.environ["VRE_IAM_TOKEN_LIFETIME"]
    assert stack["iam"]["access_token_lifetime"] == HUB_TEST_TOKEN_LIFETIME
    yield stack
    # The tests after these expect the IAM's own lifetime (the one it had, or its default):
    # restart it (signing key and refresh tokens survive a restart).
    subprocess.run([DEVSTACK, "down", "hub", "iam"], check=True, cwd=REPO)
    if previous is not None:
        os.environ["VRE_IAM_TOKEN_LIFETIME"] = str(previous)
    try:
        subprocess.run([DEVSTACK, "up", "iam"], check=True, cwd=REPO)
    finally:
        os.environ.pop("VRE_IAM_TOKEN_LIFETIME", None)


@pytest.fixture(scope="session")
def hub_users(hub_stack: dict) -> Iterator[Callable[[str], HubUser]]:
    """`login("jdoe")`: a signed-in user of the hub with a running server (one per name and session)."""
    users: dict[str, HubUser] = {}

    def login(name: str) -> HubUser:
        if name not in users:
            user = HubUser(hub_stack["hub"], name, hub_stack["iam"]["users"][name]["password"])
            user.login()
            user.make_token()
            user.spawn()
            users[name] = user
        return users[name]

    yield login
    for user in users.values():
        user.stop()
        user.close()
