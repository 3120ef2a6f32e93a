"""Resources a pipeline step asks for in the orchestrator's own Python API, which places the
step on a machine or pod of that size — the same promise as a container's
`resources.requests`.

- Metaflow: `@resources(cpu=…, memory=…, gpu=…)`, `@batch(…)`, `@kubernetes(…)`, also when
  the decorator is passed to a wrapper (jacopotagliabue/post-modern-stack my_dbt_flow.py:285,
  `@enable_decorator(batch(gpu=1, memory=80000, …), flag=…)`);
- Flyte: `@task(requests=Resources(…))`, or `Resources(cpu=…, mem=…)`;
- Kubeflow Pipelines: `task.set_cpu_request(…)`, `.set_memory_request(…)` and the limits
  (Kubernetes requests what a container limits when it sets no request);
- Ray: `@ray.remote(num_cpus=…, num_gpus=…)`, `@serve.deployment(ray_actor_options={"num_cpus":
  …})` (ray-project/llm-applications rag/serve.py);
- ZenML: `ResourceSettings(cpu_count=…, memory=…, gpu_count=…)`, or the same keys under
  `settings.resources` of a run configuration, for the pipeline or one of its `steps`
  (zenml-io/zenml-projects huggingface-sagemaker/configs/trainer_config.yaml:55-57).

Not a probe module (leading underscore): scalability's resource_requests reads it. The trap:
a Metaflow decorator with no size (`@batch(image=…)`) declares nothing.
"""

from __future__ import annotations

from mlaudit.probes import base
from mlaudit.probes.base import ev
from mlaudit.probes.generic import name_matches_any
from mlaudit.repo.parsers.python_src import Call, PythonFacts
from mlaudit.repo.parsers.yaml_docs import key_line
from mlaudit.repo.snapshot import Snapshot, derivation_key
from mlaudit.results import Evidence

METAFLOW_STEP_DECORATORS = ("metaflow.resources", "metaflow.batch", "metaflow.kubernetes")
METAFLOW_SIZES = ("cpu", "memory", "gpu")
FLYTE_RESOURCES = ("flytekit.Resources",)
FLYTE_SIZES = ("cpu", "mem", "gpu", "memory")
KFP_SETTERS = (
    "*.set_cpu_request",
    "*.set_memory_request",
    "*.set_cpu_limit",
    "*.set_memory_limit",
    "*.set_gpu_limit",
    "*.set_accelerator_limit",
)

RAY_REMOTE = ("ray.remote",)
RAY_SIZES = ("num_cpus", "num_gpus", "memory")
RAY_DEPLOYMENTS = ("ray.serve.deployment",)
ZENML_RESOURCES = ("zenml.config.ResourceSettings", "zenml.config.resource_settings.*")
ZENML_SIZES = ("cpu_count", "memory", "gpu_count")

_STEPS = derivation_key("step_resources")
# (call names, the keywords that size the step, shown by the last part of the name)
_SIZED_BY_KEYWORDS = (
    (METAFLOW_STEP_DECORATORS, METAFLOW_SIZES, False),
    (FLYTE_RESOURCES, FLYTE_SIZES, False),
    (RAY_REMOTE, RAY_SIZES, False),
    (ZENML_RESOURCES, ZENML_SIZES, True),
)


def _sized(call: Call) -> str | None:
    """How a call sizes a step, as evidence text, or None (not such a call, or no size)."""
    for patterns, sizes, short in _SIZED_BY_KEYWORDS:
        if name_matches_any(call.name, patterns):
            given = [k for k in sizes if call.kwarg(k) not in (None, "None")]
            shown = call.name.rpartition(".")[2] if short else call.name
            return f"{shown}({', '.join(f'{k}=…' for k in given)})" if given else None
    if name_matches_any(call.name, KFP_SETTERS) and call.args:
        return f"{call.name.rpartition('.')[2]}({call.args[0]})"
    if name_matches_any(call.name, RAY_DEPLOYMENTS):
        options = call.kwarg("ray_actor_options") or ""
        if any(f"'{k}'" in options for k in RAY_SIZES):
            return f"{call.name}(ray_actor_options={options[:60]})"
    return None


def step_resource_requests(snap: Snapshot) -> list[Evidence]:
    """Evidence of sized pipeline steps in production code (see the module docstring)."""

    def scan_file(path: str, facts: PythonFacts, buckets: tuple[list[Evidence], ...]) -> None:
        (found,) = buckets
        for call in facts.calls:
            text = _sized(call)
            if text is not None:
                line, note = base.notebook_line_note(snap, path, call.line)
                found.append(ev(path, line, text, note or "pipeline step"))

    paths = base.python_sources(snap, ("*.py",), scope="non_tests")
    (in_code,) = base.per_file_evidence(snap, _STEPS, paths, scan_file, 1)
    return in_code + _run_config_resources(snap)


def _run_config_resources(snap: Snapshot) -> list[Evidence]:
    """ZenML run configurations sizing the pipeline or its steps (`settings.resources`)."""
    found: list[Evidence] = []
    for path in base.select_files(snap, ("*.yaml", "*.yml"), scope="non_tests"):
        for doc in snap.yaml_docs(path):
            if not isinstance(doc, dict):
                continue
            steps = doc.get("steps")
            holders = [doc, *(steps.values() if isinstance(steps, dict) else ())]
            for holder in holders:
                settings = holder.get("settings") if isinstance(holder, dict) else None
                resources = settings.get("resources") if isinstance(settings, dict) else None
                if not isinstance(resources, dict):
                    continue
                sizes = [k for k in ZENML_SIZES if resources.get(k) not in (None, "")]
                if sizes:
                    text = "settings.resources: " + ", ".join(sizes)
                    found.append(ev(path, key_line(settings, "resources"), text, "run config"))
    return found
