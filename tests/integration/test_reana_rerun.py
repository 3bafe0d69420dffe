"""A run's specification and "Run again with…", against the dev stack's REANA stand-in."""

from __future__ import annotations

import pytest
import test_reana_api as base
from test_reana_api import call, error, sign_in, unique, wait_status, wait_task

# The fixtures of test_reana_api, used here under the same names.
jp_server_config, reana, workflow_folder = base.jp_server_config, base.reana, base.workflow_folder

pytestmark = pytest.mark.integration


async def test_a_finished_run_runs_again_with_changed_parameters_and_its_inputs(
    jp_fetch, reana, workflow_folder, jp_root_dir
):
    await sign_in(jp_fetch, reana)
    name = unique("again")
    body = {"path": workflow_folder, "name": name, "parameters": {"greeting": "Bonjour"}}
    first = await wait_task(jp_fetch, (await call(jp_fetch, "run", method="POST", body=body))["id"])
    assert first["state"] == "succeeded", first["error"]
    old = first["result"]["workflow_id"]
    await wait_status(jp_fetch, old, ("finished",))

    spec = await call(jp_fetch, "workflows", old, "specification")
    assert spec["workflow_type"] == "serial"
    assert spec["input_files"] == ["code/helloworld.py", "data/names.txt"]
    assert spec["output_files"] == ["results/greetings.txt", "results/count.txt"]
    assert spec["parameters"]["greeting"] == "Bonjour"  # what this run used, not the default
    assert spec["parameters"]["sleeptime"] == 0

    code, refused = await error(
        jp_fetch, "workflows", old, "rerun", method="POST", body={"parameters": {"nope": "1"}}
    )
    assert (code, refused["error"]) == (400, "unknown_parameter")

    started = await call(
        jp_fetch, "workflows", old, "rerun", method="POST", body={"parameters": {"greeting": "Hola"}}
    )
    assert started["kind"] == "reana.run"
    task = await wait_task(jp_fetch, started["id"])
    assert task["state"] == "succeeded", task["error"]
    inputs = sum((jp_root_dir / workflow_folder / f).stat().st_size for f in spec["input_files"])
    assert task["progress"] == {"done": inputs, "total": inputs, "unit": "bytes"}
    assert task["result"]["workflow_name"] == f"{name}.2" and task["result"]["files"] == 2
    new = task["result"]["workflow_id"]
    await wait_status(jp_fetch, new, ("finished",))
    again = await call(jp_fetch, "workflows", new, "specification")
    assert again["parameters"]["greeting"] == "Hola"
    files = {f["name"] for f in (await call(jp_fetch, "workflows", new, "files"))["items"]}
    assert {"code/helloworld.py", "data/names.txt", "results/greetings.txt"} <= files
    fetched = await call(jp_fetch, "workflows", new, "download", method="POST", body={"target": "again"})
    assert (await wait_task(jp_fetch, fetched["id"]))["state"] == "succeeded"
    assert (jp_root_dir / "again" / "results" / "greetings.txt").read_text().startswith("Hola Jane Doe!\n")
