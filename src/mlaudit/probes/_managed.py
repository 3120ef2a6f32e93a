"""Managed ML platforms (Azure ML, SageMaker, Vertex AI): what they serve, how they scale,
what telemetry they collect and where runs are tracked — read from the platform's
configuration files and SDK calls.

Not a probe module (leading underscore): the profile, the serving, scalability, monitoring
and tracking probes read the same facts.

- Serving: a scoring script named by an inference config — Azure ML v1 `entryScript:` /
  `InferenceConfig(entry_script=…)`, v2 `code_configuration.scoring_script:` /
  `CodeConfiguration(scoring_script=…)` — that defines `init()` and `run()`; a SageMaker
  inference script (`Model(entry_point=…)`) that defines `model_fn`/`predict_fn`/
  `input_fn`/`output_fn`/`transform_fn`.
- Autoscaling: Azure ML `autoScaler: {autoscaleEnabled: true}` (or
  `deploy_configuration(autoscale_enabled=True)`), v2 `scale_settings` of type
  `target_utilization`; SageMaker `register_scalable_target(ServiceNamespace='sagemaker')`
  or a CloudFormation `ScalableTarget` on `sagemaker:variant:…`, serverless inference;
  Vertex AI `deploy(max_replica_count=…)` above its minimum; an Azure Container App's
  `template.scale` whose maxReplicas exceeds its minReplicas.
- Resources and authentication: Azure ML `containerResourceRequirements` and `authEnabled`
  / `tokenAuthEnabled` in a deployment config, or the same through `deploy_configuration(…)`.
- Telemetry: Azure ML `appInsightsEnabled: true` / `app_insights_enabled: true` /
  `enable_app_insights=True`, an Application Insights resource (ARM/Bicep
  `Microsoft.Insights/components`, Terraform `azurerm_application_insights`); SageMaker
  `DataCaptureConfig(enable_capture=True)`; Vertex AI `enable_request_response_logging=True`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from mlaudit.patterns import search_anchored
from mlaudit.probes import base
from mlaudit.probes.base import ev
from mlaudit.probes.generic import bound_call_names, name_matches_any
from mlaudit.repo.parsers.python_src import Call, PythonFacts
from mlaudit.repo.snapshot import Snapshot, derivation_key
from mlaudit.results import Evidence

# Managed online endpoints: the platform SDK is the serving framework and the deploy call
# ships it (no Dockerfile or manifest in the repository).
MANAGED_SDKS = (
    "sagemaker",
    "google.cloud.aiplatform",
    "vertexai",
    "azure.ai.ml",
    "azureml.core",
    "ibm_watson_machine_learning",
    "ibm_watsonx_ai",
    "databricks.sdk",
    # MLRun deploys a serving function as a Nuclio endpoint on its cluster
    # (mlrun/demo-fraud src/train_workflow.py:180, project.deploy_function(serving_fn))
    "mlrun",
)
_MANAGED_DEPLOY = re.compile(
    r"(?:^|\.)(?:deploy|deploy_model|deploy_function|create_endpoint|deployments\.create|"
    r"online_deployments\.begin_create_or_update|online_endpoints\.begin_create_or_update|"
    r"serving_endpoints\.create(?:_and_wait)?)$"
)


def managed_deploy_call(snap: Snapshot, path: str) -> Call | None:
    """The first call deploying to a managed online endpoint in a file that imports the
    platform SDK (`model.deploy(…)` with SageMaker/Vertex AI/Azure ML …), if any."""
    facts = snap.python(path)
    if facts is None:
        return None
    return snap.per_file(_DEPLOY_CALL, path, lambda: _deploy_call(facts))


_DEPLOY_CALL = derivation_key("managed_deploy_call")


def _deploy_call(facts: PythonFacts) -> Call | None:
    if not imports_any(facts, MANAGED_SDKS):
        return None
    return next((c for c in facts.calls if _MANAGED_DEPLOY.search(c.name)), None)


CONFIG_GLOBS = ("*.yml", "*.yaml", "*.json")
_ENTRY_LINE = re.compile(
    r"""^\s*["']?(entryScript|entry_script|scoring_script)["']?\s*:\s*["']?([\w./-]+\.py)\b"""
)
_SOURCE_DIR = re.compile(
    r"""^\s*["']?(sourceDirectory|source_directory|code)["']?\s*:\s*["']?([\w./-]+)"""
)
_SAGEMAKER_PROGRAM = re.compile(r"""SAGEMAKER_PROGRAM["']?\s*[:=]\s*["']([\w./-]+\.py)["']""")
AZURE_HANDLERS = {"init", "run"}
SAGEMAKER_HANDLERS = {"model_fn", "predict_fn", "input_fn", "output_fn", "transform_fn"}
_ENTRY_CALLS = (
    "azureml.core.model.InferenceConfig",
    "azureml.core.InferenceConfig",
    "azure.ai.ml.entities.CodeConfiguration",
    "sagemaker.*Model",
    "sagemaker.*.*Model",
)


def _functions(snap: Snapshot, path: str) -> set[str]:
    facts = snap.python(path)
    return {name for name, _line in facts.functions} if facts else set()


def _resolve(snap: Snapshot, folders: list[str], script: str) -> str | None:
    for folder in folders:
        candidate = "/".join(p for p in (folder.rstrip("/"), script.removeprefix("./")) if p)
        parts: list[str] = []
        for part in candidate.split("/"):
            if part == "..":
                if parts:
                    parts.pop()
            elif part not in (".", ""):
                parts.append(part)
        path = "/".join(parts)
        if snap.exists(path):
            return path
    # a script named only by its file name: the one file of that name in the repository
    name = script.rsplit("/", 1)[-1]
    same = [
        p
        for p in base.python_sources(snap, ("*.py",), scope="non_tests")
        if p.rsplit("/", 1)[-1] == name
    ]
    return same[0] if len(same) == 1 else None


def _is_handler(snap: Snapshot, path: str) -> bool:
    defined = _functions(snap, path)
    return defined >= AZURE_HANDLERS or len(SAGEMAKER_HANDLERS & defined) >= 1


_ENTRY_CALLS_OF_FILE = derivation_key("managed_entry_calls", _ENTRY_CALLS)


def _entry_calls(_path: str, facts: PythonFacts) -> tuple[tuple[Call, str], ...]:
    """(call, quoted script) of the platform calls in one file that name a scoring script."""
    out = []
    for call in facts.calls:
        if not name_matches_any(call.name, _ENTRY_CALLS):
            continue
        value = next(
            (
                call.kwarg(k)
                for k in ("entry_script", "scoring_script", "entry_point")
                if call.kwarg(k)
            ),
            None,
        )
        if value and value.startswith(("'", '"')):
            out.append((call, value))
    return tuple(out)


def scoring_scripts(snap: Snapshot) -> list[tuple[str, Evidence]]:
    """(script, where it is named) for platform scoring scripts that define the handlers."""

    def build() -> list[tuple[str, Evidence]]:
        found: dict[str, Evidence] = {}
        configs = base.select_files(snap, CONFIG_GLOBS, scope="non_tests")
        for path, line, text in snap.grep(configs, _ENTRY_LINE):
            match = _ENTRY_LINE.search(text)
            if match is None:
                continue
            folder = path.rsplit("/", 1)[0] if "/" in path else ""
            folders = [folder]
            for _p, _l, source in snap.grep([path], _SOURCE_DIR):
                src = _SOURCE_DIR.search(source)
                if src:
                    folders.insert(0, f"{folder}/{src.group(2)}" if folder else src.group(2))
            script = _resolve(snap, folders, match.group(2))
            if script and _is_handler(snap, script):
                found.setdefault(script, ev(path, line, text.strip(), "inference config"))
        paths = base.python_sources(snap, ("*.py",), scope="non_tests")
        # the container's environment names the script: `"SAGEMAKER_PROGRAM":
        # "src/serve/inference.py"` given to boto3's create_model (romanceresnak/house-price-
        # mlops scripts/deploy_endpoint.py:277; reviewed)
        for path, line, text in snap.grep([*paths, *configs], _SAGEMAKER_PROGRAM):
            match = _SAGEMAKER_PROGRAM.search(text)
            script = _resolve(snap, [""], match.group(1)) if match else None
            if script and _is_handler(snap, script):
                found.setdefault(script, ev(path, line, text.strip(), "SageMaker program"))
        for path, calls in snap.python_per_file(_ENTRY_CALLS_OF_FILE, paths, _entry_calls):
            for call, value in calls:
                folder = path.rsplit("/", 1)[0] if "/" in path else ""
                source = (call.kwarg("source_directory") or call.kwarg("code") or "").strip("'\"")
                folders = [f"{folder}/{source}".strip("/"), folder, source]
                script = _resolve(snap, folders, value.strip("'\""))
                if script and _is_handler(snap, script):
                    found.setdefault(script, ev(path, call.line, f"{call.name}({value})"))
        return sorted(found.items())

    result: list[tuple[str, Evidence]] = snap._cached("managed_scoring_scripts", "", build)
    return result


# autoscaling ------------------------------------------------------------------------------------
def _as_int(value: Any) -> int | None:
    try:
        return int(str(value).strip("'\""))
    except ValueError:
        return None


def _walk(node: Any) -> list[tuple[dict[Any, Any], Any]]:
    out: list[tuple[dict[Any, Any], Any]] = []
    if isinstance(node, dict):
        out.append((node, node))
        for value in node.values():
            out.extend(_walk(value))
    elif isinstance(node, list):
        for value in node:
            out.extend(_walk(value))
    return out


# a file is parsed only when one of the keys the walkers read is there as a key (exact case,
# as node.get reads it): a data file whose prose says "autoscaler" is not parsed
_SCALE_TEXT = re.compile(
    r"""(?:^|[\s{,"'])(?:autoScaler|scale_settings|max_replica_count|appInsightsEnabled"""
    r"""|app_insights_enabled|containerResourceRequirements|authEnabled|tokenAuthEnabled"""
    r"""|auth_mode|managedEnvironmentId|environmentId)["']?[ \t]*:"""
    r"""|AWS::ApplicationAutoScaling::ScalableTarget""",
    re.MULTILINE,
)


def _config_nodes(snap: Snapshot) -> list[tuple[str, dict[Any, Any]]]:
    def build() -> list[tuple[str, dict[Any, Any]]]:
        nodes: list[tuple[str, dict[Any, Any]]] = []
        for path in base.select_files(snap, CONFIG_GLOBS, scope="non_tests"):
            text = snap.text(path)
            if not text or not search_anchored(_SCALE_TEXT, text):
                continue
            for doc in snap.yaml_docs(path):
                nodes.extend((path, node) for node, _ in _walk(doc))
        return nodes

    result: list[tuple[str, dict[Any, Any]]] = snap._cached("managed_config_nodes", "", build)
    return result


def _line(node: Any, key: str) -> int | None:
    from mlaudit.repo.parsers.yaml_docs import key_line

    return key_line(node, key) if isinstance(node, dict) else None


def _truthy(value: Any) -> bool:
    return value is True or str(value).strip().lower() in ("true", "yes", "1")


def _container_app_template(node: dict[Any, Any]) -> dict[Any, Any] | None:
    """The `template` of an Azure Container App's properties (`az containerapp create
    --yaml`: `properties: {managedEnvironmentId | environmentId, template: {containers,
    scale, volumes}}`)."""
    if "managedEnvironmentId" not in node and "environmentId" not in node:
        return None
    template = node.get("template")
    return template if isinstance(template, dict) else None


def autoscaling(snap: Snapshot) -> tuple[list[Evidence], list[Evidence]]:
    """(managed autoscaling that can add capacity, autoscaling pinned at min == max)."""
    good: list[Evidence] = []
    flat: list[Evidence] = []
    for path, node in _config_nodes(snap):
        template = _container_app_template(node)
        scale = template.get("scale") if template is not None else None
        if isinstance(scale, dict) and "maxReplicas" in scale:
            # Azure Container Apps scales between these on its HTTP rule by default
            # (r-kowalczyk/model-serving-platform app.yaml:44-46; reviewed)
            lo, hi = _as_int(scale.get("minReplicas", 0)), _as_int(scale.get("maxReplicas"))
            e = ev(path, _line(scale, "maxReplicas"), f"Container Apps scale min {lo} max {hi}")
            (flat if lo is not None and hi is not None and hi <= lo else good).append(e)
        scaler = node.get("autoScaler")
        if isinstance(scaler, dict) and _truthy(scaler.get("autoscaleEnabled")):
            lo, hi = _as_int(scaler.get("minReplicas", 1)), _as_int(scaler.get("maxReplicas", 10))
            e = ev(path, _line(node, "autoScaler"), f"Azure ML autoScaler min {lo} max {hi}")
            (flat if lo is not None and hi is not None and hi <= lo else good).append(e)
        settings = node.get("scale_settings")
        if isinstance(settings, dict) and settings.get("type") == "target_utilization":
            lo, hi = (
                _as_int(settings.get("min_instances", 1)),
                _as_int(settings.get("max_instances", 1)),
            )
            e = ev(
                path, _line(node, "scale_settings"), f"Azure ML scale_settings min {lo} max {hi}"
            )
            (flat if lo is not None and hi is not None and hi <= lo else good).append(e)
        if "max_replica_count" in node:  # a Vertex AI serving spec passed to deploy(**spec)
            lo = _as_int(node.get("min_replica_count", 1))
            hi = _as_int(node.get("max_replica_count"))
            e = ev(path, _line(node, "max_replica_count"), f"Vertex AI replicas min {lo} max {hi}")
            (flat if lo is not None and hi is not None and hi <= lo else good).append(e)
        if node.get("Type") == "AWS::ApplicationAutoScaling::ScalableTarget":
            props = node.get("Properties")
            if isinstance(props, dict) and "sagemaker" in str(props.get("ScalableDimension", "")):
                good.append(ev(path, _line(node, "Type"), "ScalableTarget on a SageMaker variant"))

    def scan_file(path: str, facts: PythonFacts, buckets: tuple[list[Evidence], ...]) -> None:
        good, flat = buckets
        for call in facts.calls:
            line, note = base.notebook_line_note(snap, path, call.line)
            if call.kwarg("autoscale_enabled") == "True":
                good.append(ev(path, line, f"{call.name}(autoscale_enabled=True)", note))
            elif call.name.endswith("register_scalable_target") and "sagemaker" in str(
                call.kwarg("ServiceNamespace")
            ):
                good.append(ev(path, line, f"{call.name}(ServiceNamespace='sagemaker')", note))
            elif call.name.startswith("aws_cdk.aws_applicationautoscaling.") and "sagemaker" in (
                f"{call.kwarg('service_namespace')} {call.kwarg('scalable_dimension')}"
            ):  # the AWS CDK's CfnScalableTarget / ScalableTarget on an endpoint variant
                good.append(ev(path, line, f"{call.name}(service_namespace='sagemaker')", note))
            elif call.name.startswith("sagemaker") and call.name.endswith(
                "ServerlessInferenceConfig"
            ):
                good.append(
                    ev(path, line, f"{call.name}(…)", note or "serverless: scales by itself")
                )
            elif call.name.endswith(".deploy") and call.kwarg("max_replica_count"):
                lo = _as_int(call.kwarg("min_replica_count") or 1)
                hi = _as_int(call.kwarg("max_replica_count"))
                e = ev(
                    path, line, f"{call.name}(min_replica_count={lo}, max_replica_count={hi})", note
                )
                (flat if lo is not None and hi is not None and hi <= lo else good).append(e)

    paths = base.python_sources(snap, ("*.py",), scope="non_tests")
    code_good, code_flat = base.per_file_evidence(snap, _AUTOSCALING, paths, scan_file, 2)
    return good + code_good, flat + code_flat


_AUTOSCALING = derivation_key("managed.autoscaling")


# telemetry --------------------------------------------------------------------------------------
_INSIGHTS_RESOURCE = re.compile(
    # bounded white space: the long name, not `type`, is then the literal files are read for
    r"""["']?type["']?\s{0,64}:\s{0,64}["']Microsoft\.Insights/components["']"""
    r"""|^\s*resource\s+\w+\s+'Microsoft\.Insights/components@"""
    r"""|^\s*resource\s+"azurerm_application_insights"\s""",
    re.IGNORECASE,
)


def insights_resources(snap: Snapshot) -> list[Evidence]:
    """Application Insights resources (ARM, Bicep, Terraform): where telemetry can go. Every
    Azure ML workspace needs one, so the resource alone switches nothing on
    (tecmx-team46-pricing/pricing-mlops-platform infra/workloads/pricing-mlops/modules/
    azure-ml.bicep:90,126, the workspace's, no endpoint; reviewed)."""
    files = base.select_files(snap, ("*.json", "*.bicep", "*.tf"), scope="non_tests")
    return [
        ev(path, number, text.strip()[:120], "Application Insights resource")
        for path, number, text in snap.grep(files, _INSIGHTS_RESOURCE)
    ]


def telemetry(snap: Snapshot) -> list[Evidence]:
    """Service telemetry a managed platform collects because the project switched it on."""
    found: list[Evidence] = []
    for path, node in _config_nodes(snap):
        for key in ("appInsightsEnabled", "app_insights_enabled"):
            if key in node and _truthy(node.get(key)):
                found.append(ev(path, _line(node, key), f"{key}: true", "Azure ML telemetry"))

    def scan_file(path: str, facts: PythonFacts, buckets: tuple[list[Evidence], ...]) -> None:
        (found,) = buckets
        for call, name in bound_call_names(facts):
            line, note = base.notebook_line_note(snap, path, call.line)
            if call.kwarg("enable_app_insights") == "True":
                found.append(ev(path, line, f"{name}(enable_app_insights=True)", note))
            elif (
                name.endswith(("DataCaptureConfig", "DataCaptureConfigProperty"))
                and call.kwarg("enable_capture") != "False"
            ):  # the SDK's, or the AWS CDK's CfnEndpointConfig.DataCaptureConfigProperty
                found.append(ev(path, line, f"{name}(…)", note or "SageMaker data capture"))
            elif call.kwarg("enable_request_response_logging") == "True":
                found.append(ev(path, line, f"{name}(enable_request_response_logging=True)", note))

    paths = base.python_sources(snap, ("*.py",), scope="non_tests")
    (in_code,) = base.per_file_evidence(snap, _TELEMETRY, paths, scan_file, 1)
    return found + in_code


_TELEMETRY = derivation_key("managed.telemetry")


# resources and authentication ------------------------------------------------------------------
def _deploy_configuration_calls(
    snap: Snapshot, key: str, describe: Callable[[Call], str | None]
) -> list[Evidence]:
    """Evidence for the `…deploy_configuration(…)` calls of production code that `describe`
    names (None: the call does not count), derived once per file content under `key`."""

    def scan_file(path: str, facts: PythonFacts, buckets: tuple[list[Evidence], ...]) -> None:
        (found,) = buckets
        for call in facts.calls:
            text = describe(call) if call.name.endswith("deploy_configuration") else None
            if text is not None:
                line, note = base.notebook_line_note(snap, path, call.line)
                found.append(ev(path, line, text, note))

    paths = base.python_sources(snap, ("*.py",), scope="non_tests")
    (in_code,) = base.per_file_evidence(snap, key, paths, scan_file, 1)
    return in_code


def resource_requests(snap: Snapshot) -> list[Evidence]:
    """Azure ML web services that reserve CPU and memory for their container: a deployment
    config's `containerResourceRequirements: {cpu, memoryInGB}`, or
    `deploy_configuration(cpu_cores=…, memory_gb=…)` in code; an Azure Container App's
    container `resources: {cpu, memory}`."""
    found: list[Evidence] = []
    for path, node in _config_nodes(snap):
        template = _container_app_template(node)
        containers = template.get("containers") if template is not None else None
        for container in containers if isinstance(containers, list) else []:
            wanted = container.get("resources") if isinstance(container, dict) else None
            if isinstance(wanted, dict) and (wanted.get("cpu") or wanted.get("memory")):
                text = f"resources: cpu {wanted.get('cpu')}, memory {wanted.get('memory')}"
                found.append(ev(path, _line(container, "resources"), text, "Azure Container Apps"))
        wanted = node.get("containerResourceRequirements")
        if isinstance(wanted, dict) and (wanted.get("cpu") or wanted.get("memoryInGB")):
            cpu, memory = wanted.get("cpu"), wanted.get("memoryInGB")
            text = f"containerResourceRequirements: cpu {cpu}, memoryInGB {memory}"
            found.append(ev(path, _line(node, "containerResourceRequirements"), text, "Azure ML"))

    def describe(call: Call) -> str | None:
        if call.kwarg("cpu_cores") or call.kwarg("memory_gb"):
            return f"{call.name}(cpu_cores=…, memory_gb=…)"
        return None

    return found + _deploy_configuration_calls(snap, _RESOURCES, describe)


_RESOURCES = derivation_key("managed.resource_requests")


def authentication(snap: Snapshot) -> list[Evidence]:
    """Azure ML web services that require a key or token from callers: `authEnabled: true` /
    `tokenAuthEnabled: true` in a deployment config, `auth_enabled=True` /
    `token_auth_enabled=True` in `deploy_configuration(…)`, a v2 endpoint's `auth_mode`."""
    found: list[Evidence] = []
    for path, node in _config_nodes(snap):
        for key in ("authEnabled", "tokenAuthEnabled"):
            if key in node and _truthy(node.get(key)):
                found.append(ev(path, _line(node, key), f"{key}: true", "Azure ML web service"))
        # Azure ML v2: an online endpoint's `auth_mode: key | aml_token | aad_token` (the
        # platform rejects calls without it; Azure/mlops-project-template
        # classical/aml-cli-v2/mlops/azureml/deploy/online/online-endpoint.yml:4)
        mode = node.get("auth_mode")
        if isinstance(mode, str) and mode.strip().lower() in _V2_AUTH_MODES:
            found.append(
                ev(path, _line(node, "auth_mode"), f"auth_mode: {mode}", "Azure ML endpoint")
            )

    def describe(call: Call) -> str | None:
        key = next((k for k in _AUTH_KWARGS if call.kwarg(k) == "True"), None)
        return f"{call.name}({key}=True)" if key else None

    # a SageMaker endpoint answers only requests signed with AWS credentials allowed to invoke
    # it (IAM): the scoring script it runs needs no authentication of its own
    for script, where in scoring_scripts(snap):
        if SAGEMAKER_HANDLERS & _functions(snap, script):
            found.append(
                ev(where.path, where.line, where.snippet, "SageMaker endpoint: IAM-signed calls")
            )
    return found + _deploy_configuration_calls(snap, _AUTH, describe)


_AUTH_KWARGS = ("auth_enabled", "token_auth_enabled")
_V2_AUTH_MODES = ("key", "aml_token", "aad_token")
_AUTH = derivation_key("managed.authentication")


# SageMaker endpoints created from code ---------------------------------------------------------
_SAGEMAKER_INSTANCE = re.compile(r"^['\"]ml\.")
_SAGEMAKER_ENDPOINTS = derivation_key("sagemaker_endpoints")


def sagemaker_endpoints(snap: Snapshot) -> list[Evidence]:
    """Code that creates a SageMaker endpoint: boto3's `create_endpoint(EndpointConfigName=…)`
    (aws-samples/mlops-amazon-sagemaker lambda-code/MLOps-BIA-DeployModel.py:151), or the
    SDK's `.deploy(instance_type='ml.…')` — or with an `initial_instance_count`, the instance
    type being a parameter (jacopotagliabue/post-modern-stack src/my_dbt_flow.py:483,
    reviewed) — in a file importing sagemaker. The platform then pings each container's /ping
    and replaces instances that fail. Another `create_endpoint` (a vector store, a search
    index) takes no EndpointConfigName."""

    def deploys(facts: PythonFacts) -> Callable[[Call], bool]:
        sdk = imports_any(facts, ("sagemaker",))
        return lambda call: bool(
            (call.name.endswith("create_endpoint") and call.kwarg("EndpointConfigName"))
            or (
                sdk
                and call.name.endswith(".deploy")
                and (
                    _SAGEMAKER_INSTANCE.match(call.kwarg("instance_type") or "") is not None
                    or call.kwarg("initial_instance_count") is not None
                )
            )
        )

    return _endpoint_calls(snap, _SAGEMAKER_ENDPOINTS, "SageMaker endpoint", deploys)


_SAGEMAKER_MODEL_URIS = derivation_key("sagemaker_model_uris")
_SAGEMAKER_MODELS = ("sagemaker.*Model", "sagemaker.*.*Model")
# a model_data the endpoint cannot pull: a file of the machine that runs the script
_LOCAL_MODEL_DATA = re.compile(r"^['\"](?:\.{0,2}/|file://|[\w.-]+\.tar\.gz['\"]$)")


def sagemaker_model_uris(snap: Snapshot) -> list[Evidence]:
    """SageMaker SDK models deployed from `model_data=` (an S3 URI, given or built), in a
    file that deploys them: SageMaker copies the model archive into each instance before
    the endpoint is in service (jacopotagliabue/you-dont-need-a-bigger-boat
    local_flow/intent/src/deploy_model.py:53-54 `TensorFlowModel(model_data=model_s3_path,
    …)`, then `.deploy(initial_instance_count=1, …)`; reviewed). A local path is none."""

    def deploys(facts: PythonFacts) -> Callable[[Call], bool]:
        deployed = imports_any(facts, ("sagemaker",)) and any(
            c.name.endswith(".deploy") for c in facts.calls
        )
        return lambda call: bool(
            deployed
            and name_matches_any(call.name, _SAGEMAKER_MODELS)
            and call.kwarg("model_data") not in (None, "None", "''", '""')
            and not _LOCAL_MODEL_DATA.match(call.kwarg("model_data") or "")
        )

    from mlaudit.probes.training import project_code

    _own, library = project_code(snap)
    found = _endpoint_calls(
        snap, _SAGEMAKER_MODEL_URIS, "SageMaker model pulled from model_data", deploys
    )
    # a deployment tool's own SageMaker deployer deploys its users' models, not one of the
    # project's (iterative/mlem mlem/contrib/sagemaker/; rule lib)
    return [e for e in found if library is None or not library(e.path)]


_DATABRICKS_ENDPOINTS = derivation_key("databricks_endpoints")
_DATABRICKS_SERVING = (
    ".serving_endpoints.create",
    ".serving_endpoints.create_and_wait",
    ".serving_endpoints.update_config",
    ".serving_endpoints.update_config_and_wait",
)


def databricks_endpoints(snap: Snapshot) -> list[Evidence]:
    """Code that creates or updates a Databricks Model Serving endpoint through the SDK
    (marvelousmlops/marvel-characters src/marvel_characters/serving/model_serving.py:56
    `workspace.serving_endpoints.create(…)`, reviewed): a managed platform that health-checks,
    scales and replaces its own replicas."""

    def deploys(facts: PythonFacts) -> Callable[[Call], bool]:
        sdk = imports_any(facts, ("databricks.sdk",))
        return lambda call: sdk and call.name.endswith(_DATABRICKS_SERVING)

    return _endpoint_calls(snap, _DATABRICKS_ENDPOINTS, "Databricks Model Serving", deploys)


def _endpoint_calls(
    snap: Snapshot,
    key: str,
    note: str,
    deploys: Callable[[PythonFacts], Callable[[Call], bool]],
) -> list[Evidence]:
    """Evidence of the calls of production code that `deploys(facts)` accepts."""

    def scan_file(path: str, facts: PythonFacts, buckets: tuple[list[Evidence], ...]) -> None:
        (found,) = buckets
        accepts = deploys(facts)
        for call in facts.calls:
            if accepts(call):
                line, cell = base.notebook_line_note(snap, path, call.line)
                found.append(ev(path, line, f"{call.name}(…)", cell or note))

    paths = base.python_sources(snap, ("*.py",), scope="non_tests")
    (found,) = base.per_file_evidence(snap, key, paths, scan_file, 1)
    return found


# Vertex AI endpoints created from code ---------------------------------------------------------
VERTEX_SDKS = ("google.cloud.aiplatform", "vertexai")
_VERTEX_DEPLOY_KWARGS = (
    "model",
    "endpoint",
    "machine_type",
    "min_replica_count",
    "max_replica_count",
    "deployed_model_display_name",
    "traffic_split",
    "traffic_percentage",
)
_VERTEX_ENDPOINTS = derivation_key("vertex_endpoints", _VERTEX_DEPLOY_KWARGS)


def imports_any(facts: PythonFacts, modules: tuple[str, ...]) -> bool:
    return any(
        imp.module == m or imp.module.startswith(m + ".") for imp in facts.imports for m in modules
    )


def vertex_endpoints(snap: Snapshot) -> list[Evidence]:
    """Code that deploys a model to a Vertex AI endpoint: `endpoint.deploy(model=…)` or
    `model.deploy(machine_type=…)` in a file importing the Vertex AI SDK
    (GoogleCloudPlatform/mlops-with-vertex-ai build/utils.py:112), or a pipeline step
    `ModelDeployOp(…)` of google_cloud_pipeline_components. The platform then sends
    health checks to each serving container and routes traffic only to healthy replicas.
    A `deploy` with none of the Vertex arguments, or in a file that does not import the
    SDK, is someone else's deploy."""

    def deploys(facts: PythonFacts) -> Callable[[Call], bool]:
        sdk = imports_any(facts, VERTEX_SDKS)
        pipeline = imports_any(facts, ("google_cloud_pipeline_components",))
        return lambda call: (
            (
                sdk
                and call.name.endswith(".deploy")
                and any(call.kwarg(k) for k in _VERTEX_DEPLOY_KWARGS)
            )
            or (pipeline and call.name.rsplit(".", 1)[-1] == "ModelDeployOp")
        )

    return _endpoint_calls(snap, _VERTEX_ENDPOINTS, "Vertex AI endpoint", deploys)
