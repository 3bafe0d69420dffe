"""Sphinx configuration: MyST pages, the PyData theme, and pages generated from the code (_ext/vre_docs.py).

Built offline by scripts/test.sh with warnings as errors:
    sphinx-build -W --keep-going -b html docs docs/_build/html
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))

project = "jupyterlab-vre"
author = "jupyterlab-vre contributors"
copyright = "jupyterlab-vre contributors"

extensions = ["myst_parser", "vre_docs"]
source_suffix = {".md": "markdown"}
root_doc = "index"
# _generated/ holds pages written at build time and pulled in with {include}; they are not pages themselves.
exclude_patterns = ["_build", "_generated", "api", "Thumbs.db", ".DS_Store"]

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

html_theme = "pydata_sphinx_theme"
html_title = "jupyterlab-vre"
html_theme_options = {
    "navbar_end": ["theme-switcher"],
    "show_toc_level": 2,
    "navigation_with_keys": False,
}
html_last_updated_fmt = None
# Nothing is fetched from the network while building or when reading the pages.
intersphinx_mapping: dict[str, tuple[str, None]] = {}
