"""Prometheus, Alertmanager and Grafana configuration → alert rules, scrape jobs, dashboards.

Recognised by content:
- Prometheus rule files: a document with `groups: [{name, rules: [{alert|record, expr}]}]`
  (plain rule files, or the `spec` of a `PrometheusRule`/`VMRule` object);
- Grafana unified-alerting provisioning: `groups: [{rules: [{title, condition, data}]}]`;
- Prometheus server config: `scrape_configs:` / `rule_files:`;
- Alertmanager config: `route:` together with `receivers:`;
- Grafana dashboards (JSON): `panels` with a legacy panel `alert` (conditions) counts as an
  alert; a panel option such as `alertThreshold` is display only and does not.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from mlaudit.repo.parsers.yaml_docs import key_line, node_line, parse_yaml


@dataclass(frozen=True)
class AlertRule:
    path: str
    line: int
    group: str
    name: str  # the alert name (or recording rule name)
    expr: str
    kind: str  # "alert" | "record" | "grafana-alert"
    for_: str | None = None


@dataclass(frozen=True)
class PrometheusConfig:
    path: str
    line: int
    rule_files: tuple[str, ...]
    scrape_jobs: tuple[str, ...]


@dataclass(frozen=True)
class AlertmanagerConfig:
    path: str
    line: int
    receivers: tuple[str, ...]


@dataclass(frozen=True)
class GrafanaDashboard:
    path: str
    title: str | None
    panels: int
    alert_panels: tuple[str, ...]  # titles of panels with a legacy `alert` definition


@dataclass
class MonitoringFacts:
    rules: list[AlertRule] = field(default_factory=list)
    prometheus: list[PrometheusConfig] = field(default_factory=list)
    alertmanager: list[AlertmanagerConfig] = field(default_factory=list)
    dashboards: list[GrafanaDashboard] = field(default_factory=list)

    @property
    def alerts(self) -> list[AlertRule]:
        return [r for r in self.rules if r.kind in ("alert", "grafana-alert")]


def rules_in_doc(path: str, doc: Any) -> list[AlertRule]:
    """Alert/recording rules of one YAML document (rule file, PrometheusRule, Grafana)."""
    if not isinstance(doc, dict):
        return []
    if isinstance(doc.get("kind"), str) and isinstance(doc.get("spec"), dict):
        doc = doc["spec"]
    groups = doc.get("groups")
    if not isinstance(groups, list):
        return []
    out: list[AlertRule] = []
    for group in groups:
        if not isinstance(group, dict):
            continue
        rules = group.get("rules")
        if not isinstance(rules, list):
            continue
        gname = str(group.get("name", ""))
        lines = getattr(rules, "item_lines", [])
        for index, rule in enumerate(rules):
            if not isinstance(rule, dict):
                continue
            line = lines[index] if index < len(lines) else (node_line(rule) or 1)
            if isinstance(rule.get("alert"), str) and rule.get("expr") is not None:
                for_ = rule.get("for")
                out.append(
                    AlertRule(
                        path,
                        key_line(rule, "alert") or line,
                        gname,
                        rule["alert"],
                        str(rule["expr"]),
                        "alert",
                        str(for_) if for_ is not None else None,
                    )
                )
            elif isinstance(rule.get("record"), str) and rule.get("expr") is not None:
                out.append(
                    AlertRule(path, line, gname, rule["record"], str(rule["expr"]), "record")
                )
            elif "condition" in rule and ("title" in rule or "uid" in rule):
                out.append(
                    AlertRule(
                        path,
                        line,
                        gname,
                        str(rule.get("title") or rule.get("uid")),
                        str(rule.get("condition")),
                        "grafana-alert",
                    )
                )
    return out


_EMBEDDED_KEYS = ("groups", "scrape_configs", "rule_files", "receivers")


def embedded_documents(doc: Any) -> Iterator[tuple[int, Any]]:
    """(line offset, document) of each YAML document held in a ConfigMap's `data` value:
    Prometheus rules, its configuration or Grafana's alerting provisioning shipped as a
    ConfigMap (`rules.yaml: |` … `groups:`; Ardiyanto24/telco-churn-mlops infra/k8s/
    monitoring/grafana-alerting-configmap.yaml:52; reviewed). A line of the value is the
    offset plus its line within the value."""
    if not isinstance(doc, dict) or doc.get("kind") != "ConfigMap":
        return
    data = doc.get("data")
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        if not isinstance(value, str) or not any(k in value for k in _EMBEDDED_KEYS):
            continue
        at = key_line(data, key)
        if at is None:
            continue
        parsed = parse_yaml(value)
        for inner in parsed.documents if parsed.error is None else ():
            yield at, inner


def moved(rules: list[AlertRule], offset: int) -> list[AlertRule]:
    return [replace(rule, line=rule.line + offset) for rule in rules]


def prometheus_config(path: str, doc: Any) -> PrometheusConfig | None:
    if not isinstance(doc, dict) or not ("scrape_configs" in doc or "rule_files" in doc):
        return None
    rule_files = doc.get("rule_files")
    scrape = doc.get("scrape_configs")
    return PrometheusConfig(
        path,
        node_line(doc) or 1,
        tuple(str(r) for r in rule_files) if isinstance(rule_files, list) else (),
        tuple(
            str(s.get("job_name"))
            for s in scrape
            if isinstance(s, dict) and s.get("job_name") is not None
        )
        if isinstance(scrape, list)
        else (),
    )


def alertmanager_config(path: str, doc: Any) -> AlertmanagerConfig | None:
    if not isinstance(doc, dict) or "route" not in doc or "receivers" not in doc:
        return None
    receivers = doc.get("receivers")
    names = (
        tuple(str(r.get("name")) for r in receivers if isinstance(r, dict))
        if isinstance(receivers, list)
        else ()
    )
    return AlertmanagerConfig(path, key_line(doc, "route") or node_line(doc) or 1, names)


def grafana_dashboard(path: str, data: Any) -> GrafanaDashboard | None:
    if isinstance(data, dict) and isinstance(data.get("dashboard"), dict):
        data = data["dashboard"]
    if not isinstance(data, dict):
        return None
    panels = data.get("panels")
    rows = data.get("rows")
    if not isinstance(panels, list) and not isinstance(rows, list):
        return None
    if "schemaVersion" not in data and "title" not in data:
        return None
    all_panels: list[dict[str, Any]] = []
    stack: list[Any] = list(panels or [])
    for row in rows or []:
        if isinstance(row, dict) and isinstance(row.get("panels"), list):
            stack.extend(row["panels"])
    while stack and len(all_panels) < 10_000:
        panel = stack.pop()
        if isinstance(panel, dict):
            all_panels.append(panel)
            if isinstance(panel.get("panels"), list):
                stack.extend(panel["panels"])
    alerting = tuple(
        sorted(
            str(p.get("title") or p.get("id") or "?")
            for p in all_panels
            if isinstance(p.get("alert"), dict) and p["alert"].get("conditions")
        )
    )
    title = data.get("title")
    return GrafanaDashboard(
        path, str(title) if title is not None else None, len(all_panels), alerting
    )
