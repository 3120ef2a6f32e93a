"""Probes for #4 Automation: CI that does something, pipelines as DAGs, scheduled and
data-triggered training, continuous deployment, pipeline CI and environment promotion."""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Callable
from typing import Any

from pydantic import Field, field_validator

from mlaudit.probes import _ci_reach, base, words
from mlaudit.probes._delivery import NOT_DELIVERY_ENV, deliveries, installs_others_software
from mlaudit.probes.base import ev
from mlaudit.probes.cloudformation import cfn_templates, codepipeline_deploy_stages
from mlaudit.probes.databricks import bundles
from mlaudit.probes.generic import names_matcher
from mlaudit.probes.kubernetes import NoParams, k8s_objects
from mlaudit.probes.paas import paas_services
from mlaudit.probes.registry import Params, probe
from mlaudit.probes.testing import _resolve, local_modules
from mlaudit.repo.globs import matches_any
from mlaudit.repo.parsers.ci import CiJob, idle_reason
from mlaudit.repo.parsers.python_src import Call, PythonFacts
from mlaudit.repo.parsers.yaml_docs import key_line
from mlaudit.repo.snapshot import Snapshot, derivation_key
from mlaudit.results import Evidence, Observation

TRIVIAL_COMMAND = re.compile(
    r"^(echo|printf|ls|pwd|cat|true|exit 0|env|date|whoami|cd|export|set|sleep|mkdir)\b"
)
TRIVIAL_USES = re.compile(
    r"^(actions/(checkout|cache|upload-artifact|download-artifact|github-script|stale|labeler"
    r"|first-interaction|setup-\w+)|peter-evans/|release-drafter/)"
)
# A job that only builds or publishes documentation integrates no code
# (mrdbourke/pytorch-deep-learning make_docs.yml: copy notebooks, `mkdocs gh-deploy`)
_DOCS_BUILD = re.compile(
    r"^(?:\S*/)?(?:python3?\s+-m\s+)?(?:mkdocs|mike|sphinx-build|sphinx-multiversion|"
    r"jupyter-book|jb\s+build|pdoc3?|quarto\s+(?:render|publish)|"
    r"make\s+(?:-C\s+\S+\s+)?(?:html|docs?|livehtml)\b)"
)
# A job that installs released packages from an index and prints a command's help never
# builds or tests the checkout (Unbabel/COMET .github/workflows/ci.yaml:21-23: `pip install
# unbabel-comet`, `comet-score --help`): no path, `.`, `-e`, `-r` or project installer
_PIP = re.compile(r"^(?:python[\d.]*\s+-m\s+)?pip3?\s+install\s")
_INDEX_OPTION = frozenset({"-U", "--upgrade", "-q", "--quiet", "--user", "--no-cache-dir", "--pre"})
_REQUIREMENT = re.compile(r"^[A-Za-z0-9][\w.\-]*(?:\[[\w,\-]+\])?(?:[=<>!~]=?[\w.*]+)?$")
_HELP_ONLY = re.compile(r"^[\w.\-]+(?:\s+[\w.\-]+)?\s+(?:--help|-h|--version|-V)\s*$")
_FILE_SHUFFLE = re.compile(r"^(?:cp|mv|rm|touch|ln)\b")
_DOCS_USES = re.compile(
    r"^(?:actions/(?:configure-pages|upload-pages-artifact|deploy-pages)|"
    r"peaceiris/actions-gh-pages|JamesIves/github-pages-deploy-action)"
)
_SETUP_USES = re.compile(r"^actions/setup-\w+")
# what a job does around installing a cluster's platform: credentials, chart indexes, reads
_CLUSTER_CHORE = re.compile(
    r"^(?:chmod|chown|helm\s+(?:repo\s+(?:add|update)|version|list|status)"
    r"|kubectl\s+(?:config|version|get|describe|wait|rollout\s+status|create\s+(?:namespace|ns)\b)"
    r"|az\s+(?:login|account|aks\s+get-credentials)|aws\s+(?:eks\s+update-kubeconfig|configure)"
    r"|gcloud\s+(?:auth|config|container\s+clusters\s+get-credentials))\b"
)
_CLUSTER_USES = re.compile(
    r"^(?:azure/(?:setup-kubectl|setup-helm|login|k8s-set-context|aks-set-context)"
    r"|aws-actions/configure-aws-credentials|google-github-actions/(?:auth|setup-gcloud"
    r"|get-gke-credentials)|helm/kind-action)\b",
    re.IGNORECASE,
)
TRAIN = (
    r"\btrain\w*(\.py)?\b|\bretrain|\bdvc\s+(repro|exp\s+run)\b|\bkedro\s+run\b|\bfit\b"
    r"|\bpipelines?\s+(run|submit|create)|\bjobs?\s+(create|submit)\b|\bmlflow\s+run\b"
)


def _regex(value: str | None) -> str | None:
    if value is not None:
        re.compile(value)
    return value


# CI present ------------------------------------------------------------------------------------
class CiPresentParams(Params):
    pass


@probe("ci_present", CiPresentParams)
def ci_present(snap: Snapshot, p: CiPresentParams) -> Observation:
    """Continuous integration is configured and does real work.

    Looks for: GitHub Actions, GitLab CI, Azure Pipelines, CircleCI, Bitbucket, Cloud Build
    or Jenkins jobs that build, test, lint, train or deploy — at least one command or action
    beyond checkout/echo. Empty workflows, jobs disabled with `if: false` and bots run only
    on issue or project-board events do not count, nor do reusable workflows and pipeline
    templates that no pipeline here calls (they run elsewhere); jobs that only run when
    started by hand
    (`workflow_dispatch`) are partial. A job that only installs released packages from an
    index and prints a command's help (`pip install <name>`, `<cli> --help`) tests nothing of
    the checkout.
    Why: CI is the base of every automated ML practice (Azure level 1; mm "CI").
    Fix: add `.github/workflows/ci.yml` that installs the project and runs the tests.
    """
    jobs = snap.ci_jobs
    active = [j for j in jobs if not j.disabled]
    working: list[Evidence] = []
    by_hand: list[Evidence] = []
    idle_jobs: list[CiJob] = []  # the jobs of by_hand
    docs: list[Evidence] = []
    platform: list[Evidence] = []
    bots: list[Evidence] = []
    released: list[Evidence] = []
    for job in active:
        if job.repository_bot:
            bots.append(ev(job.path, job.line, f"{job.system} job {job.name}"))
            continue
        real = [c for c in job.commands if not TRIVIAL_COMMAND.match(c.text)]
        # show the work, not the setup nor a look at what the setup installed
        real.sort(key=lambda c: _ci_reach.is_install(c.text) or _ci_reach.is_query(c.text))
        acts = [u for u in job.uses if not TRIVIAL_USES.match(u.text)]
        if real or acts:
            first = (real or acts)[0]
            found = ev(job.path, first.line, first.text, f"{job.system} job {job.name}")
            if _docs_only(real, acts):
                docs.append(found)
                continue
            if _platform_only(snap, real, acts):
                shown = next((c for c in real if installs_others_software(snap, c.text)), first)
                platform.append(
                    ev(job.path, shown.line, shown.text, f"{job.system} job {job.name}")
                )
                continue
            if not acts and all(_released_only(c.text) for c in real):
                released.append(found)
                continue
            # a job only ever started by hand integrates nothing (ray-project/llm-applications
            # update_index.yaml:3 `workflow_dispatch:`); unknown triggers are given the benefit
            # ... as is one run only on branches nobody works on (demote_dead_branches)
            if job.only_by_hand or job.only_on_other_branches:
                by_hand.append(found)
                idle_jobs.append(job)
            else:
                working.append(found)
    if working:
        return base.passed(f"{len(working)} CI job(s) doing real work", working)
    if docs:
        return base.partial(
            f"{len(docs)} CI job(s), but they only build or publish documentation", docs
        )
    if platform:
        return base.partial(
            f"{len(platform)} CI job(s), but they only install others' software on a cluster "
            "(charts from a chart repository, manifests from a URL): nothing of this checkout "
            "is built, tested or deployed",
            platform,
        )
    if by_hand:
        why = idle_reason(idle_jobs, "only when started by hand")
        return base.partial(f"{len(by_hand)} CI job(s) doing real work, but {why}", by_hand)
    if released:
        return base.failed(
            f"{len(released)} CI job(s), but they only install released packages and print "
            "a command's help: nothing of this checkout is built or tested",
            released,
        )
    if bots and all(job.repository_bot for job in active):
        return base.failed(
            "the only CI jobs are bots run on issue or project-board events: nothing is "
            "built or tested",
            bots,
        )
    elsewhere = _ci_reach.only_elsewhere(jobs)
    if elsewhere is not None:
        return elsewhere
    ci_files = sorted({j.path for j in jobs})
    problems = [
        e
        for e in base.problem_evidence(snap, snap.files)
        if "workflows/" in e.path or "ci" in e.path
    ]
    if problems:
        return base.unknown("a CI file could not be parsed", problems)
    broken = sorted(
        (path, error)
        for path, error in snap.broken_ci.items()
        if not base.exercise_stub(path, snap.text(path))
    )
    if broken:
        # mihgank-qwe/ml_ops2 .github/workflows/ci-cd.yml:79 (reviewed): not "no CI"
        return base.failed(
            f"{words.listing([path for path, _ in broken])}: rejected by the CI system (not "
            "valid YAML, or not a valid workflow), so none of its jobs runs; fix the file",
            [ev(path, _error_line(error), note=error) for path, error in broken],
        )
    if ci_files:
        return base.failed(
            "CI files exist but no active job runs anything", [ev(f) for f in ci_files]
        )
    return base.failed("no CI configuration")


