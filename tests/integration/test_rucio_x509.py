"""X.509 and X.509-proxy logins to the dev stack's real Rucio, through its TLS front.

The dev stack has a small CA, jdoe's certificate and an RFC 3820 proxy of it
(devstack/rucio/x509_pki.py); the TLS front verifies the client's chain and hands
Rucio the DN in SSL_CLIENT_S_DN, as mod_ssl does (devstack/rucio/wsgi_x509.py).
Rucio maps that DN, an X509 identity in its database, to jdoe.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from devstack_jupyter_config import on_mounted_rse
from vre_api import call, fails, wait_for_task


@pytest.fixture(scope="module")
def stack(devstack_up: Any) -> dict[str, Any]:
    return devstack_up("rucio")


@pytest.fixture(scope="module")
def strangers(stack: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Certificates Rucio must refuse: another DN from the same CA, and jdoe's DN self-signed."""
    x509 = stack["rucio"]["x509"]
    folder = tmp_path_factory.mktemp("strangers")
    script = Path(__file__).resolve().parents[2] / "devstack" / "rucio" / "x509_pki.py"
    subprocess.run(
        [stack["rucio"]["python"], script, "strangers", folder, Path(x509["ca_cert"]).parent],
        check=True,
        timeout=60,
    )
    return folder


@pytest.fixture
def jp_server_config(jp_server_config, stack):
    rucio, x509 = stack["rucio"], stack["rucio"]["x509"]
    tls = {"rucio_base_url": x509["rucio_host"], "rucio_ca_cert": x509["ca_cert"]}
    replica = {
        **on_mounted_rse(rucio),
        "replication_rule_lifetime_days": 1,
    }
    return {
        **jp_server_config,
        "RucioExtension": {
            "instances": [
                {**tls, **replica, "name": "cert", "auth_type": "x509"},
                {**tls, **replica, "name": "proxy", "auth_type": "x509_proxy"},
                # the system's CA bundle does not know the dev stack's CA
                {**tls, "name": "untrusting", "auth_type": "x509", "rucio_ca_cert": True, "mode": "download"},
            ],
            "call_timeout_seconds": 20,
        },
    }


async def connect(jp_fetch, instance: str, path: str | os.PathLike) -> None:
    body = json.dumps({"fields": {"proxy_path": str(path)}})
    await jp_fetch("vre", "api", "credentials", "rucio", instance, method="PUT", body=body)


async def test_without_a_certificate_there_is_no_login(jp_fetch):
    code, body = await fails(jp_fetch, "rucio", "cert", "account")
    assert (code, body["error"]) == (401, "no_credentials")


@pytest.mark.parametrize(("instance", "pem"), [("cert", "user_cert_and_key"), ("proxy", "proxy")])
async def test_a_certificate_or_proxy_logs_in_as_its_account_and_searches(jp_fetch, stack, instance, pem):
    x509 = stack["rucio"]["x509"]
    await connect(jp_fetch, instance, x509[pem])
    _, account = await call(jp_fetch, "rucio", instance, "account")
    assert account["account"] == x509["account"] == "jdoe"

    container = stack["rucio"]["samples"]["container"]
    scope = container.split(":")[0]
    _, page = await call(
        jp_fetch, "rucio", instance, "dids", "search", query=f"{scope}:*PHYSLITE", type="container"
    )
    assert [f"{d['scope']}:{d['name']}" for d in page["items"]] == [container]


@pytest.mark.parametrize(("instance", "pem"), [("cert", "user_cert_and_key"), ("proxy", "proxy")])
async def test_a_certificate_or_proxy_makes_a_dataset_available_on_the_mount(
    jp_fetch, stack, upload_dataset, instance, pem
):
    """End to end: the token from the certificate, a rule in Rucio, the daemons copy, the bytes on the mount."""
    await connect(jp_fetch, instance, stack["rucio"]["x509"][pem])
    payloads = {"hits.csv": b"x,y\n1,2\n", "run.bin": os.urandom(50_000)}
    did = upload_dataset(payloads)

    code, task = await call(
        jp_fetch, "rucio", instance, "make-available", method="POST", body={"dids": [did]}
    )
    assert code == 202
    done = await wait_for_task(jp_fetch, task["id"])
    assert done["state"] == "succeeded", done
    assert done["result"]["files"] == 2
    by_name = {Path(p).name: p for p in done["result"]["paths"]}
    for short, data in payloads.items():
        path = by_name[f"{did.split(':')[1]}.{short}"]
        assert path.startswith(stack["rucio"]["mount_path"])
        assert Path(path).read_bytes() == data


async def test_a_certificate_with_a_dn_rucio_does_not_know_is_refused(jp_fetch, strangers):
    """The CA vouches for it, so TLS passes; Rucio finds no account for its DN."""
    await connect(jp_fetch, "cert", strangers / "other-dn.pem")
    code, body = await fails(jp_fetch, "rucio", "cert", "scopes")
    assert (code, body["error"]) == (401, "rucio_auth_failed")


async def test_a_certificate_not_signed_by_the_ca_is_refused(jp_fetch, strangers):
    """jdoe's DN on a self-signed certificate: the TLS front refuses it before Rucio sees a DN."""
    await connect(jp_fetch, "cert", strangers / "self-signed.pem")
    code, body = await fails(jp_fetch, "rucio", "cert", "scopes")
    assert (code, body["error"]) == (401, "rucio_auth_failed")
    assert "TLS handshake" in body["message"]


async def test_an_unreadable_proxy_file_is_a_clear_error(jp_fetch, tmp_path):
    await connect(jp_fetch, "proxy", tmp_path / "x509up_u1000")
    code, body = await fails(jp_fetch, "rucio", "proxy", "scopes")
    assert (code, body["error"]) == (401, "rucio_x509_unreadable")


async def test_a_server_certificate_the_instance_does_not_trust_names_the_setting(jp_fetch, stack):
    await connect(jp_fetch, "untrusting", stack["rucio"]["x509"]["user_cert_and_key"])
    code, body = await fails(jp_fetch, "rucio", "untrusting", "scopes")
    assert (code, body["error"]) == (502, "rucio_tls_untrusted")
    assert "rucio_ca_cert" in body["message"]
