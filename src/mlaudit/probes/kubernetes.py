"""Kubernetes, Helm, Kustomize and compose probes: availability and scalability of serving.

All read the Snapshot's parsed infrastructure views (`snap.k8s_objects`, `snap.helm_charts`,
`snap.kustomizations`, `snap.compose_services`, `snap.terraform_blocks`); Helm templates are
Go templating and are read as text, line by line. Catalogue false-positive rules applied
here: `ex` (examples/docs/vendor), dev overlays (`overlays/dev/`, `values-dev.yaml`,
`*.local.yaml`) never prove production availability, parsed keys only (a container port
*named* `probe` is not a probe).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from typing import Any

from pydantic import Field, field_validator

from mlaudit.probes import base, words
from mlaudit.probes._functions import function_platform_evidence, http_function_handlers
from mlaudit.probes._managed import autoscaling as managed_autoscaling
from mlaudit.probes._managed import (
    databricks_endpoints,
    sagemaker_endpoints,
    sagemaker_model_uris,
    vertex_endpoints,
)
from mlaudit.probes._managed import resource_requests as managed_resource_requests
from mlaudit.probes._step_resources import step_resource_requests
from mlaudit.probes.base import ev
from mlaudit.probes.cloudformation import cdk_evidence, cfn_resources
from mlaudit.probes.generic import _check_regex, value_matches, walk_key
from mlaudit.probes.registry import Params, probe
from mlaudit.repo.parsers.kubernetes import K8sObject, is_dev_path
from mlaudit.repo.parsers.python_src import PythonFacts
from mlaudit.repo.parsers.terraform import TerraformBlock, attribute_line
from mlaudit.repo.parsers.yaml_docs import as_list, key_line
from mlaudit.repo.snapshot import Snapshot, derivation_key
from mlaudit.results import Evidence, Observation

LONG_RUNNING = ("Deployment", "StatefulSet", "ReplicaSet", "Rollout", "DeploymentConfig")
SERVING_WORKLOADS = (*LONG_RUNNING, "DaemonSet")
ZONE_KEYS = ("topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone")
_TEMPLATE_COMMENT = re.compile(r"^\s*(#|\{\{-?\s*/\*)")


# Load generators (Locust, k6, JMeter …) run *against* the service: their workers' replicas,
# probes or requests say nothing about the service's availability.
_LOAD_TOOL = re.compile(
    r"(?:^|[/_-])(?:locust|k6|jmeter|gatling|vegeta|fortio|ghz|artillery|loadtest|load-test)"
    r"(?:$|[:/_-])",
    re.I,
)


def is_load_generator(obj: K8sObject) -> bool:
    """A workload whose name or every container image is a load-testing tool."""
    if obj.name and _LOAD_TOOL.search(obj.name):
        return True
    images = [str(c.get("image") or "") for c in obj.containers]
    return bool(images) and all(_LOAD_TOOL.search(i.rsplit("/", 1)[-1]) for i in images)


def kustomize_patch_files(snap: Snapshot) -> frozenset[str]:
    """Files a kustomization applies as patches: partial objects, whose missing fields
    (probes, requests, replicas) come from the base they patch."""

    def build() -> frozenset[str]:
        out = set()
        for k in snap.kustomizations:
            for rel in k.patches:
                joined = posixpath.normpath(posixpath.join(k.dir, rel)) if k.dir else rel
                out.add(posixpath.normpath(joined))
        return frozenset(out)

    return snap.memo(("kustomize_patch_files",), build)


def is_patch(snap: Snapshot, obj: K8sObject) -> bool:
    return obj.path in kustomize_patch_files(snap)


# shared helpers ------------------------------------------------------------------------------
def k8s_objects(
    snap: Snapshot, kinds: Iterable[str] | None = None, *, include_dev: bool = False
) -> tuple[list[K8sObject], list[K8sObject]]:
    """(production objects, dev-overlay objects) of the given kinds, outside `ex` folders;
    load-generator workloads (Locust/k6 workers) are not the service and are left out."""
    wanted = set(kinds) if kinds is not None else None
    prod: list[K8sObject] = []
    dev: list[K8sObject] = []
    for obj in snap.k8s_objects:
        if base.is_excluded(obj.path) or (wanted is not None and obj.kind not in wanted):
            continue
        if obj.is_workload and is_load_generator(obj):
            continue
        (dev if obj.is_dev and not include_dev else prod).append(obj)
    return prod, dev


def obj_ev(obj: K8sObject, node: Any = None, key: str | None = None, text: str = "") -> Evidence:
    line = obj.line_of(node, key) if node is not None and key else obj.line
    label = f"{obj.kind}/{obj.name}" if obj.name else obj.kind
    return ev(obj.path, line, text or label, None if not text else label)


def template_hits(
    snap: Snapshot, pattern: re.Pattern[str], *, include_dev: bool = False
) -> list[Evidence]:
    """Lines of Helm templates (Go templating, read as text) matching `pattern`."""
    paths = [
        p
        for p in snap.helm_templates
        if not base.is_excluded(p) and (include_dev or not is_dev_path(p))
    ]
    return [
        ev(path, line, text, "helm template")
        for path, line, text in snap.grep(paths, pattern)
        if not _TEMPLATE_COMMENT.match(text)
    ]


def _template_reads(snap: Snapshot, chart: Any, key: str) -> bool:
    """Whether any template of the chart can read the top-level value `key`: it names
    `.Values.<key>` (or `.<key>` inside a `with`/`range` over it), or hands all of `.Values`
    on. A chart whose templates could not be listed is given the benefit of the doubt."""
    if not chart.templates:
        return True

    def build() -> bool:
        named = re.compile(rf"\.{re.escape(key)}\b|\.Values\s*(?:\||\)|}}}})")
        return any(named.search(snap.text(t) or "") for t in chart.templates)

    # helm_values is asked for several keys by several checks: each chart's templates are
    # searched once per top-level key
    return bool(snap.memo(("helm_template_reads", chart.path, key), build))


def helm_values(snap: Snapshot, dotted: str) -> list[tuple[str, Any, int | None]]:
    """(values file, value, line) for a dotted key in production values files of every chart,
    at the top level or one level down (umbrella charts: `api.replicaCount`). A top-level
    value that no template of its chart reads configures nothing and is left out
    (AlexIoannides/kubernetes-ml-ops: `replicas: 2` in values.yaml, `replicas: 1` written
    in the Deployment template)."""
    out: list[tuple[str, Any, int | None]] = []
    for chart in snap.helm_charts:
        if base.is_excluded(chart.path):
            continue
        read = _template_reads(snap, chart, dotted.split(".", 1)[0])
        prefixes = ({""} if read else set()) | {
            f"{key}."
            for doc in chart.values.values()
            if isinstance(doc, dict)
            for key, value in doc.items()
            if isinstance(value, dict) and isinstance(key, str) and "." not in key
        }
        for prefix in sorted(prefixes):
            for vpath, value, line in chart.value(prefix + dotted):
                if not is_dev_path(vpath):
                    out.append((vpath, value, line))
    return out


_FLAGGER_API = re.compile(r"^flagger\.app/")
_CANARY_KIND = re.compile(r"^\s*kind:\s*[\"']?Canary[\"']?\s*$")


def flagger_analyses(snap: Snapshot) -> list[tuple[Evidence, str]]:
    """(evidence, the analysis as text) of each Flagger `Canary` with an `analysis`, in
    manifests or Helm templates: Flagger shifts traffic step by step while the analysis
    holds, and rolls the canary back by itself when its checks fail `threshold` times
    (deramos/mlops-k8s-pipeline charts/fraud-api/templates/canary.yaml; reviewed)."""
    prod, _ = k8s_objects(snap, ("Canary",))
    found = [
        (obj_ev(o, o.spec, "analysis", "Flagger Canary analysis"), str(o.spec["analysis"]))
        for o in prod
        if _FLAGGER_API.search(o.api_version) and isinstance(o.spec.get("analysis"), dict)
    ]
    for hit in template_hits(snap, _CANARY_KIND):
        text = snap.text(hit.path) or ""
        analysis = re.search(r"^(\s+)analysis:\s*\n((?:\1\s+.*\n?|\s*\n)*)", text, re.M)
        if "flagger.app/" in text and analysis:
            shown = hit.model_copy(update={"note": "Flagger Canary template"})
            found.append((shown, analysis.group(2)))
    return found


def infra_problems(snap: Snapshot) -> list[Evidence]:
    return base.problem_evidence(snap, [p for p in snap.k8s_problems if not base.is_excluded(p)])


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def tf_blocks(snap: Snapshot, *types: str) -> list[TerraformBlock]:
    return [b for b in snap.terraform_resources(*types) if not base.is_excluded(b.path)]


_VAR_REF = re.compile(r"^\$\{var\.(\w+)\}$")


def tf_values(snap: Snapshot, block: TerraformBlock, dotted: str) -> list[Any]:
    """The values of an attribute, `var.NAME` resolved to what the module calls of the
    block's folder pass, else to the variable's default there (a module's
    `backup_retention_period = var.backup_retention_period`, set to 7 by the environment
    that calls it: hzabun/player-churn-mlops terraform/modules/rds/main.tf:86,
    environments/dev/main.tf:131; reviewed). A variable nothing sets stays as written."""
    out: list[Any] = []
    for value in block.get(dotted):
        out.extend(_resolved(snap, block.path, value, 3))
    return out


def _resolved(snap: Snapshot, path: str, value: Any, depth: int) -> list[Any]:
    found = _VAR_REF.match(value) if isinstance(value, str) else None
    if found is None or depth == 0:
        return [value]
    name, folder = found.group(1), posixpath.dirname(path)
    calls = [c for c in snap.terraform_blocks if c.type == "module" and _module_folder(c) == folder]
    passed = [
        resolved
        for call in calls
        if name in call.body
        for resolved in _resolved(snap, call.path, call.body[name], depth - 1)
    ]
    if calls and all(name in call.body for call in calls):
        return passed
    # a call that does not set it (or no call at all) takes the variable's default
    default = next(
        (
            variable.body["default"]
            for variable in snap.terraform_blocks
            if variable.type == "variable"
            and variable.labels == (name,)
            and posixpath.dirname(variable.path) == folder
            and "default" in variable.body
        ),
        None,
    )
    if default is not None:
        return [*passed, default]
    return passed or [value]


def _module_folder(call: TerraformBlock) -> str | None:
    source = call.body.get("source")
    if not isinstance(source, str) or not source.startswith(("./", "../")):
        return None  # a registry or git module: not a folder of this repository
    return posixpath.normpath(posixpath.join(posixpath.dirname(call.path), source))


def tf_ev(
    snap: Snapshot, block: TerraformBlock, key: str | None = None, text: str = ""
) -> Evidence:
    line = attribute_line(snap.lines(block.path), block, key) if key else block.line
    return ev(block.path, line, text or block.address, None if not text else block.address)


def tf_problems(snap: Snapshot) -> list[Evidence]:
    return base.problem_evidence(
        snap, [p for p in snap.terraform_problems if not base.is_excluded(p)]
    )


def verdict(
    found: list[Evidence],
    *,
    what: str,
    dev_only: list[Evidence] = (),  # type: ignore[assignment]
    near: list[Evidence] = (),  # type: ignore[assignment]
    near_message: str = "",
    problems: list[Evidence] = (),  # type: ignore[assignment]
) -> Observation:
    """pass with evidence; fail with the near misses or dev-only evidence; unknown when
    unreadable manifests might have shown it."""
    if found:
        return base.passed(what, found)
    if problems:
        return base.unknown(
            f"no {what} found, but {len(problems)} manifest(s) could not be parsed", problems
        )
    if near:
        return base.failed(near_message or f"no {what}", near)
    if dev_only:
        return base.failed(f"{what} only in development overlays (not production)", dev_only)
    return base.failed(f"no {what}")


# generic: kinds and fields -----------------------------------------------------------------
class K8sKindsParams(Params):
    kinds: list[str] = Field(min_length=1, description="object kinds, e.g. ServiceMonitor")
    api_group: str | None = Field(default=None, description="regex the apiVersion must match")
    include_dev: bool = False
    templates: bool = Field(default=True, description="also read Helm templates as text")

    _v = field_validator("api_group")(_check_regex)


@probe("k8s_kinds", K8sKindsParams)
def k8s_kinds(snap: Snapshot, p: K8sKindsParams) -> Observation:
    """Kubernetes (or CRD) objects of the given kinds exist, in any YAML file.

    Looks for: documents with `apiVersion` + `kind` anywhere in the repository (k8s/,
    .kube/, deploy/, manifests/ …), and `kind:` lines of Helm templates. Development
    overlays do not count; `examples/` and `docs/` never do.
    Why: declared objects (a ServiceMonitor, a PodDisruptionBudget, an SLO) are precise,
    reviewable intent.
    Fix: add the object the check names to the deployment manifests.
    """
    group = re.compile(p.api_group) if p.api_group else None
    prod, dev = k8s_objects(snap, p.kinds, include_dev=p.include_dev)
    if group is not None:
        prod = [o for o in prod if group.search(o.api_version)]
        dev = [o for o in dev if group.search(o.api_version)]
    found = [obj_ev(o) for o in prod]
    if p.templates:
        kinds = "|".join(re.escape(k) for k in p.kinds)
        found += template_hits(snap, re.compile(rf"^\s*kind:\s*[\"']?({kinds})[\"']?\s*$"))
    return verdict(
        found,
        what=f"{' / '.join(p.kinds)} object",
        dev_only=[obj_ev(o) for o in dev],
        problems=infra_problems(snap),
    )


class K8sFieldParams(Params):
    kinds: list[str] = Field(min_length=1)
    path: str = Field(description="dotted path inside the object; `*` = any key or list item")
    value: str | None = Field(default=None, description="regex the scalar value must match")
    min: float | None = None
    include_dev: bool = False
    template_pattern: str | None = Field(
        default=None, description="regex over Helm template lines that also proves it"
    )

    _v = field_validator("value", "template_pattern")(_check_regex)


@probe("k8s_field", K8sFieldParams)
def k8s_field(snap: Snapshot, p: K8sFieldParams) -> Observation:
    """A Kubernetes object of the given kinds has a field (optionally a value or minimum).

    Looks for: the dotted `path` (with `*` wildcards) in parsed objects of `kinds`, e.g.
    `spec.strategy.rollingUpdate.maxUnavailable` = 0; optionally a Helm template line.
    Development overlays do not count.
    Why: parsed keys are exact; comments and prose never count.
    Fix: set the field the check names in the production manifests.
    """
    value_re = re.compile(p.value) if p.value else None
    prod, dev = k8s_objects(snap, p.kinds, include_dev=p.include_dev)

    def hits(objs: list[K8sObject]) -> list[Evidence]:
        out = []
        for obj in objs:
            for value, _parent, line in walk_key(obj.doc, p.path.split(".")):
                if value is None or not value_matches(value, value_re, p.min):
                    continue
                shown = value if not isinstance(value, (dict, list)) else "…"
                label = f"{obj.kind}/{obj.name}" if obj.name else obj.kind
                out.append(ev(obj.path, line or obj.line, f"{p.path}: {shown}", label))
        return out

    found = hits(prod)
    if p.template_pattern:
        found += template_hits(snap, re.compile(p.template_pattern))
    return verdict(
        found,
        what=f"{words.key_path(p.path)} on {'/'.join(p.kinds)}",
        dev_only=hits(dev),
        problems=infra_problems(snap),
    )


# HAV: replicas ---------------------------------------------------------------------------------
class NoParams(Params):
    pass


_REPLICA_VALUE_KEYS = ("replicaCount", "replicas", "minReplicas")
_TF_REPLICAS: dict[str, str] = {
    "aws_ecs_service": "desired_count",
    "aws_autoscaling_group": "min_size",
    "azurerm_container_app": "template.min_replicas",
    "google_cloud_run_v2_service": "template.scaling.min_instance_count",
    "aws_sagemaker_endpoint_configuration": "production_variants.initial_instance_count",
    "azurerm_kubernetes_cluster_node_pool": "min_count",
}


# CloudFormation resource type -> (list property holding the counts or None, count property)
_CFN_REPLICAS: dict[str, tuple[str | None, str]] = {
    "AWS::SageMaker::EndpointConfig": ("ProductionVariants", "InitialInstanceCount"),
    "AWS::ECS::Service": (None, "DesiredCount"),
    "AWS::AutoScaling::AutoScalingGroup": (None, "MinSize"),
}


def _cfn_replicas(snap: Snapshot) -> list[Evidence]:
    """CloudFormation services declared with at least two instances: a SageMaker endpoint
    variant's `InitialInstanceCount`, an ECS service's `DesiredCount`, an Auto Scaling
    group's `MinSize` (a parameter reference is not a number and does not count)."""
    found = []
    for rtype, (listed, key) in _CFN_REPLICAS.items():
        for res in cfn_resources(snap, rtype):
            items = res.properties.get(listed) if listed else [res.properties]
            for item in items if isinstance(items, list) else []:
                n = as_int(item.get(key)) if isinstance(item, dict) else None
                if n is not None and n >= 2:
                    line = key_line(item, key) or res.line
                    found.append(ev(res.path, line, f"{key}: {n}", f"{rtype} {res.logical_id}"))
    return found


