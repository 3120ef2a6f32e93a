"""Databricks Asset Bundles: the jobs and pipelines a bundle declares as code.

A bundle is a `databricks.yml` (or `.yaml`) with a top-level `bundle:` mapping; its
`resources:` — there or in the files its `include:` globs name, relative to it — declare jobs
(`resources.jobs.<name>.tasks`: a DAG of tasks linked by `depends_on`, each running a Python
file, a notebook, a wheel's entry point or a condition, with `max_retries`), their schedules
(`schedule.quartz_cron_expression`, `pause_status`; `trigger.periodic|file_arrival`) and Delta
Live Tables pipelines (`resources.pipelines`). `databricks bundle deploy` creates them in the
workspace exactly as written (marvelousmlops/marvel-characters resources/model_deployment.yml,
Databricks' mlops-stacks). Variables (`${var.name}`) are resolved from the bundle's
`variables.<name>.default` and its targets' `variables`, never by running anything.

dbx, the bundles' predecessor, declares the same jobs in a deployment file (`conf/
deployment.yml`, `.yaml` or `.json`): `environments.<name>.jobs` (or `.workflows`), each a
job with `tasks:` or a single task at its top level (`spark_python_task` …), deployed per
environment by `dbx deploy` (niall-turbitt/e2e-mlops conf/deployment.yml; reviewed). It is
read as a bundle whose targets are its environments.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field

from mlaudit.probes import base
from mlaudit.probes.base import ev
from mlaudit.probes.registry import Params, probe
from mlaudit.repo.globs import matches_any
from mlaudit.repo.parsers.yaml_docs import key_line
from mlaudit.repo.snapshot import Snapshot
from mlaudit.results import Evidence, Observation

BUNDLE_FILES = ("databricks.yml", "databricks.yaml")
DBX_FILES = ("deployment.yml", "deployment.yaml", "deployment.json")
BUNDLE = "Databricks Asset Bundle"
DBX = "dbx deployment file"
# what a task runs, by the key that holds it
_TASK_KINDS = {
    "spark_python_task": "python_file",
    "notebook_task": "notebook_path",
    "python_wheel_task": "entry_point",
    "sql_task": "file",
    "pipeline_task": "pipeline_id",
    "run_job_task": "job_id",
}
_VARIABLE = re.compile(r"^\$\{var\.([\w-]+)\}$")
TRAIN_TASK = re.compile(r"(?i)(?:^|[^a-z])(?:re)?train")
DATA_TASK = re.compile(
    r"(?i)(?:^|[^a-z])(?:pre_?process|process_?data|data_?prep|prepare|prep(?![a-z])|etl|ingest|"
    r"feature|clean|transform|load_data|extract)"
)


@dataclass(frozen=True)
class BundleTask:
    key: str
    kind: str  # spark_python_task, notebook_task … ("" when none is recognised)
    runs: str  # the file, notebook or entry point it runs
    depends_on: tuple[str, ...]
    max_retries: int | None
    line: int | None

    def matches(self, pattern: re.Pattern[str]) -> bool:
        return bool(pattern.search(self.key) or pattern.search(posixpath.basename(self.runs)))


@dataclass(frozen=True)
class BundleJob:
    path: str
    name: str
    line: int | None
    tasks: tuple[BundleTask, ...]
    schedule_line: int | None  # a schedule or trigger is declared
    paused: bool  # … and paused in the production target (or in every target)


@dataclass(frozen=True)
class Bundle:
    path: str
    jobs: tuple[BundleJob, ...]
    pipelines: tuple[tuple[str, str, int | None], ...]  # (file, name, line) of DLT pipelines
    targets: tuple[tuple[str, int | None], ...]  # (name, line)
    kind: str = BUNDLE  # or DBX


def _included(snap: Snapshot, bundle_path: str, doc: dict[Any, Any]) -> list[str]:
    folder = posixpath.dirname(bundle_path)
    patterns = doc.get("include")
    if not isinstance(patterns, list):
        return []
    globs = tuple(
        "/" + posixpath.normpath(posixpath.join(folder, str(p)))
        for p in patterns
        if isinstance(p, str)
    )
    return sorted(
        path for path in snap.files if path.endswith((".yml", ".yaml")) and matches_any(path, globs)
    )


def _variable_values(doc: dict[Any, Any], name: str) -> list[str]:
    """The values `${var.name}` takes: the production target's if it sets one, else the
    default and every target's."""
    values: list[str] = []
    variables = doc.get("variables")
    spec = variables.get(name) if isinstance(variables, dict) else None
    if isinstance(spec, dict) and spec.get("default") is not None:
        values.append(str(spec["default"]))
    targets = doc.get("targets")
    for target in targets.values() if isinstance(targets, dict) else []:
        overrides = target.get("variables") if isinstance(target, dict) else None
        value = overrides.get(name) if isinstance(overrides, dict) else None
        if value is None:
            continue
        if target.get("mode") == "production":
            return [str(value)]
        values.append(str(value))
    return values


