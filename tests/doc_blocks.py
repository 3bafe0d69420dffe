"""Code blocks the docs name (```{code-block} ... :name: NAME```), for the tests that run what admins copy."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"


def named_block(page: str, name: str) -> str:
    """The body of the code block named `name` in `docs/<page>`."""
    text = (DOCS / page).read_text()
    match = re.search(
        rf"^```\{{code-block\}}[^\n]*\n(?::[a-z]+:[^\n]*\n)*?:name: {re.escape(name)}\n(?::[a-z]+:[^\n]*\n)*\n?(.*?)^```",
        text,
        re.M | re.S,
    )
    assert match, f"no code block named {name} in docs/{page}"
    return match.group(1)
