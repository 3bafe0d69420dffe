"""Rucio stopped mid-search, mid-download and mid-replication-wait, with a fault proxy in front of the real
Rucio server: a clear error naming Rucio, no partial file, and the same action succeeds once Rucio is back
(same Jupyter server, no restart)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from devstack_jupyter_config import on_mounted_rse
from tornado.httpclient import HTTPClientError
from vre_api import call, wait_for_task

pytestmark = pytest.mark.usefixtures("fault_case")


@pytest.fixture(scope="module")
def stack(devstack_up: Any) -> dict[str, Any]:
    return devstack_up("iam", "rucio")


@pytest.fixture
def rucio_proxy(fault_proxy, stack):
    return fault_proxy(stack["rucio"]["rucio_host"])


@pytest.fixture
def download_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "downloads"
    folder.mkdir()
    return folder


@pytest.fixture
def jp_server_config(jp_server_config, stack, iam_tokens_config, rucio_proxy, download_dir):
    rucio = stack["rucio"]
    base = {"rucio_base_url": rucio_proxy.url}
    return {
        **jp_server_config,
        "IAMTokens": iam_tokens_config,
        "RucioExtension": {
            "call_timeout_seconds": 30,
            "instances": [
                {**base, "name": "dl", "mode": "download", "download_dir": str(download_dir)},
                {
                    **base,
                    "name": "vre",
                    **on_mounted_rse(rucio),
                    "replication_rule_lifetime_days": 1,
                },
            ],
        },
    }


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def assert_names_rucio(error: dict[str, Any]) -> None:
    assert error["error"] in ("rucio_unreachable", "backend_error", "backend_timeout"), error
    assert error["message"].startswith("Rucio"), error


async def test_rucio_stopped_during_a_search_then_back(jp_fetch, rucio_proxy, upload_dataset):
    did = upload_dataset({"a.txt": b"search me"})
    scope, name = did.split(":")
    rucio_proxy.set("hang", match=r"GET /dids/")
    search = asyncio.ensure_future(
        jp_fetch("vre", "api", "rucio", "dl", "dids", "search", params={"query": f"{scope}:{name}"})
    )
    await rucio_proxy.until_held()  # the search is at Rucio now
    rucio_proxy.down()
    with pytest.raises(HTTPClientError) as err:
        await search
    assert err.value.code == 502
    answer = json.loads(err.value.response.body)
    assert_names_rucio(answer)
    assert answer["backend"] == "Rucio"

    rucio_proxy.up()
    _, page = await call(jp_fetch, "rucio", "dl", "dids", "search", query=f"{scope}:{name}")
    assert [d["name"] for d in page["items"]] == [name]


async def test_rucio_stopped_during_a_download_then_back(jp_fetch, rucio_proxy, upload_dataset, download_dir):
    payloads = {"events.root": os.urandom(1 << 20), "b.csv": b"x,y\n1,2\n"}
    did = upload_dataset(payloads)
    scope, dataset = did.split(":")
    rucio_proxy.set("hang", match=r"/replicas")
    _, task = await call(jp_fetch, "rucio", "dl", "download", method="POST", body={"dids": [did]})
    await rucio_proxy.until_held()
    rucio_proxy.down()
    failed = await wait_for_task(jp_fetch, task["id"])
    assert failed["state"] == "failed"
    assert_names_rucio(failed["error"])
    assert files_under(download_dir) == []

    rucio_proxy.up()
    _, again = await call(jp_fetch, "rucio", "dl", "download", method="POST", body={"dids": [did]})
    done = await wait_for_task(jp_fetch, again["id"])
    assert done["state"] == "succeeded", done["error"]
    for short, data in payloads.items():
        assert (download_dir / scope / f"{dataset}.{short}").read_bytes() == data


async def test_rucio_stopped_during_a_replication_wait_then_back(
    jp_fetch, rucio_proxy, upload_dataset, stack
):
    did = upload_dataset({"r.root": os.urandom(200_000)})
    _scope, dataset = did.split(":")
    rucio_proxy.set("hang", match=r"GET /rules/")  # the rule is made; its state is what hangs
    _, task = await call(jp_fetch, "rucio", "vre", "make-available", method="POST", body={"dids": [did]})
    await rucio_proxy.until_held()
    rucio_proxy.down()
    failed = await wait_for_task(jp_fetch, task["id"])
    assert failed["state"] == "failed"
    assert_names_rucio(failed["error"])

    rucio_proxy.up()
    _, again = await call(jp_fetch, "rucio", "vre", "make-available", method="POST", body={"dids": [did]})
    done = await wait_for_task(jp_fetch, again["id"])
    assert done["state"] == "succeeded", done["error"]
    (path,) = done["result"]["paths"]
    assert Path(path).name == f"{dataset}.r.root" and Path(path).stat().st_size == 200_000


@pytest.fixture
def small_disk(download_dir: Path) -> Path:
    """The download folder on a 1 MiB tmpfs (the tests run as root), unmounted afterwards."""
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "vre-test-full", str(download_dir)], check=True)
    yield download_dir
    subprocess.run(["umount", str(download_dir)], check=True)


async def test_disk_full_during_a_download_fails_cleanly(jp_fetch, upload_dataset, small_disk):
    did = upload_dataset({"big.root": os.urandom(3 << 20)})
    _, task = await call(jp_fetch, "rucio", "dl", "download", method="POST", body={"dids": [did]})
    failed = await wait_for_task(jp_fetch, task["id"])
    assert failed["state"] == "failed"
    assert failed["error"]["error"] == "disk_full", failed["error"]
    assert "space" in failed["error"]["message"]
    assert files_under(small_disk) == []
