"""Which kind of ML project is this? `online-serving`, `batch` or `research`.

- online-serving: production code imports a serving framework (FastAPI, Flask, BentoML,
  Ray Serve, TorchServe, Triton, KServe, Seldon, Gradio, …) or is a function handler (a SAM
  or Serverless Framework HTTP function, a Lambda container image) AND the repository ships it — a
  Dockerfile, Kubernetes manifests, a serving spec or a serverless config; or production
  code deploys the model to a managed online endpoint (SageMaker, Vertex AI, Azure ML …);
  or infrastructure code declares one (a CloudFormation/SAM `AWS::SageMaker::Endpoint` or
  a function behind an API event, Terraform `aws_sagemaker_endpoint` …);
- batch: no online service, but jobs are packaged or scheduled — a Dockerfile whose image
  runs a program of its own, a CronJob, an orchestrator DAG (Airflow, Prefect, Dagster,
  Kubeflow…), a CI job delivering a job image, or a scheduled CI job that does work;
- research: everything else (notebooks, scripts, experiments).

The evidence is reported so a user who disagrees can say `--profile`.
"""

from __future__ import annotations

import re

from mlaudit.probes import _ci_reach, base
from mlaudit.probes._ci_reach import (
    is_install,
    make_invocation,
    make_lines,
    makefile_targets,
    split_commands,
)
from mlaudit.probes._delivery import deliveries
from mlaudit.probes._functions import SAM_API_EVENTS, platform_entry_points
from mlaudit.probes._managed import managed_deploy_call
from mlaudit.probes._serving_specs import serving_spec_files
from mlaudit.probes.azureml import online_deployments
from mlaudit.probes.base import ev
from mlaudit.probes.cloudformation import cdk_evidence, cfn_resources
from mlaudit.probes.generic import module_matches_any, name_matches, name_matches_any
from mlaudit.probes.kubernetes import tf_blocks, tf_ev
from mlaudit.probes.paas import service_specs
from mlaudit.repo.parsers.ci import CiCommand, CiJob
from mlaudit.repo.parsers.dockerfile import Dockerfile
from mlaudit.repo.parsers.python_src import Import, PythonFacts
from mlaudit.repo.parsers.yaml_docs import key_line
from mlaudit.repo.snapshot import Snapshot, derivation_key
from mlaudit.results import Evidence, ProfileInfo

SERVING_MODULES = (
    "fastapi",
    "flask",
    "bentoml",
    "ray.serve",
    "ts.torch_handler",
    "tritonserver",
    "kserve",
    "seldon_core",
    "mlserver",
    "litserve",
    "starlette",
    "litestar",
    "quart",
    "falcon",
    "sanic",
    "aiohttp.web",
    "grpc",
    "tornado.web",
    # a web UI that serves the model to people (its server is the app: `demo.launch()`)
    "gradio",
    # MLRun's model server: a class built on V2ModelServer, run by MLRun's serving runtime
    # (mlrun/demo-fraud src/serving.py:19-22)
    "mlrun.serving",
    # Jina: a Flow of Executors served on a port (jina-ai/clip-as-service
    # server/clip_server/__main__.py:11,25)
    "jina",
)
SERVING_FILES = (
    "bentofile.yaml",
    "config.pbtxt",
    "*.mar",
    "model-settings.json",
    "serverless.yml",
    "template.yaml",
    "app.yaml",
)
# Kubernetes resources that are a model server (KServe, KFServing, Seldon Core)
MODEL_SERVER_KINDS = frozenset({"InferenceService", "SeldonDeployment"})
ORCHESTRATOR_MODULES = (
    "airflow",
    "prefect",
    "dagster",
    "kfp",
    "metaflow",
    "zenml",
    "luigi",
    "flytekit",
    "kedro",
    *base.SAGEMAKER_PIPELINE_MODULES,
)
MANIFEST_GLOBS = (
    "k8s/**.yaml",
    "k8s/**.yml",
    "kubernetes/**.yaml",
    "manifests/**.yaml",
    "deploy/**.yaml",
    "deploy/**.yml",
    "charts/**/Chart.yaml",
    "helm/**/Chart.yaml",
    "*.k8s.yaml",
    ".kube/**.yaml",
)


# A framework whose import alone does not make a server: BentoML's model store
# (`bentoml.sklearn.save_model`) is called by training code (nogibjj/mlops-template
# bentoml/hello.py); a BentoML service is declared with one of these.
# a framework whose import alone may serve nothing: the file must also declare a service
# (a call, a decorator or a base class named here)
_SERVES_ONLY_WITH: dict[str, tuple[str, ...]] = {
    "bentoml": ("bentoml.Service", "bentoml.service", "bentoml.api"),
    "mlrun": (
        "mlrun.serving.V2ModelServer",
        "mlrun.serving.v2_serving.V2ModelServer",
        "mlrun.frameworks.sklearn.SklearnModelServer",
        "mlrun.serving.GraphServer",
    ),
    # gRPC is also the client transport of Spark Connect and cloud SDKs: a file serves with
    # it when it starts a server or implements a servicer (mosaicml/llm-foundry
    # convert_delta_to_json.py:503 imports it to catch grpc.RpcError)
    "jina": ("jina.Flow", "jina.Flow.load_config", "jina.Executor"),
    "grpc": (
        "grpc.server",
        "grpc.aio.server",
        "*.add_*Servicer_to_server",
        "*_pb2_grpc.*Servicer",
    ),
}


# a web framework's route decorator, and the paths of routes that only operate the service
_ROUTE = re.compile(r"\.(?:get|post|put|patch|delete|route|api_route|websocket)$")
_OPERATIONS_ROUTE = re.compile(
    r"^/?(?:health\w*|healthz|ready\w*|readyz|live\w*|livez|ping|metrics|status|version|docs|"
    r"openapi\.json|redoc|favicon\.ico)?/?$"
)
_TRAINING_ROUTE = re.compile(r"(?:^|[/_-])(?:re)?train\w*|(?:^|[/_-])fit\b|(?:^|[/_-])tune\b")


