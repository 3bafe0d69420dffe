"""The docs say what the code does: every config option, pictures the UI tests take, links that resolve."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
sys.path.insert(0, str(DOCS / "_ext"))

import vre_docs  # noqa: E402 (docs/_ext is not a package)

from lifecycle_ext.app import LifecycleExtension  # noqa: E402
from reana_ext.app import ReanaExtension  # noqa: E402
from rucio_ext.app import RucioExtension  # noqa: E402
from rucio_ext.config import RucioConfig, RucioInstance  # noqa: E402
from vre_common.config import IAMTokens, VRECommon  # noqa: E402
from zenodo_ext.app import ZenodoExtension  # noqa: E402

CLASSES = (
    RucioExtension,
    RucioConfig,
    ReanaExtension,
    ZenodoExtension,
    LifecycleExtension,
    IAMTokens,
    VRECommon,
)


def own_config_traits(cls: type) -> set[str]:
    """`config=True` traits defined in this project's modules, walking the classes up to Jupyter's."""
    names: set[str] = set()
    for klass in cls.__mro__:
        if klass.__module__.split(".")[0] not in vre_docs.OUR_PACKAGES:
            continue
        names |= {n for n, t in klass.class_own_traits().items() if t.metadata.get("config")}
    return names


@pytest.fixture(scope="module")
def reference() -> str:
    return vre_docs.config_reference()


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_every_config_option_is_in_the_reference_with_type_default_and_help(reference, cls):
    options = own_config_traits(cls)
    assert options, f"{cls.__name__} has no options?"
    for name in options:
        row = re.search(rf"^\| `c\.{cls.__name__}\.{name}` \| (.+?) \| (.+?) \| (.+?) \|$", reference, re.M)
        assert row, f"c.{cls.__name__}.{name} is missing from the configuration reference"
        kind, default, help_text = row.groups()
        assert kind.strip() and "Undefined" not in default and help_text.strip(), row.group(0)


def test_the_reference_lists_no_option_jupyter_defines(reference):
    # ExtensionApp's own options (open_browser, default_url, ...) are Jupyter's, documented there.
    assert "c.RucioExtension.open_browser" not in reference
    assert "c.ReanaExtension.default_url" not in reference


def test_defaults_read_from_the_environment_are_named(reference):
    assert "`$VRE_IAM_ISSUER`" in reference
    assert "`$REANA_SERVER_URL`" in reference
    assert "`$ZENODO_TOKEN`" in reference


def test_every_rucio_instance_key_is_documented():
    page = (DOCS / "admin" / "configuration.md").read_text()
    table = page.split("(rucio-instance-keys)=", 1)[1].split("\n## ", 2)[1]
    for key in RucioInstance.model_fields:
        assert f"| `{key}` |" in table, f"Rucio instance key {key} is not in the admin guide's table"


def screenshot_patterns() -> list[re.Pattern[str]]:
    """The file names the Galata tests write into docs/images (templates like `auth-${service}` as patterns)."""
    patterns = []
    for spec in (REPO / "ui-tests" / "tests").glob("*.spec.ts"):
        for name in re.findall(r"""[`'"]([^`'"\s]+\.png)[`'"]""", spec.read_text()):
            parts = re.split(r"\$\{[^}]*\}", name)
            patterns.append(re.compile("[a-z0-9-]+".join(map(re.escape, parts)) + r"\Z"))
    return patterns


def doc_pages() -> list[Path]:
    return [p for p in DOCS.rglob("*.md") if "_build" not in p.parts and "_generated" not in p.parts]


def test_the_docs_show_only_screenshots_the_ui_tests_take():
    patterns = screenshot_patterns()
    assert len(patterns) >= 10
    used = set()
    for page in [*doc_pages(), REPO / "README.md"]:
        used |= set(re.findall(r"images/([^)\s]+\.png)", page.read_text()))
    assert len(used) >= 10
    for image in sorted(used):
        assert any(p.match(image) for p in patterns), f"{image} is not written by a ui-tests spec"
        assert (DOCS / "images" / image).exists()


def test_readme_links_into_the_docs_resolve():
    readme = (REPO / "README.md").read_text()
    links = re.findall(r"\]\(((?:docs|devstack|benchmarks)/[^)#\s]+)", readme)
    assert any(link.startswith("docs/") and link.endswith(".md") for link in links)
    for link in links:
        assert (REPO / link).exists(), f"README links to {link}, which does not exist"


def test_openapi_is_rendered_with_operations_parameters_and_schema_links():
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/vre/api/rucio/{instance}/dids/search": {
                "parameters": [{"$ref": "#/components/parameters/Instance"}],
                "get": {
                    "tags": ["Rucio"],
                    "summary": "Search DIDs.",
                    "parameters": [{"name": "query", "in": "query", "schema": {"type": "string"}}],
                    "responses": {
                        "200": {
                            "description": "a page",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/DIDPage"}}
                            },
                        },
                        "400": {"$ref": "#/components/responses/BadRequest"},
                    },
                },
            }
        },
        "components": {
            "parameters": {"Instance": {"name": "instance", "in": "path", "required": True}},
            "responses": {"BadRequest": {"description": "bad | input"}},
            "schemas": {
                "DIDPage": {
                    "type": "object",
                    "required": ["items"],
                    "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/DID"}}},
                },
                "DID": {"type": "object", "properties": {"name": {"type": "string"}}},
            },
        },
    }
    text = vre_docs.OpenAPIRenderer(spec).render()
    assert "## Rucio" in text and "### `GET /vre/api/rucio/{instance}/dids/search`" in text
    assert "| `instance` | path |" in text and "| `query` | query |" in text
    assert "{ref}`DIDPage <api-schema-didpage>`" in text
    assert "list of {ref}`DID <api-schema-did>`" in text
    assert "bad \\| input" in text  # a pipe does not break the table
    assert "(api-schema-did)=" in text


def test_the_openapi_document_renders_every_path():
    path = DOCS / "api" / "openapi.yaml"
    if not path.exists():
        pytest.fail("docs/api/openapi.yaml is missing: the REST API reference is rendered from it")
    spec = yaml.safe_load(path.read_text())
    text = vre_docs.rest_api_reference(path)
    for route, item in spec["paths"].items():
        for method in vre_docs.METHODS:
            if method in item:
                assert f"### `{method.upper()} {route}`" in text
