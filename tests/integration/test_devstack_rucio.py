"""The dev stack's Rucio (devstack/rucio/): the real server, daemons and published facts.

Needs rucio-clients in the test environment (the extension depends on it anyway).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import zlib
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.integration

RULE_TIMEOUT_S = 120
DEVSTACK = Path(__file__).resolve().parents[2] / "devstack" / "devstack"


@pytest.fixture(scope="module")
def rucio(devstack_up) -> dict:
    return devstack_up("rucio")["rucio"]


@pytest.fixture(scope="module")
def client(rucio: dict):
    from rucio.client import Client

    return Client(
        rucio_host=rucio["rucio_host"],
        auth_host=rucio["auth_host"],
        account=rucio["account"],
        auth_type="userpass",
        creds={"username": rucio["username"], "password": rucio["password"]},
    )


def adler32(data: bytes) -> str:
    return f"{zlib.adler32(data) & 0xFFFFFFFF:08x}"


def run_cli(rucio: dict, *args: str) -> str:
    result = subprocess.run(
        [rucio["rucio_cli"], *args],
        env={**os.environ, "RUCIO_CONFIG": rucio["client_config"]},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, f"rucio {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def mounted_path(rucio: dict, pfn: str) -> Path:
    """PFN of the mounted RSE -> local path, by rucio-jupyterlab's path_begins_at rule."""
    suffix = urlparse(pfn).path.strip("/").split("/", rucio["path_begins_at"])[-1]
    return Path(rucio["mount_path"]) / suffix


def test_published_database_is_the_selected_backend(rucio: dict) -> None:
    """VRE_RUCIO_DB (default sqlite) picks the server's database; the other tests then cover it."""
    assert rucio["database"] == (os.environ.get("VRE_RUCIO_DB") or "sqlite")
    assert rucio["database_url"].startswith(
        {"sqlite": "sqlite:", "postgresql": "postgresql+psycopg:"}[rucio["database"]]
    )


def test_cli_whoami_and_did_list_with_published_client_config(rucio: dict) -> None:
    pairs = (line.split(":", 1) for line in run_cli(rucio, "whoami").splitlines() if ":" in line)
    whoami = {key.strip(): value.strip() for key, value in pairs}
    assert whoami["account"] == rucio["account"]
    assert whoami["account_type"] == "USER"
    listing = run_cli(rucio, "did", "list", "--short", f"{rucio['samples']['container'].split(':')[0]}:*")
    assert rucio["samples"]["container"] in listing.split()


def test_seeded_samples_are_registered_with_their_bytes_on_the_remote_rses(rucio: dict, client) -> None:
    samples = rucio["samples"]
    c_scope, c_name = samples["container"].split(":")
    content = {f"{d['scope']}:{d['name']}" for d in client.list_content(c_scope, c_name)}
    assert content == set(samples["container_datasets"])
    for dataset in samples["datasets"]:
        assert dataset["rse"] in rucio["remote_rses"]
        scope, name = dataset["did"].split(":")
        listed = {f["name"]: f for f in client.list_files(scope, name)}
        assert set(listed) == {f["name"] for f in dataset["files"]}
        for f in dataset["files"]:
            data = Path(f["path"]).read_bytes()
            assert adler32(data) == f["adler32"] == listed[f["name"]]["adler32"]
            assert len(data) == f["bytes"] == listed[f["name"]]["bytes"]
    assert client.get_metadata(*samples["datasets"][0]["did"].split(":"))["datatype"] == "DAOD_PHYSLITE"


def test_rule_to_the_mounted_rse_replicates_the_bytes_by_itself(rucio: dict, client, upload_dataset) -> None:
    payloads = {
        "events.root": b"root\x00\x00" + os.urandom(200_000),
        "summary.csv": b"run,events\n" + b"".join(b"%d,%d\n" % (i, i * 7) for i in range(3000)),
    }
    scope, dataset = upload_dataset(payloads).split(":")
    before = list(
        client.list_replicas([{"scope": scope, "name": dataset}], rse_expression=rucio["mounted_rse"])
    )
    assert before == [], "a fresh dataset must not be on the mounted RSE yet"

    rule_id = client.add_replication_rule(
        [{"scope": scope, "name": dataset}], 1, rucio["mounted_rse"], lifetime=3600
    )[0]
    deadline, rule = time.monotonic() + RULE_TIMEOUT_S, {}
    while time.monotonic() < deadline:
        rule = client.get_replication_rule(rule_id)
        if rule["state"] in ("OK", "STUCK", "SUSPENDED"):
            break
        time.sleep(0.5)
    assert rule.get("state") == "OK", (
        f"rule {rule_id} not OK after {RULE_TIMEOUT_S}s: {rule.get('state')} "
        f"({rule.get('error')}); see the logs in {rucio['logs']}"
    )
    assert rule["locks_ok_cnt"] == len(payloads)
    print(f"rule {rule_id} OK {RULE_TIMEOUT_S - (deadline - time.monotonic()):.1f}s after it was made")

    replicas = client.list_replicas([{"scope": scope, "name": dataset}], rse_expression=rucio["mounted_rse"])
    for replica in replicas:
        [pfn] = replica["rses"][rucio["mounted_rse"]]
        assert pfn.startswith(rucio["pfn_prefix"])
        path = mounted_path(rucio, pfn)
        assert path == Path(rucio["mount_path"]) / pfn[len(rucio["pfn_prefix"]) :]
        data = path.read_bytes()
        assert data == payloads[replica["name"].removeprefix(f"{dataset}.")]
        assert adler32(data) == replica["adler32"]


