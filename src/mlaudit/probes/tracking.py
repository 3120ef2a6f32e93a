"""Experiment-tracking probes (quality #2): where runs are recorded, and whether the code
version travels with them. The plain "tracker is called" signals are composed in YAML."""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from mlaudit.probes import _mlfacts as mf
from mlaudit.probes import base, words
from mlaudit.probes._hydra import hydra_config
from mlaudit.probes.base import ev
from mlaudit.probes.generic import _check_regex, bound_call_names, name_matches, name_matches_any
from mlaudit.probes.registry import Params, probe
from mlaudit.repo.parsers.python_src import Call, PythonFacts
from mlaudit.repo.parsers.yaml_docs import as_list, key_line
from mlaudit.repo.snapshot import Snapshot, derivation_key
from mlaudit.results import Evidence, Observation

# Trackers that are hosted services by default (a run goes to a shared server unless
# explicitly switched to offline mode).
HOSTED_TRACKERS = (
    "wandb.init",
    "neptune.init_run",
    "neptune.init",
    "neptune.init_model_version",
    "comet_ml.Experiment",
    "comet_ml.start",
    "clearml.Task.init",
    # Lightning's loggers for the same services (Lightning-AI/litgpt litgpt/utils.py:580)
    "*.WandbLogger",
    "*.NeptuneLogger",
    "*.CometLogger",
    # their callbacks for Optuna and 🤗 (optuna/optuna-examples comet/comet_integration.py:49)
    "*.CometCallback",
    "*.NeptuneCallback",
)
# Managed ML platforms' run logging: metrics go to the platform workspace, shared by the team
# (Azure ML `Run.get_context().log`, SageMaker Experiments, Vertex AI Experiments).
PLATFORM_RUN_LOGGING = (
    "azureml.core.*Run.get_context().log*",
    "azureml.core.*Run.get_context().parent.log*",
    "azureml.core.*Experiment().start_logging",
    # a SageMaker Experiments run is recorded by the service when it is created
    "sagemaker.experiments.*Run",
    "sagemaker.experiments.*load_run",
    "google.cloud.aiplatform.log_metrics",
    "google.cloud.aiplatform.log_params",
    "google.cloud.aiplatform.log_time_series_metrics",
    "google.cloud.aiplatform.start_run",
)
# Trackers that record the git commit of the run by themselves when launched from a
# git checkout (MLflow tag mlflow.source.git.commit, W&B/ClearML/Neptune git state).
AUTO_GIT_TRACKERS = (
    "mlflow.start_run",
    "mlflow.autolog",
    "mlflow.*.autolog",
    "mlflow.log_*",
    "*.MLflowLoggerCallback",
    "*.MLFlowLogger",
    "wandb.init",
    "*.WandbLogger",
    "*.WandbLoggerCallback",
    "clearml.Task.init",
    "neptune.init_run",
    "neptune.init",
    "comet_ml.Experiment",
    "dvclive.Live",
    # Azure ML records the git commit of runs submitted from a git checkout
    "azureml.core.*Run.get_context",
)
_REMOTE_URI = re.compile(r"^'(https?://|databricks|postgres|postgresql|mysql|mssql|azureml)")
# a server on the machine that trains (a tutorial's `mlflow ui`) is as local as a folder
_LOOPBACK_URI = re.compile(
    r"^'https?://(?:localhost|127\.[\d.]+|0\.0\.0\.0|\[::1\])(?=[:/']|$)", re.I
)
_LOCAL_URI = re.compile(r"^'(file:|sqlite:|\.|/|mlruns)|^'[\w-]+'$")
# ... also set from Python: `os.environ["MLFLOW_TRACKING_URI"] = "http://mlflow:5000"` in each
# task of a DAG (skywalker-89/customer-churn-mlops dags/model_training_dag.py:33; reviewed),
# `os.environ.setdefault("MLFLOW_TRACKING_URI", …)`
_ENV_URI = re.compile(
    r"MLFLOW_TRACKING_URI(?:['\"]\]\s*=|\s*[:=])\s*['\"]?([^'\"\s)]+)"
    r"|(?:setdefault|putenv)\(\s*['\"]MLFLOW_TRACKING_URI['\"]\s*,\s*['\"]?([^'\"\s)]+)"
)
# YAML configs: Hydra logger configs (`tracking_uri:`), kedro-mlflow `mlflow_tracking_uri:`,
# and hosted-tracker loggers Hydra instantiates (`_target_: …WandbLogger`)
_YAML_URI = re.compile(r"^\s*(?:mlflow_)?tracking_uri:\s*['\"]?([^'\"\s#]+)")
_YAML_HOSTED = re.compile(
    r"^\s*_target_:\s*['\"]?[\w.]*\.(WandbLogger|NeptuneLogger|CometLogger)\b"
)
_YAML_OFFLINE = re.compile(r"^\s*(offline:\s*(true|True|yes)|mode:\s*['\"]?(offline|disabled))\b")


