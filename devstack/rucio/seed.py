"""Seed the dev-stack Rucio through its API, as root (run by supervisor.py at every start).

Idempotent and quick: whatever already exists is kept, so each start repairs what
is missing (e.g. the OIDC identity once the IAM has published its users).
Writes the sample DIDs it made to Layout.samples_record (read by supervisor.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from stack_layout import (
    DATA_RSES,
    LFN2PFN,
    MOUNTED_RSE,
    ROOT_ACCOUNT,
    RSES,
    SCOPES,
    USER_ACCOUNT,
    USER_EMAIL,
    USER_PASSWORD,
    USER_USERNAME,
    Layout,
    iam_facts,
    layout,
    oidc_identity,
    write_json,
)

os.environ["RUCIO_CONFIG"] = str(layout().root_client_config)

from rucio.client import Client
from rucio.common.exception import (
    DataIdentifierAlreadyExists,
    DataIdentifierNotFound,
    Duplicate,
    DuplicateContent,
    FileAlreadyExists,
)

# A second user (the hub tests: two users side by side), mapped from the IAM's asmith by OIDC only.
SECOND_ACCOUNT = "asmith"
SECOND_EMAIL = "asmith@vre.example.org"

ALREADY_THERE = (Duplicate, DataIdentifierAlreadyExists, DuplicateContent, FileAlreadyExists)
QUOTA_BYTES = 10 * 1024**4


@dataclass(frozen=True)
class SampleDataset:
    scope: str
    name: str
    rse: str
    files: tuple[str, ...]
    meta: dict[str, Any]


CONTAINER = "atlas_open:opendata.pp_13TeV.2016.PHYSLITE"
DATASETS = (
    SampleDataset(
        "atlas_open",
        "opendata.pp_13TeV.2016.periodA.PHYSLITE",
        "CERN-DATA",
        tuple(f"DAOD_PHYSLITE.periodA._{i:06d}.pool.root" for i in range(1, 4)),
        {
            "project": "data16_13TeV",
            "datatype": "DAOD_PHYSLITE",
            "run_number": 297730,
            "stream_name": "physics_Main",
            "version": "p5314",
        },
    ),
    SampleDataset(
        "atlas_open",
        "opendata.pp_13TeV.2016.periodB.PHYSLITE",
        "CERN-DATA",
        tuple(f"DAOD_PHYSLITE.periodB._{i:06d}.pool.root" for i in range(1, 3)),
        {
            "project": "data16_13TeV",
            "datatype": "DAOD_PHYSLITE",
            "run_number": 300279,
            "stream_name": "physics_Main",
            "version": "p5314",
        },
    ),
    SampleDataset(
        "atlas_open",
        "opendata.pp_13TeV.2016.lumi_tables",
        "DESY-DATA",
        ("lumi_periodA.csv", "lumi_periodB.csv"),
        {"project": "data16_13TeV", "datatype": "lumi_table", "version": "v1"},
    ),
    SampleDataset(
        "cta",
        "prod5.LaPalma.gamma_onaxis.DL2",
        "DESY-DATA",
        tuple(f"gamma_onaxis_run{run}.DL2.csv" for run in (1001, 1002, 1003)),
        {"project": "cta_prod5", "datatype": "DL2", "campaign": "LaPalma", "version": "v0.10"},
    ),
    SampleDataset(
        "user.jdoe",
        "analysis.zmumu.inputs",
        "CERN-DATA",
        ("zmumu_selection.csv", "zmumu_skim.root"),
        {"datatype": "NTUP"},
    ),
)
CONTAINED = DATASETS[:3]  # the ATLAS-like datasets form the container


def file_bytes(name: str) -> bytes:
    """Deterministic content: ROOT-like binary for .root, a small table for .csv."""
    rng = random.Random(name)  # noqa: S311 - reproducible sample content, not secrets
    if name.endswith(".root"):
        header = b"root\x00\x00\xf4\x1a" + name.encode()[:56].ljust(56, b"\x00")
        return header + rng.randbytes(rng.randint(48, 160) * 1024)
    rows = ["run,event,pt_gev,eta,phi,weight"]
    rows += [
        f"{rng.randint(297000, 311000)},{rng.randint(1, 10**9)},{rng.uniform(5, 250):.3f},"
        f"{rng.uniform(-2.5, 2.5):.4f},{rng.uniform(-3.1416, 3.1416):.4f},{rng.uniform(0.5, 1.5):.5f}"
        for _ in range(rng.randint(200, 800))
    ]
    return ("\n".join(rows) + "\n").encode()


def ignore_existing(call: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    with contextlib.suppress(ALREADY_THERE):
        call(*args, **kwargs)


def seed_accounts(client: Client) -> None:
    ignore_existing(client.add_account, USER_ACCOUNT, "USER", USER_EMAIL)
    ignore_existing(
        client.add_identity,
        account=USER_ACCOUNT,
        identity=USER_USERNAME,
        authtype="USERPASS",
        email=USER_EMAIL,
        default=True,
        password=USER_PASSWORD,
    )
    ignore_existing(client.add_account, SECOND_ACCOUNT, "USER", SECOND_EMAIL)
    for scope, account in {**SCOPES, f"user.{SECOND_ACCOUNT}": SECOND_ACCOUNT}.items():
        ignore_existing(client.add_scope, account, scope)


def seed_oidc_identity(client: Client, lay: Layout) -> None:
    """Map the IAM's jdoe and asmith (by sub and issuer) to their Rucio accounts, when the IAM published them."""
    iam = iam_facts(lay)
    if not iam:
        return
    for username, account, email in (
        (USER_USERNAME, USER_ACCOUNT, USER_EMAIL),
        (SECOND_ACCOUNT, SECOND_ACCOUNT, SECOND_EMAIL),
    ):
        identity = oidc_identity(iam, username)
        if identity:
            ignore_existing(
                client.add_identity,
                account=account,
                identity=identity,
                authtype="OIDC",
                email=email,
                default=True,
            )


