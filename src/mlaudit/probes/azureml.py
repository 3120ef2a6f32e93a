"""Azure ML v2 YAML specs: the pipeline jobs and online deployments `az ml … create --file`
submits.

Azure ML's CLI v2 takes its jobs and deployments as YAML files of the repository (Azure's
MLOps v2 accelerator, Azure/mlops-project-template classical/aml-cli-v2/mlops/azureml/):

- a pipeline job (`$schema: …/pipelineJob.schema.json`, `type: pipeline`) whose `jobs:` are
  its steps — a `command:` run in the step's `code:` folder (`python train.py --data
  ${{inputs.data}}`) or a `component:` — linked by their inputs
  (`${{parent.jobs.prep_data.outputs.prepared}}`);
- an online deployment (`…/managedOnlineDeployment.schema.json`, `kubernetesOnlineDeployment`)
  that serves a registered model with a scoring script.

Nothing is submitted or resolved against a workspace: the files are read as written.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field

from mlaudit.probes import base
from mlaudit.probes.base import ev
from mlaudit.probes.databricks import DATA_TASK, TRAIN_TASK
from mlaudit.probes.registry import Params, probe
from mlaudit.repo.parsers.yaml_docs import key_line
from mlaudit.repo.snapshot import Snapshot
from mlaudit.results import Evidence, Observation

# a line that makes a YAML file worth parsing as an Azure ML spec
_SPEC_LINE = re.compile(
    r"azuremlschemas\.azureedge\.net/\S+/(?:pipelineJob|\w+OnlineDeployment)\.schema\.json"
    r"|^\s*type:\s*['\"]?pipeline['\"]?\s*(?:#.*)?$"
)
_STEP_TYPES = ("command", "pipeline", "sweep", "parallel", "spark")
# the script a step's command runs (`python train.py`, `python -m src.train`)
_SCRIPT = re.compile(r"\bpython[\d.]*\s+(?:-u\s+)?(?:-m\s+([\w.]+)|([\w./-]+\.py))\b")
_UPSTREAM = re.compile(r"\$\{\{\s*parent\.jobs\.([\w-]+)\.outputs\b")


@dataclass(frozen=True)
class AmlStep:
    key: str
    runs: str  # the script its command runs (repo-relative when the file is there) or component
    upstream: tuple[str, ...]  # the steps whose outputs it reads
    line: int | None

    def matches(self, pattern: re.Pattern[str]) -> bool:
        return bool(pattern.search(self.key) or pattern.search(posixpath.basename(self.runs)))


@dataclass(frozen=True)
class AmlPipeline:
    path: str
    line: int | None
    steps: tuple[AmlStep, ...]


def _spec_files(snap: Snapshot) -> list[str]:
    files = base.select_files(snap, ("*.yml", "*.yaml"), scope="non_tests")
    return list(dict.fromkeys(path for path, _line, _text in snap.grep(files, _SPEC_LINE)))


def _schema(doc: dict[Any, Any]) -> str:
    return str(doc.get("$schema") or "")


def _step(snap: Snapshot, folder: str, jobs: dict[Any, Any], key: Any) -> AmlStep | None:
    job = jobs[key]
    if not isinstance(job, dict):
        return None
    command, component = job.get("command"), job.get("component")
    if not isinstance(command, str) and component is None and job.get("type") not in _STEP_TYPES:
        return None
    runs = ""
    match = _SCRIPT.search(command) if isinstance(command, str) else None
    if match:
        script = match.group(2) or match.group(1).replace(".", "/") + ".py"
        code = job.get("code")
        base_folder = posixpath.join(folder, code) if isinstance(code, str) else folder
        resolved = posixpath.normpath(posixpath.join(base_folder, script))
        runs = resolved if resolved in snap.file_set else script
    elif isinstance(component, str):
        runs = component.removeprefix("file:")
    upstream = tuple(dict.fromkeys(_UPSTREAM.findall(str(job.get("inputs") or ""))))
    return AmlStep(str(key), runs, upstream, key_line(jobs, key))


def pipelines(snap: Snapshot) -> list[AmlPipeline]:
    """Every Azure ML pipeline job spec of the repository (tests, examples and vendored
    folders left out), with its steps."""

    def build() -> list[AmlPipeline]:
        found: list[AmlPipeline] = []
        for path in _spec_files(snap):
            folder = posixpath.dirname(path)
            for doc in snap.yaml_docs(path):
                if not isinstance(doc, dict) or not isinstance(doc.get("jobs"), dict):
                    continue
                if "pipelineJob.schema" not in _schema(doc) and doc.get("type") != "pipeline":
                    continue
                jobs = doc["jobs"]
                steps = [_step(snap, folder, jobs, key) for key in jobs]
                real = tuple(s for s in steps if s is not None)
                if real:
                    found.append(AmlPipeline(path, getattr(doc, "line", None), real))
        return found

    return snap.memo(("azureml.pipelines",), build)


def online_deployments(snap: Snapshot) -> list[Evidence]:
    """Azure ML online deployment specs (managed or Kubernetes): the service the platform
    runs, as a Kubernetes Deployment is one (MohamedDiar/azure-mlops-fraud-detection
    mlops/azureml/deploy/online/online-deployment.yml:3; reviewed)."""
    found = []
    for path in _spec_files(snap):
        for doc in snap.yaml_docs(path):
            if isinstance(doc, dict) and re.search(r"OnlineDeployment\.schema", _schema(doc)):
                found.append(ev(path, key_line(doc, "$schema"), "Azure ML online deployment"))
                break
    return found


def _step_ev(pipeline: AmlPipeline, step: AmlStep) -> Evidence:
    return ev(pipeline.path, step.line, f"step {step.key}: {step.runs or 'command'}")


class AmlPipelineParams(Params):
    what: Literal["training", "data"] = Field(
        description="training: a pipeline job runs a training step; data: a data-preparation "
        "step feeds another step"
    )


@probe("aml_pipeline", AmlPipelineParams)
def aml_pipeline(snap: Snapshot, p: AmlPipelineParams) -> Observation:
    """An Azure ML pipeline job declared in YAML.

    Looks for: a YAML file with `$schema: …/pipelineJob.schema.json` (or `type: pipeline`)
    whose `jobs:` are steps. training — a step whose key or script names training
    (`train_model`, `python train.py`): the file is the orchestrated training pipeline `az ml
    job create --file` submits; data — a data-preparation step (`prep_data`, `python prep.py`)
    whose outputs another step reads (`${{parent.jobs.prep_data.outputs.…}}`).
    Known false positive: a single command job (`commandJob.schema.json`) is one run, not a
    pipeline; a pipeline named in a README is not a pipeline.
    Why: a pipeline job in the repository is reviewed, versioned and re-run as written, as a
    dvc.yaml or a Kubeflow pipeline is (GCP level 1 "ML pipeline automation").
    Fix: declare the steps in `pipeline.yml` (prep → train → evaluate → register) and submit
    it with `az ml job create --file pipeline.yml`.
    """
    found = pipelines(snap)
    if p.what == "training":
        training = [_step_ev(pl, s) for pl in found for s in pl.steps if s.matches(TRAIN_TASK)]
        if training:
            return base.passed("an Azure ML pipeline job runs the training", training)
        return base.failed("no Azure ML pipeline job runs a training step")
    data = [
        _step_ev(pl, s)
        for pl in found
        for s in pl.steps
        if s.matches(DATA_TASK) and any(s.key in other.upstream for other in pl.steps)
    ]
    if data:
        return base.passed("an Azure ML pipeline job prepares the data for its next step", data)
    return base.failed("no Azure ML pipeline job prepares the data")
