"""The REANA stand-in held to REANA's own API document (reana-commons' reana_server.json).

- The contract checker itself catches what it must (a request or an answer that breaks
  the document), so a green `record_reana_traffic` in the other tests means something.
- Schemathesis generates valid and invalid requests for every operation the stand-in
  serves and checks each answer: declared status, content type and schema, and no
  unforeseen exception. One deviation of REANA itself is allowed and counted: its
  `signin_required` decorator (reana_server/decorators.py) answers 401 to a request
  without an access token and 403 to a token that is not valid, on every operation,
  while its document declares them only on some.
- The operations the stand-in does not serve are listed here and in its README, and
  answer 404 "(REANA stand-in)".
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
from figures import record
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from reana_contract import Contract, document_path

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("VRE_FUZZ_EXAMPLES", "15"))
TOKEN = "contract-test-token"
# reana_server.json operations the stand-in does not serve (its README says so too).
NOT_SERVED = {
    "GET /api/config",
    "GET /api/gitlab",
    "GET /api/gitlab/connect",
    "GET /api/gitlab/projects",
    "DELETE /api/gitlab/webhook",
    "POST /api/gitlab/webhook",
    "POST /api/launch",
    "GET /api/status",
    "PUT /api/token",
    "PUT /api/workflows/move_files/{workflow_id_or_name}",
    "GET /api/workflows/{workflow_id_or_name_a}/diff/{workflow_id_or_name_b}",
    "POST /api/workflows/{workflow_id_or_name}/close/",
    "POST /api/workflows/{workflow_id_or_name}/open/{interactive_session_type}",
    "POST /api/workflows/{workflow_id_or_name}/prune",
    "GET /api/workflows/{workflow_id_or_name}/retention_rules",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def reana(devstack_up: Any) -> dict[str, Any]:
    return devstack_up("reana")["reana"]


@pytest.fixture(scope="module")
def contract(reana: dict[str, Any]) -> Contract:
    return Contract.load(document_path(reana))


@pytest.fixture(scope="module")
def own_stand_in(reana: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A stand-in of its own (own port, data and facts), so that fuzzing touches no other test's work."""
    stack_home = Path(os.environ.get("VRE_DEVSTACK_HOME", REPO / ".devstack")).resolve()
    home = tmp_path_factory.mktemp("reana-contract")
    port = free_port()
    env = {
        "PATH": os.environ["PATH"],
        "VRE_DEVSTACK_HOME": str(home),
        "VRE_REANA_PORT": str(port),
        "VRE_REANA_TOKEN": TOKEN,
        "VRE_REANA_DATA_DIR": str(home / "data"),
    }
    proc = subprocess.Popen(
        [
            str(stack_home / "venvs" / "services" / "bin" / "python"),
            str(REPO / "devstack" / "reana" / "server.py"),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(home / "server.log", "wb"),  # noqa: SIM115 (closed with the process)
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{url}/api/ping", timeout=1).is_success:
                break
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the stand-in did not start: {(home / 'server.log').read_text()[-2000:]}")
        time.sleep(0.2)
    yield {"url": url, "log": home / "server.log"}
    proc.terminate()
    proc.wait(timeout=10)


def a_workflow(url: str, name: str) -> str:
    spec = {
        "inputs": {"parameters": {"who": "world"}},
        "workflow": {
            "type": "serial",
            "specification": {"steps": [{"environment": "x", "commands": ["echo hello ${who} > out.txt"]}]},
        },
        "outputs": {"files": ["out.txt"]},
    }
    answer = httpx.post(
        f"{url}/api/workflows", params={"workflow_name": name, "access_token": TOKEN}, json=spec, timeout=10
    )
    answer.raise_for_status()
    return answer.json()["workflow_id"]


def test_the_checker_catches_bad_requests_and_bad_answers(contract: Contract) -> None:
    url = "http://reana/api/workflows?workflow_name=x&access_token=t&colour=blue"
    operation, problems = contract.check_request("POST", url, "application/json", b"[1, 2]")
    assert operation is not None and operation.template == "/api/workflows"
    assert any("'colour' is not declared" in p for p in problems), problems
    assert any("body does not match its schema" in p for p in problems), problems
    _, problems = contract.check_request("POST", "http://reana/api/workflows", "application/json", b"{}")
    assert any("required query parameter 'workflow_name'" in p for p in problems), problems
    _, problems = contract.check_request("GET", "http://reana/api/workflows?page=two", "", None)
    assert any("is not an integer" in p for p in problems), problems
    _, problems = contract.check_request("GET", "http://reana/api/nothing", "", None)
    assert problems == ["GET /api/nothing: no such operation in reana_server.json"]
    status = contract.operation("GET", "/api/workflows/abc/status")
    assert status is not None
    wrong = json.dumps({"id": 5, "progress": {"run_started_at": None}}).encode()
    assert "5 is not of type 'string'" in contract.check_response(status, 200, "application/json", wrong)[0]
    # x-nullable is honoured: a null run_started_at is fine
    assert (
        contract.check_response(status, 200, "application/json", b'{"progress": {"run_started_at": null}}')
        == []
    )
    assert "not declared" in contract.check_response(status, 418, "application/json", b"{}")[0]
    upload = contract.operation("POST", "/api/workflows/abc/workspace")
    assert upload is not None
    _, problems = contract.check_request(
        "POST", "http://reana/api/workflows/abc/workspace?file_name=a", "text/plain", b"data"
    )
    assert any("Content-Type text/plain" in p for p in problems), problems


def test_operations_the_stand_in_does_not_serve_say_so(
    own_stand_in: dict[str, Any], contract: Contract
) -> None:
    served = {f"{op.method} {op.template}" for op in contract.operations} - NOT_SERVED
    assert len(served) == 19, sorted(served)
    answer = httpx.get(f"{own_stand_in['url']}/api/status", params={"access_token": TOKEN})
    assert answer.status_code == 404 and "REANA stand-in" in answer.json()["message"]
    assert "not REANA" in answer.headers["X-VRE-Devstack"]


def test_schemathesis_finds_no_answer_outside_reana_server_json(
    own_stand_in: dict[str, Any], reana: dict[str, Any]
) -> None:
    import schemathesis
    from schemathesis.core.failures import FailureGroup
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    url = own_stand_in["url"]
    known = [a_workflow(url, f"contract-{n}") for n in range(3)]
    document = json.loads(document_path(reana).read_text())
    for template in list(document["paths"]):
        for method in list(document["paths"][template]):
            if f"{method.upper()} {template}" in NOT_SERVED:
                del document["paths"][template][method]
        if not document["paths"][template]:
            del document["paths"][template]
    schema = schemathesis.openapi.from_dict(document)
    checks = [status_code_conformance, content_type_conformance, response_schema_conformance]
    session = requests.Session()
    operations = [result.ok() for result in schema.get_all_operations()]
    tried: Counter[str] = Counter()
    unsigned: Counter[str] = Counter()
    failures: list[str] = []
    turn = Counter[str]()

    def fuzz(operation: Any, mode: Any) -> None:
        label = f"{operation.method.upper()} {operation.path}"

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case: Any) -> None:
            turn[label] += 1
            query = dict(case.query or {})
            if mode == schemathesis.GenerationMode.POSITIVE or turn[label] % 2:
                query["access_token"] = TOKEN  # most requests as the signed-in user
            case.query = query
            if case.path_parameters and "workflow_id_or_name" in case.path_parameters and turn[label] % 3:
                case.path_parameters["workflow_id_or_name"] = known[turn[label] % len(known)]
            response = case.call(base_url=url, session=session, timeout=30)
            tried[label] += 1
            sent = f"{label} [{response.status_code}] {case.as_curl_command()}"
            if response.status_code == 401 and not query.get("access_token"):
                unsigned[label] += 1  # REANA's own answer to a request without a token
                return
            if response.status_code == 403 and query.get("access_token") != TOKEN:
                unsigned[label] += 1  # and to one with a token that is not valid
                return
            if "REANA stand-in error" in response.text:  # an exception the stand-in did not foresee
                failures.append(f"{sent}\n  -> {response.text[:300]}")
                return
            try:
                case.validate_response(response, checks=checks)
            except (AssertionError, FailureGroup) as failure:
                failures.append(f"{sent}\n  -> {response.text[:300]}\n  {str(failure)[:500]}")

        with contextlib.suppress(Unsatisfiable):
            exercise()

    for operation in operations:
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            fuzz(operation, mode)

    record("REANA contract", "stand-in operations fuzzed", len(tried))
    record("REANA contract", "requests sent", sum(tried.values()))
    record(
        "REANA contract", "401/403 for no or a bad token (REANA's own, undeclared)", sum(unsigned.values())
    )
    record("REANA contract", "answers outside reana_server.json", len(failures))
    assert len(tried) == len(operations) == 19, sorted(tried)
    assert not failures, f"{len(failures)} answers outside the document:\n\n" + "\n\n".join(failures[:15])
    assert "Traceback" not in own_stand_in["log"].read_text()