def _replica_facts(snap: Snapshot, objs: list[K8sObject]) -> tuple[list[Evidence], list[Evidence]]:
    """(≥2 evidence, <2 evidence) for the given objects."""
    good: list[Evidence] = []
    low: list[Evidence] = []
    hpa_min: dict[str, int] = {}
    # ... and where it is applied with its target: in the same folder (a kustomize overlay
    # of another base has no autoscaler: sayakpaul/ml-deployment-k8s-fastapi
    # .kube/experiment_1/*/ over base_1, whose kustomization lists no hpa.yaml)
    hpa_beside: dict[tuple[str, str], int] = {}
    for obj in objs:
        spec = obj.spec
        if obj.kind == "HorizontalPodAutoscaler":
            n = as_int(spec.get("minReplicas", 1))
            target = spec.get("scaleTargetRef")
            if isinstance(target, dict) and n is not None:
                hpa_min[str(target.get("name"))] = n
                for folder in _applied_with(obj.path):
                    hpa_beside[(folder, str(target.get("name")))] = n
            if n is not None and n >= 2:
                good.append(obj_ev(obj, spec, "minReplicas", f"minReplicas: {n}"))
        elif obj.kind == "ScaledObject":
            n = as_int(spec.get("minReplicaCount", 0))
            if n is not None and n >= 2:
                good.append(obj_ev(obj, spec, "minReplicaCount", f"minReplicaCount: {n}"))
        elif obj.kind == "InferenceService":
            for comp in ("predictor", "transformer"):
                part = spec.get(comp)
                if isinstance(part, dict):
                    n = as_int(part.get("minReplicas", 1))
                    if n is not None and n >= 2:
                        good.append(obj_ev(obj, part, "minReplicas", f"minReplicas: {n}"))
                    elif comp == "predictor":
                        low.append(obj_ev(obj, part, "minReplicas", f"minReplicas: {n}"))
        elif obj.kind == "SeldonDeployment":
            for pred in spec.get("predictors") or []:
                if isinstance(pred, dict):
                    n = as_int(pred.get("replicas", 1))
                    (good if n is not None and n >= 2 else low).append(
                        obj_ev(obj, pred, "replicas", f"replicas: {n}")
                    )
        elif obj.kind == "Service" and obj.api_version.startswith("serving.knative.dev"):
            template = spec.get("template")
            meta = template.get("metadata") if isinstance(template, dict) else None
            notes = meta.get("annotations") if isinstance(meta, dict) else None
            if isinstance(notes, dict):
                for key in (
                    "autoscaling.knative.dev/min-scale",
                    "autoscaling.knative.dev/minScale",
                ):
                    n = as_int(notes.get(key))
                    if n is not None and n >= 2:
                        good.append(obj_ev(obj, notes, key, f"{key}: {n}"))
    for obj in objs:
        if obj.kind not in LONG_RUNNING:
            continue
        n = as_int(obj.spec.get("replicas", 1))
        scaled_to = hpa_min.get(obj.name) if obj.name else None
        beside = next(
            (
                hpa_beside[pair]
                for folder in _applied_with(obj.path)
                if (pair := (folder, obj.name or "")) in hpa_beside
            ),
            None,
        )
        if beside is not None and beside < 2:
            # the autoscaler that targets it owns its replica count: at low load it scales
            # down to minReplicas (bojankostovski/sentiment-mlops deployment/kubernetes/
            # hpa.yaml:10 `minReplicas: 1` over deployment.yaml:10 `replicas: 2`; reviewed)
            low.append(
                obj_ev(
                    obj,
                    obj.spec,
                    "replicas",
                    f"replicas: {n}, but its autoscaler's minReplicas is {beside}",
                )
            )
        elif n is not None and n >= 2:
            good.append(obj_ev(obj, obj.spec, "replicas", f"replicas: {n}"))
        elif scaled_to is not None and scaled_to >= 2:
            continue  # counted through its autoscaler
        elif is_patch(snap, obj) and "replicas" not in obj.spec:
            continue  # a kustomize patch leaves the base's replicas alone
        else:
            low.append(
                obj_ev(obj, obj.spec, "replicas", f"replicas: {n if n is not None else '?'}")
            )
    return good, low