def _error_line(error: str) -> int | None:
    found = re.search(r"\(line (\d+)\)", error)
    return int(found.group(1)) if found else None


def _released_only(text: str) -> bool:
    return all(
        _from_index(part) or _HELP_ONLY.match(part)
        for part in _ci_reach.split_commands(text.strip())
    )


def _from_index(command: str) -> bool:
    """`pip install <name>…`: released packages only, nothing of the checkout."""
    pip = _PIP.match(command)
    if pip is None:
        return False
    given = command[pip.end() :].split()
    return bool(given) and all(w in _INDEX_OPTION or _REQUIREMENT.match(w) for w in given)


def _platform_only(snap: Snapshot, commands: list[Any], uses: list[Any]) -> bool:
    """Does the job only install others' software on a cluster (charts from a chart
    repository, manifests from a URL) around credentials and chart indexes? It builds, tests
    and deploys nothing of the checkout (deramos/mlops-k8s-pipeline deploy-infra.yaml:
    traefik, postgresql, minio, evidently, prometheus and flagger charts; reviewed)."""
    installed = False
    for command in commands:
        for part in _ci_reach.split_commands(command.text):
            if _CLUSTER_CHORE.match(part) or TRIVIAL_COMMAND.match(part):
                continue
            if not installs_others_software(snap, part):
                return False
            installed = True
    return installed and all(_CLUSTER_USES.match(use.text) for use in uses)


def _docs_only(commands: list[Any], uses: list[Any]) -> bool:
    """Does the job only build or publish documentation: installs, file copies, a docs
    builder (mkdocs, Sphinx, Jupyter Book …) and GitHub Pages actions, and at least one of
    the last two?"""
    built = False
    for command in commands:
        text = command.text
        if _DOCS_BUILD.match(text):
            built = True
        elif not (_ci_reach.is_install(text) or _FILE_SHUFFLE.match(text)):
            return False
    for use in uses:
        if _DOCS_USES.match(use.text):
            built = True
        elif not _SETUP_USES.match(use.text):
            return False
    return built


def _doc_strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for v in node.values() for s in _doc_strings(v)] + [str(k) for k in node]
    if isinstance(node, list):
        return [s for v in node for s in _doc_strings(v)]
    return [str(node)] if node is not None else []


# DVC data stages -------------------------------------------------------------------------------
class DvcStagesParams(Params):
    outs_under: list[str] = Field(
        default_factory=lambda: ["data/**", "data", "datasets/**", "features/**"],
        description="globs of outputs that make a stage a data stage",
    )
    names: str = Field(
        default=r"prepar|preprocess|process|featur|ingest|extract|download|clean|split|etl"
        r"|transform|load|collect|fetch|build_dataset|make_dataset|dataset",
        description="regex of stage names that make it a data stage",
    )


def _stage_outs(stage: dict[Any, Any]) -> list[str]:
    outs = stage.get("outs") or []
    paths = []
    for out in outs if isinstance(outs, list) else []:
        if isinstance(out, str):
            paths.append(out)
        elif isinstance(out, dict):
            paths.extend(str(k) for k in out)
    return paths


def dvc_stages(snap: Snapshot) -> list[tuple[str, str, dict[Any, Any], int | None]]:
    out = []
    for path in base.select_files(snap, ["dvc.yaml"]):
        for doc in snap.yaml_docs(path):
            stages = doc.get("stages") if isinstance(doc, dict) else None
            if isinstance(stages, dict):
                for name, stage in stages.items():
                    if isinstance(stage, dict):
                        out.append((path, str(name), stage, key_line(stages, name)))
    return out


@probe("dvc_data_stages", DvcStagesParams)
def dvc_data_stages(snap: Snapshot, p: DvcStagesParams) -> Observation:
    """`dvc.yaml` declares data stages (a data-pipeline DAG).

    Looks for: stages with a `cmd` whose outputs lie under `data/` (or whose name says they
    prepare, featurize, ingest … data). A `dvc.yaml` with only a train stage is a training
    pipeline, not a data pipeline.
    Why: data preparation as a DAG is re-runnable and cached, not a sequence of manual steps.
    Fix: declare `dvc stage add -n prepare -d raw -o data/prepared python prepare.py`.
    """
    names = re.compile(p.names, re.IGNORECASE)
    found: list[Evidence] = []
    stages = dvc_stages(snap)
    for path, name, stage, line in stages:
        if not stage.get("cmd"):
            continue
        outs = [o for o in _stage_outs(stage) if matches_any(o.rstrip("/"), p.outs_under)]
        if outs or names.search(name):
            found.append(ev(path, line, f"stage {name}" + (f" → {outs[0]}" if outs else "")))
    if found:
        return base.passed(f"{len(found)} DVC data stage(s)", found)
    if stages:
        return base.failed("dvc.yaml has no data stages", [ev(s[0], s[3]) for s in stages])
    # a dvc.yaml that cannot be parsed may declare them
    problems = base.problem_evidence(snap, base.select_files(snap, ["dvc.yaml"]))
    return base.found_or_missing([], what="dvc.yaml stages", problems=problems)


# data-change trigger -----------------------------------------------------------------------------
class TriggerPathsParams(Params):
    pattern: str = Field(
        default=r"(^|/)(data|datasets?|raw)(/|$|\*)|\.dvc\b|dvc\.lock$|(^|/)features?/",
        description="regex a CI trigger path must match",
    )

    _v = field_validator("pattern")(_regex)


