"""Run by ui-tests/tests/lifecycle.spec.ts (not by the main pytest run): the RO-Crate the UI published,
read with the `rocrate` library as RO-Crate tools read it.

Environment: LIFECYCLE_CRATE_DIR (the published folder), LIFECYCLE_DOI, LIFECYCLE_DID, LIFECYCLE_OUTPUT.
"""

from __future__ import annotations

import os
from pathlib import Path

from rocrate.rocrate import ROCrate


def test_the_published_folder_holds_a_crate_of_inputs_workflow_run_outputs_and_doi() -> None:
    folder = Path(os.environ["LIFECYCLE_CRATE_DIR"])
    did, output = os.environ["LIFECYCLE_DID"], os.environ["LIFECYCLE_OUTPUT"]
    crate = ROCrate(folder)
    assert crate.root_dataset["identifier"] == f"https://doi.org/{os.environ['LIFECYCLE_DOI']}"
    sources = [e for e in crate.get_entities() if e.get("identifier") == did]
    assert len(sources) == 1 and "Dataset" in sources[0].type
    workflow = crate.mainEntity
    assert workflow is not None and workflow.id == "reana.yaml" and "ComputationalWorkflow" in workflow.type
    assert (folder / "reana.yaml").is_file()
    (action,) = [e for e in crate.get_entities() if "CreateAction" in e.type]
    assert action["instrument"].id == workflow.id
    assert [o.id for o in action["object"]] == [sources[0].id]
    # Each output is named as in the Zenodo record (folders joined by "__"), its folder path its name.
    (described,) = [r for r in action["result"] if r.get("name") == output]
    assert described.id == output.replace("/", "__")
    assert (folder / output).is_file()
    assert action["agent"]["name"] == "jupyterlab-vre"