_REPLICA_KINDS = (
    *LONG_RUNNING,
    "HorizontalPodAutoscaler",
    "ScaledObject",
    "InferenceService",
    "SeldonDeployment",
    "Service",
)


_DEPLOY_REPLICAS = derivation_key("replicas.deploy_calls")
_RAY_AUTOSCALING = derivation_key("autoscaler.ray_serve")


def _deploy_replicas(path: str, facts: PythonFacts) -> tuple[Evidence, ...]:
    """SDK deploy calls of one file with `initial_instance_count` >= 2."""
    found = []
    for call in facts.calls:
        n = as_int(call.kwarg("initial_instance_count") or "")
        if call.name.endswith(".deploy") and n is not None and n >= 2:
            found.append(ev(path, call.line, f"{call.name}(initial_instance_count={n})"))
    return tuple(found)


def _ray_autoscaling(path: str, facts: PythonFacts) -> tuple[Evidence, ...]:
    """Ray Serve deployments of one file given an autoscaling config."""
    return tuple(
        ev(path, deco.line, f"{deco.name}(autoscaling_config=…)", "Ray Serve")
        for deco in facts.decorators + facts.calls
        if deco.kwarg("autoscaling_config") is not None and "serve" in deco.name
    )


def _autoscaled_below_two(snap: Snapshot) -> dict[str, str]:
    """Values file → why its replica count is not the one that runs: an enabled autoscaler
    block beside it (`hpa:`, `autoscaling:`) whose `minReplicas` is below two scales the
    workload down to it (arec1b0/ml-cicd-pipeline values.yaml: `replicaCount: 2`, `hpa:
    {enabled: true, minReplicas: 1}`; reviewed)."""
    found: dict[str, str] = {}
    for chart in snap.helm_charts:
        for vpath, doc in chart.values.items():
            if not isinstance(doc, dict):
                continue
            blocks = [(k, v) for k, v in doc.items() if isinstance(v, dict)]
            blocks += [
                (f"{k}.{k2}", v2) for k, v in blocks for k2, v2 in v.items() if isinstance(v2, dict)
            ]
            for name, block in blocks:
                low = as_int(block.get("minReplicas"))
                if low is not None and low < 2 and block.get("enabled", True) is not False:
                    found[vpath] = f"the autoscaler ({name}.minReplicas: {low}) scales it down"
    return found


