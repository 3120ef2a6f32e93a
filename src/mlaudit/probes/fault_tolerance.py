"""Fault-tolerance probes (FLT): retries and timeouts, orchestrator retries, rollback,
fallback paths, backups, dead-letter queues and quarantine of bad records.

Python facts come from the AST (calls with literal keyword arguments, try/except
handlers); infrastructure from the Snapshot's parsed Kubernetes and Terraform views.
Simple "this library/kind exists" signals (circuit breakers, chaos tests, checkpoints)
are composed in the rubric YAML from generic probes.
"""

from __future__ import annotations

import re
from typing import Any

from mlaudit.probes import _ci_reach, base
from mlaudit.probes.base import ev
from mlaudit.probes.cloudformation import cfn_resources
from mlaudit.probes.code_roles import code_roles
from mlaudit.probes.generic import (
    module_matches_any,
    name_matches,
    name_matches_any,
    walk_key,
)
from mlaudit.probes.kubernetes import (
    NoParams,
    as_int,
    flagger_analyses,
    infra_problems,
    is_patch,
    k8s_objects,
    obj_ev,
    tf_blocks,
    tf_ev,
    tf_problems,
    tf_values,
)
from mlaudit.probes.registry import probe
from mlaudit.repo.parsers.dockerfile import moves, split_reference
from mlaudit.repo.parsers.kubernetes import is_dev_path
from mlaudit.repo.parsers.python_src import PythonFacts
from mlaudit.repo.parsers.yaml_docs import key_line
from mlaudit.repo.snapshot import Snapshot, derivation_key
from mlaudit.results import Evidence, Observation, Outcome

# retries and timeouts ------------------------------------------------------------------------
RETRY_CALLS = (
    "tenacity.retry",
    "tenacity.*",
    "backoff.on_exception",
    "backoff.on_predicate",
    "retrying.retry",
    "stamina.retry",
    "retry.retry",
    "urllib3.util.retry.Retry",
    "urllib3.util.Retry",
    "urllib3.Retry",
    "requests.packages.urllib3.util.retry.Retry",
    "google.api_core.retry.Retry",
    "aiohttp_retry.*",
)
RETRY_KWARGS = {  # call pattern → keyword that configures retries
    "*HTTPAdapter": "max_retries",
    "botocore.config.Config": "retries",
    "httpx.*Transport": "retries",
    # LLM API clients retry with backoff (h2oai/h2o-llmstudio
    # text_causal_language_modeling_metrics.py:91 `OpenAI(max_retries=…, timeout=…)`)
    "openai.*OpenAI": "max_retries",
    "anthropic.*Anthropic": "max_retries",
    # a Kafka producer resends a failed batch (deaneeth/telco-churn-mlops-pipeline
    # src/streaming/producer.py:218 `KafkaProducer(acks='all', retries=3)`; reviewed)
    "kafka.KafkaProducer": "retries",
    "kafka.producer.KafkaProducer": "retries",
}
HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")
NO_DEFAULT_TIMEOUT = tuple(f"requests.{v}" for v in HTTP_VERBS) + ("urllib.request.urlopen",)
TIMEOUT_CALLS = (
    *NO_DEFAULT_TIMEOUT,
    "requests.Session().*",
    "httpx.*",
    "aiohttp.*",
    "grpc.*",
    "*.Session().*",
    "openai.*OpenAI",
    "anthropic.*Anthropic",
)
# clients that retry with backoff unless told otherwise: Azure's data-plane SDKs (azure-core's
# RetryPolicy, 3 attempts; eshwarsai48/mlops-fraud-detection app/main.py:11,34-39 downloads the
# model with BlobServiceClient; reviewed) and the Hugging Face Hub's downloads (`http_backoff`,
# a 10 s timeout; anhquan1111/mlops-fraud-detection src/api.py:97-106; reviewed)
DEFAULT_RETRY_CLIENTS = (
    "azure.storage",
    "azure.cosmos",
    "azure.servicebus",
    "azure.eventhub",
    "azure.data.tables",
    "huggingface_hub",
)
CLIENT_MODULES = (
    "requests",
    "httpx",
    "aiohttp",
    "urllib3",
    "urllib.request",
    "boto3",
    "botocore",
    "google.cloud",
    "grpc",
    "redis",
    "psycopg2",
    "psycopg",
    "pymongo",
    "sqlalchemy",
    "kafka",
    "confluent_kafka",
    "aiokafka",
    "pika",
    "openai",
    "elasticsearch",
    "minio",
    *DEFAULT_RETRY_CLIENTS,
)


_RETRIES = derivation_key("retries_timeouts")


@probe("network_clients", NoParams)
def network_clients(snap: Snapshot, p: NoParams) -> Observation:
    """Precondition: the code calls other services, wherever retries-timeouts applies (a
    network client imported in production code, or a retry or timeout around a remote call:
    tenacity around a registry load).

    Why: a circuit breaker isolates a failing dependency; code that calls no other service has
    none to isolate (fmind/mlops-python-package: retries-timeouts was n/a, circuit-breaker
    failed, on the same code).
    Fix: nothing to fix; a precondition.
    """
    remote = retries_timeouts(snap, p)
    if remote.outcome == Outcome.NOT_APPLICABLE:
        return base.failed(remote.message)
    return base.passed("the code calls other services", remote.evidence[:3])


@probe("retries_timeouts", NoParams, reads_code=True)
def retries_timeouts(snap: Snapshot, p: NoParams) -> Observation:
    """Calls to other services retry with backoff and time out.

    Looks for (AST, production code): `tenacity.retry`/`backoff.on_exception` decorators or
    calls, `urllib3` `Retry`, `HTTPAdapter(max_retries=)`, botocore `Config(retries=)`,
    google-api-core `Retry`, `timeout=` on requests/httpx/aiohttp/gRPC calls; Istio
    `VirtualService` `retries:`/`timeout:`. The anti part (bandit B113): a `requests.*`
    or `urlopen` call without `timeout=` can hang forever — such calls make the check
    partial (with retries elsewhere) or fail. Not applicable when the code imports no
    network client at all.
    Why: a transient network error or a hung dependency must not take predictions or a
    pipeline down (fault tolerance).
    Fix: pass `timeout=` to every HTTP call and wrap remote calls with `tenacity.retry`
    (exponential backoff, bounded attempts).
    """
    # one answer per Snapshot: circuit-breaker's precondition (network_clients) asks too
    return snap._cached("retries_timeouts", "", lambda: _retries_timeouts(snap))