def _paused(doc: dict[Any, Any], job: dict[Any, Any]) -> bool:
    schedule = job.get("schedule") or job.get("trigger")
    status = schedule.get("pause_status") if isinstance(schedule, dict) else None
    if status is None:
        return False
    variable = _VARIABLE.match(str(status))
    values = _variable_values(doc, variable.group(1)) if variable else [str(status)]
    return bool(values) and all(v.upper() == "PAUSED" for v in values)


def _paused_by_targets(doc: dict[Any, Any], name: str) -> bool:
    """A job paused by the production target (or by every target that sets it):
    `targets: prod: resources: jobs: <name>: schedule: pause_status: PAUSED`."""
    targets = doc.get("targets")
    statuses: dict[str, bool] = {}
    for target, spec in targets.items() if isinstance(targets, dict) else ():
        resources = spec.get("resources") if isinstance(spec, dict) else None
        jobs = resources.get("jobs") if isinstance(resources, dict) else None
        job = jobs.get(name) if isinstance(jobs, dict) else None
        schedule = job.get("schedule") or job.get("trigger") if isinstance(job, dict) else None
        if isinstance(schedule, dict) and schedule.get("pause_status") is not None:
            statuses[str(target)] = _paused(doc, job)  # type: ignore[arg-type]
    production = [v for t, v in statuses.items() if t.lower() in ("prod", "production")]
    if production:
        return all(production)
    return bool(statuses) and all(statuses.values()) and len(statuses) == len(targets or {})


def _task(raw: dict[Any, Any]) -> BundleTask:
    # a condition task runs nothing (its expression may name other tasks, `train_model` …)
    kind, runs = ("condition_task", "") if isinstance(raw.get("condition_task"), dict) else ("", "")
    for key, field_name in _TASK_KINDS.items():
        spec = raw.get(key)
        if isinstance(spec, dict):
            kind, runs = key, str(spec.get(field_name) or spec.get("package_name") or "")
            break
    depends = raw.get("depends_on")
    upstream = (
        tuple(str(d.get("task_key")) for d in depends if isinstance(d, dict) and d.get("task_key"))
        if isinstance(depends, list)
        else ()
    )
    retries = raw.get("max_retries")
    return BundleTask(
        key=str(raw.get("task_key") or ""),
        kind=kind,
        runs=runs,
        depends_on=upstream,
        max_retries=retries if isinstance(retries, int) else None,
        line=key_line(raw, "task_key"),
    )


def bundles(snap: Snapshot) -> list[Bundle]:
    """Every Databricks Asset Bundle of the repository (examples, docs and vendored folders
    left out), with the jobs and pipelines it and its included files declare."""

    def build() -> list[Bundle]:
        found: list[Bundle] = []
        for path in base.select_files(snap, BUNDLE_FILES):
            docs = [d for d in snap.yaml_docs(path) if isinstance(d, dict) and "bundle" in d]
            if not docs:
                continue
            doc = docs[0]
            jobs: list[BundleJob] = []
            pipelines: list[tuple[str, str, int | None]] = []
            # (an `include:` glob may name the bundle file itself: read each file once)
            for source in dict.fromkeys([path, *_included(snap, path, doc)]):
                for resource_doc in snap.yaml_docs(source):
                    resources = (
                        resource_doc.get("resources") if isinstance(resource_doc, dict) else None
                    )
                    if not isinstance(resources, dict):
                        continue
                    declared = resources.get("jobs")
                    for name, job in declared.items() if isinstance(declared, dict) else []:
                        if not isinstance(job, dict):
                            continue
                        tasks = job.get("tasks")
                        schedule = job.get("schedule") or job.get("trigger")
                        jobs.append(
                            BundleJob(
                                path=source,
                                name=str(name),
                                line=key_line(declared, name),
                                tasks=tuple(_task(t) for t in tasks if isinstance(t, dict))
                                if isinstance(tasks, list)
                                else (),
                                schedule_line=(
                                    key_line(job, "schedule") or key_line(job, "trigger")
                                    if isinstance(schedule, dict)
                                    else None
                                ),
                                paused=_paused(doc, job) or _paused_by_targets(doc, str(name)),
                            )
                        )
                    dlt = resources.get("pipelines")
                    for name in dlt if isinstance(dlt, dict) else []:
                        pipelines.append((source, str(name), key_line(dlt, name)))
            targets = doc.get("targets")
            found.append(
                Bundle(
                    path=path,
                    jobs=tuple(jobs),
                    pipelines=tuple(pipelines),
                    targets=tuple((str(t), key_line(targets, t)) for t in targets)
                    if isinstance(targets, dict)
                    else (),
                )
            )
        for path in base.select_files(snap, DBX_FILES):
            dbx = _dbx_deployment(snap, path)
            if dbx is not None:
                found.append(dbx)
        return found

    return snap.memo(("databricks.bundles",), build)


