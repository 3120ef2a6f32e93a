"""Kubernetes manifests, Helm charts and Kustomize overlays.

- Manifests are recognised by content, not by folder: any YAML document (in any `*.yaml` /
  `*.yml` file, multi-document) that is a mapping with a string `apiVersion` and `kind`.
  `kind: List` documents are expanded into their `items`.
- Helm: `Chart.yaml` + `values*.yaml` are YAML; `templates/**` contain Go templating and are
  *not* YAML — they are listed as text files (probes read them line by line).
- Kustomize: `kustomization.yaml|yml` / `Kustomization` with resources, patches, replicas.

Everything here is pure (text/documents in, facts out); the Snapshot reads and caches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from mlaudit.repo.parsers.yaml_docs import key_line, node_line

WORKLOAD_KINDS = frozenset(
    {
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "Job",
        "CronJob",
        "Pod",
        "Rollout",  # Argo Rollouts
        "DeploymentConfig",  # OpenShift
    }
)
SERVING_KINDS = frozenset(
    {"InferenceService", "SeldonDeployment", "ServingRuntime", "RayService", "Service"}
)

# Path segments that mark a non-production environment (the catalogue's "dev overlays" FP);
# Tilt runs a stack on the developer's cluster only (Netflix/metaflow devtools/tilt/k8s/)
_DEV_SEGMENTS = re.compile(
    r"^(dev|develop|development|local|localhost|test|tests|testing|sandbox|minikube|kind|"
    r"docker-desktop|ci|e2e|debug|playground|dev[-_]?tools|dev[-_]?stack|"
    r"dev[-_]?env|tilt)$",
    re.IGNORECASE,
)
_DEV_FILE = re.compile(
    r"(^|[._-])(dev|development|local|minikube|kind|test|testing|sandbox)([._-]|$)",
    re.IGNORECASE,
)


def is_dev_path(path: str) -> bool:
    """True when the path names a development/local/test environment (an overlay folder
    such as `overlays/dev/`, or a file such as `deployment.local.yaml`)."""
    parts = path.split("/")
    if any(_DEV_SEGMENTS.match(p) for p in parts[:-1]):
        return True
    stem = parts[-1].rsplit(".", 1)[0]
    return bool(_DEV_FILE.search(stem))


@dataclass(frozen=True, eq=False)
class K8sObject:
    """One Kubernetes (or CRD) object found in a YAML document."""

    path: str
    line: int
    api_version: str
    kind: str
    name: str | None
    namespace: str | None
    doc: Any = field(repr=False)  # LineDict of the whole object

    @property
    def group(self) -> str:
        return self.api_version.split("/", 1)[0] if "/" in self.api_version else ""

    @property
    def spec(self) -> dict[str, Any]:
        spec = self.doc.get("spec") if isinstance(self.doc, dict) else None
        return spec if isinstance(spec, dict) else {}

    @property
    def labels(self) -> dict[str, Any]:
        meta = self.doc.get("metadata") if isinstance(self.doc, dict) else None
        labels = meta.get("labels") if isinstance(meta, dict) else None
        return labels if isinstance(labels, dict) else {}

    @property
    def is_workload(self) -> bool:
        return self.kind in WORKLOAD_KINDS

    @property
    def pod_template(self) -> dict[str, Any] | None:
        """The pod template (`spec.template`, `spec.jobTemplate.spec.template`, or the Pod)."""
        if not isinstance(self.doc, dict):
            return None
        if self.kind == "Pod":
            return self.doc
        spec: Any = self.spec
        if self.kind == "CronJob":
            job = spec.get("jobTemplate")
            spec = job.get("spec") if isinstance(job, dict) else None
            if not isinstance(spec, dict):
                return None
        template = spec.get("template")
        return template if isinstance(template, dict) else None

    @property
    def pod_spec(self) -> dict[str, Any] | None:
        template = self.pod_template
        spec = template.get("spec") if isinstance(template, dict) else None
        return spec if isinstance(spec, dict) else None

    @property
    def pod_labels(self) -> dict[str, Any]:
        template = self.pod_template
        meta = template.get("metadata") if isinstance(template, dict) else None
        labels = meta.get("labels") if isinstance(meta, dict) else None
        return labels if isinstance(labels, dict) else {}

    @property
    def containers(self) -> list[dict[str, Any]]:
        """Containers of the pod spec (init containers excluded)."""
        spec = self.pod_spec
        items = spec.get("containers") if spec else None
        return [c for c in items if isinstance(c, dict)] if isinstance(items, list) else []

    @property
    def selector(self) -> dict[str, Any]:
        """`spec.selector.matchLabels` (or a plain label selector, as a Service has)."""
        sel = self.spec.get("selector")
        if not isinstance(sel, dict):
            return {}
        match = sel.get("matchLabels")
        if isinstance(match, dict):
            return match
        if "matchExpressions" in sel:
            return {}
        return sel

    @property
    def is_dev(self) -> bool:
        return is_dev_path(self.path) or bool(
            self.namespace and _DEV_SEGMENTS.match(self.namespace)
        )

    def line_of(self, node: Any, key: str) -> int:
        """Line of `key` inside `node` (a part of this object's document), else the object's."""
        return key_line(node, key) or node_line(node) or self.line


def objects_in_docs(path: str, docs: list[Any]) -> list[K8sObject]:
    """Kubernetes objects among the parsed documents of one YAML file."""
    out: list[K8sObject] = []
    for doc in docs:
        _collect(path, doc, out, depth=0)
    return out


def _collect(path: str, doc: Any, out: list[K8sObject], depth: int) -> None:
    if not isinstance(doc, dict) or depth > 2:
        return
    api, kind = doc.get("apiVersion"), doc.get("kind")
    if not isinstance(api, str) or not isinstance(kind, str) or not kind:
        return
    if kind.endswith("List") and isinstance(doc.get("items"), list):
        for item in doc.get("items") or []:
            _collect(path, item, out, depth + 1)
        return
    meta = doc.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    namespace = meta.get("namespace") if isinstance(meta, dict) else None
    out.append(
        K8sObject(
            path=path,
            line=node_line(doc) or 1,
            api_version=api,
            kind=kind,
            name=str(name) if name is not None else None,
            namespace=str(namespace) if namespace is not None else None,
            doc=doc,
        )
    )


def looks_like_manifest(text: str) -> bool:
    """Cheap pre-filter before parsing a YAML file as manifests."""
    return "apiVersion" in text and "kind" in text


# Helm --------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class HelmChart:
    path: str  # the Chart.yaml
    dir: str  # chart folder ("" at the root)
    name: str | None
    version: str | None
    chart: Any = field(repr=False)  # parsed Chart.yaml (LineDict) or None
    values: dict[str, Any] = field(default_factory=dict, repr=False)  # values path → doc
    templates: tuple[str, ...] = ()  # template files (Go templating: read as text)

    @property
    def is_dev(self) -> bool:
        return is_dev_path(self.path)

    def value(self, dotted: str) -> list[tuple[str, Any, int | None]]:
        """(values file, value, line) for a dotted key in every values file."""
        found: list[tuple[str, Any, int | None]] = []
        for vpath, doc in sorted(self.values.items()):
            node: Any = doc
            parent: Any = None
            last = ""
            for part in dotted.split("."):
                if not isinstance(node, dict) or part not in node:
                    node = _MISSING
                    break
                parent, last, node = node, part, node[part]
            if node is not _MISSING:
                found.append((vpath, node, key_line(parent, last)))
        return found


_MISSING = object()


def chart_dir(chart_yaml_path: str) -> str:
    return chart_yaml_path.rsplit("/", 1)[0] if "/" in chart_yaml_path else ""


def is_helm_template(path: str, chart_dirs: frozenset[str]) -> bool:
    """True when `path` lives under `<chart>/templates/` of a known chart."""
    parts = path.split("/")
    for i, part in enumerate(parts[:-1]):
        if part == "templates" and "/".join(parts[:i]) in chart_dirs:
            return True
    return False


# Kustomize ---------------------------------------------------------------------------------
KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


@dataclass(frozen=True, eq=False)
class Kustomization:
    path: str
    dir: str
    resources: tuple[str, ...]
    patches: tuple[str, ...]
    replicas: tuple[tuple[str, int, int], ...]  # (name, count, line)
    doc: Any = field(repr=False)

    @property
    def is_dev(self) -> bool:
        return is_dev_path(self.path)

    @property
    def is_overlay(self) -> bool:
        return any(r.startswith("..") for r in self.resources) or "overlays/" in self.path


def parse_kustomization(path: str, doc: Any) -> Kustomization | None:
    if not isinstance(doc, dict):
        return None
    resources: list[str] = []
    for key in ("resources", "bases", "components"):
        items = doc.get(key)
        if isinstance(items, list):
            resources.extend(str(i) for i in items if isinstance(i, str))
    patches: list[str] = []
    for key in ("patches", "patchesStrategicMerge", "patchesJson6902"):
        items = doc.get(key)
        if isinstance(items, list):
            for item in items:
                if isinstance(item, str):
                    patches.append(item)
                elif isinstance(item, dict) and isinstance(item.get("path"), str):
                    patches.append(item["path"])
    replicas: list[tuple[str, int, int]] = []
    items = doc.get("replicas")
    if isinstance(items, list):
        lines = getattr(items, "item_lines", [])
        for index, item in enumerate(items):
            if isinstance(item, dict) and isinstance(item.get("count"), int):
                line = lines[index] if index < len(lines) else (node_line(doc) or 1)
                replicas.append((str(item.get("name")), int(item["count"]), line))
    return Kustomization(
        path=path,
        dir=chart_dir(path),
        resources=tuple(resources),
        patches=tuple(patches),
        replicas=tuple(replicas),
        doc=doc,
    )
