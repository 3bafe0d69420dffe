"""Upload a fresh dataset of small files to the dev stack's Rucio, for a UI test.

Prints JSON: {"did": "user.jdoe:ui-....", "files": {"<file DID>": "<hex of its first 16 bytes>"}}.
The bytes sit on a remote RSE (the stack's upload RSE), not on the mounted one,
so the test sees the dataset go from not available to available.

    .venv/bin/python ui-tests/helpers/rucio_dataset.py [number of files] [name prefix]
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "integration"))

from rucio_datasets import dataset_uploader, rucio_client_config  # noqa: E402


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    prefix = sys.argv[2] if len(sys.argv) > 2 else ""  # datasets of one test found by one pattern
    home = Path(os.environ.get("VRE_DEVSTACK_HOME", REPO / ".devstack"))
    rucio = json.loads((home / "stack.json").read_text())["rucio"]
    payloads = {f"part{n}.root": b"VRE" + bytes([n]) + os.urandom(2000 + 100 * n) for n in range(count)}
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp, rucio_client_config(rucio):
        did = dataset_uploader(rucio, Path(tmp), f"ui-test.{prefix}" if prefix else "ui-test")(payloads)
    scope, dataset = did.split(":")
    files = {f"{scope}:{dataset}.{name}": data[:16].hex() for name, data in payloads.items()}
    print(json.dumps({"did": did, "files": files}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