def _retries_timeouts(snap: Snapshot) -> Observation:
    def scan_file(path: str, facts: PythonFacts, buckets: tuple[list[Evidence], ...]) -> None:
        good, no_timeout, clients = buckets
        # the file's first client import stands for it, noted as retrying by default only
        # when every client it imports does (the order of its imports decides nothing)
        imported = [i for i in facts.imports if module_matches_any(i.module, CLIENT_MODULES)]
        if imported:
            defaults = all(module_matches_any(i.module, DEFAULT_RETRY_CLIENTS) for i in imported)
            note = "retries by default" if defaults else None
            clients.append(ev(path, imported[0].line, f"import {imported[0].module}", note))
        for call in [*facts.calls, *facts.decorators]:
            name = call.name
            if name_matches_any(name, tuple(RETRY_CALLS)):
                good.append(ev(path, call.line, f"{name}(…)", "retry"))
                continue
            for pattern, key in RETRY_KWARGS.items():
                if name_matches(name, pattern) and call.kwarg(key) not in (None, "0", "None"):
                    good.append(ev(path, call.line, f"{name}({key}=…)", "retry"))
            if name_matches_any(name, tuple(TIMEOUT_CALLS)):
                timeout = call.kwarg("timeout")
                if timeout is not None and timeout != "None":
                    good.append(ev(path, call.line, f"{name}(timeout={timeout})", "timeout"))
                elif name in NO_DEFAULT_TIMEOUT and timeout is None:
                    no_timeout.append(ev(path, call.line, f"{name}(…)", "no timeout (bandit B113)"))

    paths = base.python_sources(snap, ("*.py",), scope="non_tests")
    good, no_timeout, clients = base.per_file_evidence(snap, _RETRIES, paths, scan_file, 3)
    routes, _dev = k8s_objects(snap, ("VirtualService",))
    for obj in routes:
        for key in ("retries", "timeout"):
            for value, _parent, line in walk_key(obj.doc, ["spec", "http", "*", key]):
                if value is not None:
                    good.append(
                        ev(
                            obj.path,
                            line or obj.line,
                            f"{key}: {value if not isinstance(value, dict) else '…'}",
                            f"VirtualService/{obj.name}",
                        )
                    )
    if no_timeout and good:
        return base.partial(
            f"retries/timeouts configured, but {len(no_timeout)} call(s) without timeout",
            no_timeout + good,
        )
    if no_timeout:
        return base.failed(
            f"{len(no_timeout)} HTTP call(s) without timeout and no retry policy", no_timeout
        )
    if good:
        return base.passed("remote calls retry and time out", good)
    if not clients:
        return base.not_applicable("the code imports no network client")
    if all(e.note == "retries by default" for e in clients):
        return base.partial(
            "the network clients retry with their SDK's default policy; none is configured "
            "(attempts, backoff, timeout)",
            clients,
        )
    return base.failed("network clients are used without any retry or timeout policy", clients)


# orchestrator retries -------------------------------------------------------------------------
ORCHESTRATOR_MODULES = (
    "airflow",
    "prefect",
    "dagster",
    "kfp",
    "metaflow",
    "flytekit",
    "zenml",
    "celery",
    "luigi",
    "ray",
    "tfx",
    # SageMaker Pipelines' steps (aws-samples/mlops-sagemaker-github-actions
    # seedcode/pipelines/abalone/pipeline.py:178-317: ProcessingStep, TrainingStep, Pipeline)
    *base.SAGEMAKER_PIPELINE_MODULES,
    # Azure ML pipelines, SDK v1 and v2 (microsoft/MLOpsPython ml_service/pipelines/
    # diabetes_regression_build_train_pipeline.py: PythonScriptStep, Pipeline; reviewed)
    "azureml.pipeline",
    "azure.ai.ml.dsl",
)
_RETRY_KEY_LINE = re.compile(r"""["'](retries|max_retries|retry_count)["']\s*:\s*(\d+)""")
_RETRY_KWARGS = (
    "retries",
    "max_retries",
    "retry_count",
    "max_task_retries",
    "max_failures",
    "retry_policy",
    "retry",
    "autoretry_for",
    "max_restarts",
    "retry_policies",  # SageMaker Pipelines steps: [StepRetryPolicy(…), …]
)
RETRY_OBJECTS = (
    "dagster.RetryPolicy",
    "zenml.config.retry_config.StepRetryConfig",
    "zenml.*StepRetryConfig",
    "ray.*FailureConfig",
    "ray.train.FailureConfig",
    "metaflow.retry",
    "*.set_retry",
    "sagemaker.*workflow.retry.*RetryPolicy",  # SDK v2 and v3 (sagemaker.mlops.workflow)
)
JOB_SPEC_KEYS = ("entrypoint",)


def _retry_value(raw: str | None) -> int | None:
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        return 1 if raw not in ("None", "False", "'0'") else 0  # an expression: configured


# The last name of an orchestrator's construct that defines work: a task, step, flow, DAG,
# operator, asset, pipeline, Ray remote function or trainer (Airflow, Prefect, Flyte, Dagster,
# KFP, TFX, Metaflow, ZenML, Luigi, Celery, Ray), as a decorator, a call or a base class
_DEFINES_WORK = re.compile(
    r"^(?:task|flow|workflow|dynamic|map_task|dag|DAG|op|graph|job|asset|multi_asset|step|"
    r"pipeline|Pipeline|component|node|remote|FlowSpec|Task|\w*Operator|\w*Sensor|\w*Step|"
    r"\w*Trainer|ContainerOp)$"
)