class NoParams(Params):
    pass


def _code(snap: Snapshot) -> list[str]:
    return base.python_sources(snap, scope="non_tests")


class HydraTargetsParams(Params):
    targets: str = Field(description="regex over the class a `_target_:` names, e.g. WandbLogger")
    globs: list[str] = ["*.yaml", "*.yml"]

    _v = field_validator("targets")(_check_regex)


_TARGET_LINE = re.compile(r"""^\s*_target_:\s*["']?([\w.]+)["']?\s*(?:#.*)?$""")


@probe("hydra_targets", HydraTargetsParams)
def hydra_targets(snap: Snapshot, p: HydraTargetsParams) -> Observation:
    """A configuration instantiates one of the given classes (`_target_: …WandbLogger`), in a
    config that is used.

    Looks for: `_target_:` lines of YAML files whose class matches `targets` (Hydra builds
    the object as a call in code would). One in an option of a Hydra config group that no
    committed config or command selects (`configs/logger/wandb.yaml` under `- logger:
    null`: ashleve/lightning-hydra-template configs/train.yaml:10) is offered, not used:
    partial; the `_target_` of a used config (or of YAML outside any Hydra config folder)
    passes.
    Why: a tracker configured only as an option nobody selects records no run.
    Fix: select the option in the defaults list (`- logger: wandb`) or in the committed
    command that runs training (`python train.py logger=wandb`).
    """
    wanted = re.compile(p.targets)
    hydra = hydra_config(snap)
    used: list[Evidence] = []
    offered: list[Evidence] = []
    for path, line, text in snap.grep(base.select_files(snap, p.globs), _TARGET_LINE):
        target = _TARGET_LINE.match(text)
        if target is None or not wanted.search(target.group(1)):
            continue
        if hydra.unselected(path):
            offered.append(ev(path, line, text.strip(), hydra.why(path)))
        else:
            used.append(ev(path, line, text.strip()))
    if used:
        return base.passed(words.found_phrase(used), used)
    if offered:
        return base.partial(
            f"only in Hydra options that no committed config or command selects ({len(offered)})",
            offered,
        )
    return base.failed("no configuration instantiates one of these classes")


_TRACKING_SERVER = derivation_key("shared_tracking_server")


_CONSTANT = "a constant of the project"


def _uri_name(call: Call) -> str | None:
    return next((call.name_arg(k) for k in ("0", "uri", "tracking_uri") if call.name_arg(k)), None)


def _same_file_constant(facts: PythonFacts, call: Call) -> str | None:
    """The literal a module-level name of the same file holds, assigned once."""
    name = _uri_name(call)
    if not name or "." in name:
        return None
    found = [a for a in facts.assignments if a.target == name]
    values = {a.value for a in found}
    value = values.pop() if len(values) == 1 else None
    if value == "<expr>":
        return _local_template(facts, {a.line for a in found})
    return value or None


def _local_template(facts: PythonFacts, lines: set[int]) -> str | None:
    """A local store an f-string assigned on one of `lines` names by its literal start
    (`TRACKING_URI = f"sqlite:///{REPO_ROOT / 'mlflow.db'}"`: ompat5/Volatility-Forecasting-
    MLOps scripts/train.py:13; KubaCzech/credit-risk-mlops src/ml/config.py:17; reviewed),
    as a quoted literal; None for anything else."""
    templates = [t for t, line in facts.templates if line in lines]
    if len(templates) == 1 and templates[0].startswith(("sqlite:", "file:")):
        return "'" + templates[0].replace("{}", "…") + "'"
    return None


