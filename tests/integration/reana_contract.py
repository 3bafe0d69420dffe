"""REANA 0.9's own API contract: reana-commons' `reana_server.json` (Swagger 2.0).

`Contract` checks one request (method, path, query parameters, body) and one answer
(declared status, JSON body against the declared schema). `record_reana_traffic` is a
fixture that watches every request `reana_ext` sends to the dev stack's REANA during a
test and fails the test if one of them, or the stand-in's answer, breaks the contract.

The document comes from the reana-commons that the real reana-client 0.9 installs in
its own venv (the dev stack's oracle), so the contract is REANA's, not ours.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import httpx
import jsonschema
import pytest


def nullable(schema: Any) -> Any:
    """Swagger 2.0 says `x-nullable: true` where JSON Schema says type [..., "null"]."""
    if isinstance(schema, list):
        return [nullable(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    converted = {k: nullable(v) for k, v in schema.items() if k != "x-nullable"}
    if schema.get("x-nullable") and isinstance(schema.get("type"), str):
        converted["type"] = [schema["type"], "null"]
    return converted


def validate(instance: Any, schema: dict[str, Any]) -> str | None:
    try:
        jsonschema.validate(instance, nullable(schema))
    except jsonschema.ValidationError as err:
        return f"{err.message} at {err.json_path}"
    return None


def document_path(reana: dict[str, Any]) -> Path:
    """reana_server.json of the reana-commons installed next to the oracle reana-client."""
    client_venv = Path(reana["client"]).parent.parent
    [found] = list(
        client_venv.glob("lib/python*/site-packages/reana_commons/openapi_specifications/reana_server.json")
    )
    return found


@dataclass
class Operation:
    method: str
    template: str
    pattern: re.Pattern[str]
    spec: dict[str, Any]

    def parameters(self, where: str) -> dict[str, dict[str, Any]]:
        return {p["name"]: p for p in self.spec.get("parameters", []) if p["in"] == where}


@dataclass
class Contract:
    document: dict[str, Any]
    operations: list[Operation] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> Contract:
        contract = cls(json.loads(path.read_text()))
        for template, methods in contract.document["paths"].items():
            # REANA routes `workspace/{file_name}` as a path that may hold slashes.
            regex = re.sub(r"\{file_name\}", r"(?P<file_name>.+)", template)
            regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", regex)
            for method, spec in methods.items():
                contract.operations.append(
                    Operation(method.upper(), template, re.compile(f"^{regex}$"), spec)
                )
        return contract

    def operation(self, method: str, path: str) -> Operation | None:
        path = path.rstrip("/") or "/"
        for operation in self.operations:
            if operation.method == method and (
                operation.pattern.match(path) or operation.pattern.match(path + "/")
            ):
                return operation
        return None

    def check_request(
        self, method: str, url: str, content_type: str, body: bytes | None
    ) -> tuple[Operation | None, list[str]]:
        parts = urlsplit(url)
        path = unquote(parts.path)
        operation = self.operation(method, path)
        if operation is None:
            return None, [f"{method} {path}: no such operation in reana_server.json"]
        where = f"{method} {operation.template}"
        problems = []
        declared = operation.parameters("query")
        for name, value in parse_qsl(parts.query, keep_blank_values=True):
            if name not in declared:
                problems.append(f"{where}: query parameter {name!r} is not declared")
                continue
            kind = declared[name].get("type")
            if kind == "integer" and not re.fullmatch(r"-?\d+", value):
                problems.append(f"{where}: {name}={value!r} is not an integer")
            if kind == "boolean" and value not in ("true", "false"):
                problems.append(f"{where}: {name}={value!r} is not true/false")
        sent = {name for name, _ in parse_qsl(parts.query)}
        for name, parameter in declared.items():
            if parameter.get("required") and name not in sent:
                problems.append(f"{where}: required query parameter {name!r} is missing")
        body_parameter = next(iter(operation.parameters("body").values()), None)
        if body:
            if body_parameter is None:
                problems.append(f"{where}: sends a body but the operation declares none")
            elif "json" in content_type:
                if wrong := validate(json.loads(body), body_parameter.get("schema") or {}):
                    problems.append(f"{where}: body does not match its schema: {wrong}")
            else:
                consumes = operation.spec.get("consumes") or self.document.get("consumes") or []
                if content_type not in consumes:
                    problems.append(f"{where}: Content-Type {content_type} is not one of {consumes}")
        elif body_parameter is not None and body_parameter.get("required"):
            problems.append(f"{where}: the required body {body_parameter['name']!r} is missing")
        return operation, problems

    def check_response(
        self, operation: Operation, status: int, content_type: str, body: bytes | None
    ) -> list[str]:
        where = f"{operation.method} {operation.template} -> {status}"
        declared = operation.spec.get("responses", {})
        answer = declared.get(str(status)) or declared.get("default")
        if answer is None:
            return [f"{where}: status {status} is not declared (declared: {', '.join(declared)})"]
        schema = answer.get("schema")
        if schema is None or body is None or "json" not in content_type:
            return []
        try:
            wrong = validate(json.loads(body), schema)
        except ValueError:
            return [f"{where}: the answer is not JSON"]
        return [f"{where}: answer does not match its schema: {wrong[-300:]}"] if wrong else []


@dataclass
class Traffic:
    checked: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@pytest.fixture
def record_reana_traffic(reana: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Iterator[Traffic]:
    """Check every request to the dev stack's REANA and every answer against reana_server.json."""
    contract = Contract.load(document_path(reana))
    traffic = Traffic()
    base = reana["url"].rstrip("/")
    original = httpx.AsyncClient.send

    async def send(self: httpx.AsyncClient, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        response = await original(self, request, **kwargs)
        url = str(request.url)
        if not url.startswith(base):
            return response
        try:
            body = request.content
        except httpx.RequestNotRead:
            body = b"<streamed upload>"  # only its Content-Type is checked
        operation, problems = contract.check_request(
            request.method, url, request.headers.get("content-type", ""), body or None
        )
        if operation is not None:
            streamed = kwargs.get("stream", False)
            problems += contract.check_response(
                operation,
                response.status_code,
                response.headers.get("content-type", ""),
                None if streamed else response.content,
            )
            traffic.checked.append(f"{request.method} {operation.template} -> {response.status_code}")
        traffic.problems += problems
        return response

    monkeypatch.setattr(httpx.AsyncClient, "send", send)
    yield traffic
    assert not traffic.problems, "REANA contract broken:\n" + "\n".join(traffic.problems)