def _defines_tasks(facts: Any) -> bool:
    modules = tuple(ORCHESTRATOR_MODULES)
    return any(
        module_matches_any(item.name, modules)
        and _DEFINES_WORK.match(item.name.rsplit(".", 1)[-1]) is not None
        for item in [*facts.decorators, *facts.calls, *facts.bases]
    )


@probe("orchestrator_retries", NoParams)
def orchestrator_retries(snap: Snapshot, p: NoParams) -> Observation:
    """Orchestrated tasks retry on failure.

    Looks for: Airflow `retries` (operator keyword or a `default_args` entry), Prefect /
    Flyte `@task(retries=)`, Dagster `RetryPolicy`, KFP `.set_retry()`, Metaflow `@retry`,
    ZenML `StepRetryConfig`, SageMaker Pipelines `retry_policies=` / `StepRetryPolicy`,
    Celery `autoretry_for`/`max_retries`, Ray `max_retries` /
    `FailureConfig(max_failures=)`; Argo Workflows `retryStrategy`; Kubernetes
    `Job.spec.backoffLimit` (unset = 6 retries; `0` = none); job specs with
    `max_retries:` (Anyscale); Azure ML v2 jobs and batch deployments with
    `retry_settings.max_retries`; ZenML run configurations' `steps.<name>.retry.max_retries`.
    An explicit 0 counts against. Not applicable when nothing is
    orchestrated.
    Why: a preempted node or a flaky download should cost a retry, not a failed
    training run or a missing batch of predictions.
    Fix: set `retries` (with `retry_delay`) in the DAG's default_args, or `retryStrategy`
    on the Argo templates.
    """
    good: list[Evidence] = []
    zero: list[Evidence] = []
    orchestrated: list[Evidence] = []
    paths = base.python_sources(snap, ("*.py",), scope="non_tests")
    # only files importing one of the modules go on (found once per file content)
    for path, _ in base.first_import_of(snap, paths, tuple(ORCHESTRATOR_MODULES)):
        facts = snap.python(path)
        if facts is None:
            continue
        mods = [
            imp
            for imp in facts.imports
            if module_matches_any(imp.module, tuple(ORCHESTRATOR_MODULES))
        ]
        if not mods:
            continue
        # a file that only configures or starts pipelines defined elsewhere (flyteorg/
        # flytesnacks run-tests.py: `flytekit.configuration`, no task) orchestrates nothing
        if _defines_tasks(facts):
            orchestrated.append(ev(path, mods[0].line, f"import {mods[0].module}"))
        lines = snap.lines(path)
        for call in [*facts.calls, *facts.decorators]:
            if name_matches_any(call.name, tuple(RETRY_OBJECTS)):
                good.append(ev(path, call.line, f"{call.name}(…)"))
                continue
            for key in _RETRY_KWARGS:
                raw = call.kwarg(key)
                if raw is None:
                    continue
                n = _retry_value(raw)
                target = good if n else zero
                target.append(ev(path, call.line, f"{call.name}({key}={raw})"))
        for value, line in facts.strings:
            if value in ("retries", "max_retries") and 0 < line <= len(lines):
                m = _RETRY_KEY_LINE.search(lines[line - 1])
                if m:
                    (good if int(m.group(2)) > 0 else zero).append(ev(path, line, lines[line - 1]))
    workflows, _ = k8s_objects(
        snap, ("Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow")
    )
    for obj in workflows:
        orchestrated.append(obj_ev(obj))
        hits = (
            walk_key(obj.doc, ["spec", "templates", "*", "retryStrategy"])
            + walk_key(obj.doc, ["spec", "retryStrategy"])
            + walk_key(obj.doc, ["spec", "workflowSpec", "templates", "*", "retryStrategy"])
        )
        good.extend(
            ev(obj.path, line or obj.line, "retryStrategy", f"{obj.kind}/{obj.name}")
            for _v, _p, line in hits
        )
    jobs, _ = k8s_objects(snap, ("Job", "CronJob"))
    for obj in jobs:
        orchestrated.append(obj_ev(obj))
        spec: Any = obj.spec
        if obj.kind == "CronJob":
            template = spec.get("jobTemplate")
            spec = template.get("spec") if isinstance(template, dict) else {}
        limit = spec.get("backoffLimit") if isinstance(spec, dict) else None
        if limit is None:
            good.append(obj_ev(obj, text="backoffLimit unset (Kubernetes default: 6 retries)"))
        elif (as_int(limit) or 0) > 0:
            good.append(obj_ev(obj, spec, "backoffLimit", f"backoffLimit: {limit}"))
        else:
            zero.append(obj_ev(obj, spec, "backoffLimit", f"backoffLimit: {limit}"))
    for path in base.select_files(snap, ("*.yaml", "*.yml")):
        for doc in snap.yaml_docs(path):
            if isinstance(doc, dict) and "entrypoint" in doc and "max_retries" in doc:
                retry_line = getattr(doc, "key_lines", {}).get("max_retries")
                orchestrated.append(
                    ev(path, getattr(doc, "key_lines", {}).get("entrypoint"), "job spec")
                )
                n = as_int(doc.get("max_retries"))
                (good if n else zero).append(
                    ev(path, retry_line, f"max_retries: {doc.get('max_retries')}")
                )
            elif isinstance(doc, dict) and isinstance(doc.get("steps"), dict):
                _zenml_step_retries(path, doc["steps"], orchestrated, good, zero)
            elif isinstance(doc, dict) and _AZURE_ML_JOB.search(str(doc.get("$schema", ""))):
                # an Azure ML v2 pipeline, command, parallel or batch job; a batch deployment
                # retries a failed mini-batch max_retries times (Azure/mlops-project-template
                # classical/aml-cli-v2/mlops/azureml/deploy/batch/batch-deployment.yml:18-20)
                orchestrated.append(ev(path, key_line(doc, "$schema"), "Azure ML job"))
                retry = doc.get("retry_settings")
                if isinstance(retry, dict) and "max_retries" in retry:
                    shown = f"retry_settings.max_retries: {retry.get('max_retries')}"
                    target = good if as_int(retry.get("max_retries")) else zero
                    target.append(ev(path, key_line(retry, "max_retries"), shown))
    if good:
        if zero:
            return base.partial(
                f"retries on some tasks; {len(zero)} with retries disabled", zero + good
            )
        return base.passed("orchestrated tasks retry", good)
    if zero:
        return base.failed("retries explicitly disabled", zero)
    if not orchestrated:
        problems = infra_problems(snap)
        if problems:
            return base.unknown("manifests could not be parsed", problems)
        return base.not_applicable("no orchestrated tasks or jobs")
    return base.failed("orchestrated tasks without retries", orchestrated)


