"""What the lifecycle glue does, without Tornado: amend a reana.yaml, describe a run as an RO-Crate.

It takes plain data (paths the Rucio API resolved, facts REANA gave, a DOI
Zenodo reserved) from the frontend, which talks to the three services; it
imports none of them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import quote

import yaml

from vre_common import __version__
from vre_common.context import VREContext
from vre_common.errors import BadRequest, NotFound
from vre_common.paths import RESOLVED_PATHS_DIR, atomic_write, read_resolved_paths, resolve_within
from vre_common.workspace import PUBLISHED_RECORD, SelectedFile, read_reana_yaml, workspace_files

from .models import CrateInput, CrateResult, Input, ProvenanceResult, SpecInput, SpecResult
from .spec import GENERATED_NAME, amend, render

CRATE_FILE = "ro-crate-metadata.json"
SOFTWARE_URL = "https://pypi.org/project/jupyterlab-vre/"


def did_url(rucio_url: str | None, did: str) -> str | None:
    """The Rucio REST URL of a DID (`<server>/dids/<scope>/<name>`), when the instance's URL is known."""
    if not rucio_url:
        return None
    scope, name = did.split(":", 1)
    return f"{rucio_url.rstrip('/')}/dids/{quote(scope, safe='')}/{quote(name, safe='')}"


def run_url(server_url: str | None, workflow_id: str) -> str | None:
    return f"{server_url.rstrip('/')}/details/{quote(workflow_id, safe='')}" if server_url else None


def doi_url(doi: str) -> str:
    return f"https://doi.org/{doi}"


# A mounted-mode reana.yaml names every path of its inputs; beyond this, the workflow fetches them.
MAX_LISTED_PATHS = 10_000


