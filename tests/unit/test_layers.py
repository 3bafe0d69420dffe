"""The dependency rules of docs/dev/architecture.md, checked on the source."""

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXTENSIONS = ("rucio_ext", "reana_ext", "zenodo_ext", "lifecycle_ext")
PANELS = ("rucio", "reana", "zenodo", "lifecycle")
PY_IMPORT = re.compile(r"^\s*(?:from|import)\s+([A-Za-z_][\w.]*)", re.M)
TS_IMPORT = re.compile(r"from\s+'(\.{1,2}/[^']+)'")


def python_imports(package: str) -> dict[Path, set[str]]:
    return {
        path: {name.split(".")[0] for name in PY_IMPORT.findall(path.read_text())}
        for path in (REPO / package).glob("*.py")
    }


@pytest.mark.parametrize("package", ["vre_common", *EXTENSIONS])
def test_server_packages_import_only_vre_common_of_ours(package):
    for path, names in python_imports(package).items():
        others = names & (set(EXTENSIONS) - {package})
        assert not others, f"{path.relative_to(REPO)} imports {others}"


@pytest.mark.parametrize("package", ["vre_common", *EXTENSIONS])
def test_only_handlers_and_apps_import_tornado(package):
    for path, names in python_imports(package).items():
        if path.name not in ("handlers.py", "app.py", "extension.py"):
            assert "tornado" not in names, f"{path.relative_to(REPO)} imports tornado"


@pytest.mark.parametrize("panel", PANELS)
def test_panels_share_code_only_through_common_and_tokens(panel):
    """Another panel is reached only through its `tokens.ts` (a Token and types), as JupyterLab packages are."""
    for path in (REPO / "src" / panel).rglob("*.ts*"):
        for target in TS_IMPORT.findall(path.read_text()):
            resolved = (path.parent / target).resolve()
            if not resolved.is_relative_to(REPO / "src"):
                continue
            folder = resolved.relative_to(REPO / "src").parts[0]
            assert folder in (panel, "common") or resolved.name == "tokens", (
                f"{path.relative_to(REPO)} imports {target}"
            )


@pytest.mark.parametrize("panel", ["rucio", "reana", "zenodo"])
def test_a_panel_s_tokens_carry_no_code_of_it(panel):
    """`tokens.ts` imports its own panel's modules for types only, so importing it loads none of them."""
    text = (REPO / "src" / panel / "tokens.ts").read_text()
    own = re.findall(r"^(import|export)(\s+type)?\b[^;]*?from '\./[^']+';", text, re.M | re.S)
    assert own, "tokens.ts names no type of its panel?"
    assert all(kind for _, kind in own), f"src/{panel}/tokens.ts imports code of its panel"