def _imported_constant_name(call: Call) -> str | None:
    """`pkg.config.MLFLOW_TRACKING_URI`: a module-level name of another module the call
    passes as its URI (not an attribute of an object: `self.uri`, `cfg.uri`)."""
    name = _uri_name(call)
    if not name or name.count(".") < 1 or name.startswith(("self.", "os.", "cls.")):
        return None
    return name if name.rsplit(".", 1)[-1].isupper() else None


def _module_files(snap: Snapshot, module: str) -> list[str]:
    """The files that may hold `module`: at the root, or under a source folder (`src/`)."""
    stem = module.replace(".", "/")
    wanted = (stem + ".py", stem + "/__init__.py")
    suffixes = tuple("/" + w for w in wanted)
    found = [path for path in snap.files if path in wanted or path.endswith(suffixes)]
    return sorted(found, key=lambda path: (path.count("/"), path))


def _resolve_constants(
    snap: Snapshot, computed: list[Evidence], remote: list[Evidence], local: list[Evidence]
) -> list[Evidence]:
    """Computed URIs that are constants of another module of the project, read there: a
    local store or a server on this machine is local (adrianmarchramon/fraud-mlops-pipeline
    src/models/train.py:430 `set_tracking_uri(MLFLOW_TRACKING_URI)`, src/config.py:24
    `"sqlite:///mlflow.db"`; reviewed), a server URL is shared; anything else stays computed."""
    from mlaudit.probes.code_roles import resolve_relative

    kept = []
    for item in computed:
        if item.note != _CONSTANT or not item.snippet:
            kept.append(item)
            continue
        name = item.snippet[item.snippet.index("(") + 1 : -1]
        module, attr = name.rsplit(".", 1)
        value = None
        relative = resolve_relative(item.path, module, snap.file_set)
        for path in [relative] if relative else _module_files(snap, module):
            facts = snap.python(path)
            found = [a for a in facts.assignments if a.target == attr] if facts else []
            values = {a.value for a in found}
            if len(values) == 1:
                value = values.pop()
                if value == "<expr>" and facts is not None:
                    value = _local_template(facts, {a.line for a in found}) or value
                break
        shown = ev(item.path, item.line, f"{item.snippet[: item.snippet.index('(')]}({value})")
        if value is None or value == "<expr>":
            kept.append(ev(item.path, item.line, item.snippet))
        elif _LOOPBACK_URI.match(value):
            local.append(shown.model_copy(update={"note": f"{attr}: a server on this machine"}))
        elif _REMOTE_URI.match(value):
            remote.append(shown.model_copy(update={"note": attr}))
        elif _LOCAL_URI.match(value):
            local.append(shown.model_copy(update={"note": f"{attr}: a local store"}))
        else:
            kept.append(ev(item.path, item.line, item.snippet))
    return kept


def _field_default(facts: PythonFacts, call: Call) -> str | None:
    """The literal default of the attribute a call passes as its URI, when it is a field of
    a class in the same file (`set_tracking_uri(uri=self.tracking_uri)` with
    `tracking_uri: str = "./mlruns"`: fmind/mlops-python-package io/services.py:174,197).
    A config may still override it; none committed says otherwise when this is consulted."""
    name = next((call.name_arg(k) for k in ("0", "uri", "tracking_uri") if call.name_arg(k)), None)
    if not name or not name.startswith("self.") or name.count(".") != 1:
        return None
    field_name = name.removeprefix("self.")
    values = {a.value for a in facts.assignments if a.target == field_name}
    if len(values) != 1:
        return None
    value = values.pop()
    return value if value != "<expr>" else None


# a managed MLflow server declared as infrastructure (aws-samples/amazon-sagemaker-from-idea-to-
# production cfn-templates/sagemaker-domain.yaml:1329 `Type: AWS::SageMaker::MlflowTrackingServer`,
# its runs pointed at it by ARN; reviewed)
_DECLARED_SERVER = re.compile(
    r"AWS::SageMaker::MlflowTrackingServer\b|\bresource\s+\"aws_sagemaker_mlflow_tracking_server\""
)


