"""The credential store and its endpoints: 0600, atomic, never shown, never logged."""

import json
import logging
import stat

import pytest
from tornado.httpclient import HTTPClientError

from vre_common.credentials import CredentialStore

SECRET = "reana-SECRET-4f9a2c"


def test_store_file_is_private_and_user_values_win(tmp_path):
    path = tmp_path / "vre" / "credentials.json"
    store = CredentialStore(path, admin={"reana/default": {"token": "admin-token"}})
    assert store.get("reana", "default") == ({"token": "admin-token"}, "admin")

    store.set("reana", "default", {"token": SECRET})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    fields, source = store.get("reana", "default")
    assert (fields["token"], source) == (SECRET, "user")
    assert SECRET not in repr(fields), "secrets hide from reprs and tracebacks"
    assert [p.name for p in path.parent.iterdir()] == ["credentials.json"]

    assert store.delete("reana", "default") is True
    assert store.get("reana", "default")[1] == "admin"
    assert store.delete("reana", "default") is False


class TestCredentialEndpoints:
    @pytest.fixture
    def jp_server_config(self, jp_server_config):
        return {
            **jp_server_config,
            "ReanaExtension": {"server_url": "http://127.0.0.1:9"},
            "RucioExtension": {
                "instances": [
                    {
                        "name": "escape",
                        "rucio_base_url": "https://rucio.example.org",
                        "auth_type": "userpass",
                        "mode": "download",
                    }
                ]
            },
        }

    async def put(self, jp_fetch, service, instance, fields):
        body = json.dumps({"fields": fields})
        return json.loads(
            (await jp_fetch("vre", "api", "credentials", service, instance, method="PUT", body=body)).body
        )

    async def test_set_shows_connected_and_never_the_secret(self, jp_fetch, caplog):
        caplog.set_level(logging.DEBUG)
        before = await self.auth_status(jp_fetch)
        reana = next(s for s in before["services"] if s["service"] == "reana")
        assert (reana["connected"], reana["fields"]) == (False, ["token"])

        answer = await self.put(jp_fetch, "reana", "default", {"token": SECRET})
        assert (answer["connected"], answer["source"]) == (True, "user")
        after = await self.auth_status(jp_fetch)
        assert next(s for s in after["services"] if s["service"] == "reana")["connected"] is True

        cleared = json.loads(
            (await jp_fetch("vre", "api", "credentials", "reana", "default", method="DELETE")).body
        )
        assert cleared["connected"] is False

        assert "/vre/api/credentials/reana/default" in caplog.text, "the server's request log was captured"
        for text in (json.dumps(answer), json.dumps(after), json.dumps(cleared), caplog.text):
            assert SECRET not in text

    async def auth_status(self, jp_fetch):
        return json.loads((await jp_fetch("vre", "api", "auth", "status")).body)

    async def test_userpass_needs_both_fields(self, jp_fetch):
        with pytest.raises(HTTPClientError) as err:
            await self.put(jp_fetch, "rucio", "escape", {"username": "jdoe"})
        assert err.value.code == 400
        assert json.loads(err.value.response.body)["error"] == "missing_field"
        answer = await self.put(jp_fetch, "rucio", "escape", {"username": "jdoe", "password": SECRET})
        assert answer["connected"] is True

    @pytest.mark.parametrize(
        ("path", "body", "code", "error"),
        [
            (("reana", "default"), {"fields": {"password": "x"}}, 400, "unknown_field"),
            (("reana", "default"), {"fields": {}}, 400, "invalid_body"),
            (("reana", "default"), {"token": "x"}, 400, "invalid_body"),
            (("reana", "nope"), {"fields": {"token": "x"}}, 404, "unknown_instance"),
            (("nope", "default"), {"fields": {"token": "x"}}, 404, "unknown_instance"),
        ],
    )
    async def test_bad_input_is_a_clear_4xx(self, jp_fetch, path, body, code, error):
        with pytest.raises(HTTPClientError) as err:
            await jp_fetch("vre", "api", "credentials", *path, method="PUT", body=json.dumps(body))
        assert err.value.code == code
        payload = json.loads(err.value.response.body)
        assert payload["error"] == error
        assert payload["message"]


def test_reading_a_credential_never_touches_the_disk_and_changes_are_reloaded(tmp_path, monkeypatch):
    path = tmp_path / "credentials.json"
    store = CredentialStore(path)
    store.set("zenodo", "sandbox", {"token": "first"})
    other = CredentialStore(path)  # another server of the same user
    other.set("zenodo", "sandbox", {"token": "second"})

    def no_disk(*args, **kwargs):
        raise AssertionError("read the disk")

    with monkeypatch.context() as patched:
        patched.setattr(type(path), "read_text", no_disk)
        patched.setattr(type(path), "stat", no_disk)
        assert store.get("zenodo", "sandbox")[0]["token"] == "first"  # from memory
    assert store.reload() is True  # what the server runs off the loop every few seconds
    assert store.get("zenodo", "sandbox")[0]["token"] == "second"
    assert store.reload() is False  # unchanged: not read again