def _training_service(facts: PythonFacts) -> bool:
    """Is the module a web service whose every route trains (a retraining webhook beside the
    model server: arbaz-shaik/rul-mlops-pipeline src/retraining/app.py:145 `@app.post(
    "/retrain")`, beside src/serving/api.py's `/predict`; reviewed)? Routes that operate the
    service (health, metrics) say nothing either way; a route whose path is not a literal
    could be anything."""
    paths = []
    for deco in facts.decorators:
        if not _ROUTE.search(deco.name):
            continue
        literal = deco.args[0] if deco.args else deco.kwarg("path")
        if literal is None or literal[:1] not in "'\"":
            return False
        path = literal[1:-1]
        if not _OPERATIONS_ROUTE.match(path):
            paths.append(path)
    return bool(paths) and all(_TRAINING_ROUTE.search(path) for path in paths)


def serving_import(facts: PythonFacts) -> Import | None:
    """The first import of a serving framework in a file that serves with it, or None. A
    web service whose routes only train serves no model (_training_service)."""
    for imp in facts.imports:
        if not module_matches_any(imp.module, SERVING_MODULES):
            continue
        needs = _SERVES_ONLY_WITH.get(imp.module.split(".", 1)[0])
        declared = (*facts.calls, *facts.decorators, *facts.bases)
        if needs and not any(name_matches_any(item.name, needs) for item in declared):
            continue
        if _training_service(facts):
            return None
        return imp
    return None


_SERVING_IMPORT = derivation_key("profile.serving_import")


def serving_imports(snap: Snapshot, paths: list[str]) -> list[tuple[str, Import]]:
    """(path, serving import) of each of `paths` that serves with a framework."""
    found = snap.python_per_file(_SERVING_IMPORT, paths, lambda _p, f: serving_import(f))
    return [(path, imp) for path, imp in found if imp is not None]


def _imports(snap: Snapshot, modules: tuple[str, ...]) -> list[Evidence]:
    found = []
    paths = base.python_sources(snap, ("*.py",), scope="non_tests")
    for path, imports in base.imports_of(snap, paths, modules):
        module, line, _note = imports[0]  # a .py file: the line, no notebook cell
        found.append(ev(path, line, f"import {module}"))
    return found


# a model server generated by the tracker: the image `mlflow models build-docker` builds
# answers `/invocations` over HTTP, as a FastAPI app would (davesamer/ml-ops-test-project
# code/build_docker_image.py:16 `mlflow.models.build_docker(model_uri=…)`, pushed and run with
# `docker run -p 8000:8080` by its deployment workflow; reviewed)
_GENERATED_SERVER_CALLS = ("mlflow.models.build_docker",)
_GENERATED_SERVER_COMMAND = re.compile(r"\bmlflow\s+models\s+build-docker\b")


def _generated_servers(snap: Snapshot) -> list[Evidence]:
    """Model servers the project generates instead of writing: an MLflow scoring-server
    image built by production code or by a CI job."""
    paths = base.python_sources(snap, ("*.py",), scope="non_tests")
    found = [
        ev(path, calls[0].line, f"{calls[0].name}(…)", "generated model server")
        for path, calls in base.calls_of(snap, paths, _GENERATED_SERVER_CALLS)
    ]
    for job in snap.ci_jobs:
        if job.disabled:
            continue
        for command in job.commands:
            if _GENERATED_SERVER_COMMAND.search(command.text):
                found.append(ev(job.path, command.line, command.text, "generated model server"))
    return found


def _managed_deploys(snap: Snapshot) -> list[Evidence]:
    """A deploy call to a managed endpoint in production code that imports the platform SDK
    (`client.deployments.create(…)` after `from ibm_watson_machine_learning import
    APIClient`, `model.deploy(…)` with SageMaker/Vertex AI …)."""
    found = []
    for path in base.python_sources(snap, ("*.py",), scope="non_tests"):
        call = managed_deploy_call(snap, path)
        if call is not None:
            found.append(ev(path, call.line, f"{call.name}(…)", "managed endpoint deploy"))
    return found


# managed batch prediction: the platform runs the serving image over a dataset and stops
# (teamdatatonic/vertex-pipelines-end-to-end-samples components/.../model_batch_predict.py:176
# `client.create_batch_prediction_job(`; SageMaker batch transform; Azure ML parallel runs)
_BATCH_SCORING_CALLS = (
    "*.create_batch_prediction_job",
    "google.cloud.aiplatform.BatchPredictionJob.create",
    "*.Model.batch_predict",
    "*ModelBatchPredictOp",
    "sagemaker.transformer.Transformer",
    "*.transformer.Transformer",
    "*ParallelRunStep",
)


def _batch_scoring_only(snap: Snapshot, manifests: list[Evidence]) -> list[Evidence]:
    """The managed batch job that scores with the production code's server, when nothing
    serves online (no Kubernetes workload, managed endpoint deploy, declared endpoint or CI
    delivery to a serving platform): then the HTTP server in the image is the contract the
    batch job calls (Vertex AI custom prediction containers must answer HTTP), not an
    online service. Empty otherwise."""
    paths = base.python_sources(snap, ("*.py",), scope="non_tests")
    found = base.calls_of(snap, paths, _BATCH_SCORING_CALLS)
    if not found or manifests or _managed_deploys(snap) or _declared_endpoints(snap):
        return []
    if _served_by_ci(snap):
        return []
    path, calls = found[0]
    return [ev(path, calls[0].line, f"{calls[0].name}(…)", "managed batch prediction")]


def _manifests(snap: Snapshot) -> list[Evidence]:
    """The first Kubernetes object of each manifest file (parsed once by the Snapshot),
    plus Helm charts (whose templates are not YAML)."""
    found: dict[str, Evidence] = {}
    for obj in snap.k8s_objects:
        if not base.is_excluded(obj.path) and obj.path not in found:
            found[obj.path] = ev(obj.path, obj.line, f"kind: {obj.kind}")
    for chart in snap.helm_charts:
        if not base.is_excluded(chart.path):
            found.setdefault(chart.path, ev(chart.path, None, "Helm chart"))
    return list(found.values())


