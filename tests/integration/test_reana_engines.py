"""Every REANA engine through `/vre/api/reana/...` against the dev stack's stand-in.

CWL runs in the real `cwltool`, Snakemake in the real `snakemake` (the stand-in's engines
venv); Yadage is validated, loaded and created, and the stand-in says it does not run it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from reana_contract import record_reana_traffic  # noqa: F401 (a fixture)
from test_reana_api import call, error, sign_in, unique, wait_status, wait_task

# Every request to REANA and every answer is checked against reana_server.json.
pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("record_reana_traffic")]

SAMPLES = Path(__file__).resolve().parents[2] / "devstack" / "reana" / "samples"
GREETINGS = "Hello Jane Doe!\nHello Alex Smith!\nHello ESCAPE!\n"


@pytest.fixture(scope="module")
def reana(devstack_up: Any) -> dict[str, Any]:
    return devstack_up("reana")["reana"]


@pytest.fixture
def jp_server_config(jp_server_config, reana, tmp_path):
    return {
        **jp_server_config,
        "VRECommon": {"credentials_path": str(tmp_path / "credentials.json")},
        "ReanaExtension": {"server_url": reana["url"], "call_timeout_seconds": 10},
    }


def sample(root: Path, engine: str) -> str:
    shutil.copytree(SAMPLES / engine, root / "analysis" / engine)
    return f"analysis/{engine}"


async def run_to_the_end(jp_fetch, folder: str, parameters: dict[str, Any] | None = None) -> str:
    task = await call(
        jp_fetch,
        "run",
        method="POST",
        body={"path": folder, "name": unique("engine"), "parameters": parameters or {}},
    )
    task = await wait_task(jp_fetch, task["id"], timeout=120)
    assert task["state"] == "succeeded", task
    workflow = task["result"]["workflow_id"]
    status = await wait_status(jp_fetch, workflow, ("finished", "failed"), timeout=240)
    if status["status"] != "finished":
        logs = await call(jp_fetch, "workflows", workflow, "logs")
        pytest.fail(f"workflow {status['status']}:\n{logs['workflow_logs'][-3000:]}")
    return workflow


async def download(jp_fetch, root: Path, workflow: str, target: str) -> list[str]:
    task = await call(jp_fetch, "workflows", workflow, "download", method="POST", body={"target": target})
    task = await wait_task(jp_fetch, task["id"])
    assert task["state"] == "succeeded", task
    return task["result"]["files"]


async def test_cwl_sample_runs_in_cwltool_step_by_step_and_its_outputs_download(jp_fetch, reana, jp_root_dir):
    await sign_in(jp_fetch, reana)
    folder = sample(jp_root_dir, "cwl")
    report = await call(jp_fetch, "validate", method="POST", body={"path": folder})
    assert report["valid"] and report["workflow_type"] == "cwl"
    # the parameters come from inputs.parameters.input, as reana-client loads them
    assert report["parameters"]["greeting"] == "Hello" and "input" not in report["parameters"]
    assert report["operational_options"] == ["TARGET"]

    workflow = await run_to_the_end(jp_fetch, folder, {"greeting": "Hej", "sleeptime": "0.1"})

    graph = await call(jp_fetch, "workflows", workflow, "graph")
    steps = {s["name"]: s for s in graph["steps"]}
    assert set(steps) == {"greet", "count"}  # REANA keeps the specification as JSON, in no order
    assert steps["count"]["depends_on"] == ["greet"] and steps["greet"]["depends_on"] == []
    assert steps["greet"]["outputs"] == ["greetings"]
    assert all(s["status"] == "finished" and s["job_ids"] for s in graph["steps"])
    logs = await call(jp_fetch, "workflows", workflow, "logs")
    assert "cwltool" in logs["workflow_logs"] and "[step count] completed success" in logs["workflow_logs"]

    files = await download(jp_fetch, jp_root_dir, workflow, "results/cwl")
    assert sorted(files) == ["results/cwl/outputs/count.txt", "results/cwl/outputs/greetings.txt"]
    assert (jp_root_dir / "results/cwl/outputs/greetings.txt").read_text() == GREETINGS.replace(
        "Hello", "Hej"
    )
    assert (jp_root_dir / "results/cwl/outputs/count.txt").read_text().split()[0] == "3"


async def test_snakemake_sample_runs_in_snakemake_rule_by_rule_and_its_outputs_download(
    jp_fetch, reana, jp_root_dir
):
    await sign_in(jp_fetch, reana)
    folder = sample(jp_root_dir, "snakemake")
    report = await call(jp_fetch, "validate", method="POST", body={"path": folder})
    assert report["valid"] and report["workflow_type"] == "snakemake"
    assert report["parameters"]["inputfile"] == "data/names.txt"
    assert report["operational_options"] == ["report"]

    workflow = await run_to_the_end(jp_fetch, folder)

    graph = await call(jp_fetch, "workflows", workflow, "graph")
    steps = {s["name"]: s for s in graph["steps"]}
    assert set(steps) == {"all", "greet", "count"}
    assert steps["count"]["depends_on"] == ["greet"] and steps["all"]["depends_on"] == ["count"]
    assert steps["greet"]["inputs"] == ["code/helloworld.py", "data/names.txt"]
    assert steps["greet"]["environment"] == "docker.io/library/python:3.11-slim"
    assert {s["name"]: s["status"] for s in graph["steps"]} == {
        "all": "finished",
        "greet": "finished",
        "count": "finished",
    }
    logs = await call(jp_fetch, "workflows", workflow, "logs")
    greet_log = next(s for s in logs["steps"] if s["step"] == "greet")
    assert "python3 code/helloworld.py" in greet_log["logs"]

    files = await download(jp_fetch, jp_root_dir, workflow, "results/snakemake")
    assert (jp_root_dir / "results/snakemake/results/greetings.txt").read_text() == GREETINGS
    assert sorted(files) == ["results/snakemake/results/count.txt", "results/snakemake/results/greetings.txt"]


async def test_yadage_sample_is_created_with_its_files_and_the_stand_in_says_it_does_not_run_it(
    jp_fetch, reana, jp_root_dir
):
    await sign_in(jp_fetch, reana)
    folder = sample(jp_root_dir, "yadage")
    report = await call(jp_fetch, "validate", method="POST", body={"path": folder})
    assert report["valid"] and report["workflow_type"] == "yadage"
    name = unique("yadage")
    task = await call(jp_fetch, "run", method="POST", body={"path": folder, "name": name})
    task = await wait_task(jp_fetch, task["id"])
    assert task["state"] == "failed"
    assert "does not execute them" in task["error"]["message"], task
    [created] = (await call(jp_fetch, "workflows", search=name))["items"]
    assert created["status"] == "created"
    files = await call(jp_fetch, "workflows", created["id"], "files")
    assert {f["name"] for f in files["items"]} >= {
        "workflow/workflow.yaml",
        "workflow/steps.yaml",
        "data/names.txt",
    }
    graph = await call(jp_fetch, "workflows", created["id"], "graph", path=folder)
    assert [(s["name"], s["depends_on"], s["status"]) for s in graph["steps"]] == [
        ("greet", [], "created"),
        ("count", ["greet"], "created"),
    ]


async def test_operational_options_are_checked_per_engine(jp_fetch, reana, jp_root_dir):
    await sign_in(jp_fetch, reana)
    folder = sample(jp_root_dir, "snakemake")
    code, body = await error(
        jp_fetch,
        "run",
        method="POST",
        body={"path": folder, "name": unique("opt"), "operational_options": {"TARGET": "greet"}},
    )
    assert code == 400 and body["error"] == "invalid_operational_option"
    assert "they take report" in body["message"]


def oracle(reana: dict[str, Any], *args: str, cwd: Path) -> str:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd), "PYTHONWARNINGS": "ignore"}
    env.update(REANA_SERVER_URL=reana["url"], REANA_ACCESS_TOKEN=reana["token"])
    done = subprocess.run(
        [reana["client"], *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, f"reana-client {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


async def test_inputs_honour_reanaignore_and_gitignore_as_reana_client_does(jp_fetch, reana, jp_root_dir):
    await sign_in(jp_fetch, reana)
    folder = jp_root_dir / "analysis" / "ignoring"
    for name in (
        "data/a.csv",
        "data/b.tmp",
        "data/scratch/c.csv",
        "data/keep/d.log",
        "code/run.sh",
        "code/x.tmp",
    ):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(name)
    (folder / ".reanaignore").write_text("*.tmp\n")
    (folder / ".gitignore").write_text("scratch/\n*.log\n!keep/d.log\n")
    (folder / "reana.yaml").write_text(
        "inputs:\n  files: [code/x.tmp]\n  directories: [data, code]\n"
        "workflow:\n  type: serial\n  specification:\n    steps:\n"
        "      - environment: x\n        commands: [ls]\n"
    )
    name = unique("ignore")
    task = await call(jp_fetch, "run", method="POST", body={"path": "analysis/ignoring", "name": name})
    task = await wait_task(jp_fetch, task["id"])
    assert task["state"] == "succeeded", task
    ours = {
        f["name"]
        for f in (await call(jp_fetch, "workflows", task["result"]["workflow_id"], "files"))["items"]
    }

    oracle(reana, "create", "-w", f"{name}-client", cwd=folder)
    oracle(reana, "upload", "-w", f"{name}-client", cwd=folder)
    listed = json.loads(oracle(reana, "ls", "-w", f"{name}-client", "--json", cwd=folder))
    theirs = {item["name"] for item in listed}
    # an explicit input file is sent even if ignored; the rest as the patterns say; the reana.yaml too
    assert ours == theirs == {"code/run.sh", "code/x.tmp", "data/a.csv", "reana.yaml"}, (ours, theirs)