@probe("replicas", NoParams)
def replicas(snap: Snapshot, p: NoParams) -> Observation:
    """The prediction service runs at least two replicas in production.

    Looks for: `replicas: >=2` on Deployments/StatefulSets/Rollouts, an HPA or KEDA
    `minReplicas >= 2`, KServe `minReplicas >= 2`, Seldon predictor replicas, Knative
    `min-scale`, Kustomize `replicas:` counts, Helm values `replicaCount`, Terraform
    `desired_count`/`min_size`/`min_instance_count`, SageMaker `initial_instance_count`,
    CloudFormation `InitialInstanceCount` (SageMaker), `DesiredCount` (ECS), `MinSize`.
    Development overlays (`overlays/dev/`, `values-dev.yaml`) never count; docker-compose
    replicas on one host count as partial only. Without Kubernetes workloads, a
    request-serving serverless function counts: its platform starts environments as requests
    need them, across zones.
    Why: one replica means every node drain, crash or deployment is an outage.
    Fix: set `replicas: 2` (or an autoscaler with `minReplicas: 2`) in the production manifest.
    """
    prod, dev = k8s_objects(snap, _REPLICA_KINDS)
    good, low = _replica_facts(snap, prod)
    dev_good, _ = _replica_facts(snap, dev)
    for k in snap.kustomizations:
        if base.is_excluded(k.path):
            continue
        for name, kcount, line in k.replicas:
            if kcount >= 2 and not _LOAD_TOOL.search(name):
                (dev_good if k.is_dev else good).append(
                    ev(k.path, line, f"replicas: {name} count {kcount}", "kustomize")
                )
    autoscaled = _autoscaled_below_two(snap)
    for key in _REPLICA_VALUE_KEYS:
        for vpath, value, vline in helm_values(snap, key):
            count = as_int(value)
            if count is not None and count >= 2:
                shown = ev(vpath, vline, f"{key}: {count}", "helm values")
                if key != "minReplicas" and vpath in autoscaled:
                    low.append(shown.model_copy(update={"note": autoscaled[vpath]}))
                else:
                    good.append(shown)
    for hit in template_hits(snap, re.compile(r"^\s*replicas:\s*(\d+)\s*$")):
        m = re.search(r"replicas:\s*(\d+)", hit.snippet or "")
        if m and int(m.group(1)) >= 2:
            good.append(hit)
    for rtype, dotted in _TF_REPLICAS.items():
        for block in tf_blocks(snap, rtype):
            for value in block.get(dotted):
                n = as_int(value)
                if n is not None and n >= 2:
                    key = dotted.rsplit(".", 1)[-1]
                    good.append(tf_ev(snap, block, key, f"{key} = {n}"))
    for hit in _cfn_replicas(snap):
        (dev_good if is_dev_path(hit.path) else good).append(hit)
    paths = base.python_sources(snap, ("*.py",), scope="non_tests")
    for _path, items in snap.python_per_file(_DEPLOY_REPLICAS, paths, _deploy_replicas):
        good.extend(items)
    if not prod and not good:
        # a serverless function runs as many environments as requests need, in several zones:
        # as the zone-spread and autoscaler checks read it (Maxkaizo/milk_price_prediction,
        # CCRI-POPROX/poprox-recommender; reviewed)
        good += _serverless(snap, "one environment per concurrent request")
    if not good:
        compose = [
            ev(s.path, s.line_of("deploy"), f"{s.name}: replicas {s.replicas}", "docker-compose")
            for s in snap.compose_services
            if not base.is_excluded(s.path) and (s.replicas or 0) >= 2 and not is_dev_path(s.path)
        ]
        if compose:
            return base.partial("replicas only in docker-compose (a single host)", compose)
    return verdict(
        good,
        what="workload with at least two replicas",
        dev_only=[e for e in dev_good],
        near=low,
        near_message="workloads run a single replica (replicas < 2 or unset)",
        problems=infra_problems(snap) + tf_problems(snap),
    )


# HAV: health probes ---------------------------------------------------------------------------
def _has_probe(container: dict[str, Any], key: str) -> bool:
    value = container.get(key)
    return isinstance(value, dict) and bool(value)


@probe("health_probes", NoParams)
def health_probes(snap: Snapshot, p: NoParams) -> Observation:
    """The service declares readiness and liveness probes (or a container HEALTHCHECK).

    Looks for: `readinessProbe` + `livenessProbe` on the containers of every long-running
    workload (Deployment, StatefulSet, Rollout…), in parsed manifests or Helm templates and
    values; `startupProbe` is noted (it protects slow model loads). Without Kubernetes
    workloads, a serving platform that probes by itself (KServe, Seldon, a SageMaker
    or Vertex AI endpoint, a serverless function), a Cloud Run service's `startup_probe` and
    `liveness_probe` in Terraform (its default TCP startup check alone is partial), a
    Dockerfile `HEALTHCHECK` or a compose
    `healthcheck` on a service the repository builds counts. Parsed keys only: a container
    port *named* `probe` is not a probe.
    Why: without readiness, traffic reaches pods still loading the model; without
    liveness, a hung server is never restarted.
    Fix: add `readinessProbe` (model loaded) and `livenessProbe` (process alive) to the
    serving container.
    """
    prod, _dev = k8s_objects(snap, SERVING_WORKLOADS)
    both: list[Evidence] = []
    partial_ev: list[Evidence] = []
    missing: list[Evidence] = []
    for obj in prod:
        containers = obj.containers
        if not containers:
            continue
        ok = [
            c
            for c in containers
            if _has_probe(c, "readinessProbe") and _has_probe(c, "livenessProbe")
        ]
        one = [
            c
            for c in containers
            if _has_probe(c, "readinessProbe") or _has_probe(c, "livenessProbe")
        ]
        if is_patch(snap, obj) and not one:
            continue  # a kustomize patch without probes keeps the base's probes
        if ok:
            c = ok[0]
            note = " + startupProbe" if _has_probe(c, "startupProbe") else ""
            both.append(obj_ev(obj, c, "readinessProbe", f"readinessProbe + livenessProbe{note}"))
        elif one:
            c = one[0]
            key = "readinessProbe" if _has_probe(c, "readinessProbe") else "livenessProbe"
            partial_ev.append(obj_ev(obj, c, key, f"only {key}"))
        else:
            missing.append(
                obj_ev(obj, text=f"{obj.kind}/{obj.name}: no readinessProbe/livenessProbe")
            )
    ready_t = template_hits(snap, re.compile(r"^\s*readinessProbe:"))
    live_t = template_hits(snap, re.compile(r"^\s*livenessProbe:"))
    ready_v = [
        ev(v, ln, "readinessProbe", "helm values")
        for v, val, ln in helm_values(snap, "readinessProbe")
        if val
    ]
    live_v = [
        ev(v, ln, "livenessProbe", "helm values")
        for v, val, ln in helm_values(snap, "livenessProbe")
        if val
    ]
    templated = bool(ready_t or live_t)
    if (ready_t or ready_v) and (live_t or live_v) and templated:
        both += (ready_t + live_t + ready_v + live_v)[:4]
    elif templated:
        partial_ev += ready_t + live_t
    if prod or templated:
        if both and not missing and not partial_ev:
            return base.passed("readiness and liveness probes on every workload", both)
        if both or partial_ev:
            return base.partial(
                "probes on some workloads only, or only one kind of probe",
                both + partial_ev + missing,
            )
        problems = infra_problems(snap)
        if problems and not missing:
            return base.unknown("manifests could not be parsed", problems)
        return base.failed("workloads have no readiness/liveness probes", missing)
    cloud_run = cloud_run_containers(snap)
    if cloud_run:
        probed = [
            (block, [k for k in ("startup_probe", "liveness_probe") if _as_blocks(c, k)])
            for block, c in cloud_run
        ]
        full = [
            tf_ev(snap, b, "startup_probe", "startup_probe + liveness_probe")
            for b, k in probed
            if len(k) == 2
        ]
        some = [tf_ev(snap, b, k[0], f"only {k[0]}") for b, k in probed if len(k) == 1]
        if full and not some:
            return base.passed("Cloud Run probes the service before and while it serves", full)
        if full or some:
            return base.partial("Cloud Run probes only some services, or one way", full + some)
        return base.partial(
            "Cloud Run checks only that the container listens (its default TCP startup "
            "probe): no HTTP startup or liveness probe is declared",
            [tf_ev(snap, b) for b, _c in cloud_run],
        )
    managed = [obj_ev(o) for o in k8s_objects(snap, ("InferenceService", "SeldonDeployment"))[0]]
    managed += managed_endpoints(snap)
    if managed:
        return base.passed(
            "health managed by the serving platform (KServe/Seldon/SageMaker/Vertex AI/"
            "Databricks/serverless functions)",
            managed,
        )
    checks = []
    for path in base.shipped_dockerfiles(snap):
        df = snap.dockerfile(path)
        checks += [
            ev(path, i.line, f"HEALTHCHECK {i.args}") for i in (df.healthchecks if df else [])
        ]
    # ... on a service the repository builds: a health check of the Elasticsearch or MinIO
    # image beside it probes the infrastructure, not the model service (ThoughtWorksInc/
    # CD4ML-Scenarios docker-compose.yaml:54,117, the `model` service at :88 has none; reviewed)
    # ... and not one that builds a tool's server: an MLflow tracking server built from its
    # own Dockerfile (indrabrata/simple-mlops deployment/compose.yaml:72, surajm20061998/
    # driftAwareMLOPS infra/docker-compose.yml:76; both reviewed)
    checks += [
        ev(s.path, s.line_of("healthcheck"), f"{s.name}: healthcheck", "docker-compose")
        for s in snap.compose_services
        if not base.is_excluded(s.path) and s.healthcheck and s.build and not tool_service(s)
    ]
    if checks:
        return base.passed("container health check declared", checks)
    return verdict([], what="health probe or HEALTHCHECK", problems=infra_problems(snap))


