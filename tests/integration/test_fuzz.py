"""Schemathesis against a live Jupyter server with the three extensions on the dev stack.

Every operation of docs/api/openapi.yaml gets valid (positive) and invalid (negative)
generated requests with Jupyter's auth token; the run fails on any 5xx and on any
response that does not conform to the document (status code, content type, schema).

Bounded for CI: VRE_FUZZ_EXAMPLES examples per operation and mode (default 15) and a
soft wall-time budget VRE_FUZZ_SECONDS (default 150 s: past it, the remaining operations
get one example each, so every operation is still fuzzed). A longer run by hand is in
docs/api/README.md.

What the fuzzer may touch: the server's root directory and credential store are
temporary folders of this test; REANA workflow and secret names are restricted to a
`fuzz-`/`FUZZ_` namespace, and Zenodo operations that change a deposition may only
name a draft this test creates (or an id that does not exist), so the dev stack's
sample records and other tests' workflows are out of its reach.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from figures import record
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
DOCUMENT = REPO / "docs" / "api" / "openapi.yaml"
EXAMPLES = int(os.environ.get("VRE_FUZZ_EXAMPLES", "15"))
BUDGET_S = float(os.environ.get("VRE_FUZZ_SECONDS", "150"))
RANDOM = os.environ.get("VRE_FUZZ_RANDOM") == "1"  # a new seed each run instead of a fixed one
MISSING_ID = 999999999
SAMPLE = REPO / "devstack" / "reana" / "samples" / "helloworld"
DRAFT = {
    "title": "fuzz draft",
    "description": "Made by tests/integration/test_fuzz.py.",
    "creators": [{"name": "Doe, Jane"}],
}
FUZZ_WORKFLOW = r"fuzz-[a-z0-9\-]{1,24}(\.[0-9]{1,9})?"
FUZZ_SECRET = r"^FUZZ_[A-Z0-9_]{0,16}$"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def live_server(devstack_up, tmp_path_factory) -> dict[str, Any]:
    """A `jupyter server` process wired to the dev stack as the demo is, in throwaway folders."""
    from devstack_jupyter_config import config_lines

    stack = devstack_up("iam", "rucio", "reana", "zenodo")
    root = tmp_path_factory.mktemp("fuzz-workspace")
    home = tmp_path_factory.mktemp("fuzz-home")
    (root / "notes.txt").write_text("a small workspace file the fuzzer may upload or validate\n")
    token, port = secrets.token_hex(24), free_port()
    config = home / "jupyter_server_config.py"
    config.write_text(
        "\n".join(
            [
                *config_lines(stack),
                "c.ServerApp.jpserver_extensions = {'rucio_ext': True, 'reana_ext': True, 'zenodo_ext': True}",
                f"c.VRECommon.credentials_path = {str(home / 'credentials.json')!r}",
                "c.RucioExtension.call_timeout_seconds = 10",
                "c.ReanaExtension.call_timeout_seconds = 10",
                "c.ZenodoExtension.timeout_seconds = 10",
            ]
        )
    )
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
    }
    log = (home / "server.log").open("wb")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter_server",
            f"--config={config}",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            "--ServerApp.open_browser=False",
            "--ServerApp.allow_root=True",
            "--ServerApp.log_level=DEBUG",  # its whole log is scanned for credentials
            f"--ServerApp.root_dir={root}",
            f"--IdentityProvider.token={token}",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    session = requests.Session()
    session.headers["Authorization"] = f"token {token}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, (home / "server.log").read_text()[-3000:]
            try:
                if session.get(f"{url}/vre/api/zenodo/status", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "the Jupyter server did not start in 90 s"
            time.sleep(0.5)
        # The one draft the fuzzer may change, publish or discard.
        draft = session.post(
            f"{url}/vre/api/zenodo/depositions",
            json={"metadata": DRAFT},
            timeout=30,
        )
        assert draft.status_code == 201, draft.text
        # The one workflow the fuzzer may start, stop, download from and delete.
        workflow = f"fuzz-{secrets.token_hex(4)}"
        shutil.copytree(SAMPLE, root / "hello")
        created = session.post(
            f"{url}/vre/api/reana/workflows", json={"path": "hello", "name": workflow}, timeout=30
        )
        assert created.status_code == 201, created.text
        samples = stack["rucio"]["samples"]
        yield {
            "url": url,
            "session": session,
            "log": home / "server.log",
            "draft": draft.json()["id"],
            "workflow": workflow,
            "sample_dids": [samples["container"], *samples["container_datasets"][:1]],
            "sample_scopes": set(stack["rucio"]["scopes"]) - {f"user.{stack['rucio']['account']}"},
        }
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def fenced(spec: dict[str, Any], fuzz: dict[str, Any]) -> dict[str, Any]:
    """The document with the values the fuzzer may generate narrowed: valid (positive) requests name the
    fuzzer's own workflow, secrets and draft, the dev stack's instances and sample DIDs (for reads), or
    things that do not exist. `withheld` keeps invalid (negative) requests inside the same fence."""
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            for param in op.get("parameters", []):
                name = param["name"]
                if param["in"] == "path" and name == "workflow":
                    param["schema"] = {"type": "string", "enum": [fuzz["workflow"], "fuzz-missing"]}
                elif param["in"] == "path" and name == "name":
                    param["schema"] = {"type": "string", "pattern": FUZZ_SECRET}
                elif param["in"] == "path" and name == "item" and "/depositions/" in path and method != "get":
                    param["schema"] = {"type": "integer", "enum": [fuzz["draft"], MISSING_ID]}
                elif param["in"] == "path" and name == "instance":
                    param["schema"] = {"type": "string", "enum": ["devstack", "default", "nowhere"]}
                elif param["in"] == "query" and name == "did" and method == "get":
                    dids = {"type": "string", "enum": [*fuzz["sample_dids"], "user.jdoe:fuzz-missing"]}
                    param["schema"] = (
                        {**param["schema"], "items": dids} if "items" in param["schema"] else dids
                    )
    spec["components"]["schemas"]["SecretInput"]["properties"]["name"]["pattern"] = FUZZ_SECRET
    return spec


def withheld(case: Any, fuzz: dict[str, Any]) -> str | None:
    """Why a generated request is not sent (it could change something outside the fuzzer's own), or None."""
    params = case.path_parameters or {}
    method = case.method.upper()
    if "workflow" in params and not re.fullmatch(FUZZ_WORKFLOW, str(params["workflow"])):
        return "another workflow"
    if "name" in params and not re.fullmatch(FUZZ_SECRET, str(params["name"])):
        return "another secret"
    own = (str(fuzz["draft"]), str(MISSING_ID))
    if (
        "item" in params
        and "/depositions/" in case.path
        and method != "GET"
        and str(params["item"]) not in own
    ):
        return "another deposition"
    body = case.body if isinstance(case.body, dict) else {}
    name = body.get("name")
    posts_secret = case.path.endswith("/secrets") and method == "POST"
    if posts_secret and isinstance(name, str) and not re.fullmatch(FUZZ_SECRET, name):
        return "another secret"
    if case.path.endswith(("/make-available", "/download")) and "/rucio/" in case.path:
        dids = body.get("dids") if isinstance(body.get("dids"), list) else []
        if any(isinstance(d, str) and d.split(":")[0] in fuzz["sample_scopes"] for d in dids):
            return "sample data"  # replicating the samples would change what other tests start from
    return None


def test_no_input_gives_a_5xx_or_a_response_outside_the_contract(live_server):
    import leakcheck
    import schemathesis
    from schemathesis.core.failures import FailureGroup
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [status_code_conformance, content_type_conformance, response_schema_conformance]
    spec = fenced(yaml.safe_load(DOCUMENT.read_text()), live_server)
    schema = schemathesis.openapi.from_dict(spec)
    session: requests.Session = live_server["session"]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == sum(len(ops) for ops in spec["paths"].values())

    tried: Counter[str] = Counter()
    answered: Counter[int] = Counter()
    fenced_off: Counter[str] = Counter()
    server_errors: list[str] = []
    nonconforming: list[str] = []
    leaks: list[str] = []
    started = time.monotonic()

    def fuzz(operation: Any, mode: Any, examples: int) -> None:
        label = f"{operation.method.upper()} {operation.path}"

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=not RANDOM,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case: Any) -> None:
            if reason := withheld(case, live_server):
                fenced_off[reason] += 1
                return
            response = case.call(base_url=live_server["url"], session=session, timeout=60)
            tried[label] += 1
            answered[response.status_code // 100 * 100] += 1
            sent = f"{label} [{response.status_code}] {case.as_curl_command()}"
            if response.status_code >= 500:
                server_errors.append(f"{sent}\n  -> {response.text[:300]}")
            if found := leakcheck.leaks_in(response.text):
                leaks.append(f"{label} [{response.status_code}]: {', '.join(found)}")
            try:
                case.validate_response(response, checks=checks)
            except (AssertionError, FailureGroup) as failure:  # schemathesis' check failures
                nonconforming.append(f"{sent}\n  -> {response.text[:300]}\n  {str(failure)[:600]}")

        # Unsatisfiable: nothing to make invalid in this operation (e.g. no parameters, no body).
        with contextlib.suppress(Unsatisfiable):
            exercise()

    for operation in operations:
        examples = EXAMPLES if time.monotonic() - started < BUDGET_S else 1
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            fuzz(operation, mode, examples)

    elapsed = time.monotonic() - started
    record("fuzzing", "operations fuzzed", len(tried))
    record("fuzzing", "examples tried", sum(tried.values()))
    record("fuzzing", "answered 2xx", answered[200])
    record("fuzzing", "answered 4xx", answered[400])
    record("fuzzing", "withheld by the fence", sum(fenced_off.values()))
    record("fuzzing", "5xx seen", len(server_errors))
    record("fuzzing", "responses not conforming", len(nonconforming))
    record("fuzzing", "fuzzing wall time (s)", round(elapsed, 1))
    never = [
        f"{op.method.upper()} {op.path}" for op in operations if tried[f"{op.method.upper()} {op.path}"] == 0
    ]
    assert not never, f"operations never called: {never}"
    assert not server_errors, "\n".join(server_errors[:20])
    if nonconforming and (report := os.environ.get("VRE_FUZZ_REPORT")):
        Path(report).write_text("\n\n".join(nonconforming))
    assert not nonconforming, "\n".join(nonconforming[:20])
    log = live_server["log"].read_text(errors="replace")
    assert "Traceback" not in log, "the server logged an unexpected exception"
    if found := leakcheck.leaks_in(log):
        leaks.append(f"the server's DEBUG log: {', '.join(found)}")
    record("fuzzing", "answers or logs with a credential", len(leaks))
    assert not leaks, "credential leaks:\n" + "\n".join(leaks[:20])


def test_the_fence_keeps_the_fuzzer_to_its_own_data():
    from types import SimpleNamespace

    fuzz = {
        "draft": 7,
        "workflow": "fuzz-abc",
        "sample_scopes": {"atlas_open"},
        "sample_dids": ["atlas_open:x"],
    }

    def case(method: str, path: str, body: Any = None, **params: Any) -> Any:
        return SimpleNamespace(method=method, path=path, body=body, path_parameters=params)

    assert withheld(case("DELETE", "/vre/api/reana/workflows/{workflow}", workflow="vre-test.3"), fuzz)
    assert withheld(case("POST", "/vre/api/reana/workflows/{workflow}/stop", workflow="x"), fuzz)
    assert not withheld(case("DELETE", "/vre/api/reana/workflows/{workflow}", workflow="fuzz-abc.2"), fuzz)
    assert withheld(case("DELETE", "/vre/api/reana/secrets/{name}", name="RUCIO_PASSWORD"), fuzz)
    assert withheld(case("POST", "/vre/api/reana/secrets", {"name": "TOKEN", "overwrite": True}), fuzz)
    assert withheld(case("DELETE", "/vre/api/zenodo/depositions/{item}", item=8), fuzz)
    assert withheld(case("POST", "/vre/api/zenodo/depositions/{item}/publish", item="8"), fuzz)
    assert not withheld(case("POST", "/vre/api/zenodo/depositions/{item}/publish", item=7), fuzz)
    assert not withheld(case("GET", "/vre/api/zenodo/depositions/{item}", item=8), fuzz)
    make = "/vre/api/rucio/{instance}/make-available"
    assert withheld(case("POST", make, {"dids": ["user.jdoe:a", "atlas_open:x"]}, instance="devstack"), fuzz)
    assert not withheld(case("POST", make, {"dids": ["user.jdoe:a"]}, instance="devstack"), fuzz)
    spec = fenced(yaml.safe_load(DOCUMENT.read_text()), fuzz)
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            for param in op.get("parameters", []):
                if param["in"] == "path" and param["name"] == "workflow":
                    assert param["schema"]["enum"] == ["fuzz-abc", "fuzz-missing"], (method, path)
                if (
                    param["in"] == "path"
                    and param["name"] == "item"
                    and "/depositions/" in path
                    and method != "get"
                ):
                    assert param["schema"]["enum"] == [7, MISSING_ID], (method, path)
