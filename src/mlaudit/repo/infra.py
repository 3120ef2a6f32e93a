"""Infrastructure views of the Snapshot: Kubernetes, Helm, Kustomize, compose, Terraform,
Prometheus/Alertmanager/Grafana. Mixed into `Snapshot`; each view is parsed once and cached.

Every view covers the whole repository (probes apply the scope rules such as `ex`), never
raises on bad input, and records unreadable or unparsable files in `snap.problems`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

from mlaudit.repo.parsers.compose import COMPOSE_GLOBS, ComposeService, parse_compose
from mlaudit.repo.parsers.kubernetes import (
    KUSTOMIZATION_NAMES,
    HelmChart,
    K8sObject,
    Kustomization,
    chart_dir,
    is_helm_template,
    looks_like_manifest,
    objects_in_docs,
    parse_kustomization,
)
from mlaudit.repo.parsers.monitoring import (
    MonitoringFacts,
    alertmanager_config,
    embedded_documents,
    grafana_dashboard,
    moved,
    prometheus_config,
    rules_in_doc,
)
from mlaudit.repo.parsers.terraform import TerraformBlock, TerraformFile, parse_terraform

if TYPE_CHECKING:
    from collections.abc import Callable

    from mlaudit.repo.parsers.yaml_docs import YamlFile

YAML_GLOBS = ("*.yaml", "*.yml")
_INFRA_PATH = re.compile(
    r"(^|/)(\.?kube|k8s|kubernetes|deploy|deployment|deployments|manifests?|helm|charts?|"
    r"kustomize|overlays|base|infra|ops|argocd|gitops|openshift)(/|$)|"
    r"(deployment|service|ingress|hpa|pdb|statefulset|cronjob|kustomization)[^/]*$",
    re.IGNORECASE,
)
TERRAFORM_GLOBS = ("*.tf", "*.tf.json")


class InfraViews:
    """Mixin for `Snapshot` (which provides glob/text/lines/yaml/json/problems/_cached)."""

    if TYPE_CHECKING:
        problems: dict[str, str]

        def glob(self, *patterns: str) -> list[str]: ...
        def text(self, path: str) -> str | None: ...
        def lines(self, path: str) -> list[str]: ...
        def yaml(self, path: str) -> YamlFile | None: ...
        def yaml_docs(self, path: str) -> list[Any]: ...
        def json(self, path: str) -> Any: ...
        def _cached(self, view: str, path: str, build: Callable[[], Any]) -> Any: ...

    # YAML inventory ---------------------------------------------------------------------
    @cached_property
    def yaml_files(self) -> list[str]:
        return self.glob(*YAML_GLOBS)

    @cached_property
    def helm_chart_dirs(self) -> frozenset[str]:
        return frozenset(chart_dir(p) for p in self.glob("Chart.yaml", "Chart.yml"))

    def is_helm_template(self, path: str) -> bool:
        """Files under a chart's `templates/`: Go templating, read as text, never as YAML."""
        return is_helm_template(path, self.helm_chart_dirs)

    @cached_property
    def manifest_files(self) -> list[str]:
        """YAML files that mention apiVersion and kind (helm templates excluded)."""
        out = []
        for path in self.yaml_files:
            if self.is_helm_template(path):
                continue
            text = self.text(path)
            if text is not None and looks_like_manifest(text):
                out.append(path)
        return out

    # Kubernetes -------------------------------------------------------------------------
    @cached_property
    def k8s_objects(self) -> list[K8sObject]:
        """Every Kubernetes/CRD object in any YAML file, wherever it lives (multi-document)."""
        out: list[K8sObject] = []
        for path in self.manifest_files:
            docs = self.yaml_docs(path)
            try:
                out.extend(objects_in_docs(path, docs))
            except Exception as exc:
                self.problems.setdefault(path, f"unexpected manifest structure: {exc}")
        return out

    def k8s_kinds(self, *kinds: str) -> list[K8sObject]:
        wanted = set(kinds)
        return [o for o in self.k8s_objects if o.kind in wanted]

    @cached_property
    def k8s_problems(self) -> list[str]:
        """Manifest-looking YAML files (or helm values) that could not be read or parsed."""
        candidates = set(self.manifest_files) | {
            p for p in self.yaml_files if p in self.problems and not self.is_helm_template(p)
        }
        out = []
        for p in candidates:
            if p not in self.problems:
                continue
            text = self.text(p)
            # unreadable (too large, binary): a manifest only if its path says so
            if (text is None and _INFRA_PATH.search(p)) or (
                text is not None and looks_like_manifest(text)
            ):
                out.append(p)
        return sorted(out)

    # Helm ---------------------------------------------------------------------------------
    @cached_property
    def helm_charts(self) -> list[HelmChart]:
        charts: list[HelmChart] = []
        for path in self.glob("Chart.yaml", "Chart.yml"):
            folder = chart_dir(path)
            prefix = f"{folder}/" if folder else ""
            docs = self.yaml_docs(path)
            chart = docs[0] if docs and isinstance(docs[0], dict) else None
            values: dict[str, Any] = {}
            for vpath in self.glob(*(f"{prefix}values*.yaml", f"{prefix}values*.yml")):
                if "/" in vpath[len(prefix) :]:
                    continue
                vdocs = self.yaml_docs(vpath)
                values[vpath] = vdocs[0] if vdocs else None
            templates = tuple(
                p for p in self.glob(f"{prefix}templates/**") if p.startswith(f"{prefix}templates/")
            )
            charts.append(
                HelmChart(
                    path=path,
                    dir=folder,
                    name=str(chart.get("name")) if chart and chart.get("name") else None,
                    version=str(chart.get("version")) if chart and chart.get("version") else None,
                    chart=chart,
                    values=values,
                    templates=templates,
                )
            )
        return charts

    @cached_property
    def helm_templates(self) -> list[str]:
        return sorted({t for c in self.helm_charts for t in c.templates})

    # Kustomize ----------------------------------------------------------------------------
    @cached_property
    def kustomizations(self) -> list[Kustomization]:
        out: list[Kustomization] = []
        for path in self.glob(*KUSTOMIZATION_NAMES):
            for doc in self.yaml_docs(path):
                k = parse_kustomization(path, doc)
                if k is not None:
                    out.append(k)
                break
        return out

    # docker-compose -----------------------------------------------------------------------
    @cached_property
    def compose_services(self) -> list[ComposeService]:
        out: list[ComposeService] = []
        for path in self.glob(*COMPOSE_GLOBS):
            try:
                out.extend(parse_compose(path, self.yaml_docs(path)))
            except Exception as exc:
                self.problems.setdefault(path, f"unexpected compose structure: {exc}")
        return out

    # Terraform ----------------------------------------------------------------------------
    @cached_property
    def terraform_files(self) -> list[str]:
        return self.glob(*TERRAFORM_GLOBS)

    def terraform(self, path: str) -> TerraformFile | None:
        def load() -> TerraformFile | None:
            text = self.text(path)
            if text is None:
                return None
            parsed = parse_terraform(path, text)
            if parsed.error:
                self.problems.setdefault(path, parsed.error)
            return parsed

        result: TerraformFile | None = self._cached("terraform", path, load)
        return result

    @cached_property
    def terraform_blocks(self) -> list[TerraformBlock]:
        """Top-level blocks of every `*.tf`/`*.tf.json` (resource, data, provider, module …)."""
        out: list[TerraformBlock] = []
        for path in self.terraform_files:
            parsed = self.terraform(path)
            if parsed is not None:
                out.extend(parsed.blocks)
        return out

    def terraform_resources(self, *types: str) -> list[TerraformBlock]:
        """Resource (and data) blocks whose type matches one of `types` (fnmatch patterns)."""
        import fnmatch

        return [
            b
            for b in self.terraform_blocks
            if b.type in ("resource", "data")
            and b.resource_type
            and any(fnmatch.fnmatchcase(b.resource_type, t) for t in types)
        ]

    @cached_property
    def terraform_problems(self) -> list[str]:
        return [p for p in self.terraform_files if p in self.problems]

    # Prometheus / Alertmanager / Grafana ----------------------------------------------------
    @cached_property
    def monitoring(self) -> MonitoringFacts:
        facts = MonitoringFacts()
        for path in self.yaml_files:
            if self.is_helm_template(path):
                continue
            text = self.text(path)
            if text is None or not any(
                k in text for k in ("groups", "scrape_configs", "rule_files", "receivers")
            ):
                continue
            for doc in self.yaml_docs(path):
                try:
                    facts.rules.extend(rules_in_doc(path, doc))
                    prom = prometheus_config(path, doc)
                    if prom is not None:
                        facts.prometheus.append(prom)
                    am = alertmanager_config(path, doc)
                    if am is not None:
                        facts.alertmanager.append(am)
                    for offset, inner in embedded_documents(doc):
                        facts.rules.extend(moved(rules_in_doc(path, inner), offset))
                        prom = prometheus_config(path, inner)
                        if prom is not None:
                            facts.prometheus.append(replace(prom, line=prom.line + offset))
                        am = alertmanager_config(path, inner)
                        if am is not None:
                            facts.alertmanager.append(replace(am, line=am.line + offset))
                except Exception as exc:
                    self.problems.setdefault(path, f"unexpected monitoring structure: {exc}")
        for path in self.glob("*.json"):
            text = self.text(path)
            if text is None or '"panels"' not in text:
                continue
            dashboard = grafana_dashboard(path, self.json(path))
            if dashboard is not None:
                facts.dashboards.append(dashboard)
        return facts