# a SageMaker job or Step Functions step started with an experiment_config is recorded by the
# service as a trial component of SageMaker Experiments, as TRK001 counts it
# (aws-samples/amazon-sagemaker-safe-deployment-pipeline model/run_pipeline.py:158, reviewed)
_EXPERIMENT_JOBS = ("sagemaker.*", "stepfunctions.steps.*")
_SM_EXP = "SageMaker Experiments (managed)"


@probe("shared_tracking_server", NoParams, reads_code=True)
def shared_tracking_server(snap: Snapshot, p: NoParams) -> Observation:
    """Runs are logged to a shared tracking server, not to a folder on one machine.

    Looks for: `mlflow.set_tracking_uri("http…")` (or databricks / a database URI);
    `MLFLOW_TRACKING_URI` set to a server in CI, Kubernetes, compose, Dockerfiles or env
    templates; `tracking_uri:` in YAML configs (Hydra loggers, kedro-mlflow); hosted
    trackers (W&B `wandb.init`, Neptune, Comet, ClearML, or their Lightning loggers in a
    Hydra config) unless run in offline mode; managed platforms' run logging (Azure ML
    `Run.get_context().log`, SageMaker Experiments — also a job started with an
    `experiment_config` — Vertex AI Experiments), which records to the team's workspace;
    MLflow called by code that Databricks jobs declared in the repository run (a bundle or
    a dbx deployment file), which logs to the workspace's server. A URI computed at run
    time is partial, unless the repository declares
    the managed server it names as infrastructure (a CloudFormation
    `AWS::SageMaker::MlflowTrackingServer`, its Terraform resource). A committed `mlruns/` folder, a
    `file:`/`sqlite:` URI or a server on the loopback address (`http://127.0.0.1:5000`, a
    tutorial's `mlflow ui`, a Compose service running `mlflow ui`) is local-only and does
    not count; a server named by MLFLOW_TRACKING_URI while the code sets a local URI with
    `mlflow.set_tracking_uri` (which wins over the variable) is partial.
    Why: results on one laptop cannot be compared or audited by the team (GCP level 1
    "ML metadata store").
    Fix: run an MLflow tracking server (or use a hosted tracker) and set
    `MLFLOW_TRACKING_URI` in the training environment.
    """

    def scan_file(path: str, facts: PythonFacts, buckets: tuple[list[Evidence], ...]) -> None:
        remote, notebook_hits, computed, local = buckets
        hits: list[Evidence] = []
        for call, name in bound_call_names(facts):
            if name != call.name and name_matches_any(name, PLATFORM_RUN_LOGGING):
                line, note = base.notebook_line_note(snap, path, call.line)
                hits.append(ev(path, line, f"{name}(…)", note or "managed platform workspace"))
        for call in facts.calls:
            line, note = base.notebook_line_note(snap, path, call.line)
            if name_matches_any(call.name, PLATFORM_RUN_LOGGING):
                hits.append(ev(path, line, f"{call.name}(…)", note or "managed platform workspace"))
            elif call.kwarg("experiment_config") is not None and name_matches_any(
                call.name, _EXPERIMENT_JOBS
            ):
                hits.append(ev(path, line, f"{call.name}(experiment_config=…)", note or _SM_EXP))
            elif name_matches(call.name, "mlflow.set_tracking_uri") or name_matches(
                call.name, "mlflow.*MlflowClient"
            ):
                uri = call.args[0] if call.args else call.kwarg("tracking_uri") or call.kwarg("uri")
                if uri is None:
                    continue
                if uri == "<expr>":
                    uri = _field_default(facts, call) or _same_file_constant(facts, call) or uri
                if uri == "<expr>" and (constant := _imported_constant_name(call)):
                    # decided below, where another module may be read
                    computed.append(ev(path, line, f"{call.name}({constant})", note or _CONSTANT))
                    continue
                if _LOOPBACK_URI.match(uri):
                    local.append(ev(path, line, f"{call.name}({uri})", "server on this machine"))
                elif _REMOTE_URI.match(uri):
                    hits.append(ev(path, line, f"{call.name}({uri})", note))
                elif uri == "<expr>":
                    computed.append(ev(path, line, f"{call.name}(<expr>)", note))
                elif _LOCAL_URI.match(uri):
                    local.append(ev(path, line, f"{call.name}({uri})", "local store"))
            elif name_matches(call.name, "dagshub.init") and call.kwarg("mlflow") == "True":
                # DagsHub points MLflow at the repository's hosted server
                # (SudipModak/customer-churn-mlops src/.../model_evaluation.py:20-24; reviewed)
                hits.append(ev(path, line, f"{call.name}(mlflow=True)", note or "hosted tracker"))
            elif name_matches_any(call.name, tuple(HOSTED_TRACKERS)):
                mode = call.kwarg("mode") or ""
                offline = call.kwarg("offline") or ""
                if "offline" in mode or "disabled" in mode or offline == "True":
                    local.append(ev(path, line, f"{call.name}(mode={mode})", "offline mode"))
                else:
                    hits.append(ev(path, line, f"{call.name}(…)", note or "hosted tracker"))
        if base.is_notebook(path):
            notebook_hits.extend(hits)
        else:
            remote.extend(hits)

    remote, notebook_hits, computed, local = base.per_file_evidence(
        snap, _TRACKING_SERVER, _code(snap), scan_file, 4
    )
    computed = _resolve_constants(snap, computed, remote, local)
    config = base.select_files(
        snap,
        [
            "*.yml",
            "*.yaml",
            "Dockerfile*",
            "*.env",
            ".env.*",
            "*.env.example",
            "*.sh",
            "*.cfg",
            "*.toml",
            "*.py",
            "Makefile",
        ],
    )
    for path, line, text in snap.grep(config, _ENV_URI):
        if text.lstrip().startswith("#") or (path.endswith(".py") and base.is_test_path(path)):
            continue  # (a test's `monkeypatch.setenv` points at a fake server)
        value = _ENV_URI.search(text)
        shown = (value.group(1) or value.group(2) or "") if value else ""
        if shown.startswith(("file:", "sqlite:", "./", "mlruns")):
            local.append(ev(path, line, text, "local store"))
        elif _LOOPBACK_URI.match("'" + shown):
            local.append(ev(path, line, text, "server on this machine"))
        elif (viewer := _compose_viewer(snap, path, shown)) is not None:
            local.append(ev(path, line, text, viewer))
        elif _REMOTE_URI.match("'" + shown) or (shown.startswith("$") and not path.endswith(".py")):
            # a server URL, or (outside Python) a value injected from CI secrets/variables
            remote.append(ev(path, line, text))
    hydra = hydra_config(snap)
    offered: list[Evidence] = []  # hosted trackers of Hydra options nothing selects
    for path in base.select_files(snap, ["*.yml", "*.yaml"]):
        lines = snap.lines(path)
        if hydra.unselected(path):
            offered.extend(
                ev(path, number, text.strip(), hydra.why(path))
                for number, text in enumerate(lines, start=1)
                if _YAML_HOSTED.match(text)
            )
            continue
        yaml_offline = any(_YAML_OFFLINE.match(text) for text in lines)
        for number, text in enumerate(lines, start=1):
            uri_match = _YAML_URI.match(text)
            if uri_match:
                configured = uri_match.group(1)
                if _LOOPBACK_URI.match("'" + configured):
                    local.append(ev(path, number, text.strip(), "server on this machine"))
                elif _REMOTE_URI.match("'" + configured):
                    remote.append(ev(path, number, text.strip()))
                elif re.fullmatch(r"\$\{[^}]*\}", configured) or configured.startswith("${oc.env"):
                    computed.append(ev(path, number, text.strip(), "from the environment"))
                elif configured not in ("null", "~", "None"):
                    local.append(ev(path, number, text.strip(), "local store"))
            elif _YAML_HOSTED.match(text):
                if yaml_offline:
                    local.append(ev(path, number, text.strip(), "offline mode"))
                else:
                    remote.append(ev(path, number, text.strip(), "hosted tracker"))
    mlruns = [f for f in snap.files if f.startswith("mlruns/") or "/mlruns/" in f]
    if mlruns:
        local.append(ev(mlruns[0], note=f"committed mlruns/ ({len(mlruns)} files): local store"))
    overridden = _overridden_by_code(snap, remote, local, computed)
    if overridden:
        return base.partial(
            "MLFLOW_TRACKING_URI names a server, but the code sets a local tracking URI, "
            "which takes precedence over the variable",
            overridden,
        )
    if remote:
        return base.passed("runs go to a shared tracking server", remote)
    if not local:
        workspace = _databricks_workspace_runs(snap)
        if workspace:
            return base.passed(
                "MLflow runs of the Databricks jobs the repository declares go to the "
                "workspace's tracking server",
                workspace,
            )
    computed_in_code = [e for e in computed if not base.is_notebook(e.path)]
    if computed_in_code:
        # a URI computed at run time, and the server it names declared as infrastructure (in
        # notebooks only, rule nb keeps it partial)
        declared = [
            ev(path, line, text.strip()[:120], "managed tracking server")
            for path, line, text in snap.grep(
                base.select_files(snap, ["*.yaml", "*.yml", "*.json", "*.tf", "*.template"]),
                _DECLARED_SERVER,
            )
        ]
        if declared:
            return base.passed(
                "runs point at a tracking server the repository declares as infrastructure",
                declared[:2] + computed_in_code[:2],
            )
    if offered and not computed_in_code:
        return base.partial(
            "a hosted tracker only in Hydra options that no committed config or command selects",
            offered,
        )
    # a notebook's computed URI does not outweigh the local store production code sets
    if computed_in_code or (computed and not local):
        return base.partial("tracking URI computed at run time; server not visible", computed)
    if notebook_hits:
        return base.partial("shared tracker used only in notebooks", notebook_hits)
    if local:
        return base.failed("tracking is local-only", local)
    return base.failed("no shared tracking server configured")


