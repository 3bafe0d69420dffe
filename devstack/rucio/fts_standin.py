"""The dev stack's stand-in for FTS: the transfer step that really moves the bytes.

Rucio's mock transfertool accepts a transfer job and reports it DONE without copying
anything. daemon.py runs the real conveyor-submitter with install() applied: the
mock transfertool's submit() first copies each file from the source RSE's storage
to the destination path (gfal2 where importable, else a plain copy) and checks it
against the file's adler32 and size in Rucio. The copy goes to a temporary name
in the destination directory and is renamed only when it matches, so a replica
that the poller and finisher then mark AVAILABLE always has its bytes, and a
failed copy leaves no partial file (the job fails; Rucio retries it).
"""

from __future__ import annotations

import logging
import os
import shutil
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

try:
    import gfal2  # Debian's python3-gfal2, linked into the venv by setup.sh
except ImportError:
    gfal2 = None

log = logging.getLogger("fts-standin")


def adler32_of(path: Path) -> str:
    value = 1
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            value = zlib.adler32(chunk, value)
    return f"{value & 0xFFFFFFFF:08x}"


def copy_file(source: Path, target: Path) -> None:
    if gfal2 is not None:
        ctx = gfal2.creat_context()
        params = ctx.transfer_parameters()
        params.overwrite = True
        params.create_parent = True
        ctx.filecopy(params, f"file://{source}", f"file://{target}")
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def transfer(source_url: str, dest_url: str, adler32: str | None, size: int | None) -> None:
    """Copy one file between posix RSEs and verify it; raise on any mismatch."""
    source, target = Path(urlparse(source_url).path), Path(urlparse(dest_url).path)
    partial = target.with_name(f".{target.name}.part")
    try:
        copy_file(source, partial)
        got = adler32_of(partial)
        if adler32 and got != adler32.zfill(8):
            raise OSError(f"adler32 mismatch for {target}: expected {adler32}, got {got}")
        if size is not None and partial.stat().st_size != size:
            raise OSError(f"size mismatch for {target}: expected {size}, got {partial.stat().st_size}")
        partial.chmod(0o644)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    log.info("copied %s -> %s (adler32 %s, %s)", source, target, got, "gfal2" if gfal2 else "plain copy")


def install() -> None:
    """Give the mock transfertool's submit() the byte copy (called by daemon.py)."""
    from rucio.common.exception import TransferToolWrongAnswer
    from rucio.transfertool.mock import MockTransfertool

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False  # Rucio's own logging setup decides the level of everything else
    submit_without_copy = MockTransfertool.submit

    def submit_with_copy(
        self: MockTransfertool, transfers: Any, job_params: dict, timeout: int | None = None
    ) -> str:
        transfers = list(transfers)
        failures = []
        for t in transfers:
            try:
                transfer(t.source_url(t.src), t.dest_url, t.rws.adler32, t.rws.byte_count)
            except Exception as error:
                failures.append(f"{t.rws.scope}:{t.rws.name}: {error}")
        if failures:
            raise TransferToolWrongAnswer("stand-in transfer failed: " + "; ".join(failures))
        return submit_without_copy(self, transfers, job_params, timeout)

    MockTransfertool.submit = submit_with_copy
