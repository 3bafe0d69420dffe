"""`/vre/api/zenodo/...` when Zenodo cannot be reached: 502 naming Zenodo, quickly, no token in it."""

from __future__ import annotations

import json
import socket

import pytest
from tornado.httpclient import HTTPClientError

TOKEN = "a-token-that-must-not-leak-123"


def dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def jp_server_config(jp_server_config, tmp_path):
    return {
        **jp_server_config,
        "ZenodoExtension": {"api_url": f"http://127.0.0.1:{dead_port()}/api", "timeout_seconds": 5},
        "VRECommon": {"credentials_path": str(tmp_path / "credentials.json")},
    }


@pytest.mark.parametrize(("method", "path"), [("GET", "depositions"), ("POST", "verify"), ("GET", "records")])
async def test_zenodo_down_is_a_502_naming_zenodo(jp_fetch, method, path):
    body = json.dumps({"fields": {"token": TOKEN}})
    await jp_fetch("vre", "api", "credentials", "zenodo", "custom", method="PUT", body=body)
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("vre", "api", "zenodo", path, method=method, body="{}" if method == "POST" else None)
    answer = json.loads(err.value.response.body)
    assert err.value.code == 502
    assert (answer["backend"], answer["error"]) == ("Zenodo", "zenodo_unreachable")
    assert TOKEN not in err.value.response.body.decode()
