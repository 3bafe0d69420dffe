"""`/vre/api/reana/...` against the dev stack's REANA stand-in, with the real reana-client as a witness."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
import pytest
from reana_contract import record_reana_traffic  # noqa: F401 (a fixture)
from tornado.httpclient import HTTPClientError

from reana_ext.client import ReanaAPI
from vre_common.errors import BackendError

# Every request to REANA and every answer is checked against reana_server.json.
pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("record_reana_traffic")]

SAMPLE = Path(__file__).resolve().parents[2] / "devstack" / "reana" / "samples" / "helloworld"
ENDED = ("finished", "failed", "stopped", "deleted")
GREETINGS = "Bonjour Jane Doe!\nBonjour Alex Smith!\nBonjour ESCAPE!\n"


@pytest.fixture(scope="module")
def reana(devstack_up: Any) -> dict[str, Any]:
    return devstack_up("reana")["reana"]


@pytest.fixture
def jp_server_config(jp_server_config, reana, tmp_path):
    return {
        **jp_server_config,
        "VRECommon": {"credentials_path": str(tmp_path / "credentials.json")},
        "ReanaExtension": {"server_url": reana["url"], "call_timeout_seconds": 10},
        # A Rucio instance only so that the server holds a credential to make a REANA secret of.
        "RucioExtension": {
            "instances": [
                {
                    "name": "cms",
                    "rucio_base_url": "http://127.0.0.1:9",
                    "auth_type": "userpass",
                    "mode": "download",
                }
            ]
        },
    }


async def sign_in(jp_fetch, reana) -> None:
    """The user enters their REANA token in the panel (it stays on the server)."""
    body = json.dumps({"fields": {"token": reana["token"]}})
    await jp_fetch("vre", "api", "credentials", "reana", "default", method="PUT", body=body)


@pytest.fixture
def workflow_folder(jp_root_dir: Path) -> str:
    shutil.copytree(SAMPLE, jp_root_dir / "analysis" / "hello")
    return "analysis/hello"


async def call(jp_fetch, *path: str, method: str = "GET", body: Any = None, **params: Any) -> Any:
    payload = None if body is None else json.dumps(body)
    response = await jp_fetch("vre", "api", "reana", *path, method=method, body=payload, params=params)
    return json.loads(response.body)


async def error(
    jp_fetch, *path: str, method: str = "GET", body: Any = None, **params: Any
) -> tuple[int, dict]:
    with pytest.raises(HTTPClientError) as err:
        await call(jp_fetch, *path, method=method, body=body, **params)
    return err.value.code, json.loads(err.value.response.body)


async def wait_task(jp_fetch, task_id: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        task = json.loads((await jp_fetch("vre", "api", "tasks", task_id)).body)
        if task["state"] not in ("queued", "running"):
            return task
        assert time.monotonic() < deadline, f"task still {task['state']} after {timeout:.0f} s"
        await asyncio.sleep(0.2)


async def wait_status(
    jp_fetch, workflow: str, wanted: tuple[str, ...], timeout: float = 60
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        status = await call(jp_fetch, "workflows", workflow)
        if status["status"] in wanted:
            return status
        assert status["status"] not in ENDED, f"workflow ended {status['status']}, wanted {wanted}"
        assert time.monotonic() < deadline, f"workflow still {status['status']} after {timeout:.0f} s"
        await asyncio.sleep(0.3)


def reana_client(reana: dict[str, Any], *args: str, cwd: Path) -> str:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd), "PYTHONWARNINGS": "ignore"}
    env.update(REANA_SERVER_URL=reana["url"], REANA_ACCESS_TOKEN=reana["token"])
    done = subprocess.run(
        [reana["client"], *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"reana-client {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


async def test_ping_says_who_the_user_is(jp_fetch, reana):
    await sign_in(jp_fetch, reana)
    you = await call(jp_fetch, "ping")
    assert you["email"] == reana["user"]
    assert you["server_version"].startswith("0.9")
    assert reana["token"] not in json.dumps(you)


async def test_without_a_token_or_with_a_wrong_one_it_is_a_401(jp_fetch):
    code, body = await error(jp_fetch, "ping")
    assert (code, body["error"]) == (401, "no_credentials")
    wrong = json.dumps({"fields": {"token": "not-the-token"}})
    await jp_fetch("vre", "api", "credentials", "reana", "default", method="PUT", body=wrong)
    code, body = await error(jp_fetch, "workflows")
    assert (code, body["error"]) == (401, "reana_auth_failed")
    assert "not-the-token" not in json.dumps(body)


async def test_a_serial_workflow_runs_end_to_end_and_its_outputs_land_in_the_workspace(
    jp_fetch, workflow_folder, jp_root_dir, reana, tmp_path
):
    await sign_in(jp_fetch, reana)
    report = await call(jp_fetch, "validate", method="POST", body={"path": workflow_folder})
    assert report["valid"] and report["workflow_type"] == "serial"
    assert report["parameters"]["greeting"] == "Hello"

    name = unique("hello")
    body = {"path": workflow_folder, "name": name, "parameters": {"greeting": "Bonjour"}}
    started = await call(jp_fetch, "run", method="POST", body=body)
    assert started["kind"] == "reana.run" and started["progress"]["unit"] == "bytes"
    task = await wait_task(jp_fetch, started["id"])
    assert task["state"] == "succeeded", task["error"]
    # the inputs and, as reana-client's create does, the reana.yaml itself
    sent = [*report["input_files"], "reana.yaml"]
    sizes = sum((jp_root_dir / workflow_folder / f).stat().st_size for f in sent)
    assert task["progress"] == {"done": sizes, "total": sizes, "unit": "bytes"}
    workflow = task["result"]["workflow_id"]
    assert task["result"]["workflow_name"] == f"{name}.1"

    status = await wait_status(jp_fetch, workflow, ("finished",))
    assert status["jobs"] == {"total": 2, "finished": 2, "failed": 0, "running": 0}

    logs = await call(jp_fetch, "workflows", workflow, "logs")
    steps = {s["step"]: s for s in logs["steps"]}
    assert set(steps) == {"greet", "count"}
    assert "greeted Jane Doe" in steps["greet"]["logs"] and steps["greet"]["status"] == "finished"
    only_count = await call(jp_fetch, "workflows", workflow, "logs", step="count")
    assert [s["step"] for s in only_count["steps"]] == ["count"]

    files = await call(jp_fetch, "workflows", workflow, "files")
    names = {f["name"]: f["size_bytes"] for f in files["items"]}
    assert names["results/greetings.txt"] == len(GREETINGS)
    assert "code/helloworld.py" in names

    fetched = await call(jp_fetch, "workflows", workflow, "download", method="POST", body={"target": "out"})
    task = await wait_task(jp_fetch, fetched["id"])
    assert task["state"] == "succeeded", task["error"]
    assert task["result"]["files"] == ["out/results/greetings.txt", "out/results/count.txt"]
    assert (jp_root_dir / "out" / "results" / "greetings.txt").read_text() == GREETINGS
    assert (jp_root_dir / "out" / "results" / "count.txt").read_text().strip() == "3"
    assert task["progress"]["done"] == task["progress"]["total"] == len(GREETINGS) + 2
    assert not list((jp_root_dir / "out").rglob("*.part"))

    # The real reana-client sees the same workflow, finished, with the same output.
    [row] = json.loads(reana_client(reana, "status", "-w", workflow, "--json", cwd=tmp_path))
    assert (row["name"], row["run_number"], row["status"]) == (name, "1", "finished")
    reana_client(reana, "download", "-w", workflow, "results/greetings.txt", "-o", "mine", cwd=tmp_path)
    assert (tmp_path / "mine" / "greetings.txt").read_text() == GREETINGS

    again = await error(jp_fetch, "workflows", workflow, "download", method="POST", body={"target": "out"})
    assert again[0] == 409 and again[1]["error"] == "target_exists"


async def test_a_workflow_made_by_reana_client_is_listed_and_readable(jp_fetch, reana, tmp_path):
    await sign_in(jp_fetch, reana)
    sample = Path(shutil.copytree(SAMPLE, tmp_path / "hello"))
    name = unique("byclient")
    reana_client(reana, "create", "-w", name, "-f", "reana.yaml", cwd=sample)
    reana_client(reana, "upload", "-w", name, cwd=sample)
    reana_client(reana, "start", "-w", name, cwd=sample)
    page = await call(jp_fetch, "workflows", search=name)
    assert [w["name"] for w in page["items"]] == [f"{name}.1"]
    finished = await wait_status(jp_fetch, page["items"][0]["id"], ("finished",))
    assert finished["name"] == f"{name}.1"


async def test_create_upload_start_with_overrides_stop_and_delete(jp_fetch, reana, workflow_folder):
    await sign_in(jp_fetch, reana)
    name = unique("steps")
    created = await call(jp_fetch, "workflows", method="POST", body={"path": workflow_folder, "name": name})
    assert created["status"] == "created" and created["name"] == f"{name}.1"
    workflow = created["id"]

    upload = await call(
        jp_fetch, "workflows", workflow, "upload", method="POST", body={"path": workflow_folder}
    )
    task = await wait_task(jp_fetch, upload["id"])
    assert task["state"] == "succeeded" and task["result"]["files"] == 2

    code, body = await error(
        jp_fetch, "workflows", workflow, "start", method="POST", body={"parameters": {"nope": "1"}}
    )
    assert (code, body["error"]) == (400, "unknown_parameter") and "greeting" in body["message"]

    started = await call(
        jp_fetch, "workflows", workflow, "start", method="POST", body={"parameters": {"sleeptime": 30}}
    )
    assert started["status"] in ("queued", "running")
    running = await wait_status(jp_fetch, workflow, ("running",))
    assert running["current_step"] == "greet"
    code, body = await error(jp_fetch, "workflows", workflow, method="DELETE")
    assert code == 403 and "running" in body["message"]

    stopped = await call(jp_fetch, "workflows", workflow, "stop", method="POST", body={})
    assert stopped["status"] in ("running", "stopped")
    await wait_status(jp_fetch, workflow, ("stopped",), timeout=20)

    deleted = await call(jp_fetch, "workflows", workflow, method="DELETE")
    assert deleted["status"] == "deleted"
    assert (await call(jp_fetch, "workflows", search=name))["items"] == []


async def test_the_list_filters_sorts_and_pages(jp_fetch, reana, workflow_folder):
    await sign_in(jp_fetch, reana)
    prefix = unique("list")
    for number in range(3):
        await call(
            jp_fetch, "workflows", method="POST", body={"path": workflow_folder, "name": f"{prefix}-{number}"}
        )
    first = await call(jp_fetch, "workflows", search=prefix, size=2, sort="asc")
    assert first["total"] == 3 and first["has_next"]
    assert [w["name"] for w in first["items"]] == [f"{prefix}-0.1", f"{prefix}-1.1"]
    second = await call(jp_fetch, "workflows", search=prefix, size=2, page=2, sort="asc")
    assert [w["name"] for w in second["items"]] == [f"{prefix}-2.1"] and not second["has_next"]
    newest = await call(jp_fetch, "workflows", search=prefix, sort="desc")
    assert newest["items"][0]["name"] == f"{prefix}-2.1"
    assert (await call(jp_fetch, "workflows", search=prefix, status="finished"))["items"] == []
    assert len((await call(jp_fetch, "workflows", search=prefix, status="created"))["items"]) == 3


@pytest.mark.parametrize(
    ("path", "method", "body", "params", "status", "code"),
    [
        (("workflows",), "GET", None, {"status": "sleeping"}, 400, "invalid_status"),
        (("workflows",), "GET", None, {"sort": "sideways"}, 400, "invalid_sort"),
        (("workflows",), "GET", None, {"size": "lots"}, 400, "invalid_size"),
        (("workflows",), "GET", None, {"size": "1000"}, 400, "invalid_page"),
        (("workflows",), "POST", {"path": "analysis/hello", "name": "has.dot"}, {}, 400, "invalid_body"),
        (("workflows",), "POST", {"path": "../etc", "name": "x"}, {}, 400, "invalid_path"),
        (("workflows",), "POST", {"path": "nowhere", "name": "x"}, {}, 404, "path_not_found"),
        (("validate",), "POST", {"path": "/etc/passwd"}, {}, 400, "invalid_path"),
        (("workflows", "no-such-workflow"), "GET", None, {}, 404, "reana_not_found"),
        (("workflows", "no-such-workflow", "download"), "POST", {"target": "../x"}, {}, 400, "invalid_path"),
        (
            ("secrets",),
            "POST",
            {"name": "X", "source": {"kind": "credential"}},
            {},
            403,
            "secret_not_allowed",
        ),
        # Only the user's own credentials on the allow-list, and IAM tokens only when exchanged.
        (
            ("secrets",),
            "POST",
            {
                "name": "X",
                "source": {"kind": "credential", "service": "reana", "instance": "default", "field": "token"},
            },
            {},
            403,
            "secret_not_allowed",
        ),
        (("secrets",), "POST", {"name": "X", "source": {"kind": "iam"}}, {}, 403, "secret_not_allowed"),
        (
            ("secrets",),
            "POST",
            {
                "name": "X",
                "source": {
                    "kind": "credential",
                    "service": "zenodo",
                    "instance": "sandbox",
                    "field": "token",
                },
            },
            {},
            400,
            "invalid_secret_source",
        ),
        (("secrets",), "POST", {"name": "1X", "source": {"kind": "iam"}}, {}, 400, "invalid_body"),
    ],
)
async def test_bad_requests_are_clear_400s_and_404s(
    jp_fetch, reana, workflow_folder, path, method, body, params, status, code
):
    await sign_in(jp_fetch, reana)
    got, answer = await error(jp_fetch, *path, method=method, body=body, **params)
    assert (got, answer["error"]) == (status, code), answer
    assert answer["message"]


async def test_an_invalid_reana_yaml_is_refused_with_its_line(jp_fetch, reana, jp_root_dir):
    await sign_in(jp_fetch, reana)
    folder = jp_root_dir / "broken"
    folder.mkdir()
    (folder / "reana.yaml").write_text(
        "inputs:\n  parameters: {}\nworkflow:\n  type: serial\n  specification:\n    steps: []\n"
    )
    report = await call(jp_fetch, "validate", method="POST", body={"path": "broken/reana.yaml"})
    assert not report["valid"]
    assert (
        report["messages"][0]["line"] == 6 and report["messages"][0]["key"] == "workflow.specification.steps"
    )
    code, body = await error(jp_fetch, "run", method="POST", body={"path": "broken", "name": "b"})
    assert (code, body["error"]) == (400, "invalid_reana_yaml") and "line 6" in body["message"]


async def test_a_serial_parameter_named_input_is_a_parameter_not_a_file(jp_fetch, reana, jp_root_dir):
    # Only CWL and Snakemake read their parameters from the file `inputs.parameters.input` names.
    folder = jp_root_dir / "serial-input"
    folder.mkdir()
    (folder / "reana.yaml").write_text(
        "inputs:\n  parameters:\n    input: /eos/data/run1.root\nworkflow:\n  type: serial\n"
        "  specification:\n    steps:\n      - environment: 'python:3.11'\n        commands: ['ls ${input}']\n"
    )
    report = await call(jp_fetch, "validate", method="POST", body={"path": "serial-input/reana.yaml"})
    assert report["valid"], report["messages"]
    assert report["parameters"] == {"input": "/eos/data/run1.root"}


async def test_the_editors_unsaved_text_is_validated_in_the_files_folder(
    jp_fetch, reana, workflow_folder, jp_root_dir
):
    # The editor sends what the user has typed; the saved file is valid, the text is not. Files the
    # text names are looked for next to the saved reana.yaml.
    path = f"{workflow_folder}/reana.yaml"
    saved = await call(jp_fetch, "validate", method="POST", body={"path": path})
    assert saved["valid"]
    text = "inputs:\n  files: [code/helloworld.py, nowhere.txt]\nworkflow:\n  type: serail\n  specification: {}\n"
    typed = await call(jp_fetch, "validate", method="POST", body={"path": path, "text": text})
    assert not typed["valid"]
    found = {(m["severity"], m["key"], m["line"]) for m in typed["messages"]}
    assert ("error", "workflow.type", 4) in found
    assert ("warning", "inputs.files[1]", 2) in found  # the unsaved list, checked against the folder
    assert not any(m["key"] == "inputs.files[0]" for m in typed["messages"])
    # A file outside the workflow's folder is never looked at: the same warning whether it exists
    # (../../exists.txt is in the server's root, next to the folder `analysis`) or not.
    (jp_root_dir / "exists.txt").write_text("x")

    async def about_first_input(name: str) -> list[str]:
        text = f"inputs:\n  files: [../../{name}]\nworkflow: {{type: serial, specification: {{steps: []}}}}\n"
        report = await call(jp_fetch, "validate", method="POST", body={"path": path, "text": text})
        return [
            m["message"].replace(name, "NAME") for m in report["messages"] if m["key"] == "inputs.files[0]"
        ]

    assert await about_first_input("exists.txt") == await about_first_input("missing.txt") != []
    code, body = await error(
        jp_fetch, "validate", method="POST", body={"path": path, "text": "x" * ((1 << 20) + 1)}
    )
    assert code == 400 and body["error"]


async def test_a_secret_is_made_from_a_server_held_credential(jp_fetch, reana, jp_root_dir, workflow_folder):
    await sign_in(jp_fetch, reana)
    value = f"pw-{uuid.uuid4().hex}"
    body = json.dumps({"fields": {"username": "jdoe", "password": value}})
    await jp_fetch("vre", "api", "credentials", "rucio", "cms", method="PUT", body=body)
    name = f"VRE_TEST_{uuid.uuid4().hex[:6].upper()}"
    source = {"kind": "credential", "service": "rucio", "instance": "cms", "field": "password"}
    added = await call(jp_fetch, "secrets", method="POST", body={"name": name, "source": source})
    assert {"name": name, "type": "env"} in added["secrets"]
    assert value not in json.dumps(added)
    code, answer = await error(jp_fetch, "secrets", method="POST", body={"name": name, "source": source})
    assert (code, answer["error"]) == (409, "reana_conflict")

    # The job sees the value as an environment variable.
    (jp_root_dir / "secret").mkdir()
    (jp_root_dir / "secret" / "reana.yaml").write_text(
        "inputs:\n  parameters: {}\nworkflow:\n  type: serial\n  specification:\n"
        f"    steps:\n      - environment: bash\n        commands: ['printenv {name} > seen.txt']\noutputs:\n  files: [seen.txt]\n"
    )
    task = await wait_task(
        jp_fetch,
        (await call(jp_fetch, "run", method="POST", body={"path": "secret", "name": unique("s")}))["id"],
    )
    await wait_status(jp_fetch, task["result"]["workflow_id"], ("finished",))
    fetched = await call(
        jp_fetch,
        "workflows",
        task["result"]["workflow_id"],
        "download",
        method="POST",
        body={"target": "secret/out"},
    )
    assert (await wait_task(jp_fetch, fetched["id"]))["state"] == "succeeded"
    assert (jp_root_dir / "secret" / "out" / "seen.txt").read_text() == value + "\n"

    remaining = await call(jp_fetch, "secrets", name, method="DELETE")
    assert name not in [s["name"] for s in remaining["secrets"]]


async def test_reana_down_is_a_502_naming_reana():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    api = ReanaAPI(f"http://127.0.0.1:{port}", lambda: "secret-token", 5, 5)
    with pytest.raises(BackendError) as err:
        await api.call("GET", "/you")
    await api.close()
    assert err.value.status == 502 and err.value.backend == "REANA"
    assert "secret-token" not in err.value.message


@pytest.fixture
def with_iam(jp_server_config, iam_tokens_config):
    """The same server, with the user logged in to the dev stack's IAM as a hub does, and token
    exchange for Rucio's audience (only an exchanged token may become a secret)."""
    jp_server_config["IAMTokens"] = iam_tokens_config
    return jp_server_config


