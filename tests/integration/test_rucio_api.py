"""`/vre/api/rucio/...` against the dev stack's real Rucio, as IAM (oidc) and userpass users."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError


@pytest.fixture(scope="module")
def stack(devstack_up: Any) -> dict[str, Any]:
    return devstack_up("iam", "rucio")


def dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def jp_server_config(jp_server_config, stack, iam_tokens_config):
    rucio = stack["rucio"]
    base = {"rucio_base_url": rucio["rucio_host"], "mode": "download"}
    return {
        **jp_server_config,
        "IAMTokens": iam_tokens_config,
        "RucioExtension": {
            "instances": [
                {**base, "name": "iam", "display_name": "Dev Rucio (IAM)", "auth_type": "oidc"},
                {**base, "name": "pw", "auth_type": "userpass"},
                {**base, "name": "down", "rucio_base_url": f"http://127.0.0.1:{dead_port()}"},
            ],
            "default_instance": "iam",
            "call_timeout_seconds": 10,
        },
    }


async def get(jp_fetch, *path, **params):
    response = await jp_fetch("vre", "api", "rucio", *path, params=params)
    return json.loads(response.body)


async def error(jp_fetch, *path, method="GET", body=None, **params):
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("vre", "api", *path, method=method, body=body, params=params)
    return err.value.code, json.loads(err.value.response.body)


async def test_instances_are_listed(jp_fetch):
    answer = await get(jp_fetch, "instances")
    assert [i["name"] for i in answer["instances"]] == ["iam", "pw", "down"]
    assert answer["default_instance"] == "iam"
    assert answer["instances"][0]["display_name"] == "Dev Rucio (IAM)"


async def test_iam_user_is_their_rucio_account(jp_fetch):
    account = await get(jp_fetch, "iam", "account")
    assert account["account"] == "jdoe"
    assert account["status"] == "ACTIVE"


async def test_a_token_rucio_refuses_is_renewed_and_the_call_repeated(jp_fetch, jp_serverapp):
    """As when a token expires during a long call: Rucio answers 401, a new token is made, the call succeeds."""
    from vre_common.credentials import Secret
    from vre_common.tokens import AccessToken

    tokens = jp_serverapp.web_app.settings["vre_context"].tokens
    await get(jp_fetch, "iam", "account")
    exchanged = tokens.exchange_count
    # A token our clock still trusts but Rucio refuses (a stale or revoked one looks the same).
    tokens._exchanged["rucio"] = AccessToken(
        Secret("refused.by.rucio"), "exchange:rucio", time.time() + 3600, {"preferred_username": "jdoe"}
    )
    account = await get(jp_fetch, "iam", "account")
    assert account["account"] == "jdoe"
    assert tokens.exchange_count == exchanged + 1


async def test_scopes_and_rses_come_from_rucio(jp_fetch, stack):
    scopes = (await get(jp_fetch, "iam", "scopes"))["scopes"]
    assert set(stack["rucio"]["scopes"]) <= set(scopes)
    rses = [r["rse"] for r in (await get(jp_fetch, "iam", "rses"))["rses"]]
    assert rses == sorted(stack["rucio"]["rses"])
    mounted = (await get(jp_fetch, "iam", "rses", expression=stack["rucio"]["mounted_rse"]))["rses"]
    assert [r["rse"] for r in mounted] == [stack["rucio"]["mounted_rse"]]


async def test_a_bad_rse_expression_is_a_400(jp_fetch):
    code, body = await error(jp_fetch, "rucio", "iam", "rses", expression="(((")
    assert (code, body["error"]) == (400, "rucio_invalid_input")


async def test_userpass_needs_credentials_then_works(jp_fetch, stack):
    code, body = await error(jp_fetch, "rucio", "pw", "account")
    assert (code, body["error"]) == (401, "no_credentials")

    wrong = json.dumps({"fields": {"username": "jdoe", "password": "not-it"}})
    await jp_fetch("vre", "api", "credentials", "rucio", "pw", method="PUT", body=wrong)
    code, body = await error(jp_fetch, "rucio", "pw", "account")
    assert (code, body["error"]) == (401, "rucio_auth_failed")

    password = stack["rucio"]["password"]
    right = json.dumps({"fields": {"username": stack["rucio"]["username"], "password": password}})
    await jp_fetch("vre", "api", "credentials", "rucio", "pw", method="PUT", body=right)
    response = await jp_fetch("vre", "api", "rucio", "pw", "account")
    assert json.loads(response.body)["account"] == "jdoe"
    assert password not in response.body.decode()


async def test_unknown_instance_is_a_404(jp_fetch):
    code, body = await error(jp_fetch, "rucio", "nope", "scopes")
    assert (code, body["error"]) == (404, "unknown_instance")


async def test_rucio_down_is_a_502_naming_rucio(jp_fetch):
    code, body = await error(jp_fetch, "rucio", "down", "scopes")
    assert code == 502
    assert body["backend"] == "Rucio"
    assert body["error"] == "rucio_unreachable"


@pytest.fixture(scope="module")
def big_dataset(stack) -> str:
    """A 10,000-file dataset registered for this module (metadata-only replicas)."""
    made = subprocess.run(
        [*stack["rucio"]["generate_dataset"], "--files", "10000", "--json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return json.loads(made.stdout)["did"]


async def test_search_finds_datasets_by_wildcard_and_type(jp_fetch, stack):
    container = stack["rucio"]["samples"]["container"]
    scope = container.split(":")[0]
    page = await get(jp_fetch, "iam", "dids", "search", query=f"{scope}:*PHYSLITE", type="container")
    assert [f"{d['scope']}:{d['name']}" for d in page["items"]] == [container]
    datasets = await get(jp_fetch, "iam", "dids", "search", query=f"{scope}:*", type="dataset")
    assert {d["did_type"] for d in datasets["items"]} == {"DATASET"}
    assert set(stack["rucio"]["samples"]["container_datasets"]) <= {
        f"{d['scope']}:{d['name']}" for d in datasets["items"]
    }


async def test_browse_a_container_then_a_dataset_with_sizes_and_checksums(jp_fetch, stack):
    samples = stack["rucio"]["samples"]
    children = await get(jp_fetch, "iam", "dids", "content", did=samples["container"])
    assert sorted(f"{d['scope']}:{d['name']}" for d in children["items"]) == sorted(
        samples["container_datasets"]
    )
    assert {d["did_type"] for d in children["items"]} == {"DATASET"}

    dataset = samples["datasets"][0]
    files = await get(jp_fetch, "iam", "dids", "content", did=dataset["did"])
    expected = {f["name"]: f for f in dataset["files"]}
    assert {f["name"] for f in files["items"]} == set(expected)
    for item in files["items"]:
        assert item["did_type"] == "FILE"
        assert item["bytes"] == expected[item["name"]]["bytes"]
        assert item["adler32"] == expected[item["name"]]["adler32"]
    assert files["next_cursor"] is None


async def test_a_10000_file_dataset_is_read_page_by_page(jp_fetch, big_dataset):
    names: list[str] = []
    page = await get(jp_fetch, "iam", "dids", "content", did=big_dataset, limit=1000)
    pages = 1
    names += [f["name"] for f in page["items"]]
    assert len(page["items"]) == 1000 and page["next_cursor"], "the first page comes alone"
    while page["next_cursor"]:
        page = await get(
            jp_fetch, "iam", "dids", "content", did=big_dataset, limit=1000, cursor=page["next_cursor"]
        )
        names += [f["name"] for f in page["items"]]
        pages += 1
    assert pages == 10
    assert len(names) == len(set(names)) == 10_000


async def test_a_used_cursor_is_gone(jp_fetch, big_dataset):
    page = await get(jp_fetch, "iam", "dids", "content", did=big_dataset, limit=10)
    await get(jp_fetch, "iam", "dids", "content", did=big_dataset, limit=10, cursor=page["next_cursor"])
    code, body = await error(
        jp_fetch, "rucio", "iam", "dids", "content", did=big_dataset, limit=10, cursor=page["next_cursor"]
    )
    assert (code, body["error"]) == (404, "cursor_expired")


@pytest.mark.parametrize(
    ("path", "params", "code", "expected"),
    [
        ("search", {"query": "no-scope-here"}, 400, "invalid_did"),
        ("search", {"query": "user.jdoe:*", "type": "everything"}, 400, "invalid_type"),
        ("search", {"query": "user.jdoe:*", "limit": "0"}, 400, "invalid_limit"),
        ("search", {"query": "user.jdoe:*", "limit": "many"}, 400, "invalid_limit"),
        ("content", {"did": "user.jdoe:with*wildcard"}, 400, "invalid_did"),
        ("content", {"did": "user.jdoe:does.not.exist"}, 404, "rucio_not_found"),
    ],
)
async def test_bad_did_queries_are_clear_errors(jp_fetch, path, params, code, expected):
    status, body = await error(jp_fetch, "rucio", "iam", "dids", path, **params)
    assert (status, body["error"]) == (code, expected)
    assert body["message"]


async def test_a_file_has_no_content(jp_fetch, stack):
    did = stack["rucio"]["samples"]["file"]["did"]
    status, body = await error(jp_fetch, "rucio", "iam", "dids", "content", did=did)
    assert (status, body["error"]) == (400, "not_a_collection")


async def test_a_cursor_belongs_to_its_instance(jp_fetch, big_dataset):
    page = await get(jp_fetch, "iam", "dids", "content", did=big_dataset, limit=10)
    code, body = await error(
        jp_fetch, "rucio", "down", "dids", "content", did=big_dataset, limit=10, cursor=page["next_cursor"]
    )
    assert (code, body["error"]) == (404, "cursor_expired")
    await get(jp_fetch, "iam", "dids", "content", did=big_dataset, limit=10, cursor=page["next_cursor"])