def _zenml_step_retries(
    path: str,
    steps: dict[Any, Any],
    orchestrated: list[Evidence],
    good: list[Evidence],
    zero: list[Evidence],
) -> None:
    """A ZenML run configuration: `steps.<name>.retry.max_retries` retries that step
    (zenml-io/zenml-projects gamesense/configs/llama3-1_finetune_remote.yaml:58-59). A
    `steps:` list (CI workflows) is not one."""
    for name, step in steps.items():
        retry = step.get("retry") if isinstance(step, dict) else None
        if not isinstance(retry, dict) or "max_retries" not in retry:
            continue
        orchestrated.append(ev(path, key_line(steps, name), f"step {name}", "run config"))
        shown = f"steps.{name}.retry.max_retries: {retry.get('max_retries')}"
        target = good if as_int(retry.get("max_retries")) else zero
        target.append(ev(path, key_line(retry, "max_retries"), shown))


_AZURE_ML_JOB = re.compile(
    r"azureml\w*\.\w+\.net/.*/(?:pipelineJob|commandJob|parallelJob|sweepJob|batchDeployment)"
    r"\.schema\.json",
    re.IGNORECASE,
)


# rollback ---------------------------------------------------------------------------------------
_ROLLBACK_CMD = re.compile(
    r"\bhelm\s+rollback\b|\bkubectl\s+(?:argo\s+)?rollouts?\s+undo\b|\bargo\s+rollouts\s+undo\b|\bargocd\s+app\s+rollback\b"
)
ALIAS_CALLS = (
    "*.set_registered_model_alias",
    "*.transition_model_version_stage",
    "mlflow.*.set_registered_model_alias",
    "*.link_model",
    "*.promote*",
    "*.add_version_aliases",  # Vertex AI Model Registry
)


def _automatic_rollbacks(snap: Snapshot) -> list[Evidence]:
    """Deployments the platform rolls back by itself when alarms fire: a SAM function's
    `DeploymentPreference` with `Alarms` (CodeDeploy), a SageMaker endpoint's
    `DeploymentConfig.AutoRollbackConfiguration`."""
    found = []
    for fn in cfn_resources(snap, "AWS::Serverless::Function"):
        preference = fn.properties.get("DeploymentPreference")
        if isinstance(preference, dict) and preference.get("Alarms"):
            line = key_line(preference, "Alarms") or fn.line
            found.append(ev(fn.path, line, "DeploymentPreference.Alarms", f"{fn.logical_id}"))
    for endpoint in cfn_resources(snap, "AWS::SageMaker::Endpoint"):
        config = endpoint.properties.get("DeploymentConfig")
        if isinstance(config, dict) and config.get("AutoRollbackConfiguration"):
            line = key_line(config, "AutoRollbackConfiguration") or endpoint.line
            shown = "DeploymentConfig.AutoRollbackConfiguration"
            found.append(ev(endpoint.path, line, shown, endpoint.logical_id))
    found.extend(e for e, _analysis in flagger_analyses(snap))
    return [e for e in found if not is_dev_path(e.path)]


# CI writing the image a manifest runs at deploy time: the `latest` in the file is not what runs
_RETAG = re.compile(
    r"\bkustomize\s+edit\s+set\s+image\b|\bkubectl\s+set\s+image\b|--set(?:-string)?[\s=]\S*"
    r"image|\b(?:sed|yq|envsubst)\b.*\b(?:image|tag)|\bTAG\b.*\benvsubst\b",
    re.IGNORECASE,
)


def _images_retagged_at_deploy(snap: Snapshot) -> bool:
    """Does CI set the deployed image itself (`kustomize edit set image $IMAGE:$GITHUB_SHA`,
    `kubectl set image`, `helm --set image.tag=…`, a `sed` of the tag; sayakpaul/
    ml-deployment-k8s-fastapi .github/workflows/deployment.yaml:72), or a kustomization pin
    it (`images: [{newTag: …}]`)? Then each rollout names its own image."""
    if _ci_reach.search(snap, _RETAG):
        return True
    return any(
        re.search(r"^\s*-?\s*(?:newTag|digest):", snap.text(k.path) or "", re.M)
        for k in snap.kustomizations
    )


def _floating_images(obj: Any) -> list[str]:
    """The images of a workload's containers when every one floats: no tag and no digest,
    or a channel tag (`latest`, `stable` …); [] when any is pinned or templated."""
    given = [c.get("image") for c in obj.containers if isinstance(c, dict)]
    images = [i for i in given if isinstance(i, str) and i]
    if not images or len(images) != len(given):
        return []
    moving: list[str] = []
    for image in images:
        if "$" in image or "{{" in image:
            return []
        _name, tag, digest = split_reference(image)
        if not moves(tag, digest):
            return []
        moving.append(image)
    return moving


_REGISTRY_URI = re.compile(r"models:/")
_REGISTRY_READS = ("*.get_model_version_by_alias", "*.get_latest_versions", "*.get_model_version")
_MLFLOW_SWITCH = re.compile(r"\.(?:set_registered_model_alias|transition_model_version_stage)\(")
_LOADS = re.compile(r"(?:^|\.)(?:load_model|download_artifacts|download_model)$")
_REGISTRY_MANIFESTS = ("*.yaml", "*.yml", "*.env", ".env.*", "Dockerfile*", "*.tfvars", "*.json")