async def test_the_iam_token_becomes_a_secret_for_rucio_steps(with_iam, jp_fetch, reana, jp_root_dir):
    await sign_in(jp_fetch, reana)
    name = f"VRE_IAM_{uuid.uuid4().hex[:6].upper()}"
    added = await call(
        jp_fetch,
        "secrets",
        method="POST",
        body={"name": name, "source": {"kind": "iam", "audience": "rucio"}},
    )
    assert {"name": name, "type": "env"} in added["secrets"]
    (jp_root_dir / "iam").mkdir()
    (jp_root_dir / "iam" / "reana.yaml").write_text(
        "inputs:\n  parameters: {}\nworkflow:\n  type: serial\n  specification:\n"
        f"    steps:\n      - environment: bash\n        rucio: true\n        commands: ['printenv {name} > token.txt']\n"
        "outputs:\n  files: [token.txt]\n"
    )
    task = await wait_task(
        jp_fetch,
        (await call(jp_fetch, "run", method="POST", body={"path": "iam", "name": unique("iam")}))["id"],
    )
    await wait_status(jp_fetch, task["result"]["workflow_id"], ("finished",))
    fetched = await call(
        jp_fetch,
        "workflows",
        task["result"]["workflow_id"],
        "download",
        method="POST",
        body={"target": "iam/out"},
    )
    assert (await wait_task(jp_fetch, fetched["id"]))["state"] == "succeeded"
    token = (jp_root_dir / "iam" / "out" / "token.txt").read_text().strip()
    assert jwt.decode(token, options={"verify_signature": False})["preferred_username"] == "jdoe"
    await call(jp_fetch, "secrets", name, method="DELETE")


async def test_rucio_setup_without_the_admins_rucio_settings_says_what_to_configure(jp_fetch, reana):
    await sign_in(jp_fetch, reana)
    code, body = await error(jp_fetch, "rucio-setup", method="POST", body={"account": "jdoe"})
    assert (code, body["error"]) == (400, "rucio_not_configured")
    assert "c.ReanaExtension.rucio_secrets" in body["message"]
    code, body = await error(jp_fetch, "rucio-setup", method="POST", body={"account": "../x"})
    assert code == 400