def model_uri_platforms(snap: Snapshot) -> list[Evidence]:
    """KServe InferenceServices and SeldonDeployments that name the model they serve by URI
    (`storageUri`, `modelUri`), and SageMaker SDK models deployed from `model_data=`: the
    platform downloads the model before the server takes requests."""
    found = []
    for obj in k8s_objects(snap, ("InferenceService", "SeldonDeployment"))[0]:
        text = str(obj.doc)
        if "storageUri" in text or "modelUri" in text:
            found.append(obj_ev(obj, text=f"{obj.kind}/{obj.name}: model URI"))
    found += sagemaker_model_uris(snap)
    return found


def managed_endpoints(snap: Snapshot) -> list[Evidence]:
    """Serving on a managed platform outside Kubernetes, which checks, replaces and drains its
    own instances: SageMaker and Vertex AI endpoints, serverless functions."""
    # a SageMaker endpoint pings each container's /ping and replaces instances that fail
    managed = [
        ev(r.path, r.line, f"AWS::SageMaker::Endpoint {r.logical_id}")
        for r in cfn_resources(snap, "AWS::SageMaker::Endpoint")
    ]
    managed += [
        tf_ev(snap, b) for b in tf_blocks(snap, "aws_sagemaker_endpoint") if b.type == "resource"
    ]
    managed += cdk_evidence(snap, "AWS::SageMaker::Endpoint")
    managed += sagemaker_endpoints(snap)
    # so does Vertex AI (the container's health route, AIP_HEALTH_ROUTE)
    managed += vertex_endpoints(snap)
    managed += [
        tf_ev(snap, b) for b in tf_blocks(snap, "google_vertex_ai_endpoint") if b.type == "resource"
    ]
    # a serverless function's platform sends a request only to an initialised environment
    # (graviraja/MLOps-Basics week_9_monitoring/Dockerfile:31, a Lambda image)
    # and Databricks Model Serving
    managed += databricks_endpoints(snap)
    managed += function_platform_evidence(snap)
    return managed


# a call that hands the request to a model endpoint served elsewhere
_FORWARDS = (".invoke_endpoint", ".invoke_endpoint_async", ".invoke_endpoint_with_response_stream")


def _forwards_to_an_endpoint(snap: Snapshot, script: str) -> bool:
    facts = snap.python(script)
    return facts is not None and any(c.name.endswith(_FORWARDS) for c in facts.calls)


def _serverless(snap: Snapshot, what: str) -> list[Evidence]:
    """Where request-serving serverless functions are declared, noted with what their
    platform does for them (only asked without Kubernetes workloads). A function that only
    forwards the request to a SageMaker endpoint serves no model: the endpoint behind it
    does, with its own instances (jacopotagliabue/you-dont-need-a-bigger-boat
    local_flow/intent/serverless/handler.py `invoke_endpoint`, in front of an endpoint of
    `initial_instance_count=1`; reviewed)."""
    return [
        ev(e.path, e.line, e.snippet, f"serverless function: {what}")
        for script, e in http_function_handlers(snap)
        if not _forwards_to_an_endpoint(snap, script)
    ]


# HAV: pod disruption budget ---------------------------------------------------------------------
def _matches(selector: dict[str, Any], labels: dict[str, Any]) -> bool:
    return bool(selector) and all(str(labels.get(k)) == str(v) for k, v in selector.items())


@probe("pdb", NoParams)
def pdb(snap: Snapshot, p: NoParams) -> Observation:
    """A PodDisruptionBudget protects the serving workload (its selector matches the app).

    Looks for: `PodDisruptionBudget` objects whose `selector.matchLabels` match the pod
    labels of a Deployment/StatefulSet/Rollout in the repository (or a templated PDB in a
    Helm chart, whose selector cannot be checked statically). Not applicable where nothing
    runs on Kubernetes and the service is a SageMaker or Vertex AI endpoint or a serverless
    function: the platform drains its own instances.
    Why: without a PDB, a node drain or cluster upgrade can evict every replica at once.
    Fix: add a PDB with `minAvailable: 1` (or `maxUnavailable: 1`) selecting the app's labels.
    """
    pdbs, dev = k8s_objects(snap, ("PodDisruptionBudget",))
    workloads, _ = k8s_objects(snap, SERVING_WORKLOADS)
    good: list[Evidence] = []
    unmatched: list[Evidence] = []
    for obj in pdbs:
        sel = obj.spec.get("selector")
        expressions = isinstance(sel, dict) and "matchExpressions" in sel
        target = next((w for w in workloads if _matches(obj.selector, w.pod_labels)), None)
        if target is not None:
            good.append(
                obj_ev(obj, text=f"PodDisruptionBudget/{obj.name} → {target.kind}/{target.name}")
            )
        elif expressions or (not workloads and obj.selector):
            good.append(
                obj_ev(obj, text=f"PodDisruptionBudget/{obj.name} (selector not verifiable)")
            )
        else:
            unmatched.append(
                obj_ev(obj, text=f"PodDisruptionBudget/{obj.name}: selector matches no workload")
            )
    good += template_hits(snap, re.compile(r"^\s*kind:\s*PodDisruptionBudget\s*$"))
    # (aws-samples/amazon-sagemaker-safe-deployment-pipeline, reviewed)
    on_kubernetes = good or unmatched or workloads or dev or snap.helm_templates
    if not on_kubernetes and managed_endpoints(snap):
        return base.not_applicable(
            "no pods to protect: the service runs on a managed platform that drains its own "
            "instances (SageMaker, Vertex AI, Databricks, serverless functions)"
        )
    return verdict(
        good,
        what="PodDisruptionBudget matching the app",
        dev_only=[obj_ev(o) for o in dev],
        near=unmatched,
        near_message="PodDisruptionBudget selects no workload of the repository",
        problems=infra_problems(snap),
    )


# HAV: zone spread -------------------------------------------------------------------------------
@probe("zone_spread", NoParams)
def zone_spread(snap: Snapshot, p: NoParams) -> Observation:
    """Replicas are spread across zones (or at least across nodes).

    Looks for: `topologySpreadConstraints` on `topology.kubernetes.io/zone`, or
    `affinity.podAntiAffinity`, on a serving workload (manifests, Helm templates or values);
    Terraform `multi_az = true`, `zone_redundant = true`, or GKE `node_locations` with two
    or more zones; without Kubernetes workloads, a request-serving serverless function
    (its platform spreads environments across zones).
    Why: replicas on one node or zone fail together.
    Fix: add a zone `topologySpreadConstraints` entry (or pod anti-affinity) to the Deployment.
    """
    prod, dev = k8s_objects(snap, SERVING_WORKLOADS)

    def spread(objs: list[K8sObject]) -> list[Evidence]:
        out = []
        for obj in objs:
            spec = obj.pod_spec or {}
            for item in spec.get("topologySpreadConstraints") or []:
                if isinstance(item, dict) and item.get("topologyKey") in ZONE_KEYS:
                    out.append(
                        obj_ev(
                            obj,
                            item,
                            "topologyKey",
                            f"topologySpreadConstraints: {item.get('topologyKey')}",
                        )
                    )
            affinity = spec.get("affinity")
            if isinstance(affinity, dict) and affinity.get("podAntiAffinity"):
                out.append(obj_ev(obj, affinity, "podAntiAffinity", "podAntiAffinity"))
        return out

    found = spread(prod)
    found += template_hits(snap, re.compile(r"topology\.kubernetes\.io/zone|^\s*podAntiAffinity:"))
    for key in ("topologySpreadConstraints", "affinity.podAntiAffinity"):
        found += [ev(v, ln, key, "helm values") for v, val, ln in helm_values(snap, key) if val]
    for block in tf_blocks(snap, "*"):
        for key in ("multi_az", "zone_redundant"):
            if any(v is True or str(v).lower() == "true" for v in block.get(key)):
                found.append(tf_ev(snap, block, key, f"{key} = true"))
        zones = block.get("node_locations")
        if zones and isinstance(zones[0], list) and len(zones[0]) >= 2:
            found.append(
                tf_ev(snap, block, "node_locations", f"node_locations: {len(zones[0])} zones")
            )
    if not prod:
        # a serverless function runs in several availability zones by itself
        found += _serverless(snap, "spread across zones")
    return verdict(
        found,
        what="zone spread or anti-affinity",
        dev_only=spread(dev),
        problems=infra_problems(snap) + tf_problems(snap),
    )