def _loads_through_registry(snap: Snapshot, paths: list[str]) -> bool:
    """Does anything load a model through the registry — a `models:/` URI in code or a
    manifest, or a lookup of an alias's or a stage's version where the model is then loaded
    (a promotion script looks versions up to move them)? Moving an alias nobody reads
    rolls nothing back (zvarrog/sentiment-mlops-pipeline: stages moved in
    scripts/model_registry.py:99, the API loads a mounted joblib file; Times0/mlops-end-to-
    end service.py:16 serves a stock checkpoint; both reviewed)."""
    for path in paths:
        facts = snap.python(path)
        if facts is None:
            continue
        if any("models:/" in text for text, _line in facts.strings) or any(
            "models:/" in text for text, _line in facts.templates
        ):
            return True
        if any(name_matches_any(c.name, _REGISTRY_READS) for c in facts.calls) and any(
            _LOADS.search(c.name) for c in facts.calls
        ):
            return True
    manifests = base.select_files(snap, _REGISTRY_MANIFESTS)
    if any(True for _hit in snap.grep(manifests, _REGISTRY_URI)):
        return True
    from mlaudit.probes.code_roles import serving_alias_lookups

    return bool(serving_alias_lookups(snap))


@probe("rollback_ready", NoParams)
def rollback_ready(snap: Snapshot, p: NoParams) -> Observation:
    """A bad model or release can be rolled back quickly.

    Looks for: Deployments with `revisionHistoryLimit` > 0 (explicit; `0` disables
    rollback), Argo `Rollout`s, registry alias/stage switching in code
    (`set_registered_model_alias`, `transition_model_version_stage`), a rollback command
    (`helm rollback`, `kubectl rollout undo`) in CI, scripts, a Makefile or a runbook, or
    an automatic rollback on alarms (a SAM `DeploymentPreference` with `Alarms`, a
    SageMaker endpoint's `AutoRollbackConfiguration`).
    Deployments relying on the default history (10) with no rollback procedure give
    partial credit, as does an alias or stage switch where nothing loads a model through the
    registry (a `models:/` URI, an alias's or stage's version looked up).
    Why: MTS Infra 7 — the previous model must be restorable in minutes.
    Fix: serve through a registry alias (`@champion`) and document/automate
    `kubectl rollout undo` or `helm rollback` in a runbook.
    """
    good: list[Evidence] = []
    default: list[Evidence] = []
    disabled: list[Evidence] = []
    floating: list[Evidence] = []
    retagged = _images_retagged_at_deploy(snap)
    deployments, _ = k8s_objects(snap, ("Deployment", "Rollout"))
    for obj in deployments:
        if obj.kind == "Rollout":
            good.append(obj_ev(obj, text="Argo Rollout"))
            continue
        limit = obj.spec.get("revisionHistoryLimit")
        if limit is None and is_patch(snap, obj):
            continue  # a kustomize patch keeps the base's history limit
        moving = [] if retagged else _floating_images(obj)
        if moving and (limit is None or (as_int(limit) or 0) > 0):
            # the previous revision names the same moving tag: undoing it pulls the new
            # image again (rockerspace/End-to-End-MLOps-with-FastAPI-Docker-Grafana
            # deployment.yaml:17 `…:latest`; reviewed)
            floating.append(obj_ev(obj, text=f"{obj.kind}/{obj.name} runs {moving[0]}"))
            continue
        if limit is None:
            default.append(obj_ev(obj, text="revisionHistoryLimit unset (default 10)"))
        elif (as_int(limit) or 0) > 0:
            good.append(
                obj_ev(obj, obj.spec, "revisionHistoryLimit", f"revisionHistoryLimit: {limit}")
            )
        else:
            disabled.append(
                obj_ev(obj, obj.spec, "revisionHistoryLimit", f"revisionHistoryLimit: {limit}")
            )
    good.extend(_automatic_rollbacks(snap))
    paths = base.python_sources(snap, ("*.py",), scope="non_tests")
    switches = [
        ev(path, c.line, f"{c.name}(…)", "registry alias switch")
        for path, calls in base.calls_of(snap, paths, tuple(ALIAS_CALLS))
        for c in calls
    ]
    unread = False
    if switches:
        # MLflow's aliases and stages are read only by name; another registry's (Vertex AI's
        # `default` alias) serve every unversioned reference to the model
        mlflow_only = all(e.snippet and _MLFLOW_SWITCH.search(e.snippet) for e in switches)
        if not mlflow_only or _loads_through_registry(snap, paths):
            good.extend(switches)
        else:
            unread = True
    good.extend(r.evidence() for r in _ci_reach.search(snap, _ROLLBACK_CMD))
    texts = base.select_files(
        snap,
        ("*.sh", "Makefile", "*.mk", "RUNBOOK*", "runbook*", "*.md"),
        include_excluded_dirs=True,
    )
    good.extend(
        ev(path, line, text, "rollback procedure")
        for path, line, text in snap.grep(texts, _ROLLBACK_CMD)
    )
    if good:
        return base.passed("a rollback path exists", good)
    if unread:
        return base.partial(
            "the registry's aliases or stages are moved, but nothing here loads a model "
            "through the registry: moving them back rolls nothing back",
            switches,
        )
    if disabled:
        return base.failed("rollback disabled (revisionHistoryLimit: 0)", disabled)
    if default:
        return base.partial("Deployments keep the default history, no rollback procedure", default)
    if floating:
        return base.failed(
            "Deployments keep a history, but their images float (`latest` or no tag): undoing a "
            "rollout pulls the same tag, and so the new image, again",
            floating,
        )
    problems = infra_problems(snap)
    if problems:
        return base.unknown("no rollback path found, but manifests could not be parsed", problems)
    return base.failed("no rollback path (registry alias, rollout history or runbook)")


# fallback path --------------------------------------------------------------------------------
# a model being built or loaded is no inference: another implementation picked when weights are
# missing is chosen at start-up, not in a failed request's place (huggingface/
# text-embeddings-inference backends/python/server/text_embeddings_server/models/__init__.py:106
# `except FileNotFoundError: … return create_model(DefaultModel, …)`; reviewed)
_MAKES_A_MODEL = re.compile(
    r"(?:^|\.)(?:create|load|build|get|init|make|instantiate|download|fetch|save|register)_\w*model$",
    re.IGNORECASE,
)
_INFERENCE = (
    "*.predict",
    "*.predict_proba",
    "*.forward",
    "*.generate",
    "*.infer",
    "*.inference",
    "*.run",
    "*model",
    "*.model",
    "*predictor*",
    "*.pipeline",
    "predict*",
)