class LifecycleService:
    def __init__(self, vre: VREContext, root_dir: str, runtime_dir: str) -> None:
        self.vre = vre
        self.root = Path(root_dir).resolve()
        self.listings = Path(runtime_dir) / RESOLVED_PATHS_DIR

    # --- reana.yaml with the notebook's inputs -------------------------------------------
    async def spec(self, body: SpecInput) -> SpecResult:
        source, relative, text = await self.vre.executor.run(
            "workspace", 30, read_reana_yaml, self.root, body.folder
        )
        try:
            parsed = yaml.safe_load(text)
        except yaml.YAMLError as err:
            raise BadRequest(f"{source.name} is not YAML: {err}", code="invalid_reana_yaml") from None
        inputs = [await self._listed(item) for item in body.inputs] if body.mode == "mounted" else body.inputs
        amended, parameters = amend(parsed, inputs, body.mode)
        rendered = render(amended, source.name, body.mode)
        target = source.parent / GENERATED_NAME
        if body.write:
            await self.vre.executor.run("workspace", 30, write_text, target, rendered)
        return SpecResult(
            source=relative,
            path=target.relative_to(self.root).as_posix(),
            text=rendered,
            parameters=parameters,
        )

    async def _listed(self, item: Input) -> Input:
        """A collection given by its listing (`paths_file`) with its paths read from it."""
        if not item.paths_file:
            return item
        paths = await self.vre.executor.run(
            "workspace", 30, read_resolved_paths, self.listings, item.paths_file, MAX_LISTED_PATHS
        )
        return item.model_copy(update={"value": paths, "paths_file": None})

    # --- provenance ----------------------------------------------------------------------
    def provenance(self, body: CrateInput) -> ProvenanceResult:
        """Zenodo related identifiers and notes that say where a record's files came from."""
        related: list[dict[str, str]] = []
        lines = [f"Produced with jupyterlab-vre {__version__}."]
        for item in body.inputs:
            url = did_url(item.rucio_url, item.did)
            lines.append(
                f"Input {item.did} from Rucio instance {item.instance}"
                + (f" ({item.rucio_url})" if item.rucio_url else "")
                + (" read on the mounted RSE." if item.mode == "mounted" else " fetched by the workflow.")
            )
            if url:
                related.append({"identifier": url, "relation": "isDerivedFrom", "scheme": "url"})
        run = body.run
        lines.append(f"REANA workflow {run.name} (id {run.id}, engine {run.engine}), status {run.status}.")
        if url := run_url(run.server_url, run.id):
            related.append({"identifier": url, "relation": "isCompiledBy", "scheme": "url"})
        related.append(
            {"identifier": f"{SOFTWARE_URL}{__version__}/", "relation": "isCompiledBy", "scheme": "url"}
        )
        return ProvenanceResult(
            related_identifiers=related, notes=" ".join(lines), software_version=__version__
        )

    async def crate(self, body: CrateInput) -> CrateResult:
        """Check the folder against Zenodo's limits and (unless `write` is false) write its crate."""
        folder, spec_path = await self.vre.executor.run("workspace", 60, self._gather, body)
        # Exactly what the Zenodo upload of the folder sends (the same walk), but the crate itself.
        record = await workspace_files(self.vre.executor, self.root, [body.folder], PUBLISHED_RECORD)
        files = [file for file in record if file.name != CRATE_FILE]
        if len(files) + 1 > PUBLISHED_RECORD.max_files:
            raise BadRequest(
                f"Zenodo takes at most {PUBLISHED_RECORD.max_files} files per record, and with its "
                f"RO-Crate this is {len(files) + 1}: zip some folders first.",
                code="too_many_files",
            )
        if body.write:
            await self.vre.executor.run("workspace", 60, self._write_crate, folder, body, files, spec_path)
        return CrateResult(
            path=(folder / CRATE_FILE).relative_to(self.root).as_posix(),
            files=[file.name for file in files],
            bytes=sum(file.size for file in files),
            doi=body.doi,
        )

    def _gather(self, body: CrateInput) -> tuple[Path, Path | None]:
        """The folder, and the specification inside it (copied in when it was elsewhere); blocking."""
        folder = resolve_within(self.root, body.folder)
        if not folder.is_dir():
            raise NotFound(f"There is no folder {body.folder} in your workspace.", code="path_not_found")
        if not body.specification:
            return folder, None
        source = resolve_within(self.root, body.specification)
        if not source.is_file():
            raise BadRequest(f"{body.specification} does not exist.", code="missing_specification")
        if source.is_relative_to(folder):
            return folder, source
        if body.write:  # the specification travels with the outputs it made
            shutil.copyfile(source, folder / "reana.yaml")
        return folder, folder / "reana.yaml"

    def _write_crate(
        self, folder: Path, body: CrateInput, files: list[SelectedFile], spec_path: Path | None
    ) -> None:
        from rocrate.model.computerlanguage import ComputerLanguage
        from rocrate.model.contextentity import ContextEntity
        from rocrate.model.dataset import Dataset
        from rocrate.rocrate import ROCrate

        crate = ROCrate()
        root = crate.root_dataset
        root["name"] = body.title or f"Outputs of REANA workflow {body.run.name}"
        root["description"] = body.description or root["name"]
        if body.license:  # the deposition's licence (Zenodo's id, e.g. cc-by-4.0)
            root["license"] = body.license
        if body.doi:
            root["identifier"] = doi_url(body.doi)
        software = crate.add(
            ContextEntity(
                crate,
                f"{SOFTWARE_URL}{__version__}/",
                properties={"@type": "SoftwareApplication", "name": "jupyterlab-vre", "version": __version__},
            )
        )
        # Entities are named as in the Zenodo record (the crate is published with it); "name" is the folder path.
        spec_file = next((f for f in files if spec_path and f.local == spec_path.resolve()), None)
        spec_rel = spec_file.name if spec_file else None
        workflow = None
        if spec_file and spec_rel:
            language = crate.add(
                ComputerLanguage(
                    crate,
                    f"https://reana.io/#{body.run.engine}",
                    properties={"name": f"REANA {body.run.engine} workflow", "url": "https://docs.reana.io/"},
                )
            )
            workflow = crate.add_workflow(
                spec_file.local,
                spec_rel,
                main=True,
                lang=language,
                properties={"name": spec_file.path, "encodingFormat": "application/yaml"},
            )
        inputs = []
        for item in body.inputs:
            # Web-based data entities (not copied into the crate), so listed in the root's hasPart.
            scope, name = item.did.split(":", 1)
            identifier = did_url(item.rucio_url, item.did) or (
                f"rucio://{quote(item.instance, safe='')}/{quote(scope, safe='')}/{quote(name, safe='')}"
            )
            inputs.append(
                crate.add(
                    Dataset(
                        crate,
                        identifier,
                        properties={
                            "name": item.did,
                            "identifier": item.did,
                            "description": f"Rucio DID {item.did} on instance {item.instance}"
                            + (f" ({item.rucio_url})" if item.rucio_url else ""),
                        },
                    )
                )
            )
        outputs = [
            crate.add_file(file.local, file.name, properties={"name": file.path})
            for file in files
            if file.name != spec_rel
        ]
        run = body.run
        action = crate.add_action(
            workflow or software,
            identifier=run_url(run.server_url, run.id) or f"#reana-{run.id}",
            object=inputs,
            result=outputs,
            properties={
                "@type": "CreateAction",
                "name": f"REANA run {run.name}",
                "identifier": run.id,
                "actionStatus": "http://schema.org/CompletedActionStatus"
                if run.status == "finished"
                else "http://schema.org/FailedActionStatus",
                "description": f"REANA workflow {run.name} (engine {run.engine}) "
                + (f"on {run.server_url}" if run.server_url else ""),
            },
        )
        if run.started_at:
            action["startTime"] = run.started_at
        if run.finished_at:
            action["endTime"] = run.finished_at
        action["agent"] = software
        root["mentions"] = [action]
        # The folder already holds the files: only the metadata file is (re)written.
        write_text(folder / CRATE_FILE, json.dumps(crate.metadata.generate(), indent=4))


def write_text(target: Path, text: str) -> None:
    with atomic_write(target, "w") as handle:
        handle.write(text)