# a compose service that runs a tool's server rather than the project's service, by its name
# or by its command
_TOOL_SERVICE = re.compile(
    r"^(?:mlflow[\w-]*|tracking[\w-]*|postgres\w*|db|database|minio|redis|grafana|prometheus"
    r"|airflow[\w-]*|prefect[\w-]*|pgadmin\w*|jupyter\w*|zookeeper|kafka|elasticsearch|mongo\w*"
    r"|mysql|rabbitmq|nginx|traefik)$",
    re.IGNORECASE,
)
_TOOL_COMMAND = re.compile(
    r"(?:^|\s)(?:mlflow\s+(?:server|ui)|prefect\s+server|airflow\s+\w+|minio\s+server"
    r"|redis-server|postgres)\b"
)


def tool_service(service: Any) -> bool:
    command = service.doc.get("command") if isinstance(service.doc, dict) else None
    text = " ".join(map(str, command)) if isinstance(command, list) else str(command or "")
    return bool(_TOOL_SERVICE.match(service.name) or _TOOL_COMMAND.search(text))


# the image of a tool's server, by its last path component: `minio/minio:latest`,
# `gitlab/gitlab-ce:16.0`, `ghcr.io/mlflow/mlflow:v2.9`
_TOOL_IMAGE = re.compile(
    r"(?:^|/)(?:gitlab-(?:ce|ee|runner)|minio|mlflow|postgres|postgresql|mysql|mariadb|redis"
    r"|mongo|grafana|prometheus|alertmanager|elasticsearch|rabbitmq|zookeeper|kafka|airflow"
    r"|prefect|pgadmin4?|nginx|traefik)(?:[:@]|$)",
    re.IGNORECASE,
)


def tool_workload(obj: K8sObject) -> bool:
    """A workload that runs a tool's server (MLflow, a database, an object store, a CI
    server …) beside the project's service, by its name, its containers' command or their
    image: its volumes are the tool's state, not the model server's (Umer-Muhammad1/
    loan_approval_prediction fraud_detection/deployment.yaml:1-55, an MLflow server on a
    ReadWriteOnce claim; HovhannesHovakimyan/mlops-end-to-end-pipeline kubernetes/gitlab/
    02-gitlab.yaml:119-128, a GitLab server's claims; reviewed)."""
    if _TOOL_SERVICE.match(obj.name or ""):
        return True
    containers = (obj.pod_spec or {}).get("containers") or []
    for container in containers if isinstance(containers, list) else []:
        if not isinstance(container, dict):
            continue
        words = [*as_list(container.get("command")), *as_list(container.get("args"))]
        if _TOOL_COMMAND.search(" ".join(map(str, words))):
            return True
        image = container.get("image")
        if isinstance(image, str) and _TOOL_IMAGE.search(image.strip()):
            return True
    return False


# SCL: autoscaler --------------------------------------------------------------------------------
def _applied_with(path: str) -> tuple[str, ...]:
    """The folders whose manifests are applied together with `path`'s: its own, and the
    folder above when that is not the root (`k8s/deployment/` beside `k8s/autoscaling/`,
    applied by `kubectl apply -R -f k8s/`)."""
    folder = posixpath.dirname(path)
    parent = posixpath.dirname(folder)
    return (folder, f"{parent}/*") if parent else (folder,)


def _fixed(lo: int | None, hi: int | None) -> bool:
    return lo is not None and hi is not None and hi <= lo


# Cloud Run services declared in Terraform (deshmukh-neel/amazon-review-sentiment-mlops
# infra/terraform/run.tf:13-60; reviewed): Cloud Run adds instances under load by itself, up to
# `max_instance_count` (v2) or the `autoscaling.knative.dev/maxScale` annotation (v1); sizes
# each container by its `resources.limits`; and probes it (`startup_probe`, `liveness_probe`)
_CLOUD_RUN = ("google_cloud_run_v2_service", "google_cloud_run_service")
_CLOUD_RUN_CONTAINERS = {
    "google_cloud_run_v2_service": "template.containers",
    "google_cloud_run_service": "template.spec.containers",
}


def _as_blocks(container: dict[str, Any], key: str) -> list[Any]:
    value = container.get(key)
    return value if isinstance(value, list) else [value] if value else []


def _first_int(values: list[Any]) -> int | None:
    return as_int(values[0]) if values else None


def cloud_run_scaling(snap: Snapshot) -> tuple[list[Evidence], list[Evidence]]:
    """(services that scale, services held at a fixed count) of Terraform's Cloud Run."""
    good: list[Evidence] = []
    flat: list[Evidence] = []
    for block in tf_blocks(snap, *_CLOUD_RUN):
        if block.type != "resource":
            continue
        if block.resource_type == "google_cloud_run_v2_service":
            lo = _first_int(block.get("template.scaling.min_instance_count")) or 0
            hi = _first_int(block.get("template.scaling.max_instance_count"))
            key = "max_instance_count" if hi is not None else None
        else:
            notes = block.get("template.metadata.annotations")
            note = notes[0] if notes and isinstance(notes[0], dict) else {}
            if any(not isinstance(v, str) or "=" in v for v in note.values()):
                continue  # annotations given by an expression: their scale is not known
            lo = as_int(note.get("autoscaling.knative.dev/minScale")) or 0
            hi = as_int(note.get("autoscaling.knative.dev/maxScale"))
            key = "annotations" if hi is not None else None
        text = f"Cloud Run instances {lo} to {hi if hi is not None else 'the default maximum'}"
        (flat if _fixed(lo, hi) else good).append(tf_ev(snap, block, key, text))
    return good, flat


def cloud_run_containers(snap: Snapshot) -> list[tuple[TerraformBlock, dict[str, Any]]]:
    """(service, container) of each container of Terraform's Cloud Run services."""
    found = []
    for block in tf_blocks(snap, *_CLOUD_RUN):
        if block.type != "resource" or block.resource_type not in _CLOUD_RUN_CONTAINERS:
            continue
        for container in block.get(_CLOUD_RUN_CONTAINERS[block.resource_type]):
            if isinstance(container, dict):
                found.append((block, container))
    return found


def _kuberay_autoscaling(obj: K8sObject) -> list[tuple[Evidence, bool]]:
    """(evidence, fixed) for the autoscaling a KubeRay object declares: Ray Serve's
    `autoscaling_config` of a deployment in a RayService's `serveConfigV2` (a YAML document
    held in a string), and the cluster autoscaler (`enableInTreeAutoscaling: true`) of a
    worker group whose maxReplicas exceeds its minReplicas (takenking9879/MLOPS-project-
    Distributed-ML-with-KubeRay k3s/kuberay/serving/rayservice-model-serving.yaml:26-30,55;
    reviewed)."""
    from mlaudit.repo.parsers.yaml_docs import parse_yaml

    spec = obj.spec
    out: list[tuple[Evidence, bool]] = []
    serve = spec.get("serveConfigV2") if obj.kind == "RayService" else None
    docs = parse_yaml(serve).documents if isinstance(serve, str) else []
    for doc in docs[:1]:
        for config, _parent, _line in walk_key(
            doc, ["applications", "*", "deployments", "*", "autoscaling_config"]
        ):
            if isinstance(config, dict):
                lo, hi = as_int(config.get("min_replicas", 1)), as_int(config.get("max_replicas"))
                text = f"Ray Serve autoscaling_config min_replicas {lo} max_replicas {hi}"
                out.append((obj_ev(obj, spec, "serveConfigV2", text), _fixed(lo, hi)))
    cluster = spec.get("rayClusterConfig") if obj.kind == "RayService" else spec
    if isinstance(cluster, dict) and cluster.get("enableInTreeAutoscaling") is True:
        groups = cluster.get("workerGroupSpecs")
        for group in groups if isinstance(groups, list) else []:
            if isinstance(group, dict):
                lo, hi = as_int(group.get("minReplicas", 0)), as_int(group.get("maxReplicas"))
                text = f"KubeRay autoscaler, worker group min {lo} max {hi}"
                out.append((obj_ev(obj, cluster, "enableInTreeAutoscaling", text), _fixed(lo, hi)))
    return out