@probe("fallback_path", NoParams, reads_code=True)
def fallback_path(snap: Snapshot, p: NoParams) -> Observation:
    """Serving degrades gracefully: a failed inference returns a fallback answer.

    Looks for: in serving code (modules importing a serving framework, and the local
    modules they import), a `try` whose body calls the model (`.predict`, `.forward`,
    `model(…)`, an ONNX `session.run` …) with an `except` handler that returns a value
    instead of re-raising (a baseline, a cached or default prediction).
    Not applicable without serving code.
    Why: Stack Canvas "fallback": when the model or a feature source fails, a default
    answer is better than a 500 for every caller.
    Fix: catch inference errors, log them with a metric, and return a rule-based or
    previous-model prediction.
    """
    roles = code_roles(snap)
    if not roles.serving:
        return base.not_applicable("no serving code")
    scope = set(roles.serving) | set(roles.reach_all(list(roles.serving)))
    found: list[Evidence] = []
    for path in sorted(scope):
        facts = snap.python(path)
        for h in facts.handlers if facts else []:
            model_calls = [
                c
                for c in h.body_calls
                if name_matches_any(c, tuple(_INFERENCE)) and not _MAKES_A_MODEL.search(c)
            ]
            if model_calls and h.returns and not h.reraises:
                found.append(
                    ev(path, h.line, f"except … around {model_calls[0]}(…) returns a fallback")
                )
    if found:
        return base.passed("inference failures return a fallback", found)
    return base.failed(
        "no fallback around inference in serving code", list(roles.serving.values())[:4]
    )


# backups ----------------------------------------------------------------------------------------
DATA_STORES = (
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_dynamodb_table",
    "aws_docdb_cluster",
    "aws_elasticache_*",
    "aws_efs_file_system",
    "google_sql_database_instance",
    "google_bigtable_instance",
    "google_spanner_instance",
    "google_filestore_instance",
    "azurerm_*sql*",
    "azurerm_cosmosdb_account",
)


# a database or object store image: a compose service of one that keeps its data in a volume
# is a data store declared here (umairwaheed/fastapi-rag prod/docker-compose.yml:3-8,
# deepak360/document-rag-app docker-compose.yml `pgvector` with `pgdata`; reviewed)
_STORE_IMAGE = re.compile(
    r"(?:^|/)(?:postgres|postgis|pgvector|mysql|mariadb|mongo|redis|minio|elasticsearch"
    r"|opensearch|qdrant|milvus|weaviate|chroma|neo4j|cassandra|clickhouse)[\w.-]*(?::|$)",
    re.IGNORECASE,
)


def _compose_stores(snap: Snapshot) -> tuple[list[Evidence], list[Evidence]]:
    """(data stores, backup services) declared by the compose files outside dev setups: a
    service of a database image with volumes, and one named for backups."""
    stores: list[Evidence] = []
    backups: list[Evidence] = []
    for svc in snap.compose_services:
        if base.is_excluded(svc.path) or is_dev_path(svc.path) or not isinstance(svc.doc, dict):
            continue
        image = str(svc.doc.get("image") or "").split("@", 1)[0]
        if "backup" in svc.name.lower() or "backup" in image.lower():
            backups.append(
                ev(svc.path, svc.line, f"{svc.name}: {image or 'built'}", "backup service")
            )
        elif image and _STORE_IMAGE.search(image) and svc.doc.get("volumes"):
            shown = f"{svc.name}: {image}"
            stores.append(ev(svc.path, svc.line_of("image"), shown, "docker-compose data store"))
    return stores, backups


# database and object-store charts a chart depends on (Bitnami's and the projects' own)
_STORE_CHARTS = re.compile(
    r"^(?:postgresql(?:-ha)?|postgres|mysql|mariadb(?:-galera)?|mongodb(?:-sharded)?|redis"
    r"(?:-cluster)?|minio|elasticsearch|opensearch|cassandra|clickhouse|neo4j|influxdb2?"
    r"|etcd|couchdb|scylla|qdrant|weaviate|milvus)$"
)


def _chart_stores(snap: Snapshot) -> list[Evidence]:
    """Databases and object stores a production chart installs as its dependencies
    (`dependencies: [{name: postgresql}, {name: minio}]`: deramos/mlops-k8s-pipeline
    charts/mlflow/Chart.yaml:9-17; reviewed)."""
    found = []
    for chart in snap.helm_charts:
        if chart.is_dev or base.is_excluded(chart.path) or not isinstance(chart.chart, dict):
            continue
        for dependency in chart.chart.get("dependencies") or []:
            name = dependency.get("name") if isinstance(dependency, dict) else None
            if isinstance(name, str) and _STORE_CHARTS.match(name.lower()):
                line = key_line(dependency, "name")
                found.append(ev(chart.path, line, f"dependency {name}", "chart dependency"))
    return found


