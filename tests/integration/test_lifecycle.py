"""The lifecycle on the dev stack: Rucio inputs -> REANA (stand-in) run -> Zenodo (stand-in) record,
with an RO-Crate read back by the `rocrate` library. Both modes: inputs read on the mounted RSE, and
inputs fetched by the workflow itself (`rucio: true`, the user's IAM token as a REANA secret)."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from devstack_jupyter_config import on_mounted_rse
from rocrate.rocrate import ROCrate
from tornado.httpclient import HTTPClientError
from vre_api import call as vre_call
from vre_api import resolve, wait_for_task

from vre_common import __version__

NUMBERS = {"a.txt": b"1\n2\n3\n", "b.txt": b"10\n20\n"}
TOTAL = "36"
# Sums every number of the attached dataset; `${numbers}` is unquoted because a dataset is many files.
SPEC = """\
version: 0.9.0
inputs:
  parameters:
    outputfile: results/sum.txt
workflow:
  type: serial
  specification:
    steps:
      - name: sum
        environment: docker.io/library/python:3.11-slim
        commands:
          - mkdir -p results && cat ${numbers} | awk '{s+=$$1} END {print s}' > "${outputfile}"
outputs:
  files:
    - results/sum.txt
"""


@pytest.fixture
def stack(devstack_up):
    return devstack_up("iam", "rucio", "reana", "zenodo")


@pytest.fixture
def jp_server_config(jp_server_config, stack, iam_tokens_config, tmp_path):
    rucio = stack["rucio"]
    return {
        **jp_server_config,
        "IAMTokens": iam_tokens_config,
        "VRECommon": {"credentials_path": str(tmp_path / "credentials.json")},
        "RucioExtension": {
            "instances": [
                {
                    "name": "vre",
                    "rucio_base_url": rucio["rucio_host"],
                    **on_mounted_rse(rucio),
                    "replication_rule_lifetime_days": 1,
                }
            ]
        },
        "ReanaExtension": {
            "server_url": stack["reana"]["url"],
            "call_timeout_seconds": 10,
            # what REANA's `rucio: true` steps need to find this Rucio (reana-job-controller)
            "rucio_secrets": {
                "VONAME": "vre",
                "RUCIO_RUCIO_HOST": rucio["rucio_host"],
                "RUCIO_AUTH_HOST": rucio["auth_host"],
            },
        },
        "ZenodoExtension": {"api_url": stack["zenodo"]["api_url"], "timeout_seconds": 20},
    }


async def api(jp_fetch, *path: str, method: str = "GET", body: Any = None, **params: Any) -> Any:
    if method in ("POST", "PUT") and body is None:
        body = {}
    return (await vre_call(jp_fetch, *path, method=method, body=body, **params))[1]


async def failure(jp_fetch, *path: str, body: Any) -> tuple[int, dict]:
    with pytest.raises(HTTPClientError) as err:
        await vre_call(jp_fetch, *path, method="POST", body=body)
    return err.value.code, json.loads(err.value.response.body)


async def sign_in(jp_fetch, stack) -> None:
    """The user's REANA and Zenodo tokens, entered in the panels; they stay on the server."""
    for service, instance, token in (
        ("reana", "default", stack["reana"]["token"]),
        ("zenodo", "custom", stack["zenodo"]["token"]),
    ):
        await api(jp_fetch, "credentials", service, instance, method="PUT", body={"fields": {"token": token}})


