"""Integration tests run against the local dev stack (devstack/README.md).

`devstack_up("iam", ...)` starts the named services if they are not running
(idempotent) and returns the stack description, keyed by service name;
services that were already running are left
running; those started here are stopped at the end of the session
(set VRE_DEVSTACK_KEEP=1 to keep them for the next run).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEVSTACK = REPO / "devstack" / "devstack"
# Test modules log in to the dev stack's IAM the way the demo does: `from devstack_jupyter_config import iam_login`.
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from rucio_datasets import dataset_uploader, rucio_client_config  # noqa: E402


def _stack_home() -> Path:
    return Path(os.environ.get("VRE_DEVSTACK_HOME", REPO / ".devstack")).resolve()


def _running(service: str) -> bool:
    return subprocess.run([DEVSTACK, "status", service], cwd=REPO, capture_output=True).returncode == 0


@pytest.fixture(scope="session")
def devstack_up() -> Iterator[Callable[..., dict]]:
    started: list[str] = []

    def up(*services: str) -> dict:
        for service in services:
            if not _running(service):
                subprocess.run([DEVSTACK, "up", service], check=True, cwd=REPO)
                started.append(service)
        return json.loads((_stack_home() / "stack.json").read_text())

    yield up
    if started and not os.environ.get("VRE_DEVSTACK_KEEP"):
        subprocess.run([DEVSTACK, "down", *started], check=False, cwd=REPO)


@pytest.fixture
def iam_tokens_config(devstack_up: Callable[..., dict], monkeypatch: pytest.MonkeyPatch) -> dict:
    """`IAMTokens` config of a Jupyter server whose user logged in to the dev stack's IAM (as a hub does),
    with token exchange for Rucio's audience."""
    from devstack_jupyter_config import iam_login

    stack = devstack_up("iam", "rucio")
    iam, rucio = stack["iam"], stack["rucio"]
    monkeypatch.setenv("VRE_IAM_REFRESH_TOKEN", iam_login(iam)["refresh_token"])
    # The secret goes by environment, not config: jupyter_server logs its whole config at DEBUG.
    monkeypatch.setenv("VRE_IAM_CLIENT_SECRET", iam["client_secret"])
    return {
        "issuer": iam["issuer"],
        "client_id": iam["client_id"],
        "access_token_env": "VRE_TEST_UNSET_TOKEN",
        "exchange": {"rucio": {"audience": rucio["oidc"]["audience"], "scope": rucio["oidc"]["scope"]}},
    }


@pytest.fixture
def upload_dataset(devstack_up: Callable[..., dict], tmp_path: Path) -> Iterator[Callable[[dict], str]]:
    """Upload files (name -> bytes) as a new dataset of the user's scope; returns its `scope:name`.

    Uses rucio-clients' UploadClient with the client config the dev stack writes,
    so the bytes sit on a remote RSE, not yet on the mounted one.
    """
    rucio = devstack_up("rucio")["rucio"]
    with rucio_client_config(rucio):
        yield dataset_uploader(rucio, tmp_path)