def seed_x509_identity(client: Client, lay: Layout) -> None:
    """Map the dev stack's user certificate (x509_pki.py) to jdoe, when the TLS front runs."""
    if lay.tls_port:
        from x509_pki import USER_DN

        ignore_existing(
            client.add_identity, account=USER_ACCOUNT, identity=USER_DN, authtype="X509", email=USER_EMAIL
        )


def seed_rses(client: Client, lay: Layout) -> None:
    for rse in RSES:
        storage = lay.rse_dir(rse)
        storage.mkdir(parents=True, exist_ok=True)
        ignore_existing(client.add_rse, rse, deterministic=True)
        attributes = {"lfn2pfn_algorithm": LFN2PFN, "vre_mounted": rse == MOUNTED_RSE, "istape": False}
        for key, value in attributes.items():
            client.add_rse_attribute(rse, key, value)
        ops = {"read": 1, "write": 1, "delete": 1}
        ignore_existing(
            client.add_protocol,
            rse,
            {
                "scheme": "file",
                "hostname": "localhost",
                "port": 0,
                "prefix": f"{storage}/",
                "impl": "rucio.rse.protocols.posix.Default",
                "domains": {
                    "lan": ops,
                    "wan": {**ops, "third_party_copy_read": 1, "third_party_copy_write": 1},
                },
            },
        )
    for source in RSES:
        for destination in RSES:
            if source != destination:
                ignore_existing(client.add_distance, source, destination, {"distance": 1})
    for account in (ROOT_ACCOUNT, USER_ACCOUNT, SECOND_ACCOUNT):
        for rse in RSES:
            client.set_local_account_limit(account, rse, QUOTA_BYTES)


def local_path(client: Client, rse: str, scope: str, name: str) -> Path:
    pfn = client.lfns2pfns(rse, [f"{scope}:{name}"], operation="write")[f"{scope}:{name}"]
    return Path(urlparse(pfn).path)


def seed_dataset(client: Client, ds: SampleDataset) -> list[dict[str, Any]]:
    files = []
    for name in ds.files:
        data = file_bytes(name)
        path = local_path(client, ds.rse, ds.scope, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        files.append(
            {
                "scope": ds.scope,
                "name": name,
                "bytes": len(data),
                "adler32": f"{zlib.adler32(data) & 0xFFFFFFFF:08x}",
                "md5": hashlib.md5(data, usedforsecurity=False).hexdigest(),
                "path": str(path),
            }
        )
    try:
        complete = not client.get_did(ds.scope, ds.name)["open"]  # closed by an earlier, finished seed
    except DataIdentifierNotFound:
        client.add_dataset(ds.scope, ds.name, meta=ds.meta)
        complete = False
    if not complete:
        registered = [{k: f[k] for k in ("scope", "name", "bytes", "adler32", "md5")} for f in files]
        ignore_existing(client.add_replicas, ds.rse, registered)
        ignore_existing(
            client.attach_dids, ds.scope, ds.name, [{"scope": ds.scope, "name": n} for n in ds.files]
        )
    return files


def seed_data(client: Client) -> dict[str, Any]:
    # Rucio accepts a dataset's datatype only from the registered meta conventions.
    ignore_existing(client.add_key, "datatype", "ALL")
    for datatype in {ds.meta["datatype"] for ds in DATASETS}:
        ignore_existing(client.add_value, "datatype", datatype)
    datasets = []
    for ds in DATASETS:
        files = seed_dataset(client, ds)
        datasets.append(
            {
                "did": f"{ds.scope}:{ds.name}",
                "rse": ds.rse,
                "files": files,
                "bytes": sum(f["bytes"] for f in files),
            }
        )
    c_scope, c_name = CONTAINER.split(":")
    ignore_existing(
        client.add_container, c_scope, c_name, meta={"project": "data16_13TeV", "datatype": "DAOD_PHYSLITE"}
    )
    ignore_existing(
        client.attach_dids, c_scope, c_name, [{"scope": d.scope, "name": d.name} for d in CONTAINED]
    )
    for ds in DATASETS:
        # Published field data is closed; the user's dataset stays open.
        if ds.scope != "user.jdoe" and client.get_did(ds.scope, ds.name)["open"]:
            client.close(ds.scope, ds.name)
    first = datasets[0]["files"][0]
    return {
        "container": CONTAINER,
        "container_datasets": [f"{d.scope}:{d.name}" for d in CONTAINED],
        "datasets": datasets,
        "file": {"did": f"{first['scope']}:{first['name']}", "rse": datasets[0]["rse"], **first},
    }


def main() -> int:
    lay = layout()
    for vo in lay.vos:  # the multi-VO Rucio: each VO gets the same accounts, RSEs and samples
        client = Client(vo=vo)
        if sys.argv[1:] == ["--oidc"]:  # only the IAM identity (the IAM started after us)
            seed_accounts(client)
            seed_oidc_identity(client, lay)
            continue
        seed_accounts(client)
        seed_oidc_identity(client, lay)
        seed_x509_identity(client, lay)
        seed_rses(client, lay)
        samples = seed_data(client)
        if vo == lay.vos[0]:
            write_json(lay.samples_record, {"samples": samples})
        print(
            f"rucio: seeded {len(samples['datasets'])} datasets on {', '.join(DATA_RSES)} (VO {vo})",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