def _serving_specs(snap: Snapshot) -> list[Evidence]:
    """Ray Serve / Anyscale service specs, and CI jobs that deliver the system (the same
    delivery the cd-deploy check sees: platform deploys, shipping, copy and restart)."""
    found = []
    for path in base.select_files(snap, ("*.yaml", "*.yml")):
        text = snap.text(path)
        if text is None or ("ray_serve_config" not in text and "import_path" not in text):
            continue
        for doc in snap.yaml_docs(path):
            if not isinstance(doc, dict):
                continue
            apps = doc.get("applications")
            if "ray_serve_config" in doc or (
                isinstance(apps, list)
                and any(isinstance(a, dict) and "import_path" in a for a in apps)
            ):
                found.append(ev(path, getattr(doc, "line", None), "Ray Serve service spec"))
                break
    for delivery in deliveries(snap):
        if delivery.dockerfile and not could_serve(snap, delivery.dockerfile):
            continue  # pushes a build or test environment (CMD ["/bin/bash"]), not a service
        found.append(delivery.evidence[-1])
    found += _bento_images(snap)
    return found


def _bento_images(snap: Snapshot) -> list[Evidence]:
    """BentoML services that declare their container image in code (`@bentoml.service(
    image=bentoml.images.Image(…))`, BentoML 1.3+): `bentoml build` and `containerize` ship
    them, as a bentofile does (bentoml/BentoProphet predict/service.py:23-28; reviewed)."""
    found = []
    for path in base.python_sources(snap, ("*.py",), scope="non_tests"):
        facts = snap.python(path)
        if facts is None:
            continue
        for deco in facts.decorators:
            if name_matches(deco.name, "bentoml.service") and deco.kwarg("image") is not None:
                found.append(ev(path, deco.line, "@bentoml.service(image=…)", "BentoML image"))
                break
    return found


# Terraform resources that are a managed online endpoint
TF_ENDPOINTS = ("aws_sagemaker_endpoint", "google_vertex_ai_endpoint")


def _declared_endpoints(snap: Snapshot) -> list[Evidence]:
    """Managed online endpoints declared as infrastructure code: a CloudFormation
    `AWS::SageMaker::Endpoint`, a SAM function behind an `Api`/`HttpApi` event (an HTTP
    service), a Terraform `aws_sagemaker_endpoint` or `google_vertex_ai_endpoint`, or their
    AWS CDK constructs (`aws_sagemaker.CfnEndpoint`, `aws_apigateway.LambdaRestApi` …)."""
    found = [
        ev(r.path, r.line, f"AWS::SageMaker::Endpoint {r.logical_id}")
        for r in cfn_resources(snap, "AWS::SageMaker::Endpoint")
    ]
    for fn in cfn_resources(snap, "AWS::Serverless::Function"):
        events = fn.properties.get("Events")
        if not isinstance(events, dict):
            continue
        for name, event in events.items():
            if isinstance(event, dict) and event.get("Type") in SAM_API_EVENTS:
                line = key_line(events, name) or fn.line
                found.append(ev(fn.path, line, f"{fn.logical_id}: {event.get('Type')} event"))
                break
    found += [tf_ev(snap, b) for b in tf_blocks(snap, *TF_ENDPOINTS) if b.type == "resource"]
    found += cdk_evidence(snap, "AWS::SageMaker::Endpoint") + cdk_evidence(snap, "API")
    return [e for e in found if not base.is_test_path(e.path)]


def _served_by_ci(snap: Snapshot) -> list[Evidence]:
    """CI jobs that deploy to a platform that runs an online service (Cloud Run, App
    Service, Lambda, an Azure ML/SageMaker online endpoint, Heroku …) or update a server
    and restart it: the app they ship is served, whatever framework it uses."""
    return [d.evidence[-1] for d in deliveries(snap) if d.serves]


# Scheduled CI housekeeping is not a batch job: nightly tests, linters, dependency or
# notebook checks. A scheduled job is batch work when one command does something else.
_HOUSEKEEPING = re.compile(
    r"^[\s(]*(?:sudo\s+)?(?:(?:pdm|uv|poetry|hatch|pipenv)\s+run\s+(?:-\w+\s+)*)?"
    r"(?:(?:python3?)\s+(?:-m\s+)?)?"
    r"(?:pytest|tox|nox|unittest|ruff|flake8|pylint|mypy|black|isort|pre-commit|coverage|"
    r"jupyter\s+nbconvert|nbstripout|sphinx(?:-build)?|latexmk|mkdocs|codespell|unzip|tar|echo|cd|ls|"
    r"mkdir|cp|mv|rm|cat|export|exit|git|gh|curl|wget|apt(?:-get)?\s+update|npm\s+ci|"
    r"(?:pdm|uv|poetry|pipenv)\s+(?:sync|install|lock|update)|make\s+(?:test|lint|check|docs)\w*|"
    # security scans and audits (unit8co/darts .github/workflows/uv-audit.yml:34, weekly)
    r"uv\s+audit|pip-audit|safety\s+(?:check|scan)|osv-scanner|trivy|grype|bandit|semgrep|"
    r"gitleaks|detect-secrets|trufflehog|(?:uv|pip|poetry|pdm|conda)\s+cache|"
    # the machine's state and text plumbing around a nightly copy of the PR checks
    # (SeldonIO/alibi-detect .github/workflows/ci.yml:54 `df -h`, Makefile:63 `cut -d, …`)
    r"df|du|free|nproc|nvidia-smi|uname|env|printenv|pwd|whoami|date|sleep|true|false|"
    r"cut|sed|awk|grep|sort|uniq|head|tail|wc|tee|touch|chmod|ln|diff|"
    r"pip3?\s+(?:freeze|list|show|check)|twine\s+check|"
    # resolving and listing dependencies (Lightning-AI/LitServe ci-testing.yml:48-59, nightly)
    r"(?:uv\s+)?pip(?:-compile|\s+compile)|uv\s+pip\s+(?:list|freeze|show|check|compile)|"
    r"(?:uv\s+run\s+)?python3?\s+-m\s+lightning_utilities\.cli\s+requirements|"
    # building the project's own distribution (alibi-detect Makefile:44 `build_pypi`)
    r"python3?\s+setup\.py\s+(?:sdist|bdist_wheel|build|check)|python3?\s+-m\s+build)\b"
)
# ... nor are the shell around those commands, a tool's location or version, a system
# package install, or a Makefile target that sets up, builds or cleans
# (drivendataorg/cookiecutter-data-science .github/workflows/tests.yml:37,80-100, weekly)
_SET_UP = re.compile(
    r"^\s*#"  # a comment in the step's script
    r"|^\s*(?:if|then|else|elif|fi|do|done|for|while|case|esac)\b|^\s*(?:\[\[|\]\]|[{}]\s*$)"
    r"|^\s*(?:which|where|type|command\s+-v)\s"
    r"|^\s*\S+\s+(?:--version|-V)\s*$"
    r"|^\s*(?:choco|brew|conda|mamba|micromamba|pixi|apt(?:-get)?)\s+(?:install|create|update|upgrade)\b"
    r"|^\s*make\s+(?:requirements|install|setup|deps|dev|format|clean|env\w*|venv|dist|build)\s*$"
    r"|^\s*python3?\s+(?:-V|--version|-c\s+[\"']\s*import\s+(?:platform|sys)\b)"
    r"|^\s*print\("
    # shell options and conditions (huggingface/lerobot latest_deps_tests.yml:261, a weekly
    # lock-update job: `set -euo pipefail`, `[ -z "$TOKEN" ]`)
    r"|^\s*set\s+[-+]\w|^\s*(?:\[\[?|test)\s"
)
# a variable assignment: set-up when it assigns a value, the command when it captures one
_ASSIGNED = re.compile(r"^\s*(?:export\s+|local\s+)?\w+=(?:\$\((.*)\)\s*$)?")
_SCRIPT_ARG = re.compile(r"^\s*python3?\s+(\S+\.py)\b")