def _dbx_deployment(snap: Snapshot, path: str) -> Bundle | None:
    """The jobs of a dbx deployment file, every environment's (see the module's docstring);
    None when `path` is another kind of deployment file (a Kubernetes one has no
    `environments` mapping of jobs)."""
    doc = snap.json(path) if path.endswith(".json") else next(iter(snap.yaml_docs(path)), None)
    environments = doc.get("environments") if isinstance(doc, dict) else None
    if not isinstance(environments, dict):
        return None
    jobs: list[BundleJob] = []
    targets: list[tuple[str, int | None]] = []
    for name, env in environments.items():
        declared = None
        if isinstance(env, dict):
            declared = env.get("workflows", env.get("jobs"))
        if not isinstance(declared, list):
            continue
        targets.append((str(name), key_line(environments, name)))
        for job in declared:
            if not isinstance(job, dict) or not job.get("name"):
                continue
            tasks = job.get("tasks")
            if isinstance(tasks, list):
                parsed = tuple(_task(t) for t in tasks if isinstance(t, dict))
            else:  # a single-task job: the task is the job
                single = _task(job)
                parsed = (single,) if single.kind else ()
                if parsed:
                    parsed = (
                        BundleTask(
                            key=str(job["name"]),
                            kind=single.kind,
                            runs=single.runs,
                            depends_on=(),
                            max_retries=single.max_retries,
                            line=key_line(job, "name"),
                        ),
                    )
            schedule = job.get("schedule") or job.get("trigger")
            jobs.append(
                BundleJob(
                    path=path,
                    name=str(job["name"]),
                    line=key_line(job, "name"),
                    tasks=parsed,
                    schedule_line=(
                        key_line(job, "schedule") or key_line(job, "trigger")
                        if isinstance(schedule, dict)
                        else None
                    ),
                    paused=_paused({}, job),
                )
            )
    if not jobs:
        return None
    return Bundle(path=path, jobs=tuple(jobs), pipelines=(), targets=tuple(targets), kind=DBX)


def _job_ev(job: BundleJob, task: BundleTask | None = None, text: str = "") -> Evidence:
    where = task.line if task is not None and task.line else job.line
    label = f"job {job.name}" + (f", task {task.key}" if task is not None else "")
    return ev(job.path, where, text or label, None if not text else label)


# a bundle's workspace root or dbx's `file://` before a path of the repository
_WORKSPACE_PREFIX = re.compile(
    r"^(?:\$\{workspace\.file_path\}/|\$\{workspace\.root_path\}/files/|file:(?:fuse:)?//)"
)


def scheduled_task_files(snap: Snapshot) -> list[tuple[str, Evidence]]:
    """(repository file a task runs, evidence) for every task of a scheduled Databricks job
    that is not paused: the job's schedule runs each of its tasks (edeszarka/energy-
    forecasting-mlops databricks.yml:11-12,36-40, `drift_check` in the hourly job; reviewed).
    A notebook path may leave out its `.py`."""
    found = []
    for bundle in bundles(snap):
        for job in bundle.jobs:
            if job.schedule_line is None or job.paused:
                continue
            # relative to the file that declares the job (an `include:`d resources file); a
            # dbx deployment's `file://` paths are relative to the project's root
            folder = "" if bundle.kind == DBX else posixpath.dirname(job.path)
            for task in job.tasks:
                if not task.runs or task.kind not in ("notebook_task", "spark_python_task"):
                    continue
                runs = _WORKSPACE_PREFIX.sub("", task.runs)
                path = posixpath.normpath(posixpath.join(folder, runs))
                for candidate in (path, path + ".py"):
                    if snap.exists(candidate):
                        found.append(
                            (candidate, _job_ev(job, task, f"task {task.key} of a scheduled job"))
                        )
                        break
    return found


