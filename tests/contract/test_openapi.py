"""docs/api/openapi.yaml is the REST contract: current with the pydantic models, and the same set of
endpoints the running server registers under /vre/api (no undocumented route, no unserved path)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi import DOCUMENT, render
from tornado.httpclient import HTTPClientError
from tornado.routing import PathMatches, Rule

from vre_common.handlers import UnknownEndpointHandler, VREHandler

METHODS = ("get", "post", "put", "delete", "patch")
# A value of each path parameter that the routes' own patterns accept.
EXAMPLES = {
    "service": "rucio",
    "instance": "devstack",
    "task_id": "0" * 32,
    "workflow": "helloworld.2",
    "name": "MY_SECRET",
    "item": "42",
    "rule_id": "0" * 32,
}


def served_routes(app: Any) -> dict[str, type]:
    """Every `/vre/api/...` URL pattern the Tornado application routes, with its handler class."""
    found: dict[str, type] = {}

    def walk(rules: list[Rule]) -> None:
        for rule in rules:
            if hasattr(rule.target, "rules"):
                walk(rule.target.rules)
            elif (
                isinstance(rule.matcher, PathMatches)
                and "/vre/api/" in rule.matcher.regex.pattern
                and rule.target is not UnknownEndpointHandler  # the JSON 404 of unknown URLs
            ):
                found[rule.matcher.regex.pattern] = rule.target

    walk(app.default_router.rules)
    walk(app.wildcard_router.rules)
    return found


def implemented(handler: type) -> set[str]:
    """The HTTP methods a VRE handler class answers (those the Tornado base does not merely refuse)."""
    methods = set()
    for cls in handler.__mro__:
        if issubclass(cls, VREHandler):
            methods |= {m for m in METHODS if m in vars(cls)}
    return methods


def documented() -> dict[str, set[str]]:
    spec = yaml.safe_load(DOCUMENT.read_text())
    return {path: {m for m in ops if m in METHODS} for path, ops in spec["paths"].items()}


def test_the_committed_document_is_current_with_the_models():
    assert DOCUMENT.read_text() == render(), "docs/api/openapi.yaml is stale: run python scripts/openapi.py"


def test_the_document_is_valid_openapi():
    from openapi_spec_validator import validate

    validate(yaml.safe_load(DOCUMENT.read_text()))


async def test_every_route_is_documented_and_every_documented_path_is_served(jp_web_app, jp_base_url):
    routes = served_routes(jp_web_app)
    assert len(routes) > 40, routes  # the three extensions and vre_common are loaded
    docs = documented()
    concrete = {
        path: jp_base_url.rstrip("/") + re.sub(r"\{(\w+)\}", lambda m: EXAMPLES[m.group(1)], path)
        for path in docs
    }
    # Every documented path is served, with each documented method, by exactly one route.
    for path, url in concrete.items():
        matching = [pattern for pattern in routes if re.fullmatch(pattern.rstrip("$"), url)]
        assert len(matching) == 1, f"{path} is served by {matching}"
        assert docs[path] == implemented(routes[matching[0]]), path
    # Every served route is documented.
    for pattern, handler in routes.items():
        assert any(re.fullmatch(pattern.rstrip("$"), url) for url in concrete.values()), (
            f"{pattern} ({handler.__name__}) is not in docs/api/openapi.yaml"
        )


def test_the_document_lists_the_error_shape_for_every_operation():
    spec = yaml.safe_load(Path(DOCUMENT).read_text())
    error = spec["components"]["schemas"]["ErrorResponse"]
    assert set(error["required"]) == {"error", "message"} and "backend" in error["properties"]
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            errors = [code for code in op["responses"] if code.startswith(("4", "5"))]
            assert errors, f"{method} {path} documents no error response"
            assert not [code for code in errors if code == "500"], f"{method} {path} documents a 500"


async def test_an_unknown_url_under_the_api_is_a_json_404(jp_fetch):
    for path in (
        ("rucio", "nowhere"),
        ("credentials", "rucio"),
        ("tasks", "not-an-id"),
        ("zenodo", "records", "x"),
    ):
        with pytest.raises(HTTPClientError) as err:
            await jp_fetch("vre", "api", *path, method="DELETE")
        assert err.value.code == 404, path
        assert json.loads(err.value.response.body)["error"] == "no_endpoint", path
    # The known routes still win over the catch-all.
    answer = await jp_fetch("vre", "api", "zenodo", "status")
    assert json.loads(answer.body)["extension"] == "zenodo_ext"


def test_the_frontend_types_are_generated_from_the_current_document():
    """src/common/api.gen.ts is what `jlpm build:api` makes of docs/api/openapi.yaml."""
    repo = DOCUMENT.parents[2]
    venv_bin = str(Path(sys.executable).parent)  # JupyterLab's yarn, jlpm, is in the project venv
    env = {**os.environ, "PATH": venv_bin + os.pathsep + os.environ.get("PATH", "")}
    answer = subprocess.run(
        ["jlpm", "check:api"], cwd=repo, env=env, capture_output=True, text=True, timeout=120
    )
    assert answer.returncode == 0, (
        f"src/common/api.gen.ts is stale: run jlpm build:api\n{answer.stdout}{answer.stderr}"
    )
