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
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    prefix = sys.argv[2] if len(sys.argv) > 2 else ""  # datasets of one test found by one pattern
    home = Path(os.environ.get("VRE_DEVSTACK_HOME", REPO / ".devstack"))
    rucio = json.loads((home / "stack.json").read_text())["rucio"]
    os.environ["RUCIO_CONFIG"] = rucio["client_config"]
    from rucio.client import Client
    from rucio.client.uploadclient import UploadClient

    scope, dataset = f"user.{rucio['account']}", f"ui-test.{prefix}{uuid.uuid4().hex[:12]}"
    files: dict[str, str] = {}
    items = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(count):
            data = b"VRE" + bytes([n]) + os.urandom(2000 + 100 * n)
            path = Path(tmp) / f"{dataset}.part{n}.root"
            path.write_bytes(data)
            files[f"{scope}:{path.name}"] = data[:16].hex()
            items.append(
                {
                    "path": str(path),
                    "rse": rucio["upload_rse"],
                    "did_scope": scope,
                    "did_name": path.name,
                    "dataset_scope": scope,
                    "dataset_name": dataset,
                    "register_after_upload": True,
                }
            )
        logging.basicConfig(level=logging.ERROR)
        UploadClient(Client(), logger=logging.getLogger("upload")).upload(items)
    print(json.dumps({"did": f"{scope}:{dataset}", "files": files}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
