"""Set the dev stack user's quota on the mounted RSE, for a UI test of the quota warning.

    .venv/bin/python ui-tests/helpers/rucio_quota.py 1000    # bytes
    .venv/bin/python ui-tests/helpers/rucio_quota.py reset   # the dev stack's quota again

Uses the stack's root client: only an admin sets account limits.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEVSTACK_QUOTA = 10 * 1024**4  # devstack/rucio/seed.py's QUOTA_BYTES


def main() -> int:
    home = Path(os.environ.get("VRE_DEVSTACK_HOME", REPO / ".devstack"))
    rucio = json.loads((home / "stack.json").read_text())["rucio"]
    os.environ["RUCIO_CONFIG"] = rucio["root_client_config"]
    from rucio.client import Client

    limit = DEVSTACK_QUOTA if sys.argv[1] == "reset" else int(sys.argv[1])
    Client().set_local_account_limit(rucio["account"], rucio["mounted_rse"], limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