# a job named for testing is a test run, whatever it runs: a weekly smoke evaluation of each
# benchmark (huggingface/lerobot .github/workflows/benchmark_tests.yml:67
# `libero-integration-test`, "Benchmark Integration Tests")
# (and a nightly benchmark is a measurement: SeldonIO/MLServer benchmark.yml:10, k6 against a
# test server)
TEST_JOB_NAME = re.compile(
    r"(?:^|[-_ .])(?:tests?|integration|smoke|e2e|benchmarks?|load[-_ ]?tests?|py-?tests?|"
    r"pytester|testing)(?:$|[-_ .])",
    re.I,
)


def _scheduled_work(snap: Snapshot, job: CiJob) -> bool:
    """A scheduled CI job that runs more than tests/linters/installs, and is not named for
    testing, nor also run on every pull request: nobody runs a production batch job to check
    a pull request, so such a job is a regression test run on a timer too (optuna/optuna-
    examples pytorch.yml:4-6, the examples weekly and on each pull request; reviewed)."""
    if TEST_JOB_NAME.search(job.name) or job.triggers & _REVIEW_TRIGGERS:
        return False
    scanned = [
        value for use in job.uses if _SCANNER_ACTION.match(use.text) for _key, value in use.inputs
    ]
    return any(
        _does_work(snap, command.text)
        for command in job.commands
        if not any(command.text.strip() in value for value in scanned)
    )
    # otherwise only tests/linters/installs, or only actions (stale bots …)


_REVIEW_TRIGGERS = frozenset({"pull_request", "pull_request_target", "merge_request"})


# a security scanner's action: its `command:`/`args:` inputs are the scan's options
# (SeldonIO/alibi-detect security.yaml:57-63, weekly `snyk/actions` `command: code test`)
_SCANNER_ACTION = re.compile(
    r"(?:github/codeql-action|returntocorp/semgrep|semgrep/semgrep|snyk/actions|"
    r"aquasecurity/trivy-action|anchore/scan-action|google/osv-scanner|pypa/gh-action-pip-audit|"
    r"SonarSource/|pyupio/safety)",
    re.I,
)


def _does_work(snap: Snapshot, text: str, depth: int = 2) -> bool:
    """Does one command line do more than test, lint, install, build or inspect? A `make`
    target is what its recipe runs (alibi-detect's nightly `make build_docs`, `make
    licenses`), as far as `depth` Makefile levels; a target the Makefile does not define is
    work, as any unknown command is."""
    for part in split_commands(text):
        assigned = _ASSIGNED.match(part)
        if assigned:
            if assigned.group(1) is None:
                continue
            part = assigned.group(1)  # the captured command is what runs
        if is_install(part) or _HOUSEKEEPING.search(part) or _SET_UP.search(part):
            continue
        script = _SCRIPT_ARG.search(part)
        if script and base.is_test_path(script.group(1)):
            continue
        recipe = _make_recipe(snap, part) if depth > 0 else None
        if recipe is not None and not any(_does_work(snap, line, depth - 1) for line in recipe):
            continue
        return True
    return False


def _make_recipe(snap: Snapshot, part: str) -> list[str] | None:
    """The recipe lines a `make …` command runs, prerequisites first; None when it is no
    make command or names no target its Makefile defines."""
    invocation = make_invocation(part)
    if invocation is None:
        return None
    makefile, targets = invocation
    if not targets or not snap.exists(makefile):
        return None
    table = makefile_targets(snap, makefile)
    if any(target not in table for target in targets):
        return None
    commands: list[str] = []
    continued = False
    for text, _line, _target in make_lines(snap, makefile, targets, set()):
        if continued:  # a line ending in `\` goes on in the next one: one command
            commands[-1] = commands[-1][:-1] + " " + text
        else:
            commands.append(text)
        continued = text.endswith("\\")
    return commands


# the TestPyPI rehearsal of a release, not the release (EleutherAI/lm-evaluation-harness
# `testpypi`; an action's `repository-url`, twine's `--repository testpypi`)
TEST_INDEX = re.compile(r"test\.pypi\.org|\btestpypi\b", re.IGNORECASE)
PUBLISH_COMMAND = re.compile(
    r"\b(?:twine\s+upload|uv\s+publish|poetry\s+publish|flit\s+publish|hatch\s+publish|"
    r"pdm\s+publish|maturin\s+(?:publish|upload))\b"
)


def publish_action(use: CiCommand) -> bool:
    """A CI action step that uploads the package to its index: PyPA's publish action, or
    maturin's told to upload the wheels it built (mosecorg/mosec .github/workflows/
    package.yml:136-139 `PyO3/maturin-action` `command: upload`; reviewed)."""
    if "gh-action-pypi-publish" in use.text:
        return True
    return "maturin-action" in use.text and (use.input("command") or "").strip() in (
        "upload",
        "publish",
    )


def published_library(snap: Snapshot) -> list[Evidence]:
    """Rule lib: the repository publishes its own package to a package index (a CI job runs
    `twine upload` / `pypa/gh-action-pypi-publish` …, a Makefile target releases it by hand,
    or its metadata links its PyPI page, or its README shows a badge of its PyPI page): it is a
    library or an MLOps tool. Asked by the profile, the training precondition, the tutorials
    and two checks: answered once per Snapshot (callers do not change the list)."""
    return snap.memo(("published_library",), lambda: _published_library(snap))