def test_generator_registers_a_10000_file_dataset_that_lists_in_full(rucio: dict, client) -> None:
    result = subprocess.run(
        [*rucio["generate_dataset"], "--files", "10000", "--json"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    made = json.loads(result.stdout)
    assert made["files"] == 10000
    scope, name = made["did"].split(":")
    started = time.monotonic()
    names = {f["name"] for f in client.list_files(scope, name)}
    listed_in = time.monotonic() - started
    assert len(names) == 10000
    print(f"generated {made['did']} in {made['seconds']}s; list_files took {listed_in:.2f}s")


def test_generator_direct_on_mount_writes_what_rucio_would_have(rucio: dict, client) -> None:
    """--direct inserts rows through Rucio's models: Rucio must then answer for them as for the API's."""
    result = subprocess.run(
        [*rucio["generate_dataset"], "--direct", "--on-mount", "--files", "250", "--bytes", "4096", "--json"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    scope, name = json.loads(result.stdout)["did"].split(":")
    did = client.get_did(scope, name)
    assert (did["type"], did["open"], did["length"], did["bytes"]) == ("DATASET", False, 250, 250 * 4096)
    [rule] = client.list_did_rules(scope, name)
    assert (rule["state"], rule["locks_ok_cnt"], rule["account"]) == ("OK", 250, "jdoe")
    assert [lock["state"] for lock in client.get_dataset_locks(scope, name)] == ["OK"]
    replicas = list(
        client.list_replicas([{"scope": scope, "name": name}], rse_expression=rucio["mounted_rse"])
    )
    assert len(replicas) == 250
    for replica in replicas[:5]:
        assert replica["states"] == {rucio["mounted_rse"]: "AVAILABLE"}
        [pfn] = replica["rses"][rucio["mounted_rse"]]
        assert mounted_path(rucio, pfn).stat().st_size == 4096


def iam_token(iam: dict, audience: str, scope: str) -> str:
    import httpx

    answer = httpx.post(
        iam["token_endpoint"],
        auth=(iam["client_id"], iam["client_secret"]),
        timeout=10,
        data={
            "grant_type": "password",
            "username": "jdoe",
            "password": iam["users"]["jdoe"]["password"],
            "scope": scope,
            "audience": audience,
        },
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def oidc_published(stack: dict) -> bool:
    return (stack["rucio"]["oidc"] or {}).get("issuer") == stack["iam"]["issuer"]


def test_iam_token_made_for_rucio_authenticates_as_the_user(
    devstack_up, monkeypatch: pytest.MonkeyPatch
) -> None:
    import httpx
    from rucio.client import Client

    stack, deadline = devstack_up("iam", "rucio"), time.monotonic() + 15
    # A Rucio started before the IAM republishes its facts within a second or two; `env` re-merges them.
    while not oidc_published(stack) and time.monotonic() < deadline:
        time.sleep(0.5)
        stack = json.loads(subprocess.run([DEVSTACK, "env"], capture_output=True, check=True).stdout)
    iam, rucio = stack["iam"], stack["rucio"]
    oidc = rucio["oidc"]
    assert oidc and oidc["issuer"] == iam["issuer"], "rucio.json has no OIDC facts for the running IAM"
    whoami = f"{rucio['rucio_host']}/accounts/whoami"
    token = iam_token(iam, oidc["audience"], oidc["scope"])
    deadline, answer = time.monotonic() + 15, None
    while time.monotonic() < deadline:  # a Rucio started before the IAM maps the user within a second or two
        answer = httpx.get(whoami, headers={"X-Rucio-Auth-Token": token}, follow_redirects=True, timeout=10)
        if answer.status_code == 200:
            break
        time.sleep(0.5)
    assert answer.status_code == 200, f"IAM token refused by Rucio: {answer.status_code} {answer.headers}"
    assert answer.json()["account"] == oidc["account"] == rucio["account"]

    other = iam_token(iam, "reana", oidc["scope"])
    refused = httpx.get(whoami, headers={"X-Rucio-Auth-Token": other}, follow_redirects=True, timeout=10)
    assert refused.status_code == 401, "a token made for another audience must not open Rucio"

    monkeypatch.setenv("BEARER_TOKEN", token)  # WLCG token discovery, as rucio-clients does it
    client = Client(
        rucio_host=rucio["rucio_host"],
        auth_host=rucio["auth_host"],
        account=rucio["account"],
        auth_type="oidc",
    )
    assert client.whoami()["account"] == rucio["account"]
