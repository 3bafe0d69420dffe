"""Datasets on the dev stack's real Rucio, made with rucio-clients as a user would, for the tests."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def rucio_client_config(rucio: dict[str, Any]) -> Iterator[None]:
    """rucio-clients configured for the dev stack's Rucio (UploadClient needs a config file)."""
    from rucio.common.config import clean_cached_config

    previous = os.environ.get("RUCIO_CONFIG")
    os.environ["RUCIO_CONFIG"] = rucio["client_config"]
    clean_cached_config()
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("RUCIO_CONFIG", None)
        else:
            os.environ["RUCIO_CONFIG"] = previous
        clean_cached_config()


def dataset_uploader(rucio: dict[str, Any], folder: Path, prefix: str = "vre-test") -> Callable[[dict], str]:
    """`upload({name: bytes})`: the files as a new dataset of the user's scope on the dev stack's
    upload RSE (not yet on the mounted one), with rucio-clients' UploadClient; returns `scope:name`.
    Always as the user, whatever RUCIO_CONFIG a test has set meanwhile (an admin's, for one)."""

    def upload(payloads: dict[str, bytes]) -> str:
        with rucio_client_config(rucio):
            return upload_as_user(payloads)

    def upload_as_user(payloads: dict[str, bytes]) -> str:
        from rucio.client import Client
        from rucio.client.uploadclient import UploadClient

        scope, dataset = f"user.{rucio['account']}", f"{prefix}.{uuid.uuid4().hex[:12]}"
        items = []
        for name, data in payloads.items():
            path = folder / f"{dataset}.{name}"
            path.write_bytes(data)
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
        UploadClient(Client(), logger=logging.getLogger("upload")).upload(items)  # users may add replicas
        return f"{scope}:{dataset}"

    return upload