@probe("autoscaler", NoParams)
def autoscaler(snap: Snapshot, p: NoParams) -> Observation:
    """An autoscaler can add replicas under load (its maximum exceeds its minimum).

    Looks for: a HorizontalPodAutoscaler, KEDA `ScaledObject`, KServe `maxReplicas`,
    Knative `max-scale`, Seldon `hpaSpec`, Helm values `autoscaling.enabled: true`, Ray
    Serve `autoscaling_config` (in code or a KubeRay RayService), the KubeRay cluster
    autoscaler, Terraform `aws_appautoscaling_*`, `aws_autoscaling_group`,
    `google_compute_(region_)autoscaler`, `azurerm_monitor_autoscale_setting`; managed
    endpoints: Azure ML `autoScaler: {autoscaleEnabled: true}` / v2 `scale_settings`,
    SageMaker `register_scalable_target` / ScalableTarget / serverless inference, Vertex AI
    `deploy(max_replica_count=…)` above its minimum, an Azure Container App's
    `template.scale` (maxReplicas above minReplicas), a Cloud Run service declared in
    Terraform (it scales by itself up to its maximum); without Kubernetes workloads, a
    request-serving serverless function (SAM, Serverless Framework, a Lambda image).
    Known false positive: `maxReplicas == minReplicas` scales nothing and does not count;
    neither does the Helm default `autoscaling.enabled: false`.
    Why: fixed capacity either wastes money or falls over at peak load.
    Fix: add an HPA (or KEDA ScaledObject) with `maxReplicas` above `minReplicas`.
    """
    prod, dev = k8s_objects(
        snap,
        (
            "HorizontalPodAutoscaler",
            "ScaledObject",
            "InferenceService",
            "SeldonDeployment",
            "Service",
            "RayService",
            "RayCluster",
        ),
    )

    def scan(objs: list[K8sObject]) -> tuple[list[Evidence], list[Evidence]]:
        good: list[Evidence] = []
        flat: list[Evidence] = []
        for obj in objs:
            spec = obj.spec
            if obj.kind in ("RayService", "RayCluster"):
                for found, fixed in _kuberay_autoscaling(obj):
                    (flat if fixed else good).append(found)
            elif obj.kind == "HorizontalPodAutoscaler":
                lo, hi = as_int(spec.get("minReplicas", 1)), as_int(spec.get("maxReplicas"))
                e = obj_ev(obj, spec, "maxReplicas", f"HPA minReplicas {lo} maxReplicas {hi}")
                (flat if _fixed(lo, hi) else good).append(e)
            elif obj.kind == "ScaledObject":
                lo = as_int(spec.get("minReplicaCount", 0))
                hi = as_int(spec.get("maxReplicaCount", 100))
                e = obj_ev(obj, text=f"ScaledObject min {lo} max {hi}")
                (flat if _fixed(lo, hi) else good).append(e)
            elif obj.kind == "InferenceService":
                pred = spec.get("predictor")
                if isinstance(pred, dict) and ("maxReplicas" in pred or "scaleTarget" in pred):
                    lo, hi = as_int(pred.get("minReplicas", 1)), as_int(pred.get("maxReplicas"))
                    e = obj_ev(
                        obj, pred, "maxReplicas", f"KServe minReplicas {lo} maxReplicas {hi}"
                    )
                    (flat if _fixed(lo, hi) else good).append(e)
            elif obj.kind == "SeldonDeployment":
                for value, _parent, line in walk_key(
                    obj.doc, ["spec", "predictors", "*", "componentSpecs", "*", "hpaSpec"]
                ):
                    if isinstance(value, dict):
                        lo, hi = (
                            as_int(value.get("minReplicas", 1)),
                            as_int(value.get("maxReplicas")),
                        )
                        e = ev(obj.path, line, f"Seldon hpaSpec min {lo} max {hi}")
                        (flat if _fixed(lo, hi) else good).append(e)
            elif obj.kind == "Service" and obj.api_version.startswith("serving.knative.dev"):
                template = spec.get("template")
                meta = template.get("metadata") if isinstance(template, dict) else None
                notes = meta.get("annotations") if isinstance(meta, dict) else None
                if isinstance(notes, dict):
                    lo = as_int(
                        notes.get(
                            "autoscaling.knative.dev/min-scale",
                            notes.get("autoscaling.knative.dev/minScale", 0),
                        )
                    )
                    hi = as_int(
                        notes.get(
                            "autoscaling.knative.dev/max-scale",
                            notes.get("autoscaling.knative.dev/maxScale"),
                        )
                    )
                    if hi is not None:
                        e = obj_ev(obj, text=f"Knative min-scale {lo} max-scale {hi}")
                        (flat if _fixed(lo, hi) else good).append(e)
        return good, flat

    good, flat = scan(prod)
    dev_good, _ = scan(dev)
    for vpath, value, line in helm_values(snap, "autoscaling.enabled"):
        if value is True:
            chart_vals = [c for c in snap.helm_charts if vpath in c.values]
            auto = chart_vals[0].values[vpath].get("autoscaling") if chart_vals else None
            lo = as_int(auto.get("minReplicas", 1)) if isinstance(auto, dict) else None
            hi = as_int(auto.get("maxReplicas")) if isinstance(auto, dict) else None
            e = ev(vpath, line, f"autoscaling.enabled: true (min {lo}, max {hi})", "helm values")
            (flat if _fixed(lo, hi) else good).append(e)
    paths = base.python_sources(snap, ("*.py",), scope="non_tests")
    for _path, items in snap.python_per_file(_RAY_AUTOSCALING, paths, _ray_autoscaling):
        good.extend(items)
    for block in tf_blocks(snap, "aws_appautoscaling_target", "aws_autoscaling_group"):
        lo_key, hi_key = (
            ("min_capacity", "max_capacity")
            if "appautoscaling" in (block.resource_type or "")
            else ("min_size", "max_size")
        )
        lo = as_int((block.get(lo_key) or [None])[0])
        hi = as_int((block.get(hi_key) or [None])[0])
        if hi is None and lo is None:
            continue
        e = tf_ev(snap, block, hi_key, f"{lo_key} {lo}, {hi_key} {hi}")
        (flat if _fixed(lo, hi) else good).append(e)
    cloud_good, cloud_flat = cloud_run_scaling(snap)
    good += cloud_good
    flat += cloud_flat
    for block in tf_blocks(
        snap,
        "aws_appautoscaling_policy",
        "google_compute_autoscaler",
        "google_compute_region_autoscaler",
        "azurerm_monitor_autoscale_setting",
        "aws_autoscaling_policy",
    ):
        good.append(tf_ev(snap, block))
    for hit in template_hits(
        snap, re.compile(r"^\s*kind:\s*(HorizontalPodAutoscaler|ScaledObject)\s*$")
    ):
        if any(e.path.startswith(hit.path.split("/templates/")[0]) for e in good + flat):
            continue
        if not helm_values(snap, "autoscaling.enabled"):
            good.append(hit)
            continue
        # the chart's `autoscaling.enabled` is off, but another of its autoscalers may be on
        # by default (vllm-project/production-stack helm/values.yaml:215-221, each model's
        # `keda: {enabled: true, minReplicaCount: 1, maxReplicaCount: 5}`; reviewed)
        on = _autoscaling_on(snap, hit.path.split("/templates/")[0])
        if on is not None and hit.snippet and "ScaledObject" in hit.snippet:
            good += [hit, on]
    # managed endpoints (Azure ML, SageMaker, Vertex AI) scale by their deployment configs
    managed_good, managed_flat = managed_autoscaling(snap)
    good += managed_good
    flat += managed_flat
    if not prod:
        # ... and so do serverless functions, one environment per concurrent request
        good += _serverless(snap, "scales by itself")
    return verdict(
        good,
        what="autoscaler",
        dev_only=dev_good,
        near=flat,
        near_message="autoscaler with maxReplicas == minReplicas scales nothing",
        problems=infra_problems(snap) + tf_problems(snap),
    )