def _published_library(snap: Snapshot) -> list[Evidence]:
    if not base.own_packages(snap):
        return []
    for job in snap.ci_jobs:
        if job.disabled:
            continue
        for use in job.uses:
            if publish_action(use):
                return [ev(job.path, use.line, use.text, f"{job.system} job {job.name} publishes")]
        for command in job.commands:
            if PUBLISH_COMMAND.search(command.text):
                return [ev(job.path, command.line, command.text, f"{job.system} job {job.name}")]
    # ... or through a script or a Python driver the job runs (pytorch/serve
    # torchserve-nightly-build.yml:42 `python binaries/upload.py --upload-pypi-packages`,
    # binaries/upload.py:28 `twine upload …`; reviewed), a TestPyPI rehearsal aside
    for reach in _ci_reach.reached(snap):
        if (
            not reach.direct
            and _ci_reach.runs(reach.text, PUBLISH_COMMAND)
            and not TEST_INDEX.search(reach.text)
        ):
            return [reach.evidence()]
    return (
        makefile_releases(snap)[:1] or _pypi_page_in_metadata(snap) or _pypi_badge_in_readme(snap)
    )


def makefile_releases(snap: Snapshot) -> list[Evidence]:
    """Makefile targets that publish the package: a release made by hand (SeldonIO/
    alibi-detect Makefile:51-52 `push_pypi: twine upload dist/*`), the real index before a
    rehearsal on TestPyPI (alibi-detect Makefile:48 and :52). A Makefile of an example or a
    doc is not the project's. Also the release task of an invoke `tasks.py` or a nox session
    (see _task_releases)."""
    return _make_releases(snap) + _task_releases(snap)


# a task named for releasing, and what in it uploads: a publish command, or a call named
# upload or publish (ploomber/ploomber tasks.py:110-115 `def release(c, tag, …)`, "Upload to
# PyPI", `versioneer.upload(tag, production=production)`; reviewed)
_RELEASE_TASK = re.compile(r"^(?:release|publish|upload|deploy_pypi|pypi)(?:_\w+)?$")
_UPLOAD_CALL = ("*.upload", "*.publish", "upload", "publish")


def _task_releases(snap: Snapshot) -> list[Evidence]:
    found: list[Evidence] = []
    for path in ("tasks.py", "noxfile.py"):
        facts = snap.python(path) if snap.exists(path) else None
        if facts is None:
            continue
        decorated = {
            d.line for d in facts.decorators if name_matches_any(d.name, ("*task", "*session"))
        }
        for name, start, end, kind in facts.spans:
            if (
                kind != "def"
                or not _RELEASE_TASK.match(name)
                or not (decorated & {start - 1, start})
            ):
                continue
            hits = [
                (call.line, f"{call.name}(…)")
                for call in facts.calls
                if start <= call.line <= end and name_matches_any(call.name, _UPLOAD_CALL)
            ] + [
                (line, value)
                for value, line in facts.strings
                if start <= line <= end and PUBLISH_COMMAND.search(value)
            ]
            if hits:
                line, shown = min(hits)
                found.append(ev(path, line, shown, f"task {name} publishes"))
    return found


def _make_releases(snap: Snapshot) -> list[Evidence]:
    found = [
        ev(path, line, text, f"Makefile target {target} publishes")
        for path in snap.glob("**/[Mm]akefile")
        if not base.is_excluded(path)
        for target, (_prereqs, recipe) in makefile_targets(snap, path).items()
        for text, line in recipe
        if PUBLISH_COMMAND.search(text)
    ]
    found.sort(key=lambda e: "test.pypi" in (e.snippet or ""))
    return found


_PYPI_PAGE = re.compile(r"pypi\.org/project/([A-Za-z0-9][\w.-]*)")
# a PyPI badge is drawn from the index itself: the release it holds (`pypi/v`), the Python
# versions or licence of that release, or its downloads (`pypi/dm`, pepy.tech: fuzzylabs/
# matcha README.md:15 `img.shields.io/pypi/dm/matcha-ml`; reviewed) exist only for a
# package published there
_BADGE_END = r"(?:\.svg)?(?=[?)\"'\s/]|$)"
_PYPI_BADGE = re.compile(
    rf"img\.shields\.io/pypi/(?:v|dm|dw|dd|pyversions|l|wheel|status|format|implementation)"
    rf"/([A-Za-z0-9][\w.-]*?){_BADGE_END}"
    rf"|badge\.fury\.io/py/([A-Za-z0-9][\w.-]*?){_BADGE_END}"
    rf"|(?:static\.)?pepy\.tech/(?:personalized-)?badge/([A-Za-z0-9][\w.-]*?){_BADGE_END}"
)
_README = ("README.md", "README.rst", "README.markdown", "README.txt", "README")


def _pypi_badge_in_readme(snap: Snapshot) -> list[Evidence]:
    """A release made by hand, shown by a badge of the package's own PyPI page (its version,
    Python versions or downloads) in the root README (bigscience-workshop/petals README.md:6 `img.shields.io/pypi/v/petals`,
    released with no CI job, Makefile or metadata link; reviewed). The badge must name the
    distribution the build declares: a dependency's badge is not this one's, and a link to
    the page alone is prose, not proof."""
    names = base.declared_distributions(snap)
    if not names:
        return []
    for path in _README:
        if not snap.exists(path):
            continue
        for number, line in enumerate(snap.lines(path), 1):
            for match in _PYPI_BADGE.finditer(line):
                name = match.group(1) or match.group(2) or match.group(3)
                if base.norm_dist(name) in names:
                    return [ev(path, number, match.group(0), "a badge drawn from its PyPI page")]
        break
    return []


def _pypi_page_in_metadata(snap: Snapshot) -> list[Evidence]:
    """A release made by hand, that the package's own metadata points at: a link to its
    PyPI page among the URLs of pyproject.toml, setup.cfg or setup.py (pycaret/pycaret
    pyproject.toml:224 `Download = "https://pypi.org/project/pycaret/#files"`, released with
    no CI job or Makefile; reviewed). The link must name the distribution the file declares:
    a link to another project's page (a dependency's) is not this one's."""
    names = base.declared_distributions(snap)
    if not names:
        return []
    for path in ("pyproject.toml", "setup.cfg", "setup.py"):
        for number, line in enumerate(snap.lines(path) if snap.exists(path) else [], 1):
            match = _PYPI_PAGE.search(line)
            if match and base.norm_dist(match.group(1)) in names:
                return [ev(path, number, line.strip(), "the package's PyPI page")]
    return []


