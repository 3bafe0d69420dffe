"""Write docs/api/openapi.yaml: the REST contract of every `/vre/api/...` endpoint.

One source: the operations (paths, parameters, statuses) are listed below, and
every request and response schema is generated from the extensions' pydantic
models, the same models the handlers validate with and serialise from.

    python scripts/openapi.py          # rewrite docs/api/openapi.yaml
    python scripts/openapi.py --check  # exit 1 when the committed document is stale

tests/contract/test_openapi.py fails when the document is stale, when a route
the server registers is missing from it, or when a documented path is not served.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from lifecycle_ext import models as lifecycle  # noqa: E402
from reana_ext import models as reana  # noqa: E402
from rucio_ext import models as rucio  # noqa: E402
from vre_common import models as common  # noqa: E402
from vre_common.extension import ExtensionStatus  # noqa: E402
from zenodo_ext import models as zenodo  # noqa: E402

DOCUMENT = REPO / "docs" / "api" / "openapi.yaml"
REF = "#/components/schemas/{model}"

# Schema names: the class name, prefixed by its service where two services use the same one.
SCHEMA_NAMES: dict[type[BaseModel], str] = {
    rucio.UploadInput: "RucioUploadInput",
    reana.UploadInput: "ReanaUploadInput",
    zenodo.UploadInput: "ZenodoUploadInput",
    reana.CreateInput: "ReanaCreateInput",
    zenodo.CreateInput: "ZenodoCreateInput",
}

ERRORS = {
    400: ("BadRequest", "Bad input: a parameter or the body is invalid; `message` says what to change."),
    401: ("NotAuthenticated", "No usable credential for the service: `message` says how to sign in."),
    403: ("Forbidden", "Refused by Jupyter (no or wrong auth token / XSRF) or by the service."),
    404: ("NotFound", "The instance, item or workspace path does not exist."),
    409: ("Conflict", "The item is in a state that does not allow this (e.g. already published)."),
    502: ("BackendError", "The backend failed or could not be reached; `backend` names it."),
    504: ("BackendTimeout", "The backend did not answer in time; `backend` names it."),
}
LOCAL = (400, 403, 404)  # endpoints that call no backend
BACKEND = (400, 401, 403, 404, 409, 502, 504)

INSTANCE_NAME = r"^[A-Za-z0-9_.\-]{1,64}$"
PATH_PARAMS: dict[str, dict[str, Any]] = {
    "service": {"type": "string", "enum": ["rucio", "reana", "zenodo"]},
    "instance": {"type": "string", "pattern": INSTANCE_NAME},
    "task_id": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
    "workflow": {
        "type": "string",
        "pattern": r"^[A-Za-z0-9_\-]{1,128}(\.[0-9]{1,9})?$",
        "description": 'A workflow\'s UUID, its name (its latest run) or "name.run".',
    },
    "name": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]{0,127}$"},
    "item": {"type": "integer", "minimum": 0, "maximum": 999999999999},
}


@dataclass
class Op:
    method: str
    path: str
    summary: str
    response: type[BaseModel]
    status: int = 200
    body: type[BaseModel] | None = None
    query: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: tuple[int, ...] = BACKEND
    tag: str = ""


def text(description: str = "") -> dict[str, Any]:
    return {"type": "string", **({"description": description} if description else {})}


def integer(description: str = "") -> dict[str, Any]:
    return {"type": "integer", **({"description": description} if description else {})}


def many(description: str) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string"}, "description": description}


PAGE = {"page": integer("Page number, from 1."), "size": integer("Items per page.")}
R, W, Z, L = "/vre/api/rucio", "/vre/api/reana", "/vre/api/zenodo", "/vre/api/lifecycle"
WF = f"{W}/workflows/{{workflow}}"

OPERATIONS = [
    # --- shared (vre_common) ---------------------------------------------------------------
    Op(
        "get",
        f"{R}/status",
        "The Rucio extension's version and configuration",
        ExtensionStatus,
        errors=(403,),
    ),
    Op(
        "get",
        f"{W}/status",
        "The REANA extension's version and configuration",
        ExtensionStatus,
        errors=(403,),
    ),
    Op(
        "get",
        f"{Z}/status",
        "The Zenodo extension's version and configuration",
        ExtensionStatus,
        errors=(403,),
    ),
    Op(
        "get",
        "/vre/api/auth/status",
        "Who the user is, which services are connected (never a token)",
        common.AuthStatus,
        errors=(403,),
    ),
    Op(
        "put",
        "/vre/api/credentials/{service}/{instance}",
        "Store the user's credential for a service instance",
        common.ServiceConnection,
        body=common.CredentialInput,
        errors=(400, 401, 403, 404, 502, 504),
    ),
    Op(
        "delete",
        "/vre/api/credentials/{service}/{instance}",
        "Forget the user's credential",
        common.ServiceConnection,
        errors=LOCAL,
    ),
    Op(
        "get",
        "/vre/api/tasks",
        "Background tasks, newest first",
        common.TaskList,
        errors=(403,),
        query={"kind": text('Only tasks whose kind starts with this, e.g. "rucio."')},
    ),
    Op("get", "/vre/api/tasks/{task_id}", "One background task", common.TaskInfo, errors=LOCAL),
    Op(
        "delete",
        "/vre/api/tasks/{task_id}",
        "Cancel a background task (dismiss it when interrupted)",
        common.TaskInfo,
        errors=LOCAL,
    ),
    Op(
        "post",
        "/vre/api/tasks/{task_id}/resume",
        "Start an interrupted task again; answers the new task",
        common.TaskInfo,
        errors=(*LOCAL, 409, 502, 504),
    ),
    # --- Rucio -------------------------------------------------------------------------------
    Op("get", f"{R}/instances", "The configured Rucio instances", rucio.InstanceList, errors=(403,)),
    Op(
        "post",
        f"{R}/resolve",
        "Local paths of notebook attachments, for kernel injection",
        rucio.ResolveResult,
        body=rucio.ResolveInput,
    ),
    Op("get", f"{R}/{{instance}}/account", "The user's Rucio account", rucio.Account),
    Op("get", f"{R}/{{instance}}/scopes", "Rucio scopes", rucio.ScopeList),
    Op(
        "get",
        f"{R}/{{instance}}/rses",
        "RSEs, optionally matching an RSE expression",
        rucio.RSEList,
        query={"expression": text("An RSE expression.")},
    ),
    Op(
        "get",
        f"{R}/{{instance}}/dids/search",
        "Search DIDs by `scope:name` pattern, one page",
        rucio.DIDPage,
        query={
            "query": text("`scope:name`, `*` wildcards allowed in the name."),
            "type": {"type": "string", "enum": ["all", "container", "dataset", "file", "collection"]},
            "limit": integer("Items per page."),
            "cursor": text("`next_cursor` of the previous page."),
        },
    ),
    Op(
        "get",
        f"{R}/{{instance}}/dids/content",
        "The content of a container or dataset, one page",
        rucio.DIDPage,
        query={
            "did": text("`scope:name`"),
            "limit": integer("Items per page."),
            "cursor": text("`next_cursor` of the previous page."),
            "availability": text("`1`: each file's state on the mounted RSE too (replica mode)."),
        },
    ),
    Op(
        "get",
        f"{R}/{{instance}}/dids/rules",
        "The replication rules of a DID",
        rucio.RuleList,
        query={"did": text("`scope:name`")},
    ),
    Op(
        "get",
        f"{R}/{{instance}}/dids/details",
        "A DID's type, size, file count and metadata",
        rucio.DIDDetails,
        query={"did": text("`scope:name`")},
    ),
    Op(
        "post",
        f"{R}/{{instance}}/make-available",
        "Replicate DIDs to the mounted RSE (a background task)",
        common.TaskInfo,
        status=202,
        body=rucio.DIDList,
    ),
    Op(
        "get",
        f"{R}/{{instance}}/availability",
        "Each file's state on the mounted RSE",
        rucio.AvailabilityList,
        query={"did": many("`scope:name`, repeated.")},
    ),
    Op(
        "post",
        f"{R}/{{instance}}/verify",
        "Read every byte of DIDs' files where notebooks read them, comparing adler32 (a task)",
        common.TaskInfo,
        status=202,
        body=rucio.DIDList,
    ),
    Op(
        "post",
        f"{R}/{{instance}}/download",
        "Download DIDs into the workspace (download mode; a task)",
        common.TaskInfo,
        status=202,
        body=rucio.DIDList,
    ),
    Op(
        "post",
        f"{R}/{{instance}}/upload",
        "Upload a workspace file or folder to an RSE (a task)",
        common.TaskInfo,
        status=202,
        body=rucio.UploadInput,
    ),
    # --- REANA -------------------------------------------------------------------------------
    Op("get", f"{W}/ping", "REANA's version and who the user is there", reana.ReanaConnection),
    Op(
        "post",
        f"{W}/validate",
        "Validate a reana.yaml, or the editor's unsaved text of it (line-numbered messages)",
        reana.ValidationReport,
        body=reana.ValidateInput,
    ),
    Op(
        "post",
        f"{W}/run",
        "Create, upload and start a workflow (a task)",
        common.TaskInfo,
        status=202,
        body=reana.RunInput,
    ),
    Op(
        "get",
        f"{W}/workflows",
        "The user's workflows, one page",
        reana.WorkflowPage,
        query={
            "status": many("Workflow statuses, repeated or comma-separated."),
            "search": text("Part of the workflow name."),
            "sort": {"type": "string", "enum": ["desc", "asc"]},
            **PAGE,
        },
    ),
    Op(
        "post",
        f"{W}/workflows",
        "Create a workflow from a reana.yaml",
        reana.Workflow,
        status=201,
        body=reana.CreateInput,
    ),
    Op("get", WF, "A workflow's status and step counts", reana.Workflow),
    Op(
        "delete",
        WF,
        "Delete a workflow (and its workspace)",
        reana.DeletedWorkflow,
        query={"all_runs": {"type": "string", "enum": ["false", "true"]}},
    ),
    Op("post", f"{WF}/start", "Start a created workflow", reana.Workflow, body=reana.StartInput),
    Op("post", f"{WF}/stop", "Stop a running workflow", reana.Workflow),
    Op(
        "post",
        f"{WF}/upload",
        "Upload the reana.yaml's inputs (a task)",
        common.TaskInfo,
        status=202,
        body=reana.UploadInput,
    ),
    Op(
        "get",
        f"{WF}/logs",
        "Workflow and step logs",
        reana.WorkflowLogs,
        query={"step": many("Step names, repeated.")},
    ),
    Op(
        "get",
        f"{WF}/graph",
        "The workflow's steps, their dependencies and live status",
        reana.WorkflowGraph,
        query={"path": text("The workflow's folder in the workspace; needed for Yadage.")},
    ),
    Op("get", f"{WF}/files", "The workflow's workspace files, one page", reana.WorkspaceFiles, query=PAGE),
    Op(
        "post",
        f"{WF}/download",
        "Download workspace files into the Jupyter workspace (a task)",
        common.TaskInfo,
        status=202,
        body=reana.DownloadInput,
    ),
    Op("get", f"{W}/secrets", "Names and types of the user's REANA secrets", reana.SecretList),
    Op(
        "post",
        f"{W}/secrets",
        "Add a secret from a credential the server holds",
        reana.SecretList,
        status=201,
        body=reana.SecretInput,
    ),
    Op("delete", f"{W}/secrets/{{name}}", "Delete a secret", reana.SecretList),
    Op(
        "post",
        f"{W}/rucio-setup",
        "Add the REANA secrets that `rucio: true` steps need, with an IAM token for Rucio",
        reana.RucioSetup,
        body=reana.RucioSetupInput,
    ),
    # --- Zenodo ------------------------------------------------------------------------------
    Op("post", f"{Z}/verify", "Check the stored token against Zenodo", zenodo.VerifyResult),
    Op(
        "get",
        f"{Z}/codemeta",
        "A workspace codemeta.json converted into deposit metadata",
        zenodo.CodemetaMetadata,
        query={"path": text("A codemeta.json or its folder, in the workspace.")},
    ),
    Op(
        "get",
        f"{Z}/communities",
        "Search communities",
        zenodo.CommunityPage,
        query={"q": text("Search text."), **PAGE},
    ),
    Op("get", f"{Z}/depositions", "The user's depositions, one page", zenodo.DepositionPage, query=PAGE),
    Op(
        "post",
        f"{Z}/depositions",
        "Create a draft from form metadata or a codemeta.json",
        zenodo.Deposition,
        status=201,
        body=zenodo.CreateInput,
    ),
    Op("get", f"{Z}/depositions/{{item}}", "A deposition with its files and metadata", zenodo.Deposition),
    Op("delete", f"{Z}/depositions/{{item}}", "Discard a draft", zenodo.Discarded),
    Op(
        "put",
        f"{Z}/depositions/{{item}}/metadata",
        "Replace a draft's metadata",
        zenodo.Deposition,
        body=zenodo.MetadataInput,
    ),
    Op(
        "post",
        f"{Z}/depositions/{{item}}/upload",
        "Upload workspace files and folders (a task)",
        common.TaskInfo,
        status=202,
        body=zenodo.UploadInput,
    ),
    Op("post", f"{Z}/depositions/{{item}}/publish", "Publish a draft: its DOI", zenodo.Published),
    Op(
        "post",
        f"{Z}/depositions/{{item}}/newversion",
        "A new draft version of a published record",
        zenodo.Deposition,
        status=201,
        body=zenodo.NewVersionInput,
    ),
    Op(
        "post",
        f"{Z}/depositions/{{item}}/communities",
        "Ask a community to include the record",
        zenodo.CommunityRequest,
        body=zenodo.CommunityInput,
    ),
    Op(
        "get",
        f"{Z}/records",
        "Search published records",
        zenodo.RecordPage,
        query={"q": text("Search text."), "community": text("A community's id."), **PAGE},
    ),
    Op("get", f"{Z}/records/{{item}}", "A record's metadata, versions and files", zenodo.Record),
    Op(
        "post",
        f"{Z}/records/{{item}}/fetch",
        "Download a record's files into the workspace (a task)",
        common.TaskInfo,
        status=202,
        body=zenodo.FetchInput,
    ),
    # --- lifecycle (reana.yaml from notebook inputs, provenance; no backend of its own) ------
    Op("get", f"{L}/status", "The lifecycle extension's version", ExtensionStatus, errors=(403,)),
    Op(
        "post",
        f"{L}/spec",
        "Write a reana.yaml amended with a notebook's Rucio inputs next to the folder's own",
        lifecycle.SpecResult,
        body=lifecycle.SpecInput,
        errors=LOCAL,
    ),
    Op(
        "post",
        f"{L}/provenance",
        "Zenodo related identifiers and notes describing a run and its inputs",
        lifecycle.ProvenanceResult,
        body=lifecycle.CrateInput,
        errors=LOCAL,
    ),
    Op(
        "post",
        f"{L}/crate",
        "Write an RO-Crate of inputs, workflow, run, outputs and DOI into a folder",
        lifecycle.CrateResult,
        status=201,
        body=lifecycle.CrateInput,
        errors=LOCAL,
    ),
]


class ContractSchema(GenerateJsonSchema):
    """JSON schemas as the handlers use the models: a response always carries every field
    (`model_dump_json()` writes defaults too), so in responses every field is required."""

    def field_is_required(self, field: Any, total: bool) -> bool:
        return self.mode == "serialization" or super().field_is_required(field, total)


def tag_of(path: str) -> str:
    part = path.split("/")[3]
    return part if part in ("rucio", "reana", "zenodo", "lifecycle") else "common"


def schemas() -> tuple[dict[str, Any], dict[tuple[type[BaseModel], str], str]]:
    """Component schemas of every model an operation uses (inputs as validated, outputs as serialised)."""
    used: list[tuple[type[BaseModel], str]] = [(common.ErrorResponse, "serialization")]
    for op in OPERATIONS:
        used.append((op.response, "serialization"))
        if op.body:
            used.append((op.body, "validation"))
    used = list(dict.fromkeys(used))
    refs, top = models_json_schema(used, ref_template=REF, schema_generator=ContractSchema)
    defs: dict[str, Any] = top["$defs"]
    # pydantic names clashing models by their module path: give them short, service-prefixed names;
    # a model that differs as input and as output is "<Name>Input" and "<Name>".
    renames = {}
    for (model, _mode), ref in refs.items():
        old = ref["$ref"].rsplit("/", 1)[1]
        if model in SCHEMA_NAMES:
            renames[old] = SCHEMA_NAMES[model] + (old[len(old.split("-")[0]) :] if "-" in old else "")
    for name in defs:
        renames[name] = renames.get(name, name).replace("-Output", "").replace("-Input", "Input")
    defs = {renames[name]: _rename(schema, renames) for name, schema in defs.items()}
    names = {key: _rename(ref, renames)["$ref"].rsplit("/", 1)[1] for key, ref in refs.items()}
    # The error body is written by the base handler from `VREError.to_json()`, not by `model_dump`:
    # `backend` is there only when a backend failed.
    error = defs[names[(common.ErrorResponse, "serialization")]]
    error["required"] = ["error", "message"]
    error["properties"]["backend"] = {"type": "string", "title": "Backend"}
    return dict(sorted(defs.items())), names


def _rename(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                name = value.rsplit("/", 1)[1]
                value = REF.format(model=renames.get(name, name))
            out[key] = _rename(value, renames)
        return out
    if isinstance(node, list):
        return [_rename(item, renames) for item in node]
    return node


def ref(name: str) -> dict[str, str]:
    return {"$ref": REF.format(model=name)}


def operation(op: Op, names: dict[tuple[type[BaseModel], str], str]) -> dict[str, Any]:
    params = []
    for name in [p[1:-1] for p in op.path.split("/") if p.startswith("{")]:
        params.append({"name": name, "in": "path", "required": True, "schema": PATH_PARAMS[name]})
    for name, schema in op.query.items():
        schema = dict(schema)
        description = schema.pop("description", None)
        param = {"name": name, "in": "query", "required": False, "schema": schema}
        if description:
            param["description"] = description
        if schema["type"] == "array":
            param["style"], param["explode"] = "form", True
        params.append(param)
    ident = op.method + op.path.replace("/vre/api", "").replace("{", "").replace("}", "")
    ident = "".join(
        part.capitalize() if i else part for i, part in enumerate(ident.replace("-", "/").split("/"))
    )
    out: dict[str, Any] = {"tags": [tag_of(op.path)], "summary": op.summary, "operationId": ident}
    if params:
        out["parameters"] = params
    if op.body:
        body_schema = op.body.model_json_schema()
        out["requestBody"] = {
            "required": bool(body_schema.get("required")),
            "content": {"application/json": {"schema": ref(names[(op.body, "validation")])}},
        }
    responses: dict[str, Any] = {
        str(op.status): {
            "description": {200: "OK", 201: "Created", 202: "Accepted: a background task"}[op.status],
            "content": {"application/json": {"schema": ref(names[(op.response, "serialization")])}},
        }
    }
    for code in sorted(op.errors):
        responses[str(code)] = {"$ref": f"#/components/responses/{ERRORS[code][0]}"}
    out["responses"] = responses
    return out


def document() -> dict[str, Any]:
    from vre_common import __version__

    components, names = schemas()
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = operation(op, names)
    error = names[(common.ErrorResponse, "serialization")]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "jupyterlab-vre REST API",
            "version": __version__,
            "description": (
                "The endpoints the three jupyterlab-vre server extensions (Rucio, REANA, Zenodo) and "
                "their shared core add to a Jupyter server. Every request needs Jupyter's auth "
                "(`Authorization: token <token>` or the session cookie; mutating requests from a "
                "browser also need the `_xsrf` token). Every error is JSON "
                '`{"error": <code>, "message": <what to do>[, "backend": <name>]}`; no endpoint '
                "answers 500 by design. Generated by scripts/openapi.py from the pydantic models: "
                "do not edit by hand."
            ),
        },
        "servers": [{"url": "/", "description": "The Jupyter server (behind JupyterHub: /user/<name>/)"}],
        "tags": [
            {"name": "common", "description": "Auth state, credentials and background tasks"},
            {"name": "rucio", "description": "Rucio data lake: search, make available, download, upload"},
            {"name": "reana", "description": "REANA: validate, run and follow workflows, fetch outputs"},
            {"name": "zenodo", "description": "Zenodo: deposit, upload, publish, fetch records"},
            {
                "name": "lifecycle",
                "description": "Data to DOI: workflow inputs from notebook DIDs, provenance",
            },
        ],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "jupyterToken": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "`token <Jupyter server token>`",
                }
            },
            "responses": {
                name: {"description": description, "content": {"application/json": {"schema": ref(error)}}}
                for name, description in ERRORS.values()
            },
            "schemas": components,
        },
        "security": [{"jupyterToken": []}],
    }


def render() -> str:
    header = "# Generated by scripts/openapi.py from the pydantic models. Do not edit by hand.\n"
    return header + yaml.safe_dump(document(), sort_keys=False, allow_unicode=True, width=100)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="fail when docs/api/openapi.yaml is stale")
    args = parser.parse_args()
    fresh = render()
    if args.check:
        current = DOCUMENT.read_text() if DOCUMENT.exists() else ""
        if current != fresh:
            sys.stdout.writelines(
                difflib.unified_diff(current.splitlines(True), fresh.splitlines(True), "committed", "fresh")
            )
            print("\ndocs/api/openapi.yaml is stale: run python scripts/openapi.py", file=sys.stderr)
            return 1
        return 0
    DOCUMENT.parent.mkdir(parents=True, exist_ok=True)
    DOCUMENT.write_text(fresh)
    print(f"wrote {DOCUMENT.relative_to(REPO)}: {len(OPERATIONS)} operations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