@probe("backups", NoParams)
def backups(snap: Snapshot, p: NoParams) -> Observation:
    """Databases and volumes are backed up on a schedule.

    Looks for (parsed Terraform / manifests): `aws_backup_plan`, RDS/Aurora
    `backup_retention_period` > 0, DynamoDB `point_in_time_recovery { enabled = true }`,
    Cloud SQL `backup_configuration { enabled = true }`, Azure backup policies, a Velero
    `Schedule`, a CronJob or a compose service whose name says backup. Data stores
    declared here (databases, StatefulSets, volumes, a compose database service with a
    volume outside dev setups, a chart's database or object-store dependency) without any
    of these fail.
    Data stores declared without backups fail; unknown when the repository declares no
    data store (databases, StatefulSets, volumes).
    Why: features, labels and metadata stores lost to a bad migration or a deleted
    volume take the models with them.
    Fix: add an `aws_backup_plan` (or `backup_retention_period >= 7`) and test a restore.
    """
    good: list[Evidence] = []
    off: list[Evidence] = []
    for block in tf_blocks(
        snap,
        "aws_backup_plan",
        "azurerm_backup_policy_*",
        "google_backup_dr_*",
        "aws_dlm_lifecycle_policy",
    ):
        good.append(tf_ev(snap, block))
    for block in tf_blocks(
        snap, "aws_db_instance", "aws_rds_cluster", "aws_docdb_cluster", "aws_neptune_cluster"
    ):
        values = tf_values(snap, block, "backup_retention_period")
        n = max((v for v in map(as_int, values) if v is not None), default=None)
        if n is not None and n > 0:
            good.append(
                tf_ev(snap, block, "backup_retention_period", f"backup_retention_period = {n}")
            )
        elif n == 0:
            off.append(tf_ev(snap, block, "backup_retention_period", "backup_retention_period = 0"))
        elif any(isinstance(v, str) and v.startswith("${") for v in values):
            continue  # set by an expression nothing in the repository decides: not unset
        elif block.resource_type == "aws_db_instance":
            off.append(
                tf_ev(
                    snap,
                    block,
                    text=f"{block.address}: backup_retention_period unset (0 for many engines)",
                )
            )
    for block in tf_blocks(snap, "aws_dynamodb_table"):
        if any(
            v is True or str(v).lower() == "true"
            for v in block.get("point_in_time_recovery.enabled")
        ):
            good.append(
                tf_ev(snap, block, "point_in_time_recovery", "point_in_time_recovery enabled")
            )
    for block in tf_blocks(snap, "google_sql_database_instance"):
        enabled = block.get("settings.backup_configuration.enabled")
        if any(v is True or str(v).lower() == "true" for v in enabled):
            good.append(tf_ev(snap, block, "backup_configuration", "backup_configuration enabled"))
        else:
            off.append(tf_ev(snap, block, text=f"{block.address}: no backup_configuration"))
    schedules, _ = k8s_objects(snap, ("Schedule", "Backup"))
    good.extend(obj_ev(o) for o in schedules if "velero" in o.api_version)
    crons, _ = k8s_objects(snap, ("CronJob",))
    good.extend(
        obj_ev(o, text=f"CronJob {o.name}") for o in crons if o.name and "backup" in o.name.lower()
    )
    compose_stores, compose_backups = _compose_stores(snap)
    good.extend(compose_backups)
    if good:
        if off:
            return base.partial(f"backups for some stores; {len(off)} without", off + good)
        return base.passed("backups are scheduled", good)
    if off:
        return base.failed("databases without backups", off)
    problems = tf_problems(snap) + infra_problems(snap)
    if problems:
        return base.unknown("infrastructure files could not be parsed", problems)
    stores = [tf_ev(snap, b) for b in tf_blocks(snap, *DATA_STORES) if b.type == "resource"]
    stateful, _ = k8s_objects(snap, ("StatefulSet", "PersistentVolumeClaim"))
    stores.extend(obj_ev(o) for o in stateful)
    stores.extend(compose_stores)
    stores.extend(_chart_stores(snap))
    if stores:
        return base.failed("data stores without a backup plan", stores)
    return base.unknown(
        "no data store declared in this repository (backups may be managed elsewhere)"
    )


# dead-letter queues -----------------------------------------------------------------------------
QUEUE_MODULES = (
    "kafka",
    "confluent_kafka",
    "aiokafka",
    "pika",
    "aio_pika",
    "google.cloud.pubsub",
    "azure.servicebus",
    "faust",
    "celery",
)
_DLQ = re.compile(r"dead[-_ .]?letter|\bdlq\b|[-_.]dlq\b|\bdlq[-_.]|deadletter", re.I)


@probe("dead_letter", NoParams)
def dead_letter(snap: Snapshot, p: NoParams) -> Observation:
    """Messages that cannot be processed go to a dead-letter queue, not into the void.

    Looks for: Terraform `aws_sqs_queue` with `redrive_policy`, Pub/Sub
    `dead_letter_policy`, Service Bus `dead_lettering_on_message_expiration`, a Lambda
    event-source mapping (Kinesis, SQS, Kafka) with an on-failure destination; CloudFormation
    `RedrivePolicy`; Knative `deadLetterSink`; Kafka Connect
    `errors.deadletterqueue.topic.name`; or, in code using a queue client, a dead-letter
    topic name (`*-dlq`, `dead_letter`). Not applicable when no queue is used.
    Why: a poison message must not block a stream or silently drop training data.
    Fix: configure a redrive policy / DLQ topic and alert on its depth.
    """
    good: list[Evidence] = []
    queues: list[Evidence] = []
    for block in tf_blocks(snap, "aws_sqs_queue"):
        names = [block.name or "", *(str(v) for v in block.get("name"))]
        if block.get("redrive_policy"):
            good.append(tf_ev(snap, block, "redrive_policy", "redrive_policy"))
        elif any(_DLQ.search(n) for n in names):
            good.append(tf_ev(snap, block, text=f"{block.address}: dead-letter queue"))
        else:
            queues.append(tf_ev(snap, block))
    for block in tf_blocks(snap, "aws_sqs_queue_redrive_policy"):
        good.append(tf_ev(snap, block))
    # a function fed by a stream or queue (Kinesis, DynamoDB streams, SQS, Kafka): a failed
    # batch goes to its on-failure destination, or is retried until it expires and dropped
    # (DataTalksClub/mlops-zoomcamp 06-best-practices/code/infrastructure/modules/lambda)
    for block in tf_blocks(snap, "aws_lambda_event_source_mapping"):
        if block.get("destination_config.on_failure"):
            good.append(tf_ev(snap, block, "destination_config", "on-failure destination"))
        else:
            queues.append(tf_ev(snap, block))
    for block in tf_blocks(snap, "google_pubsub_subscription"):
        (good if block.get("dead_letter_policy") else queues).append(
            tf_ev(snap, block, "dead_letter_policy" if block.get("dead_letter_policy") else None)
        )
    for block in tf_blocks(snap, "azurerm_servicebus_queue", "azurerm_servicebus_subscription"):
        on = any(
            v is True or str(v).lower() == "true"
            for v in block.get("dead_lettering_on_message_expiration")
        )
        (good if on else queues).append(tf_ev(snap, block))
    yaml_paths = base.select_files(snap, ("*.yaml", "*.yml", "*.json", "*.properties"))
    key_re = re.compile(
        r"RedrivePolicy|deadLetterSink|deadletterqueue\.topic\.name|deadLetterPolicy"
    )
    good.extend(
        ev(path, line, text)
        for path, line, text in snap.grep(yaml_paths, key_re)
        if not text.lstrip().startswith("#")
    )
    paths = base.python_sources(snap, ("*.py",), scope="non_tests")
    # only files importing one of the modules go on (found once per file content)
    for path, _ in base.first_import_of(snap, paths, tuple(QUEUE_MODULES)):
        facts = snap.python(path)
        if facts is None:
            continue
        mods = [
            imp for imp in facts.imports if module_matches_any(imp.module, tuple(QUEUE_MODULES))
        ]
        if not mods:
            continue
        dlq = [(s, line) for s, line in facts.strings if _DLQ.search(s) and len(s) < 200]
        if dlq:
            good.append(ev(path, dlq[0][1], dlq[0][0], "dead-letter topic"))
        else:
            queues.append(ev(path, mods[0].line, f"import {mods[0].module}"))
    if good:
        return base.passed("failed messages go to a dead-letter queue", good)
    if queues:
        return base.failed("queues without a dead-letter destination", queues)
    problems = tf_problems(snap)
    if problems:
        return base.unknown("Terraform files were rejected", problems)
    return base.not_applicable("no message queues")


