"""Shared by the hardening tests: fault proxies in front of dev-stack services, and the fault tally."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))

import importlib.util
import uuid

from faultproxy import FaultProxy
from rucio_datasets import dataset_uploader, rucio_client_config
from scene import Lab, Scene, jupyter_server_command, lab_config_lines, lab_env, make_proxies

# The integration tests' dev-stack fixtures (devstack_up, iam_tokens_config, upload_dataset), shared here.
_spec = importlib.util.spec_from_file_location(
    "integration_fixtures", Path(__file__).resolve().parents[1] / "integration" / "conftest.py"
)
_integration = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_integration)
devstack_up = _integration.devstack_up
iam_tokens_config = _integration.iam_tokens_config
upload_dataset = _integration.upload_dataset


@pytest.fixture
def fault_proxy() -> Iterator[Callable[[str], FaultProxy]]:
    """`fault_proxy(url)`: a proxy in front of the service at `url`, closed after the test."""
    made: list[FaultProxy] = []

    def make(url: str, rewrite_links: bool = False) -> FaultProxy:
        parsed = urlparse(url)
        proxy = FaultProxy(parsed.hostname or "127.0.0.1", parsed.port or 80, rewrite_links)
        made.append(proxy)
        return proxy

    yield make
    for proxy in made:
        proxy.close()


_tally = {"tried": 0, "survived": 0}


@pytest.fixture
def fault_case(request: pytest.FixtureRequest) -> Iterator[None]:
    """Count a fault case as tried, and as survived when its test passed; figures in suite "faults"."""
    from figures import record

    _tally["tried"] += 1
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.passed:
        _tally["survived"] += 1
    record("faults", "faults tried", _tally["tried"])
    record("faults", "faults survived", _tally["survived"])


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def every_path_endpoint_config(jp_server_config, devstack_up, tmp_path) -> dict[str, Any]:
    """A server whose REANA and Zenodo are the dev stack's and whose Rucio instance answers nothing:
    every endpoint is there to be probed (auth, XSRF, hostile paths), with a throwaway credential store."""
    stack = devstack_up("reana", "zenodo")
    return {
        **jp_server_config,
        "VRECommon": {"credentials_path": str(tmp_path / "credentials.json")},
        "ReanaExtension": {"server_url": stack["reana"]["url"], "call_timeout_seconds": 10},
        "ZenodoExtension": {"api_url": stack["zenodo"]["api_url"], "timeout_seconds": 10},
        "RucioExtension": {
            "instances": [
                {
                    "name": "dl",
                    "rucio_base_url": "http://127.0.0.1:9",
                    "auth_type": "userpass",
                    "mode": "download",
                }
            ]
        },
    }


# --- the scene of test_restart.py and test_cancel.py: a server subprocess, its backends behind proxies ---


@pytest.fixture(scope="module")
def scene_stack(devstack_up: Any) -> dict[str, Any]:
    return devstack_up("iam", "rucio", "reana", "zenodo")


@pytest.fixture(scope="module")
def scene_proxies(scene_stack) -> Iterator[dict[str, FaultProxy]]:
    made = make_proxies(scene_stack)
    yield made
    for proxy in made.values():
        proxy.close()


@pytest.fixture(scope="module")
def lab(scene_stack, scene_proxies, tmp_path_factory) -> Iterator[Lab]:
    """A `jupyter server` subprocess on the dev stack (scene.py), with a Zenodo token of the user's."""
    workdir = tmp_path_factory.mktemp("lab")
    config = workdir / "jupyter_server_config.py"
    config.write_text("\n".join(lab_config_lines(scene_stack, scene_proxies)) + "\n")
    token = uuid.uuid4().hex
    server = Lab(
        workdir,
        jupyter_server_command(config, workdir / "root", token),
        lab_env(scene_stack, workdir),
        root=workdir / "root",
        auth={"Authorization": f"token {token}"},
    )
    server.start()
    server.call(
        "PUT", "credentials/zenodo/custom", {"fields": {"token": scene_stack["zenodo"]["token"]}}, 200
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def scene(lab, scene_stack, scene_proxies, tmp_path_factory) -> Iterator[Scene]:
    """Tasks to hold mid-way on `lab` (scene.py); the test module prepares and starts them."""
    rucio = scene_stack["rucio"]
    with rucio_client_config(rucio):
        yield Scene(
            lab, scene_stack, scene_proxies, dataset_uploader(rucio, tmp_path_factory.mktemp("datasets"))
        )