class BundleJobParams(Params):
    what: Literal["training", "data", "schedule", "retries"] = Field(
        description="training: a job runs a training task; data: a job prepares data in a "
        "DAG (or a Delta Live Tables pipeline); schedule: a training job is scheduled or "
        "triggered (paused: partial); retries: the jobs' tasks retry (not applicable without "
        "jobs)"
    )


@probe("bundle_job", BundleJobParams)
def bundle_job(snap: Snapshot, p: BundleJobParams) -> Observation:
    """A Databricks Asset Bundle declares the job as code.

    Looks for: `resources.jobs.<name>.tasks` in `databricks.yml` and the files its `include:`
    names. training — a task whose key or file names training (`train_model`,
    `scripts/train.py`): the job is the orchestrated training pipeline `databricks bundle
    deploy` creates; data — a data-preparation task (`preprocessing`, `feature_engineering`
    …) upstream of another task, or a Delta Live Tables pipeline; schedule — a training job
    with `schedule.quartz_cron_expression` or a `trigger` (`pause_status: PAUSED` in the
    production target, or in every target, is declared but off: partial); retries —
    `max_retries` on the jobs' tasks (an explicit 0 counts against; not applicable without
    jobs).
    Known false positive: a `resources:` file no bundle includes is not deployed; a job
    named in a README is not a job.
    Why: a job in the bundle is reviewed, versioned and deployed with the code, as a
    dvc.yaml or an Airflow DAG is (GCP level 1 "ML pipeline automation").
    Fix: declare the training job in `resources/*.yml` (tasks with `depends_on`), with a
    `schedule` and `max_retries` on its tasks, and deploy it with `databricks bundle deploy`.
    """
    jobs = [job for bundle in bundles(snap) for job in bundle.jobs]
    training = [(j, t) for j in jobs for t in j.tasks if t.matches(TRAIN_TASK)]
    if p.what == "training":
        if training:
            return base.passed(
                "a Databricks bundle job runs the training",
                [_job_ev(j, t, f"task {t.key}: {t.runs or t.kind}") for j, t in training],
            )
        return base.failed("no Databricks bundle job runs a training task")
    if p.what == "data":
        data = [
            _job_ev(j, t, f"task {t.key}: {t.runs or t.kind}")
            for j in jobs
            for t in j.tasks
            if t.matches(DATA_TASK) and any(t.key in other.depends_on for other in j.tasks)
        ]
        data += [
            ev(path, line, f"pipeline {name}", "Delta Live Tables")
            for bundle in bundles(snap)
            for path, name, line in bundle.pipelines
        ]
        if data:
            return base.passed("a Databricks bundle job or pipeline prepares the data", data)
        return base.failed("no Databricks bundle job prepares the data")
    if p.what == "schedule":
        trainers = list(dict.fromkeys(j for j, _t in training))
        scheduled = [j for j in trainers if j.schedule_line is not None]
        running = [j for j in scheduled if not j.paused]
        if running:
            return base.passed(
                "a Databricks bundle job trains on a schedule or trigger",
                [ev(j.path, j.schedule_line, f"job {j.name}: schedule") for j in running],
            )
        if scheduled:
            return base.partial(
                "a Databricks bundle job's training schedule is declared but paused",
                [
                    ev(j.path, j.schedule_line, f"job {j.name}: schedule (paused)")
                    for j in scheduled
                ],
            )
        return base.failed("no Databricks bundle job trains on a schedule")
    tasks = [(j, t) for j in jobs for t in j.tasks if t.kind != "condition_task"]
    if not tasks:
        return base.not_applicable("no Databricks bundle jobs")
    retried = [_job_ev(j, t, f"max_retries: {t.max_retries}") for j, t in tasks if t.max_retries]
    if retried:
        return base.passed("Databricks bundle tasks retry on failure", retried)
    return base.failed(
        "no task of the Databricks bundle's jobs sets max_retries",
        [_job_ev(j, t) for j, t in tasks],
    )
