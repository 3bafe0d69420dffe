"""The backend toolkit every extension uses: status mapping, scrubbing, workspace errors, progress, authorization."""

from __future__ import annotations

import json
import logging

import pytest
from jupyter_server.auth import Authorizer
from tornado.httpclient import HTTPClientError

from vre_common.errors import (
    RedactTokens,
    WorkspaceError,
    http_error,
    local_file_error,
    scrub,
)
from vre_common.streams import ByteProgress, read_file
from zenodo_ext.client import map_error

TOKEN = "tok-5f1e9c"


@pytest.mark.parametrize(
    ("status", "code", "http"),
    [
        (401, "reana_auth_failed", 401),
        (403, "reana_forbidden", 403),
        (404, "reana_not_found", 404),
        (410, "reana_not_found", 404),
        (409, "reana_conflict", 409),
        (413, "reana_too_large", 400),
        (422, "reana_invalid", 400),
        (429, "reana_rate_limited", 502),
        (503, "backend_error", 502),
        (504, "backend_timeout", 504),
        (418, "backend_error", 502),
    ],
)
def test_one_status_mapping_for_every_backend(status, code, http):
    error = http_error("REANA", status, "the reason", hints={401: "Enter a token."})
    assert (error.code, error.status) == (code, http)
    if status not in (503, 504):
        assert "REANA said: the reason." in error.message
    assert ("Enter a token." in error.message) == (status == 401)


def test_scrub_takes_tokens_out_in_every_shape():
    text = f"GET /x?access_token={TOKEN}&size=1 Authorization: Bearer {TOKEN} raw {TOKEN}"
    assert TOKEN not in scrub(text, TOKEN)
    assert TOKEN not in scrub(f"/api?ACCESS_TOKEN={TOKEN}")
    assert scrub(f"Bearer {TOKEN}") == "Bearer ***"


def test_http_library_log_lines_lose_their_tokens(caplog):
    logger = logging.getLogger("httpx")
    assert any(isinstance(f, RedactTokens) for f in logger.filters)
    with caplog.at_level(logging.INFO, logger="httpx"):
        logger.info("HTTP Request: GET %s", f"http://reana/api/you?access_token={TOKEN}")
    assert caplog.records and TOKEN not in caplog.text


@pytest.mark.parametrize(
    ("err", "code"),
    [
        (FileNotFoundError(2, "No such file", "/srv/home/jdoe/out/a.txt"), "file_vanished"),
        (PermissionError(13, "Permission denied", "/srv/home/jdoe/out/a.txt"), "file_unreadable"),
        (IsADirectoryError(21, "Is a directory", "/srv/home/jdoe/out/a.txt"), "file_changed"),
        (OSError(28, "No space left on device", "/srv/home/jdoe/out/a.txt"), "disk_full"),
    ],
)
def test_a_local_file_error_is_the_workspace_s_not_zenodo_s(err, code):
    mapped = map_error(err, TOKEN)
    assert mapped.code == code
    assert "Zenodo" not in mapped.message and "reach" not in mapped.message
    assert "/srv/home" not in mapped.message and "a.txt" in mapped.message


async def test_reading_a_file_that_is_gone_is_a_workspace_error(tmp_path):
    with pytest.raises(WorkspaceError) as err:
        async for _ in read_file(tmp_path / "gone.bin"):
            pass
    assert err.value.code == "file_vanished" and str(tmp_path) not in err.value.message
    (tmp_path / "folder").mkdir()
    with pytest.raises(WorkspaceError):
        async for _ in read_file(tmp_path / "folder"):
            pass


def test_local_file_error_names_only_the_file():
    error = local_file_error(FileNotFoundError(2, "x"), "a.txt")
    assert error.status == 409 and "a.txt" in error.message


def test_byte_progress_adds_each_file_to_those_before_it():
    seen: list[tuple[int, int | None]] = []
    progress = ByteProgress(lambda done, total: seen.append((done, total)), 30)
    on_bytes = progress.next_file()
    on_bytes(5)
    on_bytes(10)
    progress.file_done(10)
    progress.next_file()(15)
    progress.file_done(20)
    assert seen == [(0, 30), (5, 30), (10, 30), (10, 30), (25, 30), (30, 30)]
    assert progress.done == 30


class RefusingAuthorizer(Authorizer):
    """A hub's restricted role, in short: no writes of the lifecycle, nothing of secrets."""

    def is_authorized(self, handler, user, action, resource):
        return not (resource == "vre_secrets" or (resource == "vre_lifecycle" and action == "write"))


@pytest.fixture
def jp_server_config(jp_server_config):
    return {
        **jp_server_config,
        "ServerApp": {**jp_server_config["ServerApp"], "authorizer_class": RefusingAuthorizer},
    }


async def test_the_server_s_authorizer_decides_per_resource_and_action(jp_fetch):
    status = json.loads((await jp_fetch("vre", "api", "lifecycle", "status")).body)
    assert status["extension"] == "lifecycle_ext"  # reading is allowed
    for parts, method, body in (
        (("lifecycle", "provenance"), "POST", "{}"),
        (("reana", "secrets"), "GET", None),
    ):
        with pytest.raises(HTTPClientError) as err:
            await jp_fetch("vre", "api", *parts, method=method, body=body)
        answer = json.loads(err.value.response.body)
        assert (err.value.code, answer["error"]) == (403, "not_authorized"), answer


async def test_lifecycle_status_says_what_it_lacks(jp_fetch, monkeypatch):
    monkeypatch.delenv("REANA_SERVER_URL", raising=False)
    status = json.loads((await jp_fetch("vre", "api", "lifecycle", "status")).body)
    assert status["configured"] is False
    assert "REANA is not configured" in status["message"]


def test_the_request_lines_of_http_libraries_are_scrubbed(caplog):
    """urllib3 (under eOSSR) and httpx log request URLs, Zenodo's and REANA's with their token."""
    with caplog.at_level(logging.DEBUG):
        for name in ("urllib3.connectionpool", "httpx", "httpcore.http11"):
            logging.getLogger(name).debug('"GET /api/x?q=&access_token=%s HTTP/1.1" 200', "zenodo-s3cr3t-42")
    assert caplog.text.count("GET /api/x") == 3
    assert "zenodo-s3cr3t-42" not in caplog.text
