"""The dev stack's REANA stand-in, driven by the real reana-client 0.9 (devstack/reana)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.integration

SAMPLE = Path(__file__).resolve().parents[2] / "devstack" / "reana" / "samples" / "helloworld"
DONE = ("finished", "failed", "stopped", "deleted")


@pytest.fixture(scope="module")
def reana(devstack_up: Any) -> dict[str, Any]:
    return devstack_up("reana")["reana"]


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A copy of the sample workflow; reana-client uploads paths relative to its working directory."""
    return Path(shutil.copytree(SAMPLE, tmp_path / "helloworld"))


def reana_client(reana: dict[str, Any], *args: str, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REANA_")}
    env.update(REANA_SERVER_URL=reana["url"], REANA_ACCESS_TOKEN=reana["token"], PYTHONWARNINGS="ignore")
    result = subprocess.run(
        [reana["client"], *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"reana-client {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def status(reana: dict[str, Any], workflow: str, cwd: Path) -> str:
    [row] = json.loads(reana_client(reana, "status", "-w", workflow, "--json", cwd=cwd))
    return row["status"]


def wait_for(
    reana: dict[str, Any], workflow: str, wanted: tuple[str, ...], cwd: Path, timeout: float = 60
) -> str:
    deadline = time.monotonic() + timeout
    while (current := status(reana, workflow, cwd)) not in wanted:
        if current in DONE or time.monotonic() > deadline:
            pytest.fail(
                f"workflow {workflow} is {current!r}, expected one of {wanted} within {timeout:.0f} s"
            )
        time.sleep(0.3)
    return current


def api(
    reana: dict[str, Any], method: str, path: str, token: str | None = None, **kwargs: Any
) -> httpx.Response:
    params = {**kwargs.pop("params", {}), "access_token": token or reana["token"]}
    return httpx.request(method, f"{reana['api_url']}{path}", params=params, timeout=10, **kwargs)


def test_reana_client_runs_the_sample_workflow_to_finished(
    reana: dict[str, Any], sample: Path, tmp_path: Path
) -> None:
    ping = reana_client(reana, "ping", cwd=sample)
    assert "Status: Connected" in ping and "REANA server version: 0.9" in ping

    name = f"hello-{uuid.uuid4().hex[:8]}"
    created = reana_client(reana, "create", "-w", name, "-f", "reana.yaml", cwd=sample)
    assert f"{name}.1" in created
    reana_client(reana, "upload", "-w", name, cwd=sample)
    reana_client(reana, "start", "-w", name, "-p", "greeting=Bonjour", cwd=sample)
    assert wait_for(reana, name, ("finished",), sample) == "finished"

    logs = reana_client(reana, "logs", "-w", name, cwd=sample)
    assert "Step: greet" in logs and "greeted Jane Doe" in logs
    assert "Step: count" in logs
    listing = reana_client(reana, "ls", "-w", name, cwd=sample)
    assert "results/greetings.txt" in listing and "code/helloworld.py" in listing

    out = tmp_path / "outputs"
    reana_client(reana, "download", "-w", name, "-o", str(out), cwd=sample)
    assert (out / "greetings.txt").read_text() == "Bonjour Jane Doe!\nBonjour Alex Smith!\nBonjour ESCAPE!\n"
    assert (out / "count.txt").read_text().strip() == "3"


def test_reana_client_stops_and_deletes_a_running_workflow(reana: dict[str, Any], sample: Path) -> None:
    name = f"slow-{uuid.uuid4().hex[:8]}"
    reana_client(reana, "create", "-w", name, "-f", "reana.yaml", cwd=sample)
    reana_client(reana, "upload", "-w", name, cwd=sample)
    reana_client(reana, "start", "-w", name, "-p", "sleeptime=30", cwd=sample)
    wait_for(reana, name, ("running",), sample)
    reana_client(reana, "stop", "-w", name, "--force", cwd=sample)
    assert wait_for(reana, name, ("stopped",), sample, timeout=20) == "stopped"
    reana_client(reana, "delete", "-w", name, cwd=sample)
    assert name not in reana_client(reana, "list", cwd=sample)


def create(reana: dict[str, Any], commands: list[str], parameters: dict[str, str] | None = None) -> str:
    spec = {
        "workflow": {"type": "serial", "specification": {"steps": [{"name": "only", "commands": commands}]}},
        "inputs": {"parameters": parameters or {}},
    }
    response = api(
        reana, "POST", "/workflows", params={"workflow_name": f"api-{uuid.uuid4().hex[:8]}"}, json=spec
    )
    assert response.status_code == 201, response.text
    return response.json()["workflow_id"]


def wait_api(reana: dict[str, Any], workflow_id: str, timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while (body := api(reana, "GET", f"/workflows/{workflow_id}/status").json())["status"] not in DONE:
        if time.monotonic() > deadline:
            pytest.fail(f"workflow {workflow_id} still {body['status']!r} after {timeout:.0f} s")
        time.sleep(0.2)
    return body


def test_it_says_it_is_a_stand_in(reana: dict[str, Any]) -> None:
    ping = httpx.get(f"{reana['api_url']}/ping", timeout=10)
    assert "stand-in" in ping.headers["X-VRE-Devstack"]
    assert "stand-in" in api(reana, "GET", "/you").json()["vre_devstack"]


def test_the_token_is_taken_only_from_the_query(reana: dict[str, Any]) -> None:
    header_only = httpx.get(
        f"{reana['api_url']}/workflows", headers={"Authorization": f"Bearer {reana['token']}"}, timeout=10
    )
    assert header_only.status_code == 401
    assert api(reana, "GET", "/workflows", token="wrong").status_code == 403
    assert api(reana, "GET", "/workflows").status_code == 200


def test_a_failing_command_fails_the_workflow_and_stops_the_steps(reana: dict[str, Any]) -> None:
    workflow_id = create(reana, ["echo before", "exit 3", "touch never"])
    assert api(reana, "POST", f"/workflows/{workflow_id}/start", json={}).status_code == 200
    body = wait_api(reana, workflow_id)
    assert body["status"] == "failed"
    assert body["progress"]["finished"]["total"] == 1 and body["progress"]["failed"]["total"] == 1
    files = api(reana, "GET", f"/workflows/{workflow_id}/workspace").json()["items"]
    assert "never" not in [f["name"] for f in files]


def test_parameters_are_substituted_and_unknown_ones_refused(reana: dict[str, Any]) -> None:
    workflow_id = create(reana, ["echo ${word} > out.txt"], {"word": "default"})
    started = api(
        reana, "POST", f"/workflows/{workflow_id}/start", json={"input_parameters": {"word": "given"}}
    )
    assert started.status_code == 200, started.text
    assert wait_api(reana, workflow_id)["status"] == "finished"
    assert api(reana, "GET", f"/workflows/{workflow_id}/workspace/out.txt").text == "given\n"

    unknown = create(reana, ["echo ${missing}"])
    refused = api(reana, "POST", f"/workflows/{unknown}/start", json={})
    assert refused.status_code == 400 and "missing" in refused.json()["message"]


def test_workspace_paths_are_confined(reana: dict[str, Any]) -> None:
    workflow_id = create(reana, ["ln -s / root"])
    assert api(reana, "POST", f"/workflows/{workflow_id}/start", json={}).status_code == 200
    assert wait_api(reana, workflow_id)["status"] == "finished"
    upload = api(
        reana,
        "POST",
        f"/workflows/{workflow_id}/workspace",
        params={"file_name": "../escape.txt"},
        content=b"x",
        headers={"Content-Type": "application/octet-stream"},
    )
    assert upload.status_code == 400
    through_link = api(reana, "GET", f"/workflows/{workflow_id}/workspace/root/etc/hostname")
    assert through_link.status_code == 400
    assert api(reana, "GET", f"/workflows/{workflow_id}/workspace").json()["items"] == []


def test_secrets_are_added_listed_and_deleted(reana: dict[str, Any]) -> None:
    name = f"VRE_TEST_{uuid.uuid4().hex[:6].upper()}"
    added = api(reana, "POST", "/secrets/", json={name: {"name": name, "value": "c2VjcmV0", "type": "env"}})
    assert added.status_code == 201, added.text
    assert {"name": name, "type": "env"} in api(reana, "GET", "/secrets").json()
    workflow_id = create(reana, [f"printenv {name} > seen.txt"])  # env secrets reach the jobs
    assert api(reana, "POST", f"/workflows/{workflow_id}/start", json={}).status_code == 200
    assert wait_api(reana, workflow_id)["status"] == "finished"
    assert api(reana, "GET", f"/workflows/{workflow_id}/workspace/seen.txt").text == "secret\n"
    again = api(reana, "POST", "/secrets/", json={name: {"name": name, "value": "c2VjcmV0", "type": "env"}})
    assert again.status_code == 409
    assert api(reana, "DELETE", "/secrets/", json=[name]).json() == [name]
    assert name not in [s["name"] for s in api(reana, "GET", "/secrets").json()]


def _api(reana: dict[str, Any], method: str, path: str, **kwargs: Any) -> Any:
    answer = httpx.request(
        method,
        f"{reana['api_url']}{path}",
        params={"access_token": reana["token"], **kwargs.pop("params", {})},
        timeout=30,
        **kwargs,
    )
    assert answer.is_success, answer.text
    return answer.json()


def _run_rucio_step(reana: dict[str, Any], secrets: dict[str, str]) -> str:
    """A serial step with `rucio: true` that prints the rucio.cfg it got; its log."""
    import base64

    names = ["VONAME", "RUCIO_USERNAME", "RUCIO_RUCIO_HOST", "RUCIO_AUTH_HOST", "RUCIO_CFG_AUTH_TYPE"]
    present = {s["name"] for s in _api(reana, "GET", "/secrets")}
    if gone := [n for n in names if n in present]:
        _api(reana, "DELETE", "/secrets/", json=gone)
    if secrets:
        body = {
            k: {"name": k, "value": base64.b64encode(v.encode()).decode(), "type": "env"}
            for k, v in secrets.items()
        }
        httpx.post(
            f"{reana['api_url']}/secrets/",
            params={"access_token": reana["token"], "overwrite": "true"},
            json=body,
        ).raise_for_status()
    spec = {
        "workflow": {
            "type": "serial",
            "specification": {
                "steps": [
                    {
                        "name": "fetch",
                        "environment": "x",
                        "rucio": True,
                        "commands": ['cat "$$RUCIO_CONFIG" || true'],
                    }
                ]
            },
        }
    }
    name = f"rucio-{uuid.uuid4().hex[:6]}"
    created = _api(reana, "POST", "/workflows", params={"workflow_name": name}, json=spec)
    _api(reana, "POST", f"/workflows/{created['workflow_id']}/start", json={})
    deadline = time.monotonic() + 30
    while _api(reana, "GET", f"/workflows/{created['workflow_id']}/status")["status"] not in DONE:
        assert time.monotonic() < deadline
        time.sleep(0.3)
    logs = json.loads(_api(reana, "GET", f"/workflows/{created['workflow_id']}/logs")["logs"])
    [job] = logs["job_logs"].values()
    return job["logs"]


def test_rucio_steps_get_the_rucio_cfg_reana_writes_from_the_users_secrets(reana):
    log = _run_rucio_step(
        reana,
        {
            "VONAME": "escape",
            "RUCIO_USERNAME": "jdoe",
            "RUCIO_RUCIO_HOST": "http://rucio.example",
            "RUCIO_CFG_AUTH_TYPE": "oidc",
        },
    )
    assert "rucio_host = http://rucio.example" in log
    assert "auth_host = https://escape-rucio-auth.cern.ch" in log  # REANA's guess from VONAME
    assert "auth_type = oidc" in log and "account = jdoe" in log
    assert "client_x509_proxy = /vomsproxy_cache/x509up_proxy" in log and "[policy]" in log


def test_rucio_steps_without_voname_get_reanas_error_and_no_config(reana):
    log = _run_rucio_step(reana, {"RUCIO_USERNAME": "jdoe"})
    assert "[ERROR] Environment variable VONAME is not set in user secrets." in log
    assert "rucio_host" not in log