_AUTOSCALER_KEYS = frozenset({"keda", "scaledobject", "scaledObject"})


def _autoscaling_on(snap: Snapshot, chart_dir: str) -> Evidence | None:
    """A KEDA block of the chart's production values that is enabled by default and can add
    replicas (`keda: {enabled: true, …}`, in a list of models too)."""
    for chart in snap.helm_charts:
        if chart.dir.rstrip("/") != chart_dir.rstrip("/"):
            continue
        for vpath, doc in sorted(chart.values.items()):
            if is_dev_path(vpath):
                continue
            stack: list[tuple[Any, int]] = [(doc, 0)]
            while stack:
                node, depth = stack.pop()
                if depth > 12:
                    continue
                items: Iterable[tuple[Any, Any]] = ()
                if isinstance(node, dict):
                    items = node.items()
                elif isinstance(node, list):
                    items = enumerate(node)
                for key, value in items:
                    enabled = isinstance(value, dict) and value.get("enabled") is True
                    if key in _AUTOSCALER_KEYS and enabled:
                        lo = as_int(value.get("minReplicaCount", 0))
                        hi = as_int(value.get("maxReplicaCount", 100))
                        if not _fixed(lo, hi):
                            return ev(
                                vpath,
                                key_line(value, "enabled"),
                                f"{key}.enabled: true (min {lo}, max {hi})",
                                "helm values",
                            )
                    if isinstance(value, (dict, list)):
                        stack.append((value, depth + 1))
    return None


# SCL: resource requests -------------------------------------------------------------------------
def _requests(node: Any) -> bool:
    """Non-empty `resources.requests`, or CPU/memory `limits` (Kubernetes then sets the
    request equal to the limit); a GPU-only limit leaves CPU and memory unrequested."""
    res = node.get("resources") if isinstance(node, dict) else None
    req = res.get("requests") if isinstance(res, dict) else None
    if isinstance(req, dict) and req:
        return True
    limits = res.get("limits") if isinstance(res, dict) else None
    return isinstance(limits, dict) and ("cpu" in limits or "memory" in limits)


_RESOURCE_CRDS = (
    "InferenceService",
    "SeldonDeployment",
    "PyTorchJob",
    "TFJob",
    "MPIJob",
    "RayCluster",
    "RayJob",
    "RayService",
)


@probe("resource_requests", NoParams)
def resource_requests(snap: Snapshot, p: NoParams) -> Observation:
    """Containers declare CPU/memory requests, so the scheduler can place and scale them.

    Looks for: non-empty `resources.requests` on the containers of every workload
    (Deployments, Jobs, CronJobs, KServe/Seldon/Kubeflow/Ray resources), the driver and
    executor `cores`/`memory` of a Spark operator application, Helm values
    `resources.requests`, compose `deploy.resources.reservations`, an Azure ML deployment
    config's `containerResourceRequirements` or an Azure Container App's container
    `resources` (probes._managed), a Cloud Run container's `resources.limits` in
    Terraform, a Metaflow, Flyte or Kubeflow
    Pipelines step sized in code (probes._step_resources). Known false positive:
    an empty `resources: {}` (the Helm default) is not a request.
    Why: without requests, autoscaling on utilisation is meaningless and pods are evicted
    first under pressure.
    Fix: set `resources.requests.cpu` and `.memory` on the serving and training containers.
    """
    prod, _dev = k8s_objects(snap, (*SERVING_WORKLOADS, "Job", "CronJob"))
    good: list[Evidence] = []
    missing: list[Evidence] = []
    for obj in prod:
        if not obj.containers:
            continue
        hit = next((c for c in obj.containers if _requests(c)), None)
        if hit is not None:
            good.append(obj_ev(obj, hit, "resources", "resources.requests"))
        elif is_patch(snap, obj):
            continue  # a kustomize patch keeps the base's resources
        else:
            missing.append(obj_ev(obj, text=f"{obj.kind}/{obj.name}: no resources.requests"))
    crds, _ = k8s_objects(snap, _RESOURCE_CRDS)
    for obj in crds:
        for _value, _parent, line in _all_resources(obj.doc):
            good.append(
                ev(obj.path, line or obj.line, "resources.requests", f"{obj.kind}/{obj.name}")
            )
            break
    good += _spark_requests(snap)
    values = [
        ev(v, ln, "resources.requests", "helm values")
        for v, val, ln in helm_values(snap, "resources.requests")
        if isinstance(val, dict) and val
    ]
    templates = [
        hit
        for hit in template_hits(snap, re.compile(r"^\s*requests:\s*$"))
        if not _storage_request(snap, hit)
    ]
    good += values + templates
    compose = [
        ev(
            s.path,
            s.line_of("deploy"),
            f"{s.name}: deploy.resources.reservations",
            "docker-compose",
        )
        for s in snap.compose_services
        if not base.is_excluded(s.path) and s.resources.get("reservations")
    ]
    good += compose
    good += managed_resource_requests(snap)
    good += step_resource_requests(snap)
    good += [
        tf_ev(snap, block, "resources", "Cloud Run resources.limits")
        for block, container in cloud_run_containers(snap)
        if any(isinstance(r, dict) and r.get("limits") for r in _as_blocks(container, "resources"))
    ]
    if good and not missing:
        return base.passed("resource requests declared", good)
    if good:
        return base.partial("some workloads declare no resource requests", good + missing)
    if missing:
        return base.failed(
            "workloads declare no resource requests (an empty `resources: {}` is none)", missing
        )
    return verdict([], what="resource requests", problems=infra_problems(snap))


def _storage_request(snap: Snapshot, hit: Evidence) -> bool:
    """A template's `requests:` that asks for disk (`storage:`), a PersistentVolumeClaim's or
    a volumeClaimTemplate's, sizes no container (fuzzylabs/matcha chroma_helm/templates/
    pvc.yaml:11; reviewed)."""
    lines = snap.lines(hit.path)
    for line in lines[hit.line or 0 : (hit.line or 0) + 3]:
        if line.strip() and not line.lstrip().startswith(("#", "{{")):
            return line.strip().startswith("storage:")
    return False


def _spark_requests(snap: Snapshot) -> list[Evidence]:
    """A Spark operator application sized for the scheduler: its driver's or executors'
    `cores`/`memory`, which the operator turns into the pods' requests (salesforce/Merlion
    k8s-spec/forecast.yml:36-45 `driver: {cores: 1, memory: "1G"}`; reviewed)."""
    found: list[Evidence] = []
    apps, _ = k8s_objects(snap, ("SparkApplication", "ScheduledSparkApplication"))
    for obj in apps:
        spec = obj.doc.get("spec") if isinstance(obj.doc, dict) else None
        if isinstance(spec, dict) and obj.kind == "ScheduledSparkApplication":
            spec = spec.get("template")
        if not isinstance(spec, dict):
            continue
        for role in ("driver", "executor"):
            pod = spec.get(role)
            if isinstance(pod, dict) and (pod.get("cores") or pod.get("memory")):
                line = key_line(spec, role) or obj.line
                text = f"{role}: cores {pod.get('cores')}, memory {pod.get('memory')}"
                found.append(ev(obj.path, line, text, f"{obj.kind}/{obj.name}"))
                break
    return found


def _all_resources(node: Any, depth: int = 0) -> list[tuple[Any, Any, int | None]]:
    out: list[tuple[Any, Any, int | None]] = []
    if depth > 12:
        return out
    if isinstance(node, dict):
        if _requests(node):
            res = node["resources"]
            out.append((res, node, getattr(res, "line", None)))
        for value in node.values():
            out.extend(_all_resources(value, depth + 1))
    elif isinstance(node, list):
        for value in node:
            out.extend(_all_resources(value, depth + 1))
    return out