@probe("ci_trigger_paths", TriggerPathsParams)
def ci_trigger_paths(snap: Snapshot, p: TriggerPathsParams) -> Observation:
    """A CI workflow is triggered by changes to data (`on.push.paths: data/**`, `*.dvc`).

    Looks for: GitHub Actions `paths:` filters matching data folders, `.dvc` files or
    `dvc.lock`; Airflow sensors on storage; S3 bucket notifications or EventBridge rules on
    S3 objects are found by the other parts of the check.
    Why: data changes should re-run the pipeline without a human noticing them.
    Fix: add `on: push: paths: ['data/**', '**/*.dvc']` to the training workflow.
    """
    regex = re.compile(p.pattern)
    found: list[Evidence] = []
    dead: list[Evidence] = []
    seen = set()
    for job in snap.ci_jobs:
        if job.disabled:
            continue
        for path in job.trigger_paths:
            if regex.search(path) and (job.path, path) not in seen:
                seen.add((job.path, path))
                if _never_pushed(snap, path):
                    dead.append(ev(job.path, None, f"paths: {path}", "git-ignored: never pushed"))
                    continue
                found.append(ev(job.path, None, f"paths: {path}", f"{job.system} trigger"))
    if dead and not found:
        return base.failed(
            "the only data paths that trigger CI are git-ignored: no push ever changes them",
            dead,
        )
    return base.found_or_missing(found, what="CI trigger on data changes")


_GLOB_CHARS = re.compile(r"[*?\[{]")


def _never_pushed(snap: Snapshot, pattern: str) -> bool:
    """A trigger path no push can change: the file (or the folder before the pattern's first
    wildcard) is git-ignored and nothing under it is tracked (hzabun/player-churn-mlops
    .github/workflows/deploy-feast.yml:8 `data/processed/player_features.parquet`, `/data`
    git-ignored; reviewed). A negated filter (`!data/**`) excludes; it triggers nothing."""
    from mlaudit.probes._delivery import ignore_rules

    if pattern.startswith("!"):
        return False
    wildcard = _GLOB_CHARS.search(pattern)
    literal = pattern[: wildcard.start()] if wildcard else pattern
    literal = literal.strip("/") if wildcard is None else literal.rsplit("/", 1)[0]
    literal = literal.removeprefix("./")
    if not literal or literal in (".", "**"):
        return False
    if snap.exists(literal) or snap.has_dir(literal):
        return False
    rules = ignore_rules(snap)
    return rules.ignored(literal, is_dir=wildcard is not None) or any(
        rules.ignored(prefix, is_dir=True) for prefix in _parents(literal)
    )


