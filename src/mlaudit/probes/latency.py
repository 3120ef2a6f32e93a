"""Latency budgets: a declared limit on response time that something enforces.

Sources: k6 `thresholds` on `http_req_duration`, Artillery `ensure` percentiles, Locust
exit-code checks on percentiles, `pytest-benchmark --benchmark-compare-fail`, latency SLOs
(OpenSLO, Sloth, Pyrra) and Prometheus alerts on a latency quantile.
"""

from __future__ import annotations

import re

from mlaudit.probes import _ci_reach, base
from mlaudit.probes.base import ev
from mlaudit.probes.kubernetes import NoParams, flagger_analyses, k8s_objects, obj_ev
from mlaudit.probes.monitoring import unloaded_rule_files
from mlaudit.probes.registry import probe
from mlaudit.repo.snapshot import Snapshot
from mlaudit.results import Evidence, Observation

_K6_BUDGET = re.compile(r"http_req_duration\s*['\"]?\s*:\s*\[")
_ARTILLERY = re.compile(r"^\s*(p95|p99|p50|max|median)\s*:\s*\d+")
_LOCUST_CHECK = re.compile(
    r"get_response_time_percentile|--check-(avg-response-time|rt-percentile)"
)
_BENCH = re.compile(r"--benchmark-compare-fail|--benchmark-max-time")
_LATENCY = re.compile(r"latenc|duration|response_time", re.I)
SLO_KINDS = ("SLO", "PrometheusServiceLevel", "ServiceLevelObjective")


def _in_ci(snap: Snapshot, pattern: re.Pattern[str]) -> list[Evidence]:
    return [r.evidence() for r in _ci_reach.search(snap, pattern)]


_ROLLOUT_LATENCY = re.compile(r"request-duration|latency", re.IGNORECASE)


@probe("latency_budget", NoParams)
def latency_budget(snap: Snapshot, p: NoParams) -> Observation:
    """A latency budget is declared and enforced.

    Looks for: k6 `thresholds: {http_req_duration: ['p(95)<…']}`, Artillery
    `ensure: {p95: …}`, Locust percentile checks, `pytest-benchmark
    --benchmark-compare-fail`, a latency SLO (OpenSLO `kind: SLO`, Sloth, Pyrra) or a
    Prometheus alert on a latency quantile. Load-test budgets count fully when CI runs
    them, partially otherwise; SLOs and alerts enforce themselves in production.
    Why: "fast enough" is only testable once it is a number.
    Fix: add a k6 threshold such as `http_req_duration: ['p(95)<300']` and run it in CI.
    """
    slo: list[Evidence] = []
    for obj in k8s_objects(snap, SLO_KINDS)[0]:
        if _LATENCY.search(str(obj.doc)):
            slo.append(obj_ev(obj, text=f"{obj.kind}/{obj.name}: latency objective"))
    for path in snap.yaml_files:
        if base.is_excluded(path):
            continue
        for doc in snap.yaml_docs(path):
            if (
                isinstance(doc, dict)
                and isinstance(doc.get("slos"), list)
                and _LATENCY.search(str(doc["slos"]))
            ):
                slo.append(ev(path, getattr(doc, "line", None), "Sloth SLO on latency"))
    unloaded = unloaded_rule_files(snap)
    idle: list[Evidence] = []
    for rule in snap.monitoring.alerts:
        if (
            not base.is_excluded(rule.path)
            and "quantile" in rule.expr
            and _LATENCY.search(rule.expr)
        ):
            shown = ev(rule.path, rule.line, f"alert: {rule.name}", rule.expr[:80])
            (idle if rule.path in unloaded else slo).append(shown)
    if slo:
        return base.passed("latency objective enforced in production", slo)
    if idle:
        # a budget written as an alert that Prometheus never evaluates (lich2000117/
        # streaming-feature-store alert_rules.yml:9-10, `rule_files` commented out; reviewed)
        return base.partial(
            "a latency alert, but no Prometheus configuration here loads its file", idle
        )
    declared: list[Evidence] = []
    runners: list[re.Pattern[str]] = []
    scripts = base.select_files(snap, ("*.js", "*.ts", "*.mjs"))
    k6 = [ev(path, line, text) for path, line, text in snap.grep(scripts, _K6_BUDGET)]
    if k6:
        declared += k6
        runners.append(
            re.compile(r"\bk6\s+run\b|grafana/(k6-action|setup-k6-action|run-k6-action)")
        )
    yamls = [
        pth
        for pth in base.select_files(snap, ("*.yml", "*.yaml"))
        if "ensure" in (snap.text(pth) or "")
    ]
    art = [
        ev(path, line, text, "artillery ensure")
        for path, line, text in snap.grep(yamls, _ARTILLERY)
    ]
    if art:
        declared += art
        runners.append(re.compile(r"\bartillery\s+run\b"))
    py = base.select_files(snap, ("*.py",))
    loc = [
        ev(path, line, text)
        for path, line, text in snap.grep(py, _LOCUST_CHECK)
        if not text.lstrip().startswith("#")
    ]
    if loc:
        declared += loc
        runners.append(re.compile(r"\blocust\b"))
    configs = base.select_files(
        snap, ("pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini", "Makefile")
    )
    bench = [ev(path, line, text) for path, line, text in snap.grep(configs, _BENCH)]
    ci_bench = _in_ci(snap, _BENCH)
    if ci_bench:
        return base.passed("CI fails on a benchmark regression", ci_bench)
    if bench:
        declared += bench
        runners.append(re.compile(r"\bpytest\b|\btox\b|\bmake\b"))
    if not declared:
        # Flagger's built-in request-duration check holds each rollout to a latency budget
        # (deramos/mlops-k8s-pipeline charts/fraud-api/templates/canary.yaml:22-24
        # `request-duration`, `threshold: 500`; reviewed): at releases, not in between
        gates = [e for e, analysis in flagger_analyses(snap) if _ROLLOUT_LATENCY.search(analysis)]
        if gates:
            return base.partial(
                "a canary analysis holds each rollout to a latency threshold; nothing checks "
                "latency between releases",
                gates,
            )
        return base.failed("no latency budget")
    wired = [e for r in runners for e in _in_ci(snap, r)]
    if wired:
        return base.passed("latency budget checked in CI", declared + wired)
    return base.partial("latency budget declared, but CI does not check it", declared)