_HOST = re.compile(r"^https?://([\w.-]+)")


def _compose_viewer(snap: Snapshot, path: str, uri: str) -> str | None:
    """Why a tracking URI of a Compose file names no tracking server: its host is a service
    of the same file that runs `mlflow ui`, MLflow's viewer of the runs in a folder on this
    machine (Facco000/mlops-end-to-end-nyc-taxi docker-compose.yml:4-11,19; reviewed)."""
    host = _HOST.match(uri)
    if host is None:
        return None
    for service in snap.compose_services:
        if service.path != path or service.name != host.group(1):
            continue
        command = service.doc.get("command") if isinstance(service.doc, dict) else None
        words = " ".join(map(str, command)) if isinstance(command, list) else str(command or "")
        if re.search(r"\bmlflow\s+ui\b", words):
            return "a Compose `mlflow ui`: a viewer of a local folder"
    return None


def _overridden_by_code(
    snap: Snapshot, remote: list[Evidence], local: list[Evidence], computed: list[Evidence]
) -> list[Evidence]:
    """The evidence, when the only server is named by MLFLOW_TRACKING_URI in configuration
    and production code sets a loopback or local URI with `mlflow.set_tracking_uri`, which
    wins over the variable (Ivanrs297/mlops-end-to-end-mibici api/app.py:18-19 and
    MLFlow/retrain_model.py:17-18 `http://127.0.0.1:5000/`, docker-compose.yml:12 naming
    `http://mlflow:5000`; reviewed). Empty otherwise, and when code also reads the URI at
    run time: its local URI is then a fallback (GFiaMon/eurusd-mlops-pipeline
    src/03_train_models.py:93-99, `sqlite:///mlflow.db` when the variable is unset)."""
    from_env = [e for e in remote if e.snippet and "MLFLOW_TRACKING_URI" in e.snippet]
    if not from_env or len(from_env) != len(remote) or computed:
        return []
    set_locally = [
        e
        for e in local
        if e.snippet
        and "set_tracking_uri" in e.snippet
        and not base.is_notebook(e.path)
        and not base.is_test_path(e.path)
    ]
    return from_env + set_locally if set_locally else []


