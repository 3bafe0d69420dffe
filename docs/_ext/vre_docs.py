"""Pages generated at build time, so that the docs cannot drift from the code.

- The configuration reference: every `config=True` trait of the classes admins
  configure (name, type, default, help), read from the traitlets classes.
- The REST API reference: `docs/api/openapi.yaml` rendered as MyST tables,
  offline (no JavaScript viewer, no CDN).

Both are written as MyST files into `docs/_generated/` when the build starts and
pulled into their pages with `{include}`. The functions work without Sphinx, so
the tests call them directly.
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
from pathlib import Path
from typing import Any

import yaml
from traitlets import Type

DOCS = Path(__file__).resolve().parents[1]
GENERATED = DOCS / "_generated"
OPENAPI = DOCS / "api" / "openapi.yaml"

# The classes admins configure, in the order the reference lists them.
CONFIG_CLASSES = (
    "rucio_ext.app:RucioExtension",
    "rucio_ext.config:RucioConfig",
    "reana_ext.app:ReanaExtension",
    "zenodo_ext.app:ZenodoExtension",
    "lifecycle_ext.app:LifecycleExtension",
    "vre_common.config:IAMTokens",
    "vre_common.config:VRECommon",
)
OUR_PACKAGES = ("vre_common", "rucio_ext", "reana_ext", "zenodo_ext", "lifecycle_ext")


# --- configuration reference ---------------------------------------------------------------------


def load_class(spec: str) -> type:
    module, name = spec.split(":")
    return getattr(importlib.import_module(module), name)


def _defined_by(cls: type, name: str) -> type:
    return next(k for k in cls.__mro__ if name in vars(k))


def config_options(cls: type) -> dict[str, Any]:
    """The configurable traits this project defines on `cls` (not those it inherits from Jupyter's ExtensionApp)."""
    return {
        name: trait
        for name, trait in sorted(cls.class_traits(config=True).items())
        if _defined_by(cls, name).__module__.split(".")[0] in OUR_PACKAGES
    }


def trait_type(trait: Any) -> str:
    kind = type(trait).__name__
    simple = {"Unicode": "str", "Int": "int", "Float": "float", "Bool": "bool", "Dict": "dict"}
    if kind in simple:
        text = simple[kind]
    elif kind == "List":
        inner = getattr(trait, "_trait", None)
        text = f"list of {trait_type(inner)}" if inner is not None else "list"
    elif kind == "Type":
        text = "a class (import path)"
    elif kind in ("Enum", "CaselessStrEnum"):
        text = "one of " + ", ".join(f"`{v!r}`" for v in trait.values)
    else:
        text = kind
    if getattr(trait, "allow_none", False) and kind not in ("Any",):
        text += " or `None`"
    return text


def _dynamic_default(cls: type, name: str) -> str | None:
    """What a default computed at start-up is: the generator's docstring, or the environment variable it reads."""
    generator = None
    for klass in cls.__mro__:
        generators = vars(klass).get("_trait_default_generators", {})
        if name in generators:
            generator = generators[name]
            break
    if generator is None:
        return None
    func = getattr(generator, "func", generator)
    if doc := inspect.getdoc(func):
        return doc
    source = inspect.getsource(func)
    names = re.findall(r"""(?:_env|environ\.get)\(\s*["']([A-Z0-9_]+)["']""", source)
    if names:
        return " or ".join(f"`${n}`" for n in names) + ", else empty"
    return "computed when the server starts"


def trait_default(cls: type, name: str, trait: Any) -> str:
    dynamic = _dynamic_default(cls, name)
    if dynamic is not None:
        return dynamic
    if isinstance(trait, Type):
        return f"`{trait.default_value.__module__}.{trait.default_value.__name__}`"
    value = trait.default()  # containers build their default here (default_value is Undefined for them)
    if value is None:
        return "`None`"
    return f"`{json.dumps(value) if isinstance(value, (dict, list)) else repr(value)}`"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def config_reference() -> str:
    """The configuration reference as MyST: one table per class."""
    out: list[str] = []
    for spec in CONFIG_CLASSES:
        cls = load_class(spec)
        doc = inspect.getdoc(cls) or ""
        out += [
            f"(config-{cls.__name__})=",
            f"## `c.{cls.__name__}`",
            "",
            f"{doc.splitlines()[0] if doc else ''} Defined in `{spec.replace(':', '.')}`.",
            "",
            "| option | type | default | what it does |",
            "|---|---|---|---|",
        ]
        for name, trait in config_options(cls).items():
            out.append(
                f"| `c.{cls.__name__}.{name}` | {_cell(trait_type(trait))} "
                f"| {_cell(trait_default(cls, name, trait))} | {_cell(trait.help or '')} |"
            )
        out.append("")
    return "\n".join(out)


# --- REST API reference --------------------------------------------------------------------------

METHODS = ("get", "put", "post", "patch", "delete")


def _anchor(name: str) -> str:
    return "api-schema-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


class OpenAPIRenderer:
    """OpenAPI 3 → MyST: operations grouped by tag, then the schemas, each `$ref` a cross-reference."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.components = spec.get("components", {}) or {}

    def resolve(self, node: Any) -> Any:
        """Follow a local `$ref` to parameters, responses or request bodies (schemas stay references)."""
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 10:
            parts = node["$ref"].lstrip("#/").split("/")
            if parts[:2] == ["components", "schemas"]:
                return node
            target: Any = self.spec
            for part in parts:
                target = target.get(part, {}) if isinstance(target, dict) else {}
            node, seen = target, seen + 1
        return node

    def schema_text(self, schema: Any) -> str:
        if not isinstance(schema, dict):
            return ""
        if ref := schema.get("$ref"):
            name = ref.rsplit("/", 1)[-1]
            if name in (self.components.get("schemas") or {}):
                return f"{{ref}}`{name} <{_anchor(name)}>`"
            return f"`{name}`"
        for combiner, joiner in (("oneOf", " or "), ("anyOf", " or "), ("allOf", " and ")):
            if combiner in schema:
                return joiner.join(self.schema_text(s) for s in schema[combiner])
        kind = schema.get("type", "")
        if isinstance(kind, list):
            kind = " or ".join(kind)
        if kind == "array":
            return f"list of {self.schema_text(schema.get('items', {})) or 'any'}"
        if "enum" in schema:
            return "one of " + ", ".join(f"`{v}`" for v in schema["enum"])
        if kind == "object" and "properties" not in schema and "additionalProperties" in schema:
            extra = schema["additionalProperties"]
            return f"map of {self.schema_text(extra) if isinstance(extra, dict) else 'any'}"
        text = kind or ("object" if "properties" in schema else "any")
        if fmt := schema.get("format"):
            text += f" ({fmt})"
        if schema.get("nullable"):
            text += " or null"
        return text

    def _body(self, content: dict[str, Any] | None) -> str:
        if not content:
            return ""
        return "; ".join(
            f"`{media}`: {self.schema_text(body.get('schema', {}))}" for media, body in content.items()
        )

    def operation(self, path: str, method: str, op: dict[str, Any], shared: list[Any]) -> list[str]:
        out = [f"### `{method.upper()} {path}`", ""]
        if summary := op.get("summary"):
            out += [summary.strip(), ""]
        if description := op.get("description"):
            out += [description.strip(), ""]
        params = [self.resolve(p) for p in [*shared, *op.get("parameters", [])]]
        if params:
            out += ["| parameter | in | type | required | description |", "|---|---|---|---|---|"]
            for p in params:
                out.append(
                    f"| `{p.get('name', '')}` | {p.get('in', '')} | {_cell(self.schema_text(p.get('schema', {})))} "
                    f"| {'yes' if p.get('required') else 'no'} | {_cell(p.get('description', ''))} |"
                )
            out.append("")
        if body := self.resolve(op.get("requestBody")):
            out += [f"Request body: {self._body(body.get('content'))}", ""]
        responses = op.get("responses", {})
        if responses:
            out += ["| status | meaning | body |", "|---|---|---|"]
            for status, response in responses.items():
                response = self.resolve(response)
                out.append(
                    f"| {status} | {_cell(response.get('description', ''))} "
                    f"| {_cell(self._body(response.get('content')))} |"
                )
            out.append("")
        return out

    def schema(self, name: str, schema: dict[str, Any]) -> list[str]:
        out = [f"({_anchor(name)})=", f"### `{name}`", ""]
        if description := schema.get("description"):
            out += [description.strip(), ""]
        properties = schema.get("properties")
        if not properties:
            out += [f"Type: {self.schema_text(schema) or 'any'}", ""]
            return out
        required = set(schema.get("required", []))
        out += ["| field | type | required | description |", "|---|---|---|---|"]
        for field, sub in properties.items():
            out.append(
                f"| `{field}` | {_cell(self.schema_text(sub))} | {'yes' if field in required else 'no'} "
                f"| {_cell(sub.get('description', '') if isinstance(sub, dict) else '')} |"
            )
        out.append("")
        return out

    def render(self) -> str:
        info = self.spec.get("info", {})
        out = [f"OpenAPI document: *{info.get('title', '')}*, version {info.get('version', '')}.", ""]
        if description := info.get("description"):
            out += [description.strip(), ""]
        groups: dict[str, list[str]] = {}
        for path, item in (self.spec.get("paths") or {}).items():
            shared = item.get("parameters", [])
            for method in METHODS:
                if op := item.get(method):
                    tag = (op.get("tags") or ["Other"])[0]
                    groups.setdefault(tag, []).extend(self.operation(path, method, op, shared))
        tag_text = {t["name"]: t.get("description", "") for t in self.spec.get("tags", []) if "name" in t}
        for tag, lines in groups.items():
            out += [f"## {tag}", ""]
            if tag_text.get(tag):
                out += [tag_text[tag].strip(), ""]
            out += lines
        schemas = self.components.get("schemas") or {}
        if schemas:
            out += ["## Schemas", ""]
            for name, schema in schemas.items():
                out += self.schema(name, schema)
        return "\n".join(out)


def rest_api_reference(path: Path = OPENAPI) -> str:
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: the REST API reference is rendered from it")
    spec = yaml.safe_load(path.read_text())
    if not isinstance(spec, dict) or not str(spec.get("openapi", "")).startswith("3"):
        raise ValueError(f"{path} is not an OpenAPI 3 document")
    return OpenAPIRenderer(spec).render()


def write_generated(target: Path = GENERATED) -> list[Path]:
    target.mkdir(exist_ok=True)
    pages = {"config-options.md": config_reference(), "rest-api.md": rest_api_reference()}
    written = []
    for name, text in pages.items():
        path = target / name
        if not path.exists() or path.read_text() != text:  # unchanged files keep Sphinx's cache valid
            path.write_text(text)
        written.append(path)
    return written


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", lambda app: write_generated())
    return {"parallel_read_safe": True, "parallel_write_safe": True}