# What a Dockerfile that packages Python work shows: a Python/ML base image, a Python package
# install, or the project's code copied in (`.`, a folder, a .py file, its requirements)
_PYTHON_BASE = re.compile(
    r"python|pytorch|torch|tensorflow|conda|mamba|jupyter|cuda|nvidia|sagemaker|huggingface|rayproject|spark|lambda",
    re.I,
)
_PYTHON_RUN = re.compile(r"\b(pip3?|conda|mamba|micromamba|poetry|uv|pipenv|python3?)\b")
_SCRIPT_FILE = re.compile(r"\.(sh|bash|txt|md|json|ya?ml|conf|cfg|ini|html|css|js)$", re.I)


def packages_python(snap: Snapshot, path: str) -> bool:
    """Does the image hold Python work? An `alpine` image that copies one shell script
    (nogibjj/mlops-template Dockerfile) packages no job of an ML project."""
    dockerfile = snap.dockerfile(path)
    if dockerfile is None:
        return True  # unreadable: not known to be empty of Python
    if any(_PYTHON_BASE.search(image.image) for image in dockerfile.base_images):
        return True
    if any(_PYTHON_RUN.search(i.args) for i in dockerfile.of("RUN") + dockerfile.of("CMD")):
        return True
    for instruction in dockerfile.of("COPY") + dockerfile.of("ADD"):
        sources = [a for a in instruction.args.split() if not a.startswith("--")][:-1]
        if any(not _SCRIPT_FILE.search(source) or "requirements" in source for source in sources):
            return True
    return False


_NOTEBOOK_SERVER = re.compile(r"\bjupyter\W+(?:notebook|lab|server)\b|start-notebook\.(?:sh|py)")


def starts_notebook_server(snap: Snapshot, path: str) -> bool:
    """Does the image start Jupyter (its last CMD or ENTRYPOINT)? Then it is a development
    environment (microsoft/recommenders tools/docker/Dockerfile, `CMD ["jupyter", "notebook",
    …]`), as a `.devcontainer/` is, not a packaged job."""
    dockerfile = snap.dockerfile(path)
    if dockerfile is None:
        return False
    starts = dockerfile.of("CMD") + dockerfile.of("ENTRYPOINT")
    if not starts:
        return False
    last = max(starts, key=lambda i: i.line)
    return bool(_NOTEBOOK_SERVER.search(last.args))


_SHELL = re.compile(r"""^\s*\[?\s*["']?(?:/usr)?(?:/bin/)?(?:ba|z)?sh["']?\s*\]?\s*$""")
_COMPOSE_FILES = ("docker-compose*.yml", "docker-compose*.yaml", "compose.yml", "compose.yaml")


def _image_starts(snap: Snapshot, module_path: str) -> bool:
    """Does an image the repository ships start this module of its own package, by its
    command or the entrypoint script it runs? A serving tool that ships the image of its
    own server is deployed by its repository (allegroai/clearml-serving
    clearml_serving/serving/Dockerfile ENTRYPOINT entrypoint.sh, :48-49 `uvicorn
    clearml_serving.serving.main:app`; reviewed)."""
    stem = module_path.removesuffix(".py").removesuffix("/__init__")
    roots = [r for r in base.package_roots(snap) if r and stem.startswith(r)]
    dotted = stem[len(roots[0]) if roots else 0 :].replace("/", ".")
    named = re.compile(rf"(?<![\w.]){re.escape(dotted)}(?:[:\s]|$)|{re.escape(stem)}\.py\b")
    for dockerfile in base.runtime_dockerfiles(snap):
        if any(named.search(text) for text in _image_commands(snap, dockerfile)):
            return True
    return False


def _image_commands(snap: Snapshot, dockerfile: str) -> list[str]:
    """What an image starts: its CMD and ENTRYPOINT, and the lines of a repository script
    they name (found by its path from the root or its file name), read once per scan."""

    def build() -> list[str]:
        parsed = snap.dockerfile(dockerfile)
        if parsed is None:
            return []
        texts = [i.args for i in (*parsed.of("CMD"), *parsed.of("ENTRYPOINT"))]
        for word in re.findall(r"[\w./-]+\.sh\b", " ".join(texts)):
            name = word.removeprefix("./").lstrip("/")
            candidates = (
                [name]
                if snap.exists(name)
                else [f for f in snap.files if f.endswith("/" + name.rsplit("/", 1)[-1])][:3]
            )
            for script in candidates:
                texts.extend(snap.lines(script))
        return texts

    return snap.memo(("profile.image_commands", dockerfile), build)


# images of a web server or a JavaScript runtime: they serve static files or JavaScript, not
# the repository's Python (OpenBMB/MiniCPM-V's web demo frontend, built by node and served by
# nginx; its FastAPI model server is in no image; reviewed)
_WEB_ROOT = re.compile(r"\s/(?:usr/share/nginx|etc/nginx|usr/local/apache2/htdocs|srv/http)\b")
_WEB_IMAGE = re.compile(r"^(?:[\w.-]+/)*(?:nginx|httpd|caddy|node|traefik|envoy|haproxy)(?::|@|$)")


def could_serve(snap: Snapshot, path: str) -> bool:
    """Could the image run a service? Not when it exposes no port and starts nothing but a
    shell (or nothing at all) and no Compose file in the repository could start it with a
    command of its own: that is a build, test or training environment
    (huggingface/peft docker/*/Dockerfile `CMD ["/bin/bash"]`: CI test images;
    ultralytics/yolov5 utils/docker/Dockerfile: no CMD, "for training and inference")."""
    dockerfile = snap.dockerfile(path)
    if dockerfile is None:
        return True  # unreadable: not known to serve nothing
    stages = dockerfile.of("FROM")
    final = stages[-1].args.split() if stages else []
    if final and _WEB_IMAGE.match(final[0]):
        return False
    copies = dockerfile.in_final_stage("COPY") + dockerfile.in_final_stage("ADD")
    if any(_WEB_ROOT.search(i.args) for i in copies):
        return False  # its final stage is a web server's document root or configuration
    if dockerfile.of("EXPOSE"):
        return True
    if starts_a_program(snap, path):
        return True
    return bool(base.select_files(snap, _COMPOSE_FILES))


