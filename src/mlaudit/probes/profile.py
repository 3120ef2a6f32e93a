"""Which kind of ML project is this? `online-serving`, `batch` or `research`.

- online-serving: production code imports a serving framework (FastAPI, Flask, BentoML,
  Ray Serve, TorchServe, Triton, KServe, Seldon, …) AND the repository ships it — a
  Dockerfile, Kubernetes manifests, a serving spec or a serverless config;
- batch: no online service, but jobs are packaged or scheduled — a Dockerfile, a
  CronJob, an orchestrator DAG (Airflow, Prefect, Dagster, Kubeflow…) or a scheduled CI job;
- research: everything else (notebooks, scripts, experiments).

The evidence is reported so a user who disagrees can say `--profile`.
"""

from __future__ import annotations

import re

from mlaudit.probes import base
from mlaudit.probes.base import ev
from mlaudit.repo.snapshot import Snapshot
from mlaudit.results import Evidence, ProfileInfo

SERVING_MODULES = (
    "fastapi",
    "flask",
    "bentoml",
    "ray.serve",
    "ts.torch_handler",
    "tritonserver",
    "kserve",
    "seldon_core",
    "mlserver",
    "litserve",
    "starlette",
    "sanic",
    "aiohttp.web",
    "grpc",
    "tornado.web",
)
SERVING_FILES = (
    "bentofile.yaml",
    "config.pbtxt",
    "*.mar",
    "model-settings.json",
    "serverless.yml",
    "template.yaml",
    "app.yaml",
)
ORCHESTRATOR_MODULES = (
    "airflow",
    "prefect",
    "dagster",
    "kfp",
    "metaflow",
    "zenml",
    "luigi",
    "flytekit",
    "kedro",
)
MANIFEST_GLOBS = (
    "k8s/**.yaml",
    "k8s/**.yml",
    "kubernetes/**.yaml",
    "manifests/**.yaml",
    "deploy/**.yaml",
    "deploy/**.yml",
    "charts/**/Chart.yaml",
    "helm/**/Chart.yaml",
    "*.k8s.yaml",
    ".kube/**.yaml",
)


def _imports(snap: Snapshot, modules: tuple[str, ...]) -> list[Evidence]:
    found = []
    for path in base.python_sources(snap, ("*.py",), scope="non_tests"):
        facts = snap.python(path)
        if facts is None:
            continue
        for imp in facts.imports:
            if any(imp.module == m or imp.module.startswith(m + ".") for m in modules):
                found.append(ev(path, imp.line, f"import {imp.module}"))
                break
    return found


def _manifests(snap: Snapshot) -> list[Evidence]:
    """The first Kubernetes object of each manifest file (parsed once by the Snapshot),
    plus Helm charts (whose templates are not YAML)."""
    found: dict[str, Evidence] = {}
    for obj in snap.k8s_objects:
        if not base.is_excluded(obj.path) and obj.path not in found:
            found[obj.path] = ev(obj.path, obj.line, f"kind: {obj.kind}")
    for chart in snap.helm_charts:
        if not base.is_excluded(chart.path):
            found.setdefault(chart.path, ev(chart.path, None, "Helm chart"))
    return list(found.values())


_DEPLOY_COMMAND = re.compile(
    r"\b(anyscale\s+services?\s+(deploy|rollout)|serve\s+(deploy|run)|bentoml\s+deploy|"
    r"gcloud\s+run\s+deploy|modal\s+deploy|sam\s+deploy|kubectl\s+apply|"
    r"helm\s+(upgrade|install)|fly\s+deploy)\b"
)


def _serving_specs(snap: Snapshot) -> list[Evidence]:
    """Ray Serve / Anyscale service specs, and CI jobs that deploy a service."""
    found = []
    for path in base.select_files(snap, ("*.yaml", "*.yml")):
        text = snap.text(path)
        if text is None or ("ray_serve_config" not in text and "import_path" not in text):
            continue
        for doc in snap.yaml_docs(path):
            if not isinstance(doc, dict):
                continue
            apps = doc.get("applications")
            if "ray_serve_config" in doc or (
                isinstance(apps, list)
                and any(isinstance(a, dict) and "import_path" in a for a in apps)
            ):
                found.append(ev(path, getattr(doc, "line", None), "Ray Serve service spec"))
                break
    for job in snap.ci_jobs:
        if job.disabled:
            continue
        found.extend(
            ev(job.path, c.line, c.text, f"{job.system} job {job.name} deploys")
            for c in job.commands
            if _DEPLOY_COMMAND.search(c.text)
        )
    return found


def detect_profile(snap: Snapshot) -> ProfileInfo:
    serving = _imports(snap, SERVING_MODULES)
    serving_files = [ev(p) for p in base.select_files(snap, SERVING_FILES)]
    containers = [ev(p) for p in snap.dockerfiles if not base.is_excluded(p)]
    manifests = _manifests(snap)
    shipped = containers + manifests + serving_files + _serving_specs(snap)
    if (serving or serving_files) and shipped:
        reasons = [
            "a serving framework is used in production code",
            "and it is shipped (container, manifest, service spec or CI deploy)",
        ]
        return ProfileInfo(
            name="online-serving",
            detected="online-serving",
            reasons=tuple(reasons),
            evidence=base.cap(serving[:3] + serving_files[:2] + shipped[:3]),
        )
    orchestrators = _imports(snap, ORCHESTRATOR_MODULES)
    cron = [e for e in manifests if e.snippet and "CronJob" in e.snippet]
    scheduled = [
        ev(job.path, job.line, f"{job.system} job {job.name} on schedule")
        for job in snap.ci_jobs
        if job.scheduled and not job.disabled
    ]
    batch_evidence = orchestrators + cron + scheduled + containers
    if batch_evidence:
        reasons = ["no online service, but jobs are packaged or scheduled"]
        if serving:
            reasons.append("a serving framework is imported but nothing ships it")
        return ProfileInfo(
            name="batch",
            detected="batch",
            reasons=tuple(reasons),
            evidence=base.cap(batch_evidence),
        )
    reasons = ["no serving framework shipped in a container or manifest, and no scheduled jobs"]
    return ProfileInfo(
        name="research", detected="research", reasons=tuple(reasons), evidence=base.cap(serving)
    )