# quarantine of bad records ------------------------------------------------------------------------
_VALIDATION_ERRORS = re.compile(
    r"(SchemaErrors?|ValidationError|ValidationException|DataValidationError|ExpectationFailed\w*|ValidationFailure|DataError|ParserError)$"
)
_QUARANTINE = re.compile(
    # "rejected" names a place records are set aside in: a folder, or a set of records. The
    # word alone is the domain's (a loan portfolio's "rejected_good" segment,
    # Umer-Muhammad1/loan_approval_prediction bussiness_nodes.py:143; reviewed) or preference
    # learning's rejected answer (EleutherAI/gpt-neox megatron/training.py:679
    # "rejected_rewards"), never records routed aside
    r"quarantin|reject(?:ed|s)?/"
    r"|reject(?:ed|s)?[_-](?:rows?|records?|data|items?|entries|batch(?:es)?|files?|lines?"
    r"|events?|table|bucket|path|dir|folder|topic|queue|output|store)(?![a-z])"
    r"|invalid[_/-]rows|bad[_-]?records|dead[_-]?letter|failure_cases|badRecordsPath|"
    r"columnNameOfCorruptRecord",
    re.I,
)


_CHOSEN = re.compile(r"(?:^|[_\W])chosen(?:$|[_\W])", re.I)


# A handler that only prints, logs or exits stops or hides the problem; routing records
# aside means writing them somewhere (a file, a table, a topic, a list kept for later).
_ASIDE_CALL = re.compile(
    r"(^|\.)(to_(csv|parquet|json|sql|delta)|write\w*|save\w*|append|extend|put\w*|send\w*|produce|"
    r"insert\w*|upload\w*|\w*quarantine\w*|\w*reject\w*|\w*dead_?letter\w*)$",
    re.IGNORECASE,
)
_EXIT_CALL = re.compile(r"^(sys\.exit|exit|quit|os\._exit|SystemExit)$")


def _routes_aside(calls: tuple[str, ...]) -> bool:
    if any(_EXIT_CALL.match(c) for c in calls):
        return False
    return any(_ASIDE_CALL.search(c) for c in calls)


_QUARANTINED = derivation_key("fault_tolerance.quarantined")


def _quarantined_in(path: str, facts: PythonFacts) -> tuple[Evidence, ...]:
    """ingest_quarantine's evidence in ONE file: handlers that route records aside, and the
    first string naming a quarantine."""
    found: list[Evidence] = []
    for h in facts.handlers:
        if (
            not h.reraises
            and any(_VALIDATION_ERRORS.search(c) for c in h.caught)
            and _routes_aside(h.calls)
        ):
            found.append(ev(path, h.line, f"except {', '.join(h.caught)}: records routed aside"))
    # a file that speaks of the chosen and the rejected answer is preference learning
    # (h2oai/h2o-llmstudio text_dpo_modeling_ds.py, huggingface/autotrain-advanced
    # rejected_text_column): its "rejected" is a training example, not a record set aside
    preference = any(_CHOSEN.search(value) for value, _line in facts.strings)
    for value, line in facts.strings:
        if len(value) < 200 and _QUARANTINE.search(value) and not preference:
            found.append(ev(path, line, value, "quarantine"))
            break
    return tuple(found)


@probe("ingest_quarantine", NoParams, reads_code=True)
def ingest_quarantine(snap: Snapshot, p: NoParams) -> Observation:
    """Records that fail validation are routed aside instead of crashing the job.

    Looks for (production code): an `except` that catches a validation error (pandera
    `SchemaError(s)`, pydantic `ValidationError`, a parser error …) and does not re-raise;
    pandera `lazy=True` with `failure_cases`; Spark `badRecordsPath` /
    `columnNameOfCorruptRecord`; a quarantine/rejected-records path or topic.
    Why: one malformed row should not stop a nightly pipeline, and silently dropping it
    hides data problems; quarantining keeps both the job and the evidence.
    Fix: validate with `lazy=True`, write `err.failure_cases` to a quarantine table and
    continue with the valid rows.
    """
    paths = base.python_sources(snap, ("*.py",), scope="non_tests")
    found = [
        evidence
        for _path, file_evidence in snap.python_per_file(_QUARANTINED, paths, _quarantined_in)
        for evidence in file_evidence
    ]
    if found:
        return base.passed("invalid records are routed aside", found)
    return base.failed("no quarantine of records that fail validation")