async def finished(jp_fetch, workflow: str, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = await api(jp_fetch, "reana", "workflows", workflow)
        if status["status"] in ("finished", "failed", "stopped"):
            return status
        await asyncio.sleep(0.3)
    pytest.fail(f"workflow {workflow} did not end in {timeout} s")


async def lifecycle(jp_fetch, stack, root: Path, did: str, mode: str, value: Any) -> dict[str, Any]:
    """From an attached DID to a published record, the way the frontend drives it."""
    (root / "analysis").mkdir(exist_ok=True)
    (root / "analysis" / "reana.yaml").write_text(SPEC)
    given = {"paths_file": value} if mode == "mounted" else {"value": value}
    inputs = [{"variable": "numbers", "did": did, "instance": "vre", "kind": "collection", **given}]
    spec = await api(
        jp_fetch,
        "lifecycle",
        "spec",
        method="POST",
        body={"folder": "analysis", "mode": mode, "inputs": inputs},
    )
    assert spec["path"] == "analysis/reana-vre.yaml" and spec["source"] == "analysis/reana.yaml"
    assert (root / spec["path"]).read_text() == spec["text"]
    report = await api(jp_fetch, "reana", "validate", method="POST", body={"path": spec["path"]})
    assert report["valid"], report["messages"]
    assert "numbers" in report["parameters"]

    name = f"lifecycle-{mode}-{uuid.uuid4().hex[:6]}"
    task = await api(jp_fetch, "reana", "run", method="POST", body={"path": spec["path"], "name": name})
    task = await wait_for_task(jp_fetch, task["id"])
    assert task["state"] == "succeeded", task["error"]
    run = await finished(jp_fetch, task["result"]["workflow_id"])
    if run["status"] != "finished":
        logs = await api(jp_fetch, "reana", "workflows", run["id"], "logs")
        pytest.fail(f"{run['status']}: {logs}")

    folder = f"published/{name}"
    fetched = await api(
        jp_fetch, "reana", "workflows", run["id"], "download", method="POST", body={"target": folder}
    )
    assert (await wait_for_task(jp_fetch, fetched["id"]))["state"] == "succeeded"
    assert (root / folder / "results" / "sum.txt").read_text().strip() == TOTAL

    facts = {
        "folder": folder,
        "title": f"Sum of {did}",
        "inputs": [{"did": did, "instance": "vre", "rucio_url": stack["rucio"]["rucio_host"], "mode": mode}],
        "run": {
            "id": run["id"],
            "name": run["name"],
            "status": run["status"],
            "engine": "serial",
            "server_url": stack["reana"]["url"],
            "started_at": run["started_at"],
            "finished_at": run["finished_at"],
        },
        "specification": spec["path"],
    }
    provenance = await api(jp_fetch, "lifecycle", "provenance", method="POST", body=facts)
    draft = await api(
        jp_fetch,
        "zenodo",
        "depositions",
        method="POST",
        body={
            "metadata": {
                "title": facts["title"],
                "description": f"Outputs of REANA workflow {run['name']}. {provenance['notes']}",
                "creators": [{"name": "Doe, Jane"}],
                "upload_type": "dataset",
                "extra": {
                    "related_identifiers": provenance["related_identifiers"],
                    "notes": provenance["notes"],
                },
            }
        },
    )
    crate = await api(
        jp_fetch, "lifecycle", "crate", method="POST", body={**facts, "doi": draft["reserved_doi"]}
    )
    # Named as Zenodo will name them: the folder joined into the file name.
    assert crate["files"] == ["reana.yaml", "results__sum.txt"]
    uploaded = await api(
        jp_fetch, "zenodo", "depositions", str(draft["id"]), "upload", method="POST", body={"paths": [folder]}
    )
    assert (await wait_for_task(jp_fetch, uploaded["id"]))["state"] == "succeeded"
    published = await api(jp_fetch, "zenodo", "depositions", str(draft["id"]), "publish", method="POST")
    assert published["doi"] == draft["reserved_doi"]
    record = await api(jp_fetch, "zenodo", "depositions", str(draft["id"]))
    # The record holds exactly the files the crate describes, and the crate.
    assert sorted(f["name"] for f in record["files"]) == sorted([*crate["files"], "ro-crate-metadata.json"])
    return {"folder": root / folder, "run": run, "doi": published["doi"], "deposition": record, "spec": spec}


def check_crate(folder: Path, did: str, rucio_url: str, run: dict[str, Any], doi: str) -> None:
    """Read the crate with the `rocrate` library, as any RO-Crate tool would."""
    crate = ROCrate(folder)
    assert crate.root_dataset["identifier"] == f"https://doi.org/{doi}"
    scope, name = did.split(":")
    source = crate.get(f"{rucio_url}/dids/{scope}/{name}")
    assert source is not None and source["identifier"] == did and "vre" in source["description"]
    workflow = crate.mainEntity
    assert workflow is not None and workflow.id == "reana.yaml"
    assert "ComputationalWorkflow" in workflow.type
    output = crate.get("results__sum.txt")  # its id in the record; its name says where it was
    assert output is not None and output["name"] == "results/sum.txt"
    assert (folder / "results" / "sum.txt").read_text().strip() == TOTAL
    actions = [e for e in crate.get_entities() if "CreateAction" in e.type]
    assert len(actions) == 1
    action = actions[0]
    assert action["identifier"] == run["id"] and run["name"] in action["name"]
    assert action["instrument"].id == workflow.id
    assert [o.id for o in action["object"]] == [source.id]
    assert [r.id for r in action["result"]] == ["results__sum.txt"]
    assert action["agent"]["version"] == __version__


async def test_mounted_inputs_run_publish_and_describe(jp_fetch, stack, upload_dataset, jp_root_dir):
    await sign_in(jp_fetch, stack)
    did = upload_dataset(NUMBERS)
    made = await api(jp_fetch, "rucio", "vre", "make-available", method="POST", body={"dids": [did]})
    assert (await wait_for_task(jp_fetch, made["id"]))["state"] == "succeeded"
    resolved = await resolve(jp_fetch, did, variable="numbers")
    paths = Path(resolved["paths_file"]).read_text(encoding="utf-8").splitlines()
    assert len(paths) == 2 and all(p.startswith(stack["rucio"]["mount_path"]) for p in paths)

    # As the lifecycle panel sends it: the listing, whose paths the server reads.
    done = await lifecycle(jp_fetch, stack, Path(jp_root_dir), did, "mounted", resolved["paths_file"])
    # The step read the files where the mount has them: no input was uploaded to REANA, only the
    # specification file itself (as reana-client sends it).
    assert " ".join(paths) in done["spec"]["text"] and "rucio: true" not in done["spec"]["text"]
    files = await api(jp_fetch, "reana", "workflows", done["run"]["id"], "files")
    assert {f["name"] for f in files["items"]} == {"reana-vre.yaml", "results/sum.txt"}
    related = done["deposition"]["metadata"]["related_identifiers"]
    scope, name = did.split(":")
    assert {
        "identifier": f"{stack['rucio']['rucio_host']}/dids/{scope}/{name}",
        "relation": "isDerivedFrom",
        "scheme": "url",
    } in [{k: r[k] for k in ("identifier", "relation", "scheme")} for r in related]
    check_crate(done["folder"], did, stack["rucio"]["rucio_host"], done["run"], done["doi"])


async def test_the_workflow_fetches_its_inputs_from_rucio_with_the_users_token(
    jp_fetch, stack, upload_dataset, jp_root_dir
):
    await sign_in(jp_fetch, stack)
    did = upload_dataset(NUMBERS)  # on a remote RSE only: the workflow downloads it
    # The secrets real REANA's `rucio: true` needs, the Rucio token as BEARER_TOKEN.
    setup = await api(
        jp_fetch, "reana", "rucio-setup", method="POST", body={"account": stack["rucio"]["oidc"]["account"]}
    )
    assert setup["secrets"] == [
        "BEARER_TOKEN",
        "RUCIO_AUTH_HOST",
        "RUCIO_CFG_AUTH_TYPE",
        "RUCIO_RUCIO_HOST",
        "RUCIO_USERNAME",
        "VONAME",
    ]
    assert setup["token_expires_at"] and "expires" in setup["note"]
    done = await lifecycle(jp_fetch, stack, Path(jp_root_dir), did, "rucio", None)
    assert "rucio: true" in done["spec"]["text"] and "rucio download" in done["spec"]["text"]
    files = await api(jp_fetch, "reana", "workflows", done["run"]["id"], "files")
    names = {f["name"] for f in files["items"]}
    assert {f"inputs/numbers/{did.split(':')[1]}.{n}" for n in NUMBERS} <= names, names
    check_crate(done["folder"], did, stack["rucio"]["rucio_host"], done["run"], done["doi"])


async def test_bad_lifecycle_requests_are_clear_400s(jp_fetch, jp_root_dir):
    (Path(jp_root_dir) / "a").mkdir()
    (Path(jp_root_dir) / "a" / "reana.yaml").write_text(SPEC)
    item = {"variable": "numbers", "did": "user.jdoe:x", "instance": "vre"}
    code, body = await failure(
        jp_fetch, "lifecycle", "spec", body={"folder": "a", "mode": "mounted", "inputs": [item]}
    )
    assert (code, body["error"]) == (400, "input_not_available")
    code, body = await failure(
        jp_fetch, "lifecycle", "spec", body={"folder": "../x", "mode": "rucio", "inputs": [item]}
    )
    assert code == 400
    code, body = await failure(
        jp_fetch,
        "lifecycle",
        "spec",
        body={"folder": "a", "mode": "rucio", "inputs": [{**item, "variable": "1x"}]},
    )
    assert code == 400
    code, body = await failure(
        jp_fetch, "lifecycle", "spec", body={"folder": "nope", "mode": "rucio", "inputs": [item]}
    )
    assert (code, body["error"]) == (404, "path_not_found")
    run = {"id": "x", "name": "x.1", "status": "finished", "engine": "serial"}
    code, body = await failure(
        jp_fetch, "lifecycle", "crate", body={"folder": "a", "run": run, "specification": "a/missing.yaml"}
    )
    assert (code, body["error"]) == (400, "missing_specification")
