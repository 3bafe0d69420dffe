"""zenodo_ext's error mapping, token scrubbing, metadata checks and eOSSR isolation, without a server."""

from __future__ import annotations

import eossr.api.zenodo.zenodo as shared_eossr
import httpx
import pytest
import requests
from eossr.api.zenodo.http_status import HTTPStatusError, ZenodoHTTPStatus

from vre_common.errors import BadRequest, scrub
from zenodo_ext.client import eossr_for, map_error
from zenodo_ext.metadata import check_metadata, citation, form_from_zenodo
from zenodo_ext.models import Creator, MetadataForm

TOKEN = "s3cr3t-T0KEN-value"


def eossr_error(status: int, body: object) -> HTTPStatusError:
    """What eOSSR raises for a Zenodo answer, built by eOSSR itself."""
    response = requests.Response()
    response.status_code = status
    response._content = httpx.Response(status, json=body).content
    response.url = f"https://zenodo.org/api/deposit/depositions?access_token={TOKEN}"
    with pytest.raises(HTTPStatusError) as err:
        ZenodoHTTPStatus(response)
    return err.value


@pytest.mark.parametrize(
    ("status", "code", "http"),
    [
        (401, "zenodo_auth_failed", 401),
        (403, "zenodo_forbidden", 403),
        (404, "zenodo_not_found", 404),
        (410, "zenodo_not_found", 404),
        (409, "zenodo_conflict", 409),
        (429, "zenodo_rate_limited", 502),
        (400, "zenodo_invalid", 400),
    ],
)
def test_eossr_status_errors_map_to_clear_errors(status, code, http):
    mapped = map_error(
        eossr_error(status, {"status": status, "message": f"it failed ?access_token={TOKEN}"}), TOKEN
    )
    assert (mapped.code, mapped.status) == (code, http)
    assert TOKEN not in mapped.message


def test_a_validation_error_names_each_field():
    body = {
        "status": 400,
        "message": "Validation error.",
        "errors": [
            {"field": "metadata.creators", "message": "Missing data for required field."},
            {"field": "metadata.title", "message": "Missing data for required field."},
        ],
    }
    mapped = map_error(eossr_error(400, body), TOKEN)
    assert mapped.code == "zenodo_invalid"
    assert "creators: Missing data for required field" in mapped.message
    assert "title: Missing data" in mapped.message


def test_a_413_from_raise_for_status_is_too_large_without_the_token():
    response = requests.Response()
    response.status_code = 413
    response._content = b"<html>Request Entity Too Large</html>"
    response.url = f"https://zenodo.org/api/files/abc/big.bin?access_token={TOKEN}"
    try:
        response.raise_for_status()
    except requests.HTTPError as err:
        assert TOKEN in str(err)  # what requests says, and why scrubbing matters
        mapped = map_error(err, TOKEN)
    assert (mapped.code, mapped.status) == ("zenodo_too_large", 400)
    assert TOKEN not in mapped.message


def test_connection_errors_and_timeouts_name_zenodo():
    down = map_error(requests.ConnectionError(f"Max retries with url: /api?access_token={TOKEN}"), TOKEN)
    assert (down.status, down.code, down.backend) == (502, "zenodo_unreachable", "Zenodo")
    slow = map_error(httpx.ReadTimeout("timed out"), TOKEN)
    assert (slow.status, slow.backend) == (504, "Zenodo")


def test_scrub_removes_tokens_in_every_shape():
    text = f"GET /x?access_token={TOKEN}&size=1 Authorization: Bearer {TOKEN} and {TOKEN}"
    assert TOKEN not in scrub(text, TOKEN)
    assert TOKEN not in scrub(f"url?access_token={TOKEN}")
    assert "Bearer ***" in scrub(f"Bearer {TOKEN}")


def test_a_private_eossr_copy_leaves_the_shared_module_alone():
    before = shared_eossr.zenodo_api_base_url
    one = eossr_for("http://127.0.0.1:1/api", 5)
    two = eossr_for("http://127.0.0.1:2/api", 5)
    assert one.zenodo_api_base_url == "http://127.0.0.1:1/api/"
    assert two.zenodo_api_base_url == "http://127.0.0.1:2/api/"
    assert shared_eossr.zenodo_api_base_url == before == "https://zenodo.org/api/"
    assert eossr_for("http://127.0.0.1:1/api", 5) is one
    # Exceptions are eOSSR's shared classes, so one `except` catches them from any copy.
    assert one.http_status.HTTPStatusError is HTTPStatusError


def test_check_metadata_lists_every_problem_at_once():
    with pytest.raises(BadRequest) as err:
        check_metadata(MetadataForm(title="", description="", upload_type="thesis", license=None))
    message = err.value.message
    for expected in ("title is required", "description is required", "upload type", "creator", "license"):
        assert expected in message


def test_check_metadata_gives_zenodo_metadata():
    form = MetadataForm(
        title=" Fit ",
        description="d",
        creators=[Creator(name="Doe, Jane", orcid="0000-0002-1825-0097")],
        communities=["escape2020", "escape2020"],
        keywords=["a", " "],
        extra={"notes": "n", "title": "ignored"},
    )
    metadata = check_metadata(form)
    assert metadata["title"] == "Fit"
    assert metadata["communities"] == [{"identifier": "escape2020"}]
    assert metadata["keywords"] == ["a"]
    assert metadata["notes"] == "n"
    assert metadata["creators"] == [{"name": "Doe, Jane", "orcid": "0000-0002-1825-0097"}]
    assert form_from_zenodo(metadata).model_dump(exclude={"extra"}) == MetadataForm(
        **{
            **form.model_dump(exclude={"extra"}),
            "title": "Fit",
            "keywords": ["a"],
            "communities": ["escape2020"],
        }
    ).model_dump(exclude={"extra"})


def test_citation_reads_like_zenodo_s():
    metadata = {
        "title": "Fit",
        "creators": [{"name": "Doe, Jane"}, {"name": "Max Mustermann"}],
        "publication_date": "2024-05-01",
        "version": "v2",
    }
    assert citation(metadata, "10.5281/zenodo.1") == (
        "Doe, J., & Mustermann, M. (2024). Fit (Version v2). Zenodo. https://doi.org/10.5281/zenodo.1"
    )
