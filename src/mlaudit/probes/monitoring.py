"""Monitoring probes: alert rules, scheduled monitors (drift, quality) and model staleness.

Reads `snap.monitoring` (Prometheus rule files, PrometheusRule objects, Grafana alerting
provisioning, Alertmanager, Grafana dashboards), Terraform alarms, CI schedules, Kubernetes
CronJobs and orchestrator DAGs. Catalogue false positives applied here: a Grafana panel's
`alertThreshold` is display only, not an alert rule; drift code only in (EDA) notebooks is
partial at most.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import Field

from mlaudit.probes import _ci_reach, base
from mlaudit.probes._managed import insights_resources, telemetry
from mlaudit.probes.base import ev
from mlaudit.probes.cloudformation import cdk_calls, cdk_evidence, cfn_resources
from mlaudit.probes.generic import name_matches
from mlaudit.probes.kubernetes import (
    NoParams,
    infra_problems,
    k8s_objects,
    obj_ev,
    template_hits,
    tf_blocks,
    tf_ev,
)
from mlaudit.probes.registry import Params, probe
from mlaudit.repo.parsers.python_src import PythonFacts
from mlaudit.repo.snapshot import Snapshot, derivation_key
from mlaudit.results import Evidence, Observation

ALARM_RESOURCES = (
    "aws_cloudwatch_metric_alarm",
    "aws_cloudwatch_composite_alarm",
    "google_monitoring_alert_policy",
    "azurerm_monitor_metric_alert",
    "azurerm_monitor_scheduled_query_rules_alert*",
    "datadog_monitor",
    "newrelic_alert_condition",
    "newrelic_nrql_alert_condition",
    "grafana_rule_group",
    "aws_sagemaker_monitoring_schedule",
)

CFN_ALARMS = ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm")


def _monitoring_problems(snap: Snapshot) -> list[Evidence]:
    paths = [
        p
        for p in snap.yaml_files
        if p in snap.problems
        and not base.is_excluded(p)
        and re.search(r"rule|alert|prometheus|grafana|monitor", p, re.I)
    ]
    return base.problem_evidence(snap, paths) + infra_problems(snap)


_ALARM_CALLS = derivation_key("monitoring.put_metric_alarm")


def _alarms(path: str, facts: PythonFacts, buckets: tuple[list[Evidence], ...]) -> None:
    buckets[0].extend(
        ev(path, c.line, f"{c.name}(…)")
        for c in facts.calls
        if name_matches(c.name, "*.put_metric_alarm")
    )


def unloaded_rule_files(snap: Snapshot) -> frozenset[str]:
    """Prometheus rule files that no Prometheus configuration of the repository loads, where
    it has one: their rules are never evaluated (lich2000117/streaming-feature-store
    monitoring/prometheus/prometheus.yml:12-13 `# rule_files:` / `#   - "alert_rules.yml"`;
    reviewed). `rule_files` entries are matched by file name (they are paths inside the
    Prometheus container). PrometheusRule objects are loaded by the operator, not by a
    configuration, and Grafana alerts by Grafana."""

    def build() -> frozenset[str]:
        configs = [c for c in snap.monitoring.prometheus if not base.is_excluded(c.path)]
        if not configs:
            return frozenset()
        names = [posixpath.basename(r) for c in configs for r in c.rule_files]
        operator = {o.path for o in snap.k8s_objects if o.kind == "PrometheusRule"}
        files = {r.path for r in snap.monitoring.rules if r.kind != "grafana-alert"} - operator
        return frozenset(
            path
            for path in files
            if not any(fnmatch.fnmatchcase(posixpath.basename(path), n) for n in names)
        )

    return snap.memo(("monitoring.unloaded_rule_files",), build)


def alert_evidence(snap: Snapshot) -> tuple[list[Evidence], list[Evidence]]:
    """(alert definitions, dashboards without alerts); rules of a file no Prometheus
    configuration loads are not definitions (unloaded_alerts)."""
    facts = snap.monitoring
    unloaded = unloaded_rule_files(snap)
    found = [
        ev(r.path, r.line, f"alert: {r.name}", f"group {r.group}" if r.group else None)
        for r in facts.alerts
        if not base.is_excluded(r.path) and r.path not in unloaded
    ]
    found += [
        ev(a.path, a.line, "Alertmanager route", f"receivers: {', '.join(a.receivers)[:80]}")
        for a in facts.alertmanager
        if not base.is_excluded(a.path)
    ]
    found += [
        ev(d.path, None, f"Grafana panel alert: {', '.join(d.alert_panels)[:80]}")
        for d in facts.dashboards
        if d.alert_panels and not base.is_excluded(d.path)
    ]
    found += [tf_ev(snap, b) for b in tf_blocks(snap, *ALARM_RESOURCES)]
    found += [
        ev(r.path, r.line, f"{kind} {r.logical_id}")
        for kind in CFN_ALARMS
        for r in cfn_resources(snap, kind)
        if not base.is_excluded(r.path)
    ]
    found += cdk_evidence(snap, "AWS::CloudWatch::Alarm")
    found += template_hits(snap, re.compile(r"^\s*-?\s*alert:\s*[\w\"'{]"))
    (alarms,) = base.per_file_evidence(
        snap, _ALARM_CALLS, base.python_sources(snap, ("*.py",), scope="non_tests"), _alarms, 1
    )
    found += alarms
    dashboards = [
        ev(d.path, None, f"Grafana dashboard {d.title or ''}".strip())
        for d in facts.dashboards
        if not d.alert_panels and not base.is_excluded(d.path)
    ]
    return found, dashboards


@probe("alert_rules", NoParams)
def alert_rules(snap: Snapshot, p: NoParams) -> Observation:
    """Alert rules are declared, so someone is paged when the service or model misbehaves.

    Looks for: Prometheus `alert:` rules (rule files, `PrometheusRule` objects, Helm
    templates), Grafana alerting rules (provisioning or a legacy panel `alert` with
    conditions), `alertmanager.yml` routes, Terraform alarms
    (`aws_cloudwatch_metric_alarm`, `google_monitoring_alert_policy`, Datadog …) and
    CloudFormation `AWS::CloudWatch::Alarm`s.
    Known false positive: a Grafana panel option such as `alertThreshold` only draws a
    line on a chart; a dashboard without alert rules is not alerting.
    Why: metrics nobody is alerted on are only looked at after the incident.
    Fix: add a PrometheusRule (or CloudWatch alarm) on error rate, latency and model health.
    """
    found, dashboards = alert_evidence(snap)
    if found:
        return base.passed("alert rules declared", found)
    unloaded = unloaded_alerts(snap)
    if unloaded:
        return base.partial(
            "alert rules are written, but no Prometheus configuration here loads their file "
            "(`rule_files`): they are never evaluated",
            unloaded,
        )
    problems = _monitoring_problems(snap)
    if problems:
        return base.unknown(
            "no alert rules found, but some monitoring files could not be parsed", problems
        )
    if dashboards:
        return base.failed(
            "Grafana dashboards, but no alert rules (a panel's alertThreshold is not an alert)",
            dashboards,
        )
    return base.failed("no alert rules")


def unloaded_alerts(snap: Snapshot, about: re.Pattern[str] | None = None) -> list[Evidence]:
    """The alert rules (about `about`, in their name or expression) of files no Prometheus
    configuration loads."""
    unloaded = unloaded_rule_files(snap)
    return [
        ev(r.path, r.line, f"alert: {r.name}", "its file is not in any `rule_files`")
        for r in snap.monitoring.alerts
        if r.path in unloaded
        and not base.is_excluded(r.path)
        and (about is None or about.search(r.name) or about.search(r.expr))
    ]


# MON: model staleness -------------------------------------------------------------------------
# `age_seconds` as a word of a metric's name, not the end of `usage_seconds` (PhucBao1/
# ecommerce-mlops-platform monitoring/prometheus/rules.yml:118 `ContainerHighCPU` on
# `container_cpu_usage_seconds_total`; reviewed)
_STALE = re.compile(
    r"stale|fresh|model_?age|(?<![a-z])age_seconds|model.*(timestamp|trained|updated|last|loaded_at)|"
    r"last_?(train|retrain|update|refresh)|time\(\)\s*-",
    re.I,
)


# the freshness of the features or the data is not the model's age (lich2000117/streaming-
# feature-store alert_rules.yml:280 `StaleFeatures`, `feature_freshness_seconds`; reviewed)
_NOT_THE_MODEL = re.compile(r"feature|data|event|stream|ingest|lag", re.I)
_THE_MODEL = re.compile(r"model|train", re.I)


def _about_model_age(text: str) -> bool:
    if not _STALE.search(text):
        return False
    return not (_NOT_THE_MODEL.search(text) and not _THE_MODEL.search(text))


_AGE_GAUGES = derivation_key("monitoring.model_age_gauges")


def _age_gauges(path: str, facts: PythonFacts, buckets: tuple[list[Evidence], ...]) -> None:
    for c in facts.calls:
        if name_matches(c.name, "prometheus_client.*") or name_matches(c.name, "*.create_gauge"):
            name = c.kwarg("name") or (c.args[0] if c.args else "")
            # a count of registered versions is no age (streaming-feature-store
            # training/mlflow_metrics.py:38 `mlflow_model_versions_total`; reviewed)
            counted = name.strip("'\"").endswith(("_total", "_count"))
            if not counted and (
                _about_model_age(name) or re.search(r"model.*(age|version)", name, re.I)
            ):
                buckets[0].append(ev(path, c.line, f"{c.name}({name})"))


@probe("staleness", NoParams, reads_code=True)
def staleness(snap: Snapshot, p: NoParams) -> Observation:
    """The age of the served model is measured and alerted on (ML Test Score Monitor 4).

    Looks for: an alert rule whose name or expression is about model age/freshness
    (`time() - model_last_trained_timestamp_seconds > …`, `ModelStale`); a model-age
    gauge in code without an alert is partial.
    Why: models silently decay; an old model should page someone, not be found by chance.
    Fix: export a `model_trained_timestamp_seconds` gauge and alert when it is too old.
    """
    unloaded = unloaded_rule_files(snap)
    alerts = [
        ev(r.path, r.line, f"alert: {r.name}", r.expr[:80])
        for r in snap.monitoring.alerts
        if not base.is_excluded(r.path) and _about_model_age(r.name + " " + r.expr)
    ]
    loaded = [e for e in alerts if e.path not in unloaded]
    if loaded:
        return base.passed("model-staleness alert", loaded)
    if alerts:
        return base.partial(
            "a model-staleness alert, but no Prometheus configuration here loads its file",
            alerts,
        )
    (gauges,) = base.per_file_evidence(
        snap, _AGE_GAUGES, base.python_sources(snap, ("*.py",), scope="non_tests"), _age_gauges, 1
    )
    if gauges:
        return base.partial("a model-age metric, but no alert rule on it", gauges)
    return base.failed("no model-age metric or staleness alert")


# MON: scheduled monitors ------------------------------------------------------------------------
ORCHESTRATORS = ("airflow", "prefect", "dagster", "kfp", "flytekit", "metaflow", "zenml", "kedro")
_SCHEDULE_KWARGS = (
    "schedule",
    "schedule_interval",
    "cron",
    "cron_schedule",
    "interval",
    "timetable",
)


class MonitorJobParams(Params):
    calls: list[str] = Field(min_length=1, description="fnmatch patterns of the monitor's API")
    what: str = "monitor"


def _module_names(path: str) -> list[str]:
    parts = path.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return [".".join(parts[i:]) for i in range(len(parts)) if len(parts) - i >= 1 and parts[i:]]


_CRON_KIND = re.compile(r"^kind:\s*(?:CronJob|CronWorkflow)\s*$", re.M)


# a wait between two rounds of a loop, or an in-process scheduler
_INTERVAL_CALLS = (
    "time.sleep",
    "asyncio.sleep",
    "schedule.every",
    "apscheduler.*",
    "*.add_job",
    "threading.Timer",
    # an event waited for with a timeout: the interval unless the service stops
    "asyncio.wait_for",
)


def _launched(snap: Snapshot, path: str) -> list[Evidence]:
    """What starts `path` as a long-running process: a compose service's command or
    entrypoint, or a shipped Dockerfile's CMD or ENTRYPOINT, that names its module or file
    (`python -m src.drift.service`, `uvicorn pkg.monitoring.app:app`)."""
    names = [re.escape(path)] + [re.escape(m) for m in _module_names(path) if "." in m]
    pattern = re.compile(r"(?<![\w.])(?:" + "|".join(names) + r")(?![\w])")
    found = []
    for service in snap.compose_services:
        if base.is_excluded(service.path) or not isinstance(service.doc, dict):
            continue
        for key in ("command", "entrypoint"):
            value = service.doc.get(key)
            text = " ".join(map(str, value)) if isinstance(value, list) else str(value or "")
            if pattern.search(text):
                found.append(
                    ev(
                        service.path,
                        service.line_of(key),
                        f"{service.name}: {text[:80]}",
                        "a service",
                    )
                )
    for dockerfile in base.runtime_dockerfiles(snap):
        parsed = snap.dockerfile(dockerfile)
        for ins in [*parsed.of("CMD"), *parsed.of("ENTRYPOINT")] if parsed else []:
            if pattern.search(ins.args):
                found.append(
                    ev(dockerfile, ins.line, f"{ins.keyword} {ins.args}"[:120], "a service")
                )
    return found


def _service_loops(snap: Snapshot, files: list[str]) -> list[Evidence]:
    """A long-running service that runs the monitor over and over: a module that holds or
    imports the monitor, waits between rounds (`time.sleep(interval)`, `asyncio.sleep`) or
    schedules itself (schedule, APScheduler), and that a compose service or an image starts
    (arbaz-shaik/rul-mlops-pipeline src/drift/service.py:143-151 `while True: … time.sleep(
    settings.drift_check_interval_s)`, run by docker-compose.yml:69; mahadamir19/ids-mlops-
    pipeline src/sentinelml/monitoring/app.py:91-94, an asyncio task every 60 s; both
    reviewed)."""
    from mlaudit.probes.code_roles import code_roles
    from mlaudit.probes.generic import name_matches_any

    roles = code_roles(snap)
    # the modules that hold or import the monitor, at any depth: one walk back along the
    # import edges from the monitor's files, not one walk forward from every module
    importers: dict[str, set[str]] = {}
    for importer, targets in roles.imports.items():
        for target, _line in targets:
            importers.setdefault(target, set()).add(importer)
    related = set(files)
    frontier = list(files)
    while frontier:
        step = {i for f in frontier for i in importers.get(f, ()) if i not in related}
        related |= step
        frontier = sorted(step)
    found: list[Evidence] = []
    for path in sorted(related):
        facts = snap.python(path)
        waits = (
            [c for c in facts.calls if name_matches_any(c.name, _INTERVAL_CALLS)] if facts else []
        )
        if not waits:
            continue
        launchers = _launched(snap, path)
        if launchers:
            found.append(ev(path, waits[0].line, f"{waits[0].name}(…)", "runs in a loop"))
            found.extend(launchers[:2])
    return found


def _scheduled_runs(
    snap: Snapshot, files: Iterable[str], left: list[Evidence] | None = None
) -> list[Evidence]:
    """What runs the monitor's `files` on a schedule; CronJobs the delivery leaves out (see
    _applied) are added to `left` instead."""
    from mlaudit.probes._applied import left_out

    files = list(files)
    if not files:
        return []
    names: set[str] = set()
    for path in files:
        names.add(re.escape(path))
        names.update(re.escape(m) for m in _module_names(path) if "." in m)
        names.add(r"\b" + re.escape(path.rsplit("/", 1)[-1]))
    pattern = re.compile("|".join(sorted(names)))
    found = [r.evidence() for r in _ci_reach.search(snap, pattern, triggers={"schedule"})]
    # Kubernetes CronJobs / Argo CronWorkflows whose command mentions the script or module
    for obj in k8s_objects(snap, ("CronJob", "CronWorkflow"))[0]:
        if pattern.search(str(obj.doc)):
            sibling = left_out(snap, obj.path)
            if sibling is None:
                found.append(obj_ev(obj, text=f"{obj.kind}/{obj.name} runs it on a schedule"))
            elif left is not None:
                left.append(obj_ev(obj, text=f"{obj.kind}/{obj.name}, never applied by CI"))
                left.append(sibling.model_copy(update={"note": "CI applies its siblings by name"}))
    # ... and Helm templates of CronJobs, read as text (ai-art-dev99/mlops-capstone
    # deploy/helm/app/templates/drift-cronjob.yaml; reviewed)
    for path in snap.helm_templates:
        if base.is_excluded(path):
            continue
        text = snap.text(path) or ""
        kind = _CRON_KIND.search(text)
        if kind and pattern.search(text):
            line = text.count("\n", 0, kind.start()) + 1
            found.append(ev(path, line, "kind: CronJob", "a Helm CronJob runs it on a schedule"))
    found += _service_loops(snap, files)
    # ... a task of a scheduled Databricks job, running the monitor's file or a file that
    # imports it
    from mlaudit.probes.code_roles import code_roles
    from mlaudit.probes.databricks import scheduled_task_files

    wanted = set(files)
    imports = code_roles(snap).imports
    found += [
        shown
        for path, shown in scheduled_task_files(snap)
        if path in wanted or any(target in wanted for target, _ in imports.get(path, []))
    ]
    # orchestrator code that contains or imports the monitor and declares a schedule
    modules = {m for path in files for m in _module_names(path) if "." in m or "/" not in path}
    for path in base.python_sources(snap, ("*.py",), scope="non_tests"):
        facts = snap.python(path)
        if facts is None or not any(
            i.module == o or i.module.startswith(o + ".")
            for i in facts.imports
            for o in ORCHESTRATORS
        ):
            continue
        # ... or that runs its script as a task's command (`DockerOperator(command="python
        # /opt/workspace/monitoring/evidently/drift_detector.py")`: ecommerce-mlops-platform
        # airflow/dags/ecommerce_pipeline.py:193-197; reviewed)
        related = (
            path in files
            or any(
                i.module in modules or any(i.module.startswith(m + ".") for m in modules)
                for i in facts.imports
            )
            or any(pattern.search(text) for text, _line in facts.strings)
        )
        if not related:
            continue
        for c in list(facts.calls) + list(facts.decorators):
            kw = next((k for k in _SCHEDULE_KWARGS if c.kwarg(k) not in (None, "None")), None)
            if kw or name_matches(c.name, "*schedule*") or name_matches(c.name, "*Cron*"):
                found.append(ev(path, c.line, f"{c.name}({kw or ''}…)", "orchestrator schedule"))
                break
    return found


@probe("monitor_job", MonitorJobParams)
def monitor_job(snap: Snapshot, p: MonitorJobParams) -> Observation:
    """A monitor (drift, model quality) runs on a schedule, not only by hand.

    Looks for: calls to the monitor's API (`calls`) in production code, then something
    that runs that code on a schedule — a scheduled CI job (directly or through
    make/tox/scripts), a Kubernetes CronJob / Argo CronWorkflow naming it, an orchestrator
    DAG with a schedule that contains or imports it, or a SageMaker
    `create_monitoring_schedule`. Declared but not scheduled → partial; only in notebooks
    (exploratory analysis) → partial at most.
    Why: a drift report nobody runs detects nothing (ML Test Score Monitor 2–3, 7).
    Fix: run the monitor from a scheduled workflow (cron) or an orchestrator schedule.
    """
    paths = base.python_sources(snap, scope="non_tests")
    declared: list[Evidence] = []
    files: list[str] = []
    notebooks: list[Evidence] = []
    wanted = tuple(p.calls)
    # the calls each file makes to the monitor are derived once per content; rule lib is
    # applied here, at every snapshot
    for path, calls in base.calls_of(snap, paths, wanted):
        hits = [c for c in calls if not base.is_own_module(snap, c.name)]
        if not hits:
            continue
        if base.is_notebook(path):
            line, note = base.notebook_line_note(snap, path, hits[0].line)
            notebooks.append(ev(path, line, f"{hits[0].name}(…)", note))
            continue
        files.append(path)
        declared.append(ev(path, hits[0].line, f"{hits[0].name}(…)"))
        facts = snap.python(path)
        for c in facts.calls if facts else ():
            if name_matches(c.name, "*.create_monitoring_schedule"):
                return base.passed(
                    f"{p.what} scheduled (SageMaker monitoring schedule)",
                    [ev(path, c.line, f"{c.name}(…)")],
                )
    if not declared:
        if notebooks:
            return base.partial(
                f"{p.what} only in notebooks (exploratory, not scheduled)", notebooks
            )
        # a broken file whose text names none of the monitor's calls cannot hide one
        problems = base.problem_evidence(snap, paths, base.name_tokens(p.calls))
        if problems:
            return base.unknown(f"no {p.what} found, but some files could not be parsed", problems)
        return base.failed(f"no {p.what}")
    left: list[Evidence] = []
    runs = _scheduled_runs(snap, files, left)
    if runs:
        return base.passed(f"{p.what} runs on a schedule", declared + runs)
    if left:
        return base.partial(
            f"{p.what} declared with a CronJob that the CI delivery leaves out: it applies the "
            "manifests beside it by name, not this one",
            declared + left,
        )
    return base.partial(f"{p.what} declared, but nothing runs it on a schedule", declared)


# drift compared by hand --------------------------------------------------------------------------
class HandwrittenDriftParams(Params):
    scheduled: bool = Field(
        default=False, description="count only modules that a schedule runs (a cron job, a DAG)"
    )


_DRIFT_MODULE = re.compile(r"drift", re.IGNORECASE)


def _handwritten_drift_modules(snap: Snapshot) -> list[Evidence]:
    """The project's own production modules named for drift that hold code (a function, or
    calls at the top level): drift computed without a drift library. Under rule lib the
    package the repository publishes is left out: a drift tool's own modules are its
    product (evidentlyai/evidently)."""
    from mlaudit.probes.training import project_code

    own, _library = project_code(snap)
    found = []
    for path in own:
        if base.is_notebook(path) or not path.endswith(".py"):
            continue
        facts = snap.python(path)
        if facts is None:
            continue
        if _DRIFT_MODULE.search(path.rsplit("/", 1)[-1]) and (facts.functions or facts.calls):
            first = facts.functions[0][1] if facts.functions else facts.calls[0].line
            found.append(ev(path, first, None, "drift computed by the project's own code"))
            continue
        # ... or a module of another name that defines a function computing drift
        # (KubaCzech/credit-risk-mlops src/ml/monitoring.py:94 `def compute_psi`, served at
        # /monitoring/drift; reviewed)
        statistic = next(
            (
                (line, f"def {name}")
                for name, line in facts.functions
                if _DRIFT_STATISTIC.search(name.rpartition(".")[2])
            ),
            None,
        )
        if statistic is not None:
            found.append(ev(path, statistic[0], statistic[1], "a drift statistic of the project's"))
    return found


# a function that computes drift or the population stability index, by its name; a
# divergence is also a loss or a calibration (CCRI-POPROX/poprox-recommender diversifiers/
# calibration.py:63 `compute_kl_divergence`; reviewed), a Kolmogorov-Smirnov statistic a
# credit model's metric, `simulate_drift` a demo's data and `bar_to_psi` a pressure
_DRIFT_STATISTIC = re.compile(
    r"^(?:(?:compute|calculate|calc|detect|check|measure|get|evaluate|monitor)_(?:\w+_)?"
    r"(?:psi|drift|population_stability(?:_index)?)|psi|population_stability_index)$",
    re.IGNORECASE,
)


@probe("handwritten_drift", HandwrittenDriftParams, reads_code=True)
def handwritten_drift(snap: Snapshot, p: HandwrittenDriftParams) -> Observation:
    """A drift check the project wrote itself: a production module named for drift
    (`monitoring/drift_job.py`, `detect_drift.py`) that holds code, with no drift library;
    with `scheduled`, only one that a scheduled CI job, a Kubernetes CronJob or an
    orchestrator schedule runs. The rubric grades it partial at most: whether it compares
    the right distributions well cannot be read from its name (ai-art-dev99/mlops-capstone
    monitoring/drift_job.py:28-57, category frequencies against a training baseline, run
    nightly by deploy/k8s/drift-cronjob.yaml; reviewed).
    Why: a drift check helps only if it exists, and only when it runs by itself.
    Fix: compute drift with a library (Evidently, NannyML, alibi-detect) from a scheduled job.
    """
    modules = _handwritten_drift_modules(snap)
    if not modules:
        return base.failed("no module of the project computes drift")
    if not p.scheduled:
        return base.passed("a module of the project computes drift", modules)
    runs = _scheduled_runs(snap, [e.path for e in modules])
    if runs:
        return base.passed("the project's own drift check runs on a schedule", modules + runs)
    return base.failed("the project's own drift check is run by no schedule", modules)


# SageMaker Model Monitor declared as infrastructure code -------------------------------------------
_MONITORING_TYPES = ("DataQuality", "ModelQuality", "ModelBias", "ModelExplainability")


class MonitoringScheduleParams(Params):
    types: list[Literal["DataQuality", "ModelQuality", "ModelBias", "ModelExplainability"]] = Field(
        min_length=1, description="monitoring types that count"
    )
    what: str = "monitor"


def _first_block(value: Any) -> dict[str, Any]:
    """A Terraform nested block (one mapping, or a list of them) as its first mapping."""
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, dict) else {}


def monitoring_schedules(snap: Snapshot) -> list[tuple[str, bool, Evidence]]:
    """(monitoring type, has a schedule expression, evidence) of every SageMaker monitoring
    schedule a CloudFormation template or Terraform declares. An inline
    `MonitoringJobDefinition` without a `MonitoringType` is the original data-quality form
    (statistics and constraints baselines compared with captured endpoint data)."""
    found: list[tuple[str, bool, Evidence]] = []
    for res in cfn_resources(snap, "AWS::SageMaker::MonitoringSchedule"):
        config = res.properties.get("MonitoringScheduleConfig")
        config = config if isinstance(config, dict) else {}
        kind = str(config.get("MonitoringType") or "DataQuality")
        schedule = config.get("ScheduleConfig")
        timed = isinstance(schedule, dict) and bool(schedule.get("ScheduleExpression"))
        shown = f"AWS::SageMaker::MonitoringSchedule {res.logical_id} ({kind})"
        found.append((kind, timed, ev(res.path, res.line, shown)))
    for path, call in cdk_calls(snap, "AWS::SageMaker::MonitoringSchedule"):
        facts = snap.python(path)
        calls = facts.calls if facts else ()
        kinds = [
            c.kwarg("monitoring_type") or "" for c in calls if c.name.endswith("ConfigProperty")
        ]
        kind = next((k.strip("'\"") for k in kinds if k and k != "<expr>"), "DataQuality")
        timed = any(
            c.name.endswith(".ScheduleConfigProperty") and c.kwarg("schedule_expression")
            for c in calls
        )
        shown = f"{call.name}(…) ({kind})"
        found.append((kind, timed, ev(path, call.line, shown, "AWS CDK")))
    for block in tf_blocks(snap, "aws_sagemaker_monitoring_schedule"):
        if block.type != "resource":
            continue
        config = _first_block(block.body.get("monitoring_schedule_config"))
        kind = str(config.get("monitoring_type") or "DataQuality")
        timed = bool(_first_block(config.get("schedule_config")).get("schedule_expression"))
        found.append((kind, timed, tf_ev(snap, block, text=f"{block.address} ({kind})")))
    return [f for f in found if not base.is_test_path(f[2].path)]


@probe("monitoring_schedule", MonitoringScheduleParams)
def monitoring_schedule(snap: Snapshot, p: MonitoringScheduleParams) -> Observation:
    """SageMaker Model Monitor runs on a schedule, declared as infrastructure code.

    Looks for: a CloudFormation `AWS::SageMaker::MonitoringSchedule` or a Terraform
    `aws_sagemaker_monitoring_schedule` of one of the `types` (DataQuality compares
    captured endpoint data with a training baseline: drift; ModelQuality compares
    predictions with ground truth) with a `ScheduleExpression`.
    Known false positive: a schedule of another type (a bias monitor is not a drift check).
    Why: a monitor the platform runs hourly needs no one to remember it.
    Fix: declare an `AWS::SageMaker::MonitoringSchedule` with a `ScheduleConfig`.
    """
    mine = [(timed, e) for kind, timed, e in monitoring_schedules(snap) if kind in p.types]
    timed = [e for on_time, e in mine if on_time]
    if timed:
        return base.passed(f"{p.what} scheduled (SageMaker monitoring schedule)", timed)
    if mine:
        return base.partial(
            f"a SageMaker {p.what} is declared without a schedule expression",
            [e for _, e in mine],
        )
    return base.failed(f"no SageMaker monitoring schedule for {', '.join(p.types)}")


# service telemetry on managed platforms -----------------------------------------------------------
@probe("managed_telemetry", NoParams)
def managed_telemetry(snap: Snapshot, p: NoParams) -> Observation:
    """A managed ML endpoint collects service telemetry because the project switched it on.

    Looks for: Azure ML `appInsightsEnabled: true` in a deployment config (v2:
    `app_insights_enabled: true`), `deploy_configuration(enable_app_insights=True)`, an
    Application Insights resource (ARM/Bicep `Microsoft.Insights/components`, Terraform
    `azurerm_application_insights`); SageMaker `DataCaptureConfig`; Vertex AI
    `enable_request_response_logging=True`. A platform SDK merely imported does not count.
    Why: a managed endpoint is still a service whose requests, latency and errors must be
    observable (ML Test Score Monitor 6).
    Fix: set `appInsightsEnabled: true` (Azure ML), enable data capture (SageMaker) or
    request-response logging (Vertex AI) on the deployment.
    """
    found = telemetry(snap)
    if found:
        return base.passed("the managed endpoint's telemetry is switched on", found)
    resources = insights_resources(snap)
    if resources:
        return base.partial(
            "an Application Insights resource exists (an Azure ML workspace needs one), but "
            "no deployment sends its telemetry there (`app_insights_enabled: true`)",
            resources,
        )
    return base.failed("no managed-endpoint telemetry (Application Insights, data capture)")
