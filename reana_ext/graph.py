"""A workflow's steps and their dependencies, read from its specification, per engine.

- serial: the steps in order, each after the one before;
- CWL: the top-level workflow's steps; a step depends on the steps whose outputs it takes in;
- Snakemake: the rules and `job_dependencies` (as reana-client and `engines.load_snakemake` send);
- Yadage: the stages and their `dependencies` (the implicit `init` stage left out).

Each step's status comes from the workflow's jobs (`job_name` is the step, rule or stage).
"""

from __future__ import annotations

from typing import Any

from .models import GraphStep, StepLog


def _names(items: Any) -> list[str]:
    if isinstance(items, dict):
        return [str(k) for k in items]
    if isinstance(items, list):
        return [str(i.get("id") if isinstance(i, dict) else i) for i in items]
    return [str(items)] if isinstance(items, str) else []


def _short(cwl_id: str) -> str:
    return cwl_id.lstrip("#").removeprefix("main/")


def serial_steps(spec: dict[str, Any]) -> list[GraphStep]:
    steps = (spec.get("specification") or {}).get("steps") or []
    graph = []
    for number, step in enumerate(s for s in steps if isinstance(s, dict)):
        graph.append(
            GraphStep(
                name=str(step.get("name") or f"step{number}"),
                depends_on=[graph[-1].name] if graph else [],
                environment=step.get("environment"),
                commands=[str(c) for c in step.get("commands") or []],
            )
        )
    return graph


def _cwl_main(document: dict[str, Any]) -> dict[str, Any]:
    graph = document.get("$graph")
    if isinstance(graph, list):
        return next((p for p in graph if isinstance(p, dict) and p.get("id") in ("#main", "main")), {})
    return document


def _requirements(value: Any) -> list[dict[str, Any]]:
    """CWL requirements in list form or map form ({class: fields})."""
    if isinstance(value, dict):
        return [{"class": k, **v} for k, v in value.items() if isinstance(v, dict)]
    return [r for r in value or [] if isinstance(r, dict)]


def _docker_image(run: Any) -> str | None:
    if not isinstance(run, dict):
        return None
    for requirement in _requirements(run.get("requirements")) + _requirements(run.get("hints")):
        if requirement.get("class") == "DockerRequirement" and requirement.get("dockerPull"):
            return str(requirement["dockerPull"])
    return None


def cwl_steps(spec: dict[str, Any]) -> list[GraphStep]:
    main = _cwl_main(spec.get("specification") or {})
    steps = main.get("steps") or []
    items = (
        list(steps.items())
        if isinstance(steps, dict)
        else [(s.get("id"), s) for s in steps if isinstance(s, dict)]
    )
    graph = []
    for raw_id, step in items:
        name = _short(str(raw_id)).split("/")[-1]
        ins = step.get("in") or {}
        sources: list[str] = []
        for binding in ins.values() if isinstance(ins, dict) else ins:
            source = binding.get("source") if isinstance(binding, dict) else binding
            sources += _names(source) if not isinstance(source, str) else [source]
        depends = []
        for source in sources:
            parts = _short(source).split("/")
            if len(parts) >= 2 and parts[-2] not in depends and parts[-2] != name:
                depends.append(parts[-2])
        docker = _docker_image(step.get("run"))
        graph.append(
            GraphStep(
                name=name,
                depends_on=depends,
                inputs=[_short(k).split("/")[-1] for k in _names(ins)],
                outputs=[_short(o).split("/")[-1] for o in _names(step.get("out"))],
                environment=docker,
            )
        )
    known = {s.name for s in graph}
    for step in graph:
        step.depends_on = [d for d in step.depends_on if d in known]
    return graph


def snakemake_steps(spec: dict[str, Any]) -> list[GraphStep]:
    loaded = spec.get("specification") or {}
    dependencies = loaded.get("job_dependencies") or {}
    graph = []
    for step in loaded.get("steps") or []:
        if not isinstance(step, dict):
            continue
        name = str(step.get("name"))
        graph.append(
            GraphStep(
                name=name,
                depends_on=[str(d) for d in dependencies.get(name) or []],
                inputs=_files(step.get("inputs")),
                outputs=_files(step.get("outputs")),
                environment=step.get("environment") or None,
                commands=[str(c) for c in step.get("commands") or []],
            )
        )
    return graph


def _files(value: Any) -> list[str]:
    if isinstance(value, dict):  # reana-client's snakemake_load: {"_positional": [...], "name": ...}
        out: list[str] = []
        for item in value.values():
            out += _files(item)
        return out
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, str)]
    return [value] if isinstance(value, str) else []


def _yadage_dependencies(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, dict):
        return [str(v) for v in value.get("expressions") or []]
    return []


def yadage_steps(workflow: dict[str, Any]) -> list[GraphStep]:
    stages = workflow.get("stages") or []
    return [
        GraphStep(
            name=str(stage.get("name")),
            depends_on=[d for d in _yadage_dependencies(stage.get("dependencies")) if d != "init"],
        )
        for stage in stages
        if isinstance(stage, dict)
    ]


def steps_of(workflow_type: str, workflow: dict[str, Any]) -> list[GraphStep]:
    """`workflow`: the `workflow` section as sent to REANA (for Yadage: the loaded stages file)."""
    if workflow_type == "serial":
        return serial_steps(workflow)
    if workflow_type == "cwl":
        return cwl_steps(workflow)
    if workflow_type == "snakemake":
        return snakemake_steps(workflow)
    if workflow_type == "yadage":
        return yadage_steps(workflow)
    return []


def with_status(steps: list[GraphStep], jobs: list[StepLog]) -> list[GraphStep]:
    """Each step's jobs and status: failed, running or stopped if one job is, finished when all are."""
    for step in steps:
        mine = [job for job in jobs if job.step == step.name]
        step.job_ids = [job.job_id for job in mine]
        statuses = {job.status or "created" for job in mine}
        if not statuses:
            step.status = "created"
        elif statuses == {"finished"}:
            step.status = "finished"
        else:
            step.status = next((s for s in ("failed", "running", "stopped") if s in statuses), "running")
    return steps
