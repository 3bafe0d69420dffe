"""What the Zenodo endpoints do, with no Tornado in it: depositions, transfers and records.

eOSSR does the REST calls (create, metadata, publish, new version, records,
communities, codemeta conversion); file bytes move through httpx and
`vre_common.streams`, so uploads report progress and memory stays flat.
"""

from __future__ import annotations

from pathlib import Path

from .client import ZenodoSession
from .depositions import Depositions
from .records import Records
from .transfers import Transfers


class ZenodoService:
    """The three parts the handlers call, built once at start-up on one `ZenodoSession`."""

    def __init__(self, session: ZenodoSession, root_dir: str, default_community: str) -> None:
        root = Path(root_dir).resolve()
        self.depositions = Depositions(session, root)
        self.transfers = Transfers(session, self.depositions, root)
        self.records = Records(session, default_community)