_MLFLOW_RUN_CALLS = ("mlflow.start_run", "mlflow.set_experiment", "mlflow.log_*", "mlflow.*autolog")


def _databricks_workspace_runs(snap: Snapshot) -> list[Evidence]:
    """A Databricks job the repository declares (a bundle or a dbx deployment file) and the
    project's MLflow calls: on Databricks, MLflow logs to the workspace's own tracking
    server with no `set_tracking_uri` (niall-turbitt/e2e-mlops conf/deployment.yml jobs,
    telco_churn/model_train.py:75 `mlflow.set_experiment(…)`; reviewed)."""
    from mlaudit.probes.databricks import bundles

    jobs = [job for bundle in bundles(snap) for job in bundle.jobs if job.tasks]
    if not jobs:
        return []
    for path in _code(snap):
        if base.is_notebook(path):
            continue
        facts = snap.python(path)
        for call in facts.calls if facts is not None else ():
            if name_matches_any(call.name, _MLFLOW_RUN_CALLS):
                job = jobs[0]
                return [
                    ev(job.path, job.line, f"job {job.name}", "Databricks job"),
                    ev(path, call.line, f"{call.name}(…)", "logs to the workspace"),
                ]
    return []


_CODE_VERSION = derivation_key("code_version_logged.v2")
_COMMIT_ID = re.compile(r"[0-9a-f]{40}")