# a Python script named for a test or smoke check, run as the image's command
_TEST_SCRIPT_COMMAND = re.compile(
    r"""\bpython[\d.]*["',\s]+(?:[\w./-]*/)?(?:\w*_)?(?:test|tests|smoke_?test|sanity)(?:_\w*)?\.py\b"""
)


def _runs_a_test_script(dockerfile: Dockerfile) -> bool:
    """Does an image that exposes no port start only a test script (IDEA-Research/
    GroundingDINO Dockerfile `CMD [ "python", "docker_test.py" ]`, the image that checks the
    package installs and runs; reviewed)? It is a test environment, not a service."""
    starts = dockerfile.of("CMD") + dockerfile.of("ENTRYPOINT")
    last = max(starts, key=lambda i: i.line) if starts else None
    return last is not None and bool(_TEST_SCRIPT_COMMAND.search(last.args))


def starts_a_program(snap: Snapshot, path: str) -> bool:
    """Does the image start something of its own (a CMD or ENTRYPOINT other than a shell)?
    One that starts nothing, or only a shell, is an environment to work in: a development
    image run with `docker run -it` (facebookresearch/detectron2 docker/Dockerfile, its
    Compose service forwarding the X11 display), a GPU training environment
    (EleutherAI/gpt-neox containers/docker/Dockerfile). A job is packaged when the image
    runs it, or when a CronJob, an orchestrator or a CI delivery runs the image. An image
    whose command is a test script runs no job of the project's either."""
    dockerfile = snap.dockerfile(path)
    if dockerfile is None:
        return True  # unreadable: not known to start nothing
    if _runs_a_test_script(dockerfile):
        return False
    entrypoints, commands = dockerfile.of("ENTRYPOINT"), dockerfile.of("CMD")
    if entrypoints and _passes_through(snap, path, entrypoints[-1].args):
        # what runs is the CMD, or whatever `docker run` is given
        return bool(commands) and not _SHELL.match(commands[-1].args)
    starts = commands + entrypoints
    return bool(starts) and not _SHELL.match(max(starts, key=lambda i: i.line).args)


# an entrypoint script that only prepares the environment and runs its arguments (advimman/
# lama docker/entrypoint.sh `exec $@`, the ENTRYPOINT of an image that mounts the code and
# runs the command it is given; reviewed)
_RUNS_ARGUMENTS = re.compile(r'^(?:exec\s+)?(?:gosu\s+\S+\s+)?"?\$(?:@|\{@\})"?$')
_PREPARES = re.compile(
    r"^(?:set|export|source|\.|cd|umask|ulimit|unset|conda\s+activate|[A-Za-z_]\w*=)(?:\s|$|=)"
)
_ENTRY_WORD = re.compile(r"""^\s*\[?\s*["']?([^\s"',\]]+)""")