def _parents(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


# continuous training -------------------------------------------------------------------------
class CtTriggerParams(Params):
    train: str = Field(default=TRAIN, description="regex of a command/name that trains")
    follow: int = Field(default=2, ge=0, le=3)

    _v = field_validator("train")(_regex)


_SCHEDULE_KWARGS = ("schedule", "schedule_interval", "timetable", "cron")


def _python_schedules(
    snap: Snapshot, train: re.Pattern[str]
) -> tuple[list[Evidence], list[Evidence]]:
    """(scheduled training, other schedules) in orchestrator code."""

    def scan_file(path: str, facts: PythonFacts, buckets: tuple[list[Evidence], ...]) -> None:
        trains, others = buckets
        scheduled: list[tuple[int, str]] = []
        for call in list(facts.calls) + list(facts.decorators):
            name = call.name
            if re.search(r"(^|\.)(DAG|dag)$", name) and name.startswith("airflow"):
                value = next((call.kwarg(k) for k in _SCHEDULE_KWARGS if call.kwarg(k)), None)
                if value and value not in ("None", "'@once'", "'None'"):
                    scheduled.append((call.line, f"{name}(schedule={value})"))
            elif re.search(
                r"(ScheduleDefinition|schedule|create_schedule|create_recurring_run|"
                r"CronSchedule|Schedule)$",
                name,
            ) and name.split(".")[0] in (
                "dagster",
                "prefect",
                "kfp",
                "google",
                "zenml",
                "flytekit",
                # @schedule(cron=…) on a Metaflow flow (outerbounds/full-stack-ML-metaflow-
                # tutorial flows/cloud/tree_branch_cloud_flow_deploy.py:4)
                "metaflow",
            ):
                scheduled.append((call.line, name))
            elif name.endswith((".serve", ".deploy")) and (
                given := next(
                    (k for k in ("cron", "interval", "schedule", "rrule") if call.kwarg(k)), None
                )
            ):
                scheduled.append((call.line, f"{name}({given}=…)"))
            elif name.endswith(("create_recurring_run", "create_schedule")):
                scheduled.append((call.line, name))
            elif name.startswith(("aws_cdk.aws_events.Schedule.", "aws_cdk.aws_scheduler.")) or (
                name == "aws_cdk.aws_events.CfnRule" and call.kwarg("schedule_expression")
            ):
                # an EventBridge rule or schedule declared with the AWS CDK
                # (aws-samples/amazon-sagemaker-drift-detection build_pipeline_construct.py:190)
                scheduled.append((call.line, f"{name}(…)"))
        if not scheduled:
            return
        names = [s for s, _ in facts.strings] + [c.name for c in facts.calls]
        names += [n for n, _ in facts.functions] + [i.module for i in facts.imports]
        # an identifier's words: `model_training_flow.serve(interval=…)` schedules a flow
        # named for training (Aurumdev952/hmsai pipeline/prefect/deployment.py:9; reviewed)
        names += [c.name.replace("_", " ") for c in facts.calls if "_" in c.name]
        target = trains if any(train.search(n) for n in names) else others
        target.extend(ev(path, line, text) for line, text in scheduled)

    key = derivation_key("python_schedules", train.pattern, train.flags)
    paths = base.select_files(snap, ["*.py"], scope="non_tests")
    trains, others = base.per_file_evidence(snap, key, paths, scan_file, 2)
    return trains, others


@probe("ct_trigger", CtTriggerParams)
def ct_trigger(snap: Snapshot, p: CtTriggerParams) -> Observation:
    """Training is launched on a schedule (continuous training).

    Looks for: a scheduled CI job (`on.schedule.cron`, Azure `schedules:`) whose
    commands — followed through Makefile targets and scripts — train (`train.py`,
    `dvc repro`, `kedro run`, a pipeline submission); an Airflow DAG with `schedule=`, a
    Dagster/Prefect/KFP/Vertex schedule, in a file that trains; a Kubernetes `CronJob` or a
    Terraform/EventBridge `schedule_expression` whose definition runs training. A GitLab
    job for scheduled pipelines is unknown: GitLab keeps its schedules in the project's
    settings. Scheduled
    jobs that do something else (stale bots, link checks, dependency updates) do not count,
    nor does a nightly smoke test that trains one epoch or a few steps (`--epochs 1`).
    Why: Azure levels 2–3 and GCP level 1 retrain on a trigger, not by hand.
    Fix: add a scheduled workflow (`on: schedule: - cron: …`) that runs the training
    pipeline.
    """
    train = re.compile(p.train, re.IGNORECASE)
    found: list[Evidence] = []
    other: list[Evidence] = []
    scheduled_jobs = [j for j in snap.ci_jobs if j.scheduled and not j.disabled]
    smoke: list[Evidence] = []
    # a GitLab job `only: schedules` runs in the project's scheduled pipelines, which are set
    # in GitLab's settings, not in the repository (SIGNALS §2)
    in_settings: list[Evidence] = []
    for item in _ci_reach.reached(snap, p.follow):
        if item.job.scheduled and (
            (_ci_reach.runs(item.text, train) and _runs_training(item.text, train))
            or _runs_a_trainer(snap, item)
        ):
            test_run = _TEST_RUN.search(item.text)
            if test_run or _SMOKE_RUN.search(item.text):
                smoke.append(item.evidence())
            elif item.job.system == "gitlab":
                in_settings.append(item.evidence())
            else:
                found.append(item.evidence())
    if smoke and not found and not in_settings:
        other.extend(smoke)
        other_note = (
            "a scheduled job trains for one epoch or a few steps, or runs tests: a smoke test"
        )
    else:
        other_note = ""
    if not found:
        other.extend(ev(j.path, j.line, f"scheduled job {j.name}") for j in scheduled_jobs)
    py_train, py_other = _python_schedules(snap, train)
    found.extend(py_train)
    other.extend(py_other)
    prod, _dev = k8s_objects(snap, ["CronJob", "CronWorkflow", "ScheduledWorkflow"])
    for obj in prod:
        target = found if any(train.search(s) for s in _doc_strings(obj.doc)) else other
        target.append(ev(obj.path, obj.line, f"kind: {obj.kind} {obj.name or ''}".strip()))
    for path in base.select_files(snap, ["*.tf"]):
        text = snap.text(path) or ""
        for number, line in enumerate(snap.lines(path), start=1):
            if re.search(r"^\s*schedule_expression\s*=", line):
                target = found if train.search(text) else other
                target.append(ev(path, number, line))
    if found:
        return base.passed("training runs on a schedule", found)
    if in_settings:
        # HovhannesHovakimyan/mlops-end-to-end-pipeline .gitlab-ci.yml:295 `only: schedules`,
        # no schedule anywhere in the repository (reviewed)
        return base.unknown(
            "a GitLab job trains in scheduled pipelines, but the schedule itself is set in "
            "GitLab's settings, not in the repository: not decided (attest it)",
            in_settings,
        )
    if other:
        why = f" ({other_note})" if other_note else ""
        return base.failed(f"scheduled jobs exist, but none launches training{why}", other)
    return base.failed("no scheduled training")


# a shell word that runs training: `train.py`, `src/train.py`, `-m src.train`, `./train.sh`,
# `make train`, `yolo train` — not a folder named train inside a path (`mkdir -p sample/train/n`), a data
# file (`rm data/traindata.pt`) or words in quotes (`echo "training..."`): pytorch/examples
# run_python_examples.sh:76-124, run nightly
_TRAIN_WORD = re.compile(
    r"(?:^|[\s;&|(=])(?:[\w./-]*[/.])?(?:re)?train\w*(?:\.py|\.sh)?(?=$|[\s;&|)])"
    r"|-m\s+(?:[\w]+\.)*(?:re)?train\w*\b",  # a module of a training package (`-m pkg.training.fit`)
    re.IGNORECASE,
)


_PRINTS = re.compile(r"^\s*(?:echo|printf)\b")


def _without_prints(text: str) -> str:
    """The command line without its `echo`/`printf` commands (`echo start && python
    train.py` runs train.py; `echo "## Retrain summary"` runs nothing)."""
    return " && ".join(p for p in _ci_reach.split_commands(text) if not _PRINTS.match(p))


_PYTHON_RUN = re.compile(r"\bpython[\d.]*\s+(?:-(?!m\b)\w+\s+)*(?:-m\s+([\w.]+)|([\w./-]+\.py))")


def _runs_a_trainer(snap: Snapshot, item: _ci_reach.Reached) -> bool:
    """A command that runs a repository script or module that trains, or an orchestrated
    flow that calls the project's trainer, whatever it is called (`python -m pipelines.flows
    --flow full`: shiva-shivanibokka/ML-System-Design-Retraining-Pipeline
    .github/workflows/retrain.yml:72, nightly; reviewed)."""
    from mlaudit.probes.training import _training_call, flow_trains

    for match in _PYTHON_RUN.finditer(_without_prints(item.text)):
        module, script = match.groups()
        if module:
            found = _resolve(module, local_modules(snap))
            path = found[1] if found and not found[2] else None
        else:
            path = posixpath.normpath(posixpath.join(item.cwd, script))
            path = path if snap.exists(path) else None
        facts = snap.python(path) if path else None
        if path is None or facts is None:
            continue
        if _training_call(path, facts):
            return True
        # the flows that call the trainer, found once a scan (the rubric runs the same probe)
        flows = snap.memo(
            ("automation.trainer_flows",),
            lambda: frozenset(e.path for e in flow_trains(snap, NoParams()).evidence),
        )
        if path in flows:
            return True
    return False


def _runs_training(text: str, train: re.Pattern[str]) -> bool:
    """Does a command match `train` by more than the word train inside a path or a string?
    (`echo "## Retrain summary"` prints: neopentane7/mlops-fraud-detection retrain.yml:63)"""
    text = _without_prints(text)
    for match in train.finditer(text):
        if not match.group(0).lower().startswith("train"):
            return True  # dvc repro, kedro run, a pipeline submission …
        if _TRAIN_WORD.search(text):
            return True
    return False


# a test run is no training run, whatever its path or target is called (huggingface/lerobot
# docker_publish.yml:212 nightly `pytest -vv tests/training/`, Makefile:36 `${MAKE}
# test-act-ete-train`); what a test target's recipe runs is judged on its own
_TEST_RUN = re.compile(
    r"^(?:\S*/)?(?:python[\d.]*\s+-m\s+)?(?:pytest|py\.test|tox|nox)\b"
    r"|^(?:make|\$\{MAKE\}|\$\(MAKE\))(?:\s+(?:-\S+|\S+=\S*))*\s+test[\w-]*(?:\s|$)"
)


# a training command cut to one epoch or a handful of steps checks that training runs; it
# trains no model anyone keeps (ultralytics/yolov5 ci-testing.yml:95, nightly `--epochs 1`)
# (huggingface/lerobot benchmark_tests.yml:201: `--steps=1`, "train+eval smoke")
_SMOKE_RUN = re.compile(
    r"--(?:max[-_])?epochs?[=\s]+1\b|\bmax_epochs=1\b|--max[-_]steps[=\s]+\d{1,2}\b"
    r"|--(?:(?:num|total|train)[-_])?steps[=\s]+\d{1,2}\b|\bmax_steps=\d{1,2}\b"
    r"|\bfast_dev_run\b|--fast[-_]dev[-_]run\b|--smoke[-_]?test\b|--dry[-_]run\b"
    # a command naming itself a smoke run (`docker run --name libero-train-smoke`)
    r"|(?<![\w.])smoke(?![\w.])",
    re.IGNORECASE,
)


# a call that starts another pipeline or workflow run
_STARTS_PIPELINE = re.compile(
    r"(?:^|\.)(?:TriggerDagRunOperator|trigger_dag\w*|create_dag_run|start_pipeline_execution"
    r"|submit_pipeline_job|dispatch\w*|create_dispatch_event|create_workflow_dispatch)$"
)


class MonitorTriggerParams(Params):
    monitors: list[str] = Field(
        default_factory=lambda: [
            "evidently.*",
            "alibi_detect.cd.*",
            "nannyml.*",
            "whylogs.*",
            "deepchecks.*drift*",
            "sagemaker.model_monitor.*",
            "frouros.*",
        ]
    )
    launches: str = Field(
        # `train_test_split` splits data, it trains nothing (divakaivan/insurance-fraud-mlops-
        # pipeline make_monitoring_ui_artifacts.py:113 beside an Evidently suite; reviewed)
        default=r"(^|[._])(re)?train(?!_test_split$|_val_split$|_split$)\w*$"
        r"|(^|\.)(trigger_dag\w*|create_dag_run|start_pipeline_execution"
        r"|submit_pipeline_job|create_run|run_pipeline|submit|dispatch\w*)$",
        description="regex of a call that launches training",
    )

    _v = field_validator("launches")(_regex)


@probe("ct_monitor_trigger", MonitorTriggerParams, reads_code=True)
def ct_monitor_trigger(snap: Snapshot, p: MonitorTriggerParams) -> Observation:
    """A drift or quality monitor starts retraining (Azure level 4).

    Looks for: production code (not tests or notebooks) where a drift/quality monitor
    (Evidently, alibi-detect, NannyML, whylogs, SageMaker Model Monitor …) and a call that
    launches training or a pipeline run (`train…`, `trigger_dag`,
    `start_pipeline_execution`, a workflow dispatch) live in the same module. A monitor
    with no launch in reach is `unknown` — the link may be configured outside the repo
    (alert webhooks, cloud consoles); no monitor at all fails.
    Why: full MLOps closes the loop: degradation triggers retraining automatically.
    Fix: have the drift job trigger the training pipeline (e.g. `repository_dispatch`, an
    Airflow `TriggerDagRunOperator`) when drift is detected.
    """
    launch = re.compile(p.launches)
    is_monitor = names_matcher(tuple(p.monitors))

    def derive(
        path: str, facts: PythonFacts
    ) -> tuple[tuple[Call, ...], Call | None, Call | None, tuple[str, ...]] | None:
        """ONE file's monitor calls, the first call that launches training, the first that
        starts another pipeline, and the modules it imports."""
        mon = tuple(c for c in facts.calls if is_monitor(c.name))
        starts = [c for c in facts.calls if launch.search(c.name) and c not in mon]
        starts += [
            c
            for c in facts.calls
            if c.name.endswith("TriggerDagRunOperator") or "dispatches" in " ".join(c.args)
        ]
        if not mon and not starts:
            return None
        # what starts another pipeline, not a function of the module named for training
        runs_pipeline = next((c for c in starts if _STARTS_PIPELINE.search(c.name)), None)
        imports = tuple(i.module for i in facts.imports)
        return mon, (starts[0] if starts else None), runs_pipeline, imports

    key = derivation_key("ct_monitor_trigger.v4", tuple(p.monitors), p.launches)
    paths = base.select_files(snap, ["*.py"], scope="non_tests")
    monitors: list[Evidence] = []
    found: list[Evidence] = []
    derived = [(path, facts) for path, facts in snap.python_per_file(key, paths, derive) if facts]
    # rule lib: a monitoring library calling its own code monitors nothing
    # (SeldonIO/alibi-detect alibi_detect/cd/base.py:127, inside alibi_detect)
    monitoring = {
        path: mon
        for path, facts in derived
        if (mon := [c for c in facts[0] if not base.is_own_module(snap, c.name)])
    }
    modules = local_modules(snap)
    for path, facts in derived:
        mon = monitoring.get(path, [])
        start = facts[1]
        where = path
        if mon:
            monitors.append(ev(path, mon[0].line, mon[0].name))
        elif (start := facts[2]) is not None:
            # ... or in a project module it imports, where the module starts another pipeline:
            # a DAG whose drift task calls the project's Evidently module and whose next task
            # triggers the training DAG (aswithabukka/mlops-fraud-detection airflow/dags/
            # monitoring_dag.py:102,460-473 → src/monitoring/drift_detector.py; reviewed). A
            # function named for training beside an imported monitor is no trigger (an app
            # with a train endpoint and a report endpoint)
            target = next((t for m in facts[3] if (t := modules.get(m)) and t in monitoring), None)
            if target is None:
                continue
            where, mon = target, monitoring[target]
        else:
            continue
        if start is not None:
            found.append(ev(where, mon[0].line, mon[0].name, "monitor"))
            found.append(ev(path, start.line, start.name, "launches training"))
    if found:
        return base.passed("a monitor launches retraining", found)
    if monitors:
        return base.unknown(
            "drift/quality monitoring found, but no retraining trigger in reach of it", monitors
        )
    return base.failed("no drift or quality monitor that could trigger retraining")


# pipeline CI --------------------------------------------------------------------------------------
class PipelineCiParams(Params):
    commands: str = Field(
        default=r"\bkfp\s+dsl\s+compile\b|\bdsl-compile\b|\bcompile\w*\s+.*pipeline|\bcompile[-_]\w*pipeline\b"
        r"|pipeline\S*\s+"
        r"(compile|upsert|submit|deploy|publish)|\baz\s+ml\s+(job|pipeline)\s+create\b"
        r"|\bzenml\s+pipeline\b|\bkedro\s+package\b|\bsagemaker\b.*\bpipeline\b"
        r"|\bgcloud\s+builds\s+submit\b.*train|\bdocker\s+(buildx\s+)?build\b.*train"
        # a Databricks Asset Bundle's jobs validated or deployed as declared (or dbx's, the
        # bundles' predecessor: niall-turbitt/e2e-mlops .github/workflows/onrelease.yml:39)
        r"|\bdatabricks\s+bundle\s+(validate|deploy)\b|\bdbx\s+deploy\b"
        # an orchestrator's DAG files shipped to where it reads them: Cloud Composer, MWAA's
        # bucket, Astronomer
        r"|\bgcloud\s+composer\s+environments\s+storage\s+dags\s+import\b|\bastro\s+deploy\b"
        r"|\b(aws\s+s3\s+(cp|sync)|gsutil\s+(-m\s+)?(cp|rsync)|gcloud\s+storage\s+(cp|rsync))\s[^\n]*"
        r"\bdags?/",
        description="regex of a command compiling/publishing a pipeline or building a training image",
    )
    calls: list[str] = Field(
        default_factory=lambda: [
            "kfp.compiler.*",
            "kfp.v2.compiler.*",
            "*.Compiler().compile",
            "*.upsert",
            "google.cloud.aiplatform.PipelineJob",
            "tfx.orchestration.*",
        ]
    )
    follow: int = Field(default=2, ge=0, le=3)

    _v = field_validator("commands")(_regex)


# a script that imports a pipeline SDK and publishes/compiles/submits builds the pipeline
PIPELINE_SDKS = (
    "kfp",
    "azureml.pipeline",
    "azure.ai.ml",
    *base.SAGEMAKER_PIPELINE_MODULES,
    "tfx",
    "google.cloud.aiplatform",
    "zenml",
)
PUBLISH_CALLS = (".publish", ".upsert", ".compile", ".submit", ".create_run_from_pipeline_func")


# a container command that serves (the image is the model's service, not its training)
_SERVES = re.compile(
    r"\b(?:uvicorn|gunicorn|hypercorn|waitress|daphne|streamlit|gradio|torchserve|tritonserver"
    r"|nginx|flask\s+run|serve|server|api|app\.py)\b",
    re.IGNORECASE,
)
# ... or an ONBUILD trigger a later stage of the same file runs (nerfstudio-project/nerfstudio
# Dockerfile:10 `ONBUILD COPY . /tmp/nerfstudio`, run by `FROM source_copy as source`; reviewed)
_COPIES_ALL = re.compile(
    r"^\s*(?:ONBUILD\s+)?(?:COPY|ADD)\s+(?:--\S+\s+)*\.\/?\s+\S", re.IGNORECASE
)
_COPIES = re.compile(
    r"^\s*(?:ONBUILD\s+)?(?:COPY|ADD)\s+(?:--\S+\s+)*([\w.-][\w./-]*?)/?\s+\S", re.IGNORECASE
)
_LAUNCH = re.compile(r"^\s*(?:CMD|ENTRYPOINT)\b", re.IGNORECASE)
_FROM_ELSEWHERE = re.compile(r"\s--from[=\s]", re.IGNORECASE)  # another stage or image
# an image published where a job runs it: a registry, or Beaker (`beaker image create`)
_PUBLISHES = re.compile(r"--push\b|\b(?:docker|podman|crane)\s+push\b|\bimage\s+create\b")


def _training_environment(snap: Snapshot, path: str) -> bool:
    """A Dockerfile that holds the repository's own code (`COPY . .`, or a folder of its
    Python packages) and launches no server: the image a training run starts in, with the
    trainer given at run time (axolotl-ai-cloud/axolotl docker/Dockerfile-uv:16 `COPY . .`,
    an entry-point script, `axolotl train` run in it by cli/cloud/modal_.py; stanford-crfm/
    levanter docker/tpu/Dockerfile.incremental; allenai/open-instruct Dockerfile:86 `COPY
    open_instruct open_instruct`, run on Beaker; reviewed). A development container is not."""
    if base.DEV_CONTAINER.search(path):
        return False
    lines = snap.lines(path)
    if any(_LAUNCH.match(line) and _SERVES.search(line) for line in lines):
        return False
    for line in lines:
        if _COPIES_ALL.match(line) and not _FROM_ELSEWHERE.search(line):
            return True
        copied = _COPIES.match(line)
        if copied and not _FROM_ELSEWHERE.search(line):
            folder = copied.group(1).removeprefix("./").rstrip("/")
            if snap.exists(f"{folder}/__init__.py"):
                return True
    return False


# commands of a RUN line that prepare the image, whatever path they name: `RUN mkdir -p
# src/training` trains nothing (AkshitMunjal/house-price-mlops Dockerfile:14; reviewed)
_PREPARES = re.compile(
    r"^\s*(?:mkdir|cp|mv|chmod|chown|ln|rm|touch|echo|cd|ls|pip3?|apt(?:-get)?|conda|mamba|"
    r"uv|poetry|wget|curl|git|tar|unzip|useradd|adduser)\b"
)


def _image_trains(snap: Snapshot, path: str, train: re.Pattern[str]) -> bool:
    if not snap.exists(path):
        return False
    for line in snap.lines(path):
        instruction = re.match(r"^\s*(CMD|ENTRYPOINT|RUN)\b(.*)", line)
        if instruction is None:
            continue
        if instruction.group(1) != "RUN":
            if train.search(line):
                return True
            continue
        commands = re.split(r"&&|\|\||;", instruction.group(2))
        if any(train.search(c) and not _PREPARES.match(c) for c in commands):
            return True
    return False


def _built_training_images(
    snap: Snapshot, train: re.Pattern[str], publishing: set[int], builders: list[CiJob]
) -> list[Evidence]:
    """docker/build-push-action steps of active jobs that build a training image, or publish
    a training environment (see _training_environment); `publishing`: the ids of the jobs
    whose commands publish an image. The jobs are added to `builders`."""
    from mlaudit.probes._delivery import _pushes_a_buildable_image, pushed_dockerfile

    found: list[Evidence] = []
    for job in snap.ci_jobs:
        if job.disabled:
            continue
        for use in job.uses:
            path = pushed_dockerfile(use)
            if path is None:
                continue
            pushed = _pushes_a_buildable_image(snap, use) or id(job) in publishing
            if _image_trains(snap, path, train) or (
                pushed and snap.exists(path) and _training_environment(snap, path)
            ):
                found.append(ev(job.path, use.line, use.text, f"{job.system} job {job.name}"))
                found.append(ev(path, None, None, "training image"))
                builders.append(job)
    return found


def _dockerfile_trains(
    snap: Snapshot, text: str, train: re.Pattern[str], published: bool = False
) -> str | None:
    """The Dockerfile a `docker build` line builds, when it is a training image (or, when
    `published`, a training environment: see _training_environment)."""
    if not re.search(r"\bdocker\s+(buildx\s+)?build\b", text):
        return None
    words = text.split()
    candidates = []
    for index, word in enumerate(words):
        if word in ("-f", "--file") and index + 1 < len(words):
            candidates.append(words[index + 1].removeprefix("./"))
        elif word.startswith("--file="):
            candidates.append(word.split("=", 1)[1].removeprefix("./"))
    if not candidates and words:
        context = words[-1].removeprefix("./").rstrip("/")
        candidates.append("Dockerfile" if context in (".", "") else f"{context}/Dockerfile")
    for path in candidates:
        if _image_trains(snap, path, train):
            return path
        if (published or _PUBLISHES.search(text)) and snap.exists(path):
            if _training_environment(snap, path):
                return path
    return None


@probe("pipeline_ci", PipelineCiParams)
def pipeline_ci(snap: Snapshot, p: PipelineCiParams) -> Observation:
    """CI compiles or publishes the ML pipeline, or builds the training image (GCP level 2).

    Looks for: CI commands (followed through Makefile targets and scripts) that compile a
    KFP/Vertex pipeline, upsert a SageMaker pipeline, create an Azure ML pipeline job, or
    build a Docker image (`docker build`, `docker buildx build`, docker/build-push-action)
    whose CMD/ENTRYPOINT trains, or publish (push, `beaker image create`) an image that
    holds the repository's own code and launches no server — the environment a training
    run starts in, with the trainer given at run time; or a Python script run by CI that
    calls a pipeline compiler or `upsert`. A development container is not counted.
    Why: at GCP level 2 the pipeline itself is code that CI builds, tests and ships.
    A build only ever started by hand (or only on a branch nobody works on) is partial.
    Fix: add a CI step that compiles the pipeline (or builds the training image) on every
    merge.
    """
    regex = re.compile(p.commands, re.IGNORECASE)
    train = re.compile(TRAIN, re.IGNORECASE)
    found: list[Evidence] = []
    items = _ci_reach.reached(snap, p.follow)
    publishing = {id(i.job) for i in items if _PUBLISHES.search(i.text)}
    builders: list[CiJob] = []
    found.extend(_built_training_images(snap, train, publishing, builders))
    for item in items:
        if _ci_reach.runs(item.text, regex) or _updates_dag_host(item):
            found.append(item.evidence())
            builders.append(item.job)
            continue
        dockerfile = _dockerfile_trains(snap, item.text, train, id(item.job) in publishing)
        if dockerfile:
            found.append(item.evidence())
            found.append(ev(dockerfile, None, None, "training image"))
            builders.append(item.job)
            continue
        scripts = _ci_reach.referenced_files(snap, item.text)
        for module in re.findall(r"\bpython[\d.]*\s+-m\s+([\w.]+)", item.text):
            resolved = _resolve(module, local_modules(snap))
            if resolved:
                scripts.append(resolved[1])
        for path in scripts:
            facts = snap.python(path) if path.endswith(".py") else None
            if facts is None:
                continue
            publishes = any(
                fnmatch.fnmatchcase(c.name, pat) for c in facts.calls for pat in p.calls
            ) or (
                any(i.module.startswith(PIPELINE_SDKS) for i in facts.imports)
                and any(c.name.endswith(PUBLISH_CALLS) for c in facts.calls)
            )
            if publishes:
                found.append(item.evidence())
                found.append(ev(path, None, None, "compiles/publishes the pipeline"))
                builders.append(item.job)
    # a build started only by hand builds nothing on a change, as AUT007 and AUT008 say of
    # the same job (GoogleCloudPlatform/mlops-with-vertex-ai build/pipeline-deployment.yaml,
    # submitted with `gcloud builds submit` from a notebook; reviewed)
    if builders and all(j.only_by_hand or j.only_on_other_branches for j in builders):
        why = idle_reason(builders, "only when started by hand")
        return base.partial(f"CI builds the ML pipeline, but {why}", found)
    return base.found_or_missing(found, what="CI step building the ML pipeline")


# a command run on a remote host (over SSH or AWS Systems Manager) that updates its checkout
_REMOTE_PULL = re.compile(
    r"(?:\baws\s+ssm\s+send-command\b|(?:^|[\s;&|(])ssh\s)[^\n]*\bgit\s+pull\b"
)


def _updates_dag_host(item: _ci_reach.Reached) -> bool:
    """A job run only by changes to an orchestrator's DAG folder that pulls them onto the
    host the orchestrator runs on (Venkat8538/mlops-fraud-detection
    .github/workflows/04-airflow-deploy.yml:3-7,37-45, `git pull` over SSM on push to
    airflow/dags/**; reviewed)."""
    paths = item.job.trigger_paths
    return (
        bool(paths)
        and all("dags" in path.split("/") or "dag" in path.split("/") for path in paths)
        and bool(_REMOTE_PULL.search(item.text))
    )


# IaC and environment promotion --------------------------------------------------------------------
class EnvPromotionParams(Params):
    iac_globs: list[str] = Field(
        default_factory=lambda: ["*.tf", "Pulumi.yaml", "Pulumi.*.yaml", "*.bicep", "cdk.json"]
    )
    env_globs: list[str] = Field(
        default_factory=lambda: [
            "values-{staging,stage,prod,production,dev,qa}.y*ml",
            "values.{staging,stage,prod,production,dev,qa}.y*ml",
            "**/overlays/{staging,stage,prod,production,dev,qa}/**",
            "**/environments/{staging,stage,prod,production,dev,qa}/**",
            "**/envs/{staging,stage,prod,production,dev,qa}/**",
            "*{staging,stage,prod,production,dev,qa}.tfvars",
            "Pulumi.{staging,stage,prod,production,dev,qa}.yaml",
            # ARM template parameters per environment (microsoft/MLOps
            # infra-as-code/arm-templates/storage/parameters.{dev,test}.json)
            "**/parameters.{staging,stage,prod,production,dev,qa,test}.json",
        ]
    )
    min_envs: int = Field(default=2, ge=1)


_ENV_NAME = re.compile(
    r"(staging|stage|prod|production|prd|dev|qa|\btest\b|\bacc(?:eptance)?\b|\buat\b)",
    re.IGNORECASE,
)
# an Azure Resource Manager template (JSON); Bicep files are matched by name
_ARM_SCHEMA = re.compile(r'"\$schema"\s*:\s*"[^"]*/deploymentTemplate\.json#')


def _env_key(name: str) -> str:
    name = name.lower()
    return {
        "stage": "staging",
        "production": "prod",
        "prd": "prod",
        "acceptance": "acc",
    }.get(name, name)


# a library's release targets (hiyouga/LLaMA-Factory `docker`, `release`; EleutherAI/lm-
# evaluation-harness `pypi`, `testpypi`; reviewed): packages published side by side, nothing
# promoted from one to the next
_LIBRARY_RELEASE_ENV = re.compile(
    r"^(?:release|publish\w*|docker(?:hub)?|ghcr|npm|conda|anaconda|crates?)$", re.IGNORECASE
)


def _publishing_environment(snap: Snapshot) -> Callable[[str], bool]:
    """Whether a CI environment publishes a package or documentation (_delivery's
    NOT_DELIVERY_ENV: PyPI, TestPyPI, GitHub Pages), or, in a repository that publishes
    its own package (rule lib), is one of its release targets, rather than a stage a
    deployment is promoted through."""
    from mlaudit.probes.profile import published_library

    library = bool(published_library(snap))

    def publishing(name: str) -> bool:
        name = name.strip()
        return bool(NOT_DELIVERY_ENV.search(name) or (library and _LIBRARY_RELEASE_ENV.match(name)))

    return publishing


@probe("env_promotion", EnvPromotionParams)
def env_promotion(snap: Snapshot, p: EnvPromotionParams) -> Observation:
    """Infrastructure as code, with several environments to promote through.

    Looks for: Terraform, Pulumi, Bicep, ARM, CDK or CloudFormation files, and at least
    `min_envs` environments — distinct CI `environment:` names (not publishing targets: PyPI,
    TestPyPI, GitHub Pages, and a library's release or Docker Hub jobs), a Databricks Asset Bundle's
    targets, `values-{staging,prod}.yaml`,
    Kustomize `overlays/{staging,prod}`, per-environment tfvars, Pulumi stacks or ARM
    parameter files, or the deploy stages of a CodePipeline (`DeployDev`, `DeployPrd`).
    Environments (as the catalogue's any-of) — either passes; one environment alone does
    not. IaC inside the package a library or MLOps tool publishes is the product's payload,
    not the project's infrastructure (rule lib).
    Why: mm#9–12 — reproducible infrastructure and a staged path to production.
    Fix: describe the infrastructure in Terraform/Pulumi and deploy through staging to
    production (CI `environment:` per stage).
    """
    # an empty file describes no infrastructure (Jessicanyc/Distributed-Machine-Learning-System
    # infra-repo/terraform/*.tf, 0 bytes each; reviewed)
    iac = [ev(f) for f in base.select_files(snap, p.iac_globs) if snap.size(f) != 0]
    iac += [ev(f, None, "CloudFormation template") for f in cfn_templates(snap)]
    iac += list(
        {s.path: s.evidence(f"{s.platform} service spec") for s in paas_services(snap)}.values()
    )
    arm = base.select_files(snap, ["*.json"], scope="non_tests")
    iac += [ev(path, line, "ARM template") for path, line, _text in snap.grep(arm, _ARM_SCHEMA)]
    payload = _shipped_templates(snap, iac)
    iac = [e for e in iac if e not in payload]
    envs: dict[str, Evidence] = {}
    # a Databricks Asset Bundle declares the workspace's jobs and pipelines, per target
    # (marvelousmlops/marvel-characters databricks.yml:25-53: dev, acc, prd)
    for bundle in bundles(snap):
        iac.append(ev(bundle.path, None, bundle.kind))
        for target, line in bundle.targets:
            match = _ENV_NAME.search(target)
            if match:
                envs.setdefault(_env_key(match.group(1)), ev(bundle.path, line, f"target {target}"))
    for stage, deploys in codepipeline_deploy_stages(snap):
        match = _ENV_NAME.search(stage)
        if match:
            envs.setdefault(_env_key(match.group(1)), deploys)
    publishing = _publishing_environment(snap)
    for job in snap.ci_jobs:
        # a deployment job whose steps only print deploys nothing (Western-1/churn-pipeline
        # .github/workflows/cd.yml:80-84 `echo "Deploying to staging…"`, "# Add your
        # deployment commands here"; reviewed)
        placeholder = not any(not TRIVIAL_USES.match(u.text) for u in job.uses) and all(
            TRIVIAL_COMMAND.match(c.text) for c in job.commands
        )
        if (
            job.environment
            and not job.disabled
            and not publishing(job.environment)
            and not placeholder
        ):
            envs.setdefault(
                job.environment.lower(), ev(job.path, job.line, f"environment: {job.environment}")
            )
    for path in base.select_files(snap, p.env_globs):
        match = None
        for part in reversed(path.split("/")):
            match = _ENV_NAME.search(part)
            if match:
                break
        if match:
            envs.setdefault(_env_key(match.group(1)), ev(path))
    staged = len(envs) >= p.min_envs
    evidence = iac[:4] + list(envs.values())
    if iac and staged:
        return base.passed(f"IaC with {len(envs)} environments", evidence)
    if iac:
        return base.passed("infrastructure as code (no staged environments found)", evidence)
    if staged:
        return base.passed(f"{len(envs)} deployment environments (no IaC found)", evidence)
    if envs:
        return base.failed("a single deployment environment, no IaC", evidence)
    if payload:
        return base.failed(
            "no infrastructure as code of the project's own: the IaC files are templates its "
            "published package ships and provisions for its users (rule lib)",
            payload[:4],
        )
    return base.failed("no infrastructure as code or environment promotion")


def _shipped_templates(snap: Snapshot, iac: list[Evidence]) -> list[Evidence]:
    """IaC inside the package a repository publishes (rule lib): the product's templates,
    copied to its users' folders and applied to their accounts, not this project's own
    infrastructure (fuzzylabs/matcha src/matcha_ml/infrastructure/default/aks/main.tf,
    shipped in the wheel by pyproject.toml:35; reviewed)."""
    if not iac:
        return []
    from mlaudit.probes.profile import published_library

    if not published_library(snap):
        return []
    return [e for e in iac if base.in_own_package(snap, e.path)]


# continuous delivery ------------------------------------------------------------------------------
class CdDeployParams(Params):
    pass


@probe("cd_deploy", CdDeployParams)
def cd_deploy(snap: Snapshot, p: CdDeployParams) -> Observation:
    """CI delivers the system: a job deploys it, ships it, or updates a server.

    Looks for (followed through Makefile targets and scripts): platform deploys
    (`gcloud run deploy`, `az ml online-deployment create`, `az ml model deploy`, `az
    webapp up`, `aws lambda update-function-code`, `serverless deploy`, `fly deploy`,
    Heroku, Render deploy hooks, Railway …); shipping (`docker push`, `helm upgrade`,
    `kubectl apply`, `terraform apply` …); copy and restart (`scp`/`rsync` to a host, then
    `ssh host … restart`, or an SSH action whose script restarts or runs the image); and
    GitLab/Azure deployment jobs with an `environment:` on pushes to the default branch.
    Not counted: local copies (`rsync -a src/ build/`), review-app environments of merge
    requests, package-index (PyPI) or docs environments, disabled jobs. A job only ever
    started by hand (`workflow_dispatch`) delivers at the push of a button: partial; so does
    one whose image cannot be built (its Dockerfile copies a file the repository moved away).
    Why: Azure level 3 / GCP level 2 — a merged change reaches production without hands.
    Fix: add a job on pushes to main that builds, pushes and deploys (or restarts) the
    service.
    """
    found = deliveries(snap)
    # a delivery started only by hand is a push-button release, not continuous delivery
    # (deezer/spleeter: every workflow that pushes images or publishes is `workflow_dispatch`;
    # reviewed), as a CI job started only by hand is partial CI
    # ... and one that runs only on a branch nobody works on delivers no change (DataTalksClub/
    # mlops-zoomcamp cd-deploy.yml:3-5, pushes to a `develop` untouched since 2022; reviewed)
    automatic = [d for d in found if not d.job.only_by_hand and not d.job.only_on_other_branches]
    evidence = [e for d in automatic or found for e in d.evidence]
    if automatic and all(d.broken for d in automatic):
        # what CI would ship cannot be built: the job fails at the same line every time
        broken = [e for d in automatic for e in d.broken]
        return base.partial(
            f"{len(automatic)} CI job(s) would deliver, but the image cannot be built: "
            f"{broken[0].snippet} ({broken[0].note})",
            evidence + broken,
        )
    if automatic:
        hows = sorted({d.how for d in automatic})
        return base.passed(f"{len(automatic)} CI job(s) deliver: {'; '.join(hows)}", evidence)
    if found:
        hows = sorted({d.how for d in found})
        why = idle_reason((d.job for d in found), "only when started by hand")
        return base.partial(
            f"{len(found)} CI job(s) deliver ({'; '.join(hows)}), but {why}", evidence
        )
    jobs = [j for j in snap.ci_jobs if not j.disabled]
    if not jobs:
        return base.failed("no CI jobs found")
    return base.failed(f"none of {len(jobs)} CI job(s) deploys, ships or restarts the system")


def _ci_publishes(snap: Snapshot) -> list[tuple[CiJob, Evidence]]:
    """(job, evidence) of each active CI job that publishes a package to the real index: the
    PyPA publish action, or a publish command (`twine upload`, `uv publish` …) the job runs
    directly or through a Makefile target or script."""
    from mlaudit.probes.profile import PUBLISH_COMMAND, TEST_INDEX, publish_action

    found: list[tuple[CiJob, Evidence]] = []
    for job in snap.ci_jobs:
        if job.disabled:
            continue
        for use in job.uses:
            if publish_action(use) and not TEST_INDEX.search(
                use.input("repository-url") or use.input("repository_url") or ""
            ):
                found.append(
                    (job, ev(job.path, use.line, use.text, f"{job.system} job {job.name}"))
                )
    for reach in _ci_reach.reached(snap):
        if _ci_reach.runs(reach.text, PUBLISH_COMMAND) and not TEST_INDEX.search(reach.text):
            found.append((reach.job, reach.evidence()))
    return found


@probe("package_delivery", NoParams)
def package_delivery(snap: Snapshot, p: NoParams) -> Observation:
    """A library's releases are built and published by CI (continuous delivery of a package).

    Looks for, in a repository that publishes its own package (rule lib: a CI job or a
    Makefile target publishes it, or its metadata or README links its PyPI page or version
    badge): an active CI job that publishes to the package index with the PyPA publish action
    or `twine upload`, `uv publish`, `poetry publish`, `flit publish`, `hatch publish`,
    `pdm publish` (run directly, or through a Makefile target or a script). A job started by
    hand only (`workflow_dispatch`), or a release made by hand from a Makefile target:
    partial. A package whose page or badge is linked but that nothing in the repository
    publishes (a TestPyPI rehearsal aside) is released by hand from someone's machine: fail.
    Not applicable where the repository publishes no package of its own.
    Why: a library's users run what its index holds; a release that CI builds from a tag,
    after its tests, is the library's continuous delivery, as an image push is a service's.
    Fix: publish from a CI job triggered by a release tag (`pypa/gh-action-pypi-publish`
    with trusted publishing), after the tests pass.
    """
    from mlaudit.probes.profile import makefile_releases, published_library

    published = published_library(snap)
    if not published:
        return base.not_applicable("the repository publishes no package of its own")
    found = _ci_publishes(snap)
    automatic = [e for job, e in found if not job.only_by_hand and not job.only_on_other_branches]
    if automatic:
        return base.passed("CI publishes the package", automatic)
    if found:
        why = idle_reason((job for job, _ in found), "only when started by hand")
        return base.partial(f"CI publishes the package, but {why}", [e for _, e in found])
    scripted = makefile_releases(snap)[:1]
    if scripted:
        return base.partial("the package is released by hand: no CI job publishes it", scripted)
    return base.failed(
        "the package is on the index, but nothing in the repository publishes it: each "
        "release is made by hand",
        published,
    )