def _recorded_commits(snap: Snapshot) -> list[Evidence]:
    """The `mlflow.source.git.commit` tags of runs committed with an MLflow file store: MLflow
    wrote the commit the run started from (GoparapukethaN/mlops-end-to-end-pipeline mlruns/
    664959467644995503/9f29…/tags/mlflow.source.git.commit; reviewed)."""
    out = []
    for path in snap.glob("**/tags/mlflow.source.git.commit")[:3]:
        if _COMMIT_ID.fullmatch((snap.text(path) or "").strip()):
            out.append(ev(path, 1, note="a run's recorded commit"))
    return out


_GIT_HEAD = re.compile(r"rev-parse\W+(?:--short\W+)?HEAD\b")


@probe("code_version_logged", NoParams, reads_code=True)
def code_version_logged(snap: Snapshot, p: NoParams) -> Observation:
    """Each run records the code version (git commit) that produced it.

    Looks for: `wandb.init(save_code=True)`; a Comet `Experiment` (it uploads the code unless
    `log_code=False`); MLflow Projects (`mlflow.run`, an `MLproject`),
    which record the commit; explicit tags or params naming the git commit; DVC experiments
    (a `dvc.yaml` pipeline with DVCLive), which are git commits. Partial: a tracker that
    records the commit by itself (MLflow `mlflow.source.git.commit`, W&B, ClearML) when
    the run is launched from a git checkout — which static analysis cannot confirm; code that
    asks git for the commit (`git rev-parse HEAD`) without a tracker to record it; a
    committed `dvc.lock` holding the md5 of each stage's Python code (the lineage of the
    pipeline's outputs, not of tracked runs, as data-lineage counts it).
    Why: a metric without the code that produced it cannot be reproduced (lineage).
    Fix: launch runs from a clean git checkout (or `mlflow run .`) and log the commit
    explicitly: `mlflow.set_tag("git_commit", sha)`.
    """

    def scan_file(path: str, facts: PythonFacts, buckets: tuple[list[Evidence], ...]) -> None:
        strong, auto, dvclive, asked = buckets
        for call in facts.calls:
            line, note = base.notebook_line_note(snap, path, call.line)
            if name_matches(call.name, "wandb.init") and call.kwarg("save_code") == "True":
                strong.append(ev(path, line, "wandb.init(save_code=True)", note))
            elif (
                name_matches_any(call.name, ("comet_ml.Experiment", "comet_ml.start"))
                and call.kwarg("log_code") != "False"
                # `Experiment(**kwargs)` may say log_code=False in the mapping (ultralytics/
                # yolov5 utils/loggers/comet/__init__.py:90-91,190)
                and not (call.kwarg("log_code") is None and call.spreads_keywords)
            ):  # Comet uploads the launching script's source unless told not to (log_code)
                strong.append(ev(path, line, f"{call.name}(…)", note or "logs the code by default"))
            elif name_matches(call.name, "mlflow.run") or name_matches(
                call.name, "mlflow.projects.run"
            ):
                strong.append(ev(path, line, f"{call.name}(…)", note))
            elif re.search(r"\.(set_tag|set_tags|log_param|log_params)$", call.name) and any(
                re.search(r"git|commit", a, re.IGNORECASE) for a in call.args[:1]
            ):
                strong.append(ev(path, line, f"{call.name}({call.args[0]}, …)", note))
            elif name_matches(call.name, "dvclive.Live") or name_matches(call.name, "dvclive.*"):
                dvclive.append(ev(path, line, f"{call.name}(…)", note))
            elif name_matches_any(call.name, tuple(AUTO_GIT_TRACKERS)):
                auto.append(ev(path, line, f"{call.name}(…)", note))
            elif call.args and _GIT_HEAD.search(call.args[0]):
                # the run asks git for its commit (facebookresearch/dinov2 utils/utils.py:56
                # `_run(["git", "rev-parse", "HEAD"])`, written to the run's log): where it
                # goes is not followed, so partial
                shown = f"{call.name}({call.args[0][:60]})"
                asked.append(ev(path, line, shown, note or "reads the git commit at run time"))
            elif name_matches(call.name, "git.Repo") and "hexsha" in (snap.text(path) or ""):
                # ... or GitPython for it (stanford-futuredata/ColBERT utility/utils/
                # save_metadata.py:17 `git.Repo(…).head.object.hexsha`)
                asked.append(
                    ev(path, line, "git.Repo(…) … .hexsha", note or "reads the git commit")
                )

    strong, auto, dvclive, asked = base.per_file_evidence(
        snap, _CODE_VERSION, _code(snap), scan_file, 4
    )
    mlproject = sorted({e.path for e in mf.mlproject_entries(snap) if e.runnable})
    pipelines = base.select_files(snap, ["dvc.yaml"])
    if dvclive and pipelines:
        strong.extend(dvclive + [ev(pipelines[0], note="DVC experiments are git commits")])
    else:
        auto.extend(dvclive)
    strong.extend(ev(m, note="MLflow Project runs record the git commit") for m in mlproject)
    if strong:
        return base.passed("runs record the code version", strong)
    recorded = _recorded_commits(snap) if auto else []
    if recorded:
        return base.passed(
            "the tracker records the git commit, and a committed run shows it did", auto + recorded
        )
    if auto:
        return base.partial(
            "the tracker records the git commit only when runs start from a git checkout",
            auto,
        )
    asked = [e for e in asked if _runs_at_run_time(snap, e)]
    if asked:
        return base.partial(
            "the code reads its git commit at run time; where the run records it is not followed",
            asked,
        )
    locked = _dvc_lock_code(snap)
    if locked:
        # as data lineage (TRK005): recorded by dvc.lock next to the outputs, not by a tracker
        return base.partial("dvc.lock records the hash of the code each stage ran", locked)
    return base.failed("no tracker records the code version of runs")


