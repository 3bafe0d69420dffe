"""The shared base handler: validation, error mapping and the one error shape."""

import json

import pytest
from jupyter_server.utils import url_path_join
from pydantic import BaseModel, Field
from tornado import web
from tornado.httpclient import HTTPClientError

from vre_common.errors import BackendTimeout, NotFound
from vre_common.handlers import VREHandler


class Body(BaseModel):
    name: str = Field(min_length=1)
    count: int = 1


class EchoHandler(VREHandler):
    @web.authenticated
    def post(self) -> None:
        self.write_json(self.parse_body(Body))


class FailingHandler(VREHandler):
    @web.authenticated
    def get(self) -> None:
        kind = self.get_argument("kind")
        if kind == "timeout":
            raise BackendTimeout("Rucio", "no answer within 30 s")
        if kind == "not-found":
            raise NotFound("No DID user.jdoe:x; check the scope and name.", code="did_not_found")
        raise RuntimeError("internal detail: token=SECRET-123")


@pytest.fixture
def routes(jp_web_app, jp_base_url):
    jp_web_app.add_handlers(
        ".*$",
        [
            (url_path_join(jp_base_url, "vre/api/test/echo"), EchoHandler),
            (url_path_join(jp_base_url, "vre/api/test/fail"), FailingHandler),
        ],
    )


async def fetch_error(jp_fetch, *path, **kwargs):
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch(*path, **kwargs)
    return err.value.code, json.loads(err.value.response.body)


async def test_valid_body_round_trips(routes, jp_fetch):
    response = await jp_fetch("vre", "api", "test", "echo", method="POST", body='{"name": "x"}')
    assert json.loads(response.body) == {"name": "x", "count": 1}


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("not json", "body"),
        ('{"name": ""}', "name"),
        ('{"name": "x", "count": "many"}', "count"),
        ("[1, 2]", "body"),
    ],
)
async def test_invalid_body_is_400_with_a_message(routes, jp_fetch, body, problem):
    code, payload = await fetch_error(jp_fetch, "vre", "api", "test", "echo", method="POST", body=body)
    assert code == 400
    assert payload["error"] == "invalid_body"
    assert problem in payload["message"]


async def test_domain_errors_keep_their_status_and_code(routes, jp_fetch):
    code, payload = await fetch_error(jp_fetch, "vre", "api", "test", "fail", params={"kind": "not-found"})
    assert (code, payload["error"]) == (404, "did_not_found")
    code, payload = await fetch_error(jp_fetch, "vre", "api", "test", "fail", params={"kind": "timeout"})
    assert code == 504
    assert payload == {
        "error": "backend_timeout",
        "message": "Rucio: no answer within 30 s",
        "backend": "Rucio",
    }


async def test_unexpected_errors_reveal_nothing(routes, jp_fetch):
    code, payload = await fetch_error(jp_fetch, "vre", "api", "test", "fail", params={"kind": "bug"})
    assert code == 500
    assert payload["error"] == "internal_error"
    assert "SECRET" not in json.dumps(payload)


async def test_missing_argument_is_a_json_400(routes, jp_fetch):
    code, payload = await fetch_error(jp_fetch, "vre", "api", "test", "fail")
    assert code == 400
    assert payload["error"] == "bad_request"
    assert "kind" in payload["message"]