def _passes_through(snap: Snapshot, dockerfile: str, entrypoint: str) -> bool:
    """Is the ENTRYPOINT a script of the repository (found beside the Dockerfile or at the
    root) that only prepares the environment and then runs the arguments it is given?"""
    word = _ENTRY_WORD.match(entrypoint)
    if word is None or not word.group(1).endswith(".sh"):
        return False
    name = word.group(1).rsplit("/", 1)[-1]
    folder = dockerfile.rsplit("/", 1)[0] if "/" in dockerfile else ""
    script = next(
        (c for c in (f"{folder}/{name}" if folder else name, name) if snap.exists(c)), None
    )
    if script is None:
        return False
    lines = [
        line.strip()
        for line in snap.lines(script)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    return (
        bool(lines)
        and _RUNS_ARGUMENTS.match(lines[-1]) is not None
        and all(_PREPARES.match(line) for line in lines[:-1])
    )


# the packages that bring a web or model server, directly or as a dependency (fastapi brings
# starlette, mlflow flask, gradio fastapi): one of them declared or installed ships a server
SERVER_PACKAGES = frozenset(
    {
        "fastapi",
        "starlette",
        "flask",
        "uvicorn",
        "gunicorn",
        "hypercorn",
        "waitress",
        "gradio",
        "streamlit",
        "bentoml",
        "ray",
        "litserve",
        "litestar",
        "torchserve",
        "kserve",
        "seldon-core",
        "mlserver",
        "quart",
        "falcon",
        "sanic",
        "aiohttp",
        "grpcio",
        "tornado",
        "django",
        "connexion",
        "mlrun",
        "jina",
        "mlflow",
        "vllm",
        "sglang",
        "nvidia-pytriton",
    }
)
_SETUP_FILES = ("setup.py", "setup.cfg")


def server_never_installed(snap: Snapshot) -> bool:
    """Does the repository declare its dependencies without any package that brings a
    server, and install none in a Dockerfile? Then a server in its code is an example that
    nothing ships (ultralytics/yolov5 utils/flask_rest_api/: Flask in no requirements file,
    no image installs it). Nothing declared at all: not known, so False."""
    from mlaudit.inventory import declared_requirements
    from mlaudit.probes.ml_system import _docker_installs

    declared = declared_requirements(snap)
    setups = base.select_files(snap, _SETUP_FILES)
    if not declared and not setups:
        return False
    if SERVER_PACKAGES & declared.keys():
        return False
    for path in setups:  # install_requires, read as text: a name is enough
        text = (snap.text(path) or "").lower()
        if any(re.search(rf"[\"'\s]{re.escape(name)}\b", text) for name in SERVER_PACKAGES):
            return False
    return not _docker_installs(snap, SERVER_PACKAGES)


def detect_profile(snap: Snapshot) -> ProfileInfo:
    """The profile the repository's files show, and whether it publishes its own package
    (once per Snapshot: the scoring and the notebook-only check both ask)."""

    def build() -> ProfileInfo:
        profile = _detect_profile(snap)
        return profile.model_copy(update={"library": bool(published_library(snap))})

    return snap._cached("detect_profile", "", build)


def _detect_profile(snap: Snapshot) -> ProfileInfo:
    library = published_library(snap)
    # a serving framework in production code, or a managed platform's scoring script; in a
    # published tool (rule lib) not its own web UI or orchestration integration, nor a
    # benchmark or script serving through the tool itself (SeldonIO/MLServer
    # benchmarking/generator.py:12 `import mlserver`, hack/generate_dotenv.py:18)
    serving = [
        ev(path, imp.line, f"import {imp.module}")
        for path, imp in serving_imports(
            snap, base.python_sources(snap, ("*.py",), scope="non_tests")
        )
        if not library
        or not (base.in_own_package(snap, path) or base.is_own_module(snap, imp.module))
        or _image_starts(snap, path)
    ]
    if serving and server_never_installed(snap):
        serving = []
    if not library:
        serving += _generated_servers(snap)
    serving += [
        named
        for _script, named in platform_entry_points(snap)
        if not library or not base.in_own_package(snap, named.path)
    ]
    # a bentofile whose service module is gone serves nothing (khuyentran1401/customer_segmentation);
    # a serving tool's own configuration files are its fixtures and benchmarks (rule lib:
    # SeldonIO/MLServer benchmarking/testserver/models/*/model-settings.json)
    serving_files = [] if library else [ev(p) for p in serving_spec_files(snap, SERVING_FILES)[0]]
    containers = [ev(p) for p in base.runtime_dockerfiles(snap) if not base.is_test_path(p)]
    manifests = _manifests(snap)
    servers = [e for e in containers if could_serve(snap, e.path)]
    shipped = servers + manifests + serving_files + _serving_specs(snap)
    shipped += online_deployments(snap) + service_specs(snap)
    batch_scoring = (
        _batch_scoring_only(snap, manifests) if (serving or serving_files) and shipped else []
    )
    if batch_scoring:
        # the server is the image a managed batch job runs: a batch profile (below)
        serving, serving_files = [], []
    if (serving or serving_files) and shipped:
        reasons = [
            "a serving framework is used in production code",
            "and it is shipped (container, manifest, service spec or CI deploy)",
        ]
        return ProfileInfo(
            name="online-serving",
            detected="online-serving",
            reasons=tuple(reasons),
            evidence=base.cap(serving[:3] + serving_files[:2] + shipped[:3]),
        )
    # a model server declared as a cluster resource serves online with no serving code of
    # the project's own: KServe loads the model from storage (tanny1412/kubeflow-kserve-mlops-
    # pipeline kserve/inference-service.yaml:1-13, beside a KFP training pipeline; reviewed)
    model_servers = (
        []
        if library
        else [
            ev(obj.path, obj.line, f"kind: {obj.kind}")
            for obj in snap.k8s_objects
            if obj.kind in MODEL_SERVER_KINDS
            and not base.is_excluded(obj.path)
            and not base.is_test_path(obj.path)
        ]
    )
    if model_servers:
        return ProfileInfo(
            name="online-serving",
            detected="online-serving",
            reasons=("a model server is declared as a Kubernetes resource (KServe, Seldon)",),
            evidence=base.cap(model_servers[:3]),
        )
    served = [] if library else _served_by_ci(snap)
    if served:
        reasons = [
            "a CI job delivers the app to a serving platform or restarts it on a server",
        ]
        return ProfileInfo(
            name="online-serving",
            detected="online-serving",
            reasons=tuple(reasons),
            evidence=base.cap(served[:3] + serving[:2]),
        )
    # a published tool's deployers are its product (iterative/mlem mlem/contrib/sagemaker/
    # meta.py:316 `sm_model.deploy(…)`, called for its users; reviewed)
    managed = [
        e for e in _managed_deploys(snap) if not library or not base.in_own_package(snap, e.path)
    ]
    if managed:
        reasons = [
            "production code deploys the model to a managed online endpoint "
            "(SageMaker, Vertex AI, Azure ML, Watson ML, Databricks, MLRun)"
        ]
        return ProfileInfo(
            name="online-serving",
            detected="online-serving",
            reasons=tuple(reasons),
            evidence=base.cap(managed[:3]),
        )
    declared = [] if library else _declared_endpoints(snap)
    if declared:
        return ProfileInfo(
            name="online-serving",
            detected="online-serving",
            reasons=("infrastructure code declares a managed online endpoint or HTTP function",),
            evidence=base.cap(declared[:3]),
        )
    orchestrators = _imports(snap, ORCHESTRATOR_MODULES)
    if library:
        orchestrators = [e for e in orchestrators if not base.in_own_package(snap, e.path)]
        containers = []  # the tool's own image, not a packaged job
    # an image with no Python work in it (a shell script on alpine) packages no ML job, nor
    # does a Jupyter server for development
    containers = [
        e
        for e in containers
        if packages_python(snap, e.path)
        and not starts_notebook_server(snap, e.path)
        and starts_a_program(snap, e.path)
    ]
    cron = [e for e in manifests if e.snippet and "CronJob" in e.snippet]
    # a published tool's scheduled jobs run its own checks (rule lib: Lightning-AI/LitServe's
    # nightly pytest across OSes), never a batch job of a model
    scheduled = (
        []
        if library
        else [
            ev(job.path, job.line, f"{job.system} job {job.name} on schedule")
            for job in snap.ci_jobs
            if job.scheduled and not job.disabled and _scheduled_work(snap, job)
        ]
    )
    # a CI job that ships a job image or a batch deployment packages batch work
    shipped_jobs = [] if library else [d.evidence[-1] for d in deliveries(snap) if not d.serves]
    batch_evidence = batch_scoring + orchestrators + cron + scheduled + containers + shipped_jobs
    if batch_evidence:
        reasons = ["no online service, but jobs are packaged or scheduled"]
        if serving:
            reasons.append("a serving framework is imported but nothing ships it")
        if batch_scoring:
            reasons.append(
                "the serving image is run by a managed batch prediction job, and nothing "
                "serves online"
            )
        return ProfileInfo(
            name="batch",
            detected="batch",
            reasons=tuple(reasons),
            evidence=base.cap(batch_evidence),
        )
    reasons = ["no serving framework shipped in a container or manifest, and no scheduled jobs"]
    if library:
        own = ", ".join(sorted(base.own_packages(snap)))
        reasons.append(
            f"the repository publishes its own package ({own}): a library or MLOps tool, whose "
            "own serving/orchestration code is not a deployment (rule lib)"
        )
    return ProfileInfo(
        name="research",
        detected="research",
        reasons=tuple(reasons),
        evidence=base.cap(serving + library),
    )