def _runs_at_run_time(snap: Snapshot, found: Evidence) -> bool:
    """Is a git-commit lookup run by the project's runs: not by its packaging (setup.py asks
    at build time), nor inside a function nothing calls (IDEA-Research/GroundingDINO
    util/misc.py:362 `def get_sha()`, called nowhere; reviewed)?"""
    from mlaudit.probes.generic import _call_index

    if found.path.rsplit("/", 1)[-1] == "setup.py":
        return False
    facts = snap.python(found.path) if not base.is_notebook(found.path) else None
    if facts is None or found.line is None:
        return True
    around = [
        (start, name, end)
        for name, start, end, kind in facts.spans
        if kind == "def" and start <= found.line <= end
    ]
    if not around:
        return True  # at module level: it runs whenever the module does
    start, name, end = max(around)
    index = _call_index(snap)
    for called, places in index.items():
        if called.rsplit(".", 1)[-1] != name:
            continue
        for caller, call in zip(places[::2], places[1::2], strict=True):
            if not (caller == found.path and start <= call.line <= end):
                return True
    return False


def _dvc_lock_code(snap: Snapshot) -> list[Evidence]:
    """One Python dependency with its md5 per stage of a committed dvc.lock (mlops-guide/
    dvc-gitactions dvc.lock:25-30: `path: ./src/train.py`, `md5: …`)."""
    found: list[Evidence] = []
    for path in base.select_files(snap, ["dvc.lock"]):
        for name, stage in mf.dvc_lock_stages(snap, path).items():
            for dep in as_list(stage.get("deps")):
                if (
                    isinstance(dep, dict)
                    and str(dep.get("path", "")).endswith(".py")
                    and dep.get("md5")
                ):
                    found.append(ev(path, key_line(dep, "path"), f"{name}: {dep.get('path')} md5"))
                    break
    return found
