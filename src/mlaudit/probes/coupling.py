"""Loose-coupling probes (ARC): how training and serving code depend on each other, API
contracts, layout, change coupling in history, notebook imports and hard-coded endpoints.

Training vs serving code comes from the one shared classification in probes/code_roles.py.
"""

from __future__ import annotations

import posixpath
import re
from functools import partial

from pydantic import Field

from mlaudit.probes import base, words
from mlaudit.probes._serving_specs import SERVING_SPEC_FILES, serving_spec_files
from mlaudit.probes.base import ev
from mlaudit.probes.code_roles import CodeRoles, code_roles, production_python
from mlaudit.probes.generic import (
    module_matches_any,
    name_matches,
    name_matches_any,
)
from mlaudit.probes.kubernetes import NoParams, model_uri_platforms
from mlaudit.probes.registry import Params, probe
from mlaudit.repo.parsers.python_src import PythonFacts
from mlaudit.repo.snapshot import Snapshot, derivation_key
from mlaudit.results import Evidence, Observation


def _scope(roles: CodeRoles, starts: list[str]) -> dict[str, tuple[str, int] | None]:
    out: dict[str, tuple[str, int] | None] = {s: None for s in starts}
    for target, edge in roles.reach_all(starts).items():
        out.setdefault(target, edge)
    return out


def _need_both(roles: CodeRoles) -> Observation | None:
    if not roles.serving:
        return base.not_applicable("no serving code (no serving framework imported)")
    if not roles.training:
        return base.not_applicable("no training code (no .fit/.backward/Trainer calls)")
    return None


# feature store in training and serving --------------------------------------------------------
FEATURE_STORES = (
    "feast",
    "hsfs",
    "hopsworks",
    "tecton",
    "featureform",
    "feathr",
    "databricks.feature_store",
    "databricks.feature_engineering",
    "sagemaker.feature_store",
    "mlrun.feature_store",
)


# a module named for inference that predicts: batch scoring serves the model too, its
# features read online (hzabun/player-churn-mlops src/predict.py:83 `fs.get_online_features`,
# no web framework; reviewed)
_INFERENCE_NAME = re.compile(r"^(?:predict\w*|\w*_predict\w*|inference|infer|scor(?:e|ing)\w*)$")


def _batch_inference(snap: Snapshot, roles: CodeRoles) -> list[str]:
    found = []
    for path in production_python(snap):
        if path in roles.training or path in roles.serving:
            continue
        stem = posixpath.splitext(posixpath.basename(path))[0]
        if not _INFERENCE_NAME.match(stem.lower()):
            continue
        facts = snap.python(path)
        if facts is not None and any(
            c.name.rpartition(".")[2].startswith("predict") for c in facts.calls
        ):
            found.append(path)
    return found


@probe("feature_store_interface", NoParams, reads_code=True)
def feature_store_interface(snap: Snapshot, p: NoParams) -> Observation:
    """Training and serving read features through the same feature store.

    Looks for: an import of Feast, Hopsworks (`hsfs`), Tecton, Featureform, Feathr,
    Databricks or SageMaker feature store in training code AND in serving code (each side
    followed through its local imports). One side only gives partial credit.
    Why: the source model's "feature store in dev and prod": one definition of each feature
    for offline training and online serving removes training/serving skew.
    Fix: read training data with `get_historical_features` and serving features with
    `get_online_features` from the same feature repository.
    """
    roles = code_roles(snap)
    sides: dict[str, list[Evidence]] = {"training": [], "serving": []}
    serving = [*roles.serving, *_batch_inference(snap, roles)]
    for side, starts in (("training", list(roles.training)), ("serving", serving)):
        paths = sorted(_scope(roles, starts))
        for path, (line, module) in base.first_import_of(snap, paths, tuple(FEATURE_STORES)):
            sides[side].append(ev(path, line, f"import {module}", f"{side} code"))
    if sides["training"] and sides["serving"]:
        return base.passed(
            "training and serving share a feature store", sides["training"] + sides["serving"]
        )
    anywhere = [
        ev(path, line, f"import {module}")
        for path, (line, module) in base.first_import_of(
            snap, production_python(snap), tuple(FEATURE_STORES)
        )
    ]
    one = sides["training"] or sides["serving"] or anywhere
    if one:
        return base.partial("a feature store is used, but not by both training and serving", one)
    return base.failed("no feature store interface")


# serving spec ----------------------------------------------------------------------------------
class ServingSpecParams(Params):
    globs: list[str] = Field(default_factory=lambda: list(SERVING_SPEC_FILES))


@probe("serving_spec", ServingSpecParams)
def serving_spec(snap: Snapshot, p: ServingSpecParams) -> Observation:
    """A serving spec file declares how the model is served, and what it names exists.

    Looks for: `bentofile.yaml`, Triton `config.pbtxt`, MLServer `model-settings.json`
    (outside tests; an empty file holds nothing). A bentofile whose `service:` module is
    in none of the places BentoML would look (its folder, the repository root) is a
    leftover of a service that was deleted, and does not count.
    Why: a declared serving spec (the serving system's own config) rather than ad-hoc
    server code lets the platform build, version and roll out the service.
    Fix: declare the service in a bentofile/Triton/MLServer spec, or delete a spec whose
    service is gone.
    """
    live, dead = serving_spec_files(snap, tuple(p.globs))
    if live:
        return base.passed(f"found {words.listing(live)}", [ev(path) for path in live])
    if dead:
        return base.failed(
            "the serving spec names a service that is not in the repository",
            [ev(path, None, f"service: {service}", "module not found") for path, service in dead],
        )
    return base.failed(words.files_phrase(p.globs, "file"))


# same transform code ---------------------------------------------------------------------------
_TRANSFORM_PATH = re.compile(
    r"transform|preprocess|prepro|feature|process|clean|token|encod|data|pipeline|prep", re.I
)
_TRANSFORM_FN = re.compile(
    r"preprocess|transform|clean|featur|tokeni|encode|normaliz|prepare|process", re.I
)
# modules every part of a project imports, which transform nothing: configuration, logging,
# exceptions (Taurus3333/MlOps-Term-Deposit-Subscription src/logging, src/exception;
# arec1b0/ml-cicd-pipeline src/app/config.py; reviewed)
_UTILITY_MODULE = re.compile(
    r"^(?:_?config|configs?|configuration|settings|constants?|consts|env|logging|logger|loggers"
    r"|log|logs|log_config|logging_config|exceptions?|errors?|custom_exceptions?|custom_logg\w*"
    r"|version|__version__)$",
    re.IGNORECASE,
)


def _module_name(path: str) -> str:
    """`src/app/config.py` → config; a package's `__init__.py` → its folder's name."""
    parts = path.removesuffix(".py").split("/")
    return parts[-2] if parts[-1] == "__init__" and len(parts) > 1 else parts[-1]


PIPELINE_CALLS = (
    "sklearn.pipeline.Pipeline",
    "sklearn.pipeline.make_pipeline",
    "sklearn.compose.ColumnTransformer",
)


@probe("same_transform_code", NoParams, reads_code=True)
def same_transform_code(snap: Snapshot, p: NoParams) -> Observation:
    """Training and serving apply the same feature transformations from one module.

    Looks for: a project module imported (directly or through local imports) by both the
    training code and the serving code, that is neither, and that looks like a transform
    (its path or functions say preprocess/transform/feature/clean/tokenize/encode …); or
    an sklearn `Pipeline`/`ColumnTransformer` built in training (the transforms ship inside
    the model). A shared module that does not look like a transform gives partial credit.
    Not applicable unless the repository has both training and serving code.
    Why: mm#48 — transformations re-implemented for serving drift from training
    (training/serving skew, Sculley's pipeline jungles).
    Fix: move feature code into one module (e.g. `features.py`) that both import, or
    persist it inside the model as an sklearn Pipeline.
    """
    roles = code_roles(snap)
    skip = _need_both(roles)
    if skip is not None:
        return skip
    training = _scope(roles, list(roles.training))
    serving = _scope(roles, list(roles.serving))
    shared = sorted(
        path
        for path in set(training) & set(serving) - set(roles.training) - set(roles.serving)
        if not _UTILITY_MODULE.match(_module_name(path))
    )
    transform: list[Evidence] = []
    other: list[Evidence] = []
    for path in shared:
        facts = snap.python(path)
        functions = [name for name, _ in facts.functions] if facts else []
        hint = _TRANSFORM_PATH.search(path.rsplit("/", 1)[-1]) or any(
            _TRANSFORM_FN.search(f) for f in functions
        )
        edge = serving.get(path)
        note = f"imported by serving ({edge[0]}:{edge[1]}) and training" if edge else "shared"
        (transform if hint else other).append(ev(path, None, None, note))
    for path in roles.training:
        facts = snap.python(path)
        for call in facts.calls if facts else []:
            if call.name in PIPELINE_CALLS:
                transform.append(
                    ev(path, call.line, f"{call.name}(…)", "transforms persisted with the model")
                )
                break
    if transform:
        return base.passed("training and serving share transform code", transform)
    if other:
        return base.partial(
            "training and serving share modules, none looks like a transform", other
        )
    return base.failed(
        "serving does not import the training-side transform code",
        list(roles.serving.values())[:2] + list(roles.training.values())[:2],
    )


# model served by URI ------------------------------------------------------------------------------
LOADERS = (
    "mlflow.*.load_model",
    "mlflow.pyfunc.load_model",
    "*.from_pretrained",
    "torch.load",
    "torch.jit.load",
    "torch.hub.load",
    "torch.hub.load_state_dict_from_url",
    # a model read from a Metaflow run's artifacts (Flow('…').latest_run.data.model)
    "metaflow.Flow",
    "metaflow.Run",
    "joblib.load",
    "pickle.load",
    # in serving code, the model a serving class was given (mlrun/demo-fraud src/serving.py:28
    # `load(open(model_file, "rb"))`, cloudpickle's)
    "cloudpickle.load",
    "dill.load",
    "onnxruntime.InferenceSession",
    "*keras.models.load_model",
    "tensorflow.saved_model.load",
    "bentoml.*.load_model",
    "bentoml.models.get",
    "*.from_checkpoint",
    "*.load_from_checkpoint",
    "xgboost.Booster",
    "*.load_model",
    "lightgbm.Booster",
    "transformers.pipeline",
    "sentence_transformers.SentenceTransformer",
    "skops.io.load",
    "safetensors.*.load_file",
    "*.load_state_dict",
    "tritonclient.*",
)


_NOT_MODEL = re.compile(r"Tokenizer|Processor|Config|FeatureExtractor|tokenizer", re.I)


def feature_module(path: str) -> bool:
    """A module of the feature code (a folder or file named for data or features, none for
    training): what it fits is the transform serving must apply the same way, the shared
    code same-transform-code asks for (brunoramosmartins/customer-churn-mlops-pipeline
    src/churn_ml/serve/router.py:11 imports features/pipeline.py, whose
    `fit_feature_pipeline` fits a ColumnTransformer; reviewed)."""
    parts = [*path.split("/")[:-1], posixpath.splitext(posixpath.basename(path))[0]]
    words = [w for part in parts for w in (part, *part.split("_"))]
    return any(ROLE_WORDS["data/features"].match(w) for w in words) and not any(
        ROLE_WORDS["training"].match(w) for w in words
    )


@probe("model_served_by_uri", NoParams)
def model_served_by_uri(snap: Snapshot, p: NoParams) -> Observation:
    """Serving loads the trained model as an artifact (by URI or path) and never imports
    training code.

    Looks for: in serving code and the local modules it imports, a model-loading call
    (`mlflow.pyfunc.load_model("models:/…")`, `from_pretrained`, `torch.load`,
    `onnxruntime.InferenceSession`, `bentoml.models.get`, `…from_checkpoint` …), and no
    import path from serving to a training module (one that calls `.fit`, `.backward`,
    a `Trainer` …). Serving that imports training code fails with the import chain;
    serving with no loader found is unknown (the platform may load it).
    Not applicable without serving code.
    Why: the model is the contract between training and serving; importing training
    code drags its dependencies and its bugs into the serving image.
    Fix: load the model from the registry (`models:/name@champion`) or an artifact URI in
    configuration, and move shared code out of the training modules.
    """
    roles = code_roles(snap)
    if not roles.serving:
        return base.not_applicable("no serving code (no serving framework imported)")
    scope = _scope(roles, list(roles.serving))
    coupled: list[Evidence] = []
    for path, edge in sorted(scope.items()):
        if path in roles.training and not (edge is not None and feature_module(path)):
            if edge is None:
                coupled.append(
                    ev(
                        path,
                        roles.training[path].line,
                        roles.training[path].snippet,
                        "the serving module itself trains",
                    )
                )
            else:
                coupled.append(
                    ev(
                        edge[0],
                        edge[1],
                        f"import of {path}",
                        f"serving reaches training module {path}",
                    )
                )
    loaders: list[Evidence] = []
    for path in sorted(scope):
        facts = snap.python(path)
        for call in facts.calls if facts else []:
            if name_matches_any(call.name, tuple(LOADERS)) and not _NOT_MODEL.search(call.name):
                loaders.append(
                    ev(path, call.line, f"{call.name}(…)", "model loaded as an artifact")
                )
                break
    if coupled:
        return base.failed("serving imports training code", coupled)
    if loaders:
        return base.passed("serving loads the model artifact and imports no training code", loaders)
    # ... or the platform loads it, by the URI it is given (KServe storageUri, SageMaker
    # model_data: jacopotagliabue/you-dont-need-a-bigger-boat deploy_model.py:53; reviewed)
    platform = model_uri_platforms(snap)
    if platform:
        return base.passed(
            "the serving platform loads the model by URI, and serving imports no training code",
            platform,
        )
    return base.unknown(
        "no model-loading call found in serving code (the platform may load it)",
        list(roles.serving.values())[:3],
    )


# API contracts --------------------------------------------------------------------------------------
API_SPECS = (
    "openapi.yaml",
    "openapi.yml",
    "openapi.json",
    "swagger.yaml",
    "swagger.yml",
    "swagger.json",
    "*.openapi.yaml",
    "*.proto",
    "asyncapi.yaml",
    "asyncapi.yml",
)
SCHEMA_BASES = (
    "pydantic.BaseModel",
    "pydantic.main.BaseModel",
    "pydantic.v1.BaseModel",
    "marshmallow.Schema",
    "msgspec.Struct",
    "bentoml.io.*",
    "attrs.define",
)


SCHEMA_DECORATORS: tuple[str, ...] = (
    "inference_schema.schema_decorators.input_schema",
    "inference_schema.schema_decorators.output_schema",
)
SCHEMA_NOTE = "request/response schema (Azure ML publishes it as swagger.json)"


@probe("api_contracts", NoParams, reads_code=True)
def api_contracts(snap: Snapshot, p: NoParams) -> Observation:
    """The service's API is a typed contract: an OpenAPI/protobuf spec or request models.

    Looks for: `openapi.yaml`/`swagger.json`/`*.proto` files, or pydantic `BaseModel`
    (marshmallow, msgspec) classes in the serving code and its local imports — FastAPI
    turns them into a published OpenAPI schema and rejects malformed requests; or
    `inference_schema` `@input_schema`/`@output_schema` on an Azure ML scoring script (the
    service publishes them as swagger.json and rejects requests that do not fit).
    Endpoint parameters declared one by one (FastAPI `Body`, `Query`, `Form`, `File`) are
    partial: validated and published, but no request model. Not applicable without serving
    code or API specs.
    Why: callers and the model server evolve independently only behind a versioned,
    validated contract.
    Fix: declare request/response pydantic models on the endpoints (or commit the
    OpenAPI/proto file) and test against it.
    """
    specs = [ev(path) for path in base.select_files(snap, API_SPECS)]
    roles = code_roles(snap)
    models: list[Evidence] = []
    loose: list[Evidence] = []
    for path in sorted(_scope(roles, list(roles.serving))):
        facts = snap.python(path)
        for b in facts.bases if facts else []:
            if name_matches_any(b.name, tuple(SCHEMA_BASES)):
                shown = f"class (…{b.name}…)"
                if facts is not None and _untyped_model(snap, path, facts, b.line):
                    loose.append(ev(path, b.line, shown, "every field an untyped mapping"))
                else:
                    models.append(ev(path, b.line, shown, "request/response model"))
        for d in facts.decorators if facts else []:
            if name_matches_any(d.name, SCHEMA_DECORATORS):
                models.append(ev(path, d.line, f"@{d.name.rsplit('.', 1)[-1]}(…)", SCHEMA_NOTE))
        for c in facts.calls if facts else []:
            # a model built from field definitions (Ardiyanto24/telco-churn-mlops
            # src/churn_prediction/schema/request_schema.py:35 `create_model(
            # "ChurnPredictionRequest", **_field_definitions)`; reviewed)
            if name_matches_any(c.name, ("pydantic.create_model", "pydantic.main.create_model")):
                models.append(ev(path, c.line, f"{c.name}(…)", "request/response model"))
    if specs or models:
        return base.passed("the API has a typed contract", specs + models)
    if loose:
        return base.partial(
            "request models whose fields are untyped mappings (`Dict[str, Any]`): the "
            "request is parsed, but no feature's name or type is checked",
            loose,
        )
    if not roles.serving:
        return base.not_applicable("no serving code and no API spec")
    declared = _declared_parameters(snap, sorted(_scope(roles, list(roles.serving))))
    if declared:
        return base.partial(
            "endpoint parameters declared one by one (FastAPI validates them and publishes "
            "them in its OpenAPI schema), but no request models or API spec",
            declared,
        )
    return base.failed(
        "serving endpoints without request models or an API spec", list(roles.serving.values())[:4]
    )


# a field annotated as a mapping or a list of anything: the model checks that the request is
# an object, not which features it holds (ai-art-dev99/mlops-capstone app/main.py:17-18
# `features: Dict[str, Any]`; reviewed)
_FIELD = re.compile(r"^\s+([A-Za-z_]\w*)\s*:\s*([^=#]+?)\s*(?:=.*)?(?:#.*)?$")
_UNTYPED = re.compile(
    r"^(?:typing\.)?(?:Dict|dict|Mapping|Any|Json|List|list)"
    r"(?:\[\s*(?:str\s*,\s*)?(?:typing\.)?(?:Any|object)\s*\])?$"
)


def _untyped_model(snap: Snapshot, path: str, facts: PythonFacts, line: int) -> bool:
    """Is the class whose base is on `line` a model whose every field is an untyped mapping
    (or list) of anything? A class with no field read is not."""
    span = next((s for s in facts.spans if s[3] == "class" and s[1] == line), None)
    if span is None:
        return False
    lines = snap.lines(path)
    kinds = [
        _UNTYPED.match(m.group(2).strip()) is not None
        for text in lines[span[1] : span[2]]
        if (m := _FIELD.match(text)) and m.group(1) not in ("model_config", "Config")
    ]
    return bool(kinds) and all(kinds)


# a FastAPI endpoint's parameters declared as request body, query or form fields (neuml/txtai
# src/python/txtai/api/routers/embeddings.py:54 `queries: List[str] = Body(...)`; reviewed):
# typed and validated, a contract of loose fields rather than of a request model
_PARAMETER_DECLARATIONS = ("fastapi.Body", "fastapi.Query", "fastapi.Form", "fastapi.File")


def _declared_parameters(snap: Snapshot, paths: list[str]) -> list[Evidence]:
    found = []
    for path in paths:
        facts = snap.python(path)
        call = next(
            (
                c
                for c in (facts.calls if facts else ())
                if name_matches_any(c.name, _PARAMETER_DECLARATIONS)
            ),
            None,
        )
        if call is not None:
            found.append(ev(path, call.line, f"{call.name}(…)", "declared endpoint parameter"))
    return found[:8]


# modular layout ------------------------------------------------------------------------------------
ROLE_WORDS: dict[str, re.Pattern[str]] = {
    "training": re.compile(
        r"^(train|training|trainer|trainers|tune|tuning|fit|modeling|modelling)$"
    ),
    "serving": re.compile(
        # prediction/ beside training/ (teamdatatonic/vertex-pipelines-end-to-end-samples
        # model/prediction/main.py, the serving container's app)
        r"^(serve|serving|server|api|app|inference|predict|predictor|prediction|endpoints?|service)$"
    ),
    "pipelines": re.compile(r"^(pipelines?|dags|flows|workflows|orchestration|jobs)$"),
    "data/features": re.compile(
        r"^(data|dataset|datasets|features|feature_engineering|preprocess\w*|etl|ingest\w*"
        r"|transforms?|wrangl\w*)$"
    ),
    "evaluation": re.compile(r"^(eval|evaluate|evaluation|metrics|validation)$"),
}


@probe("modular_layout", NoParams, reads_code=True)
def modular_layout(snap: Snapshot, p: NoParams) -> Observation:
    """The code is split by responsibility: training, serving, pipelines, data/features.

    Looks for: production Python modules or packages named for at least three of these
    roles (e.g. `src/pkg/training/`, `serving/`, `pipelines/`, or `train.py`, `serve.py`,
    `data.py`); two roles, or the cookiecutter-data-science layout (`data/raw`,
    `models/`, `notebooks/`), give partial credit. Files untouched since the initial commit
    of a longer history drop one step (rule tpl: an unused template).
    Why: ml-ops.org "modularity": components that can be tested, versioned and deployed
    on their own.
    Fix: separate training, serving and pipeline code into their own modules/packages.
    """
    named = snap.tree_memo(("modular_layout.roles",), lambda: _modules_by_role(snap))
    # an empty module holds no role's code (NandakumarGunalan/mlops-keras-gcp src/evaluate.py,
    # 0 bytes; reviewed); sizes are content, not paths: filtered here, out of the memo
    roles = {
        role: kept
        for role, paths in named.items()
        if (kept := [path for path in paths if snap.size(path) != 0])
    }
    evidence = [ev(paths[0], note=role) for role, paths in sorted(roles.items())]
    cookiecutter = all(snap.has_dir(d) for d in ("data/raw", "models", "notebooks"))
    if len(roles) >= 3:
        outcome = 2
    elif len(roles) == 2 or cookiecutter:
        outcome = 1
        if cookiecutter:
            evidence.append(ev("data/raw/", note="cookiecutter-data-science layout"))
    else:
        outcome = 0
    names = ", ".join(sorted(roles)) or "none"
    if outcome and _template_only(snap, [e.path for e in evidence]):
        outcome -= 1
        names += " (files untouched since the initial commit: template)"
    if outcome == 2:
        return base.passed(f"modules by role: {names}", evidence)
    if outcome == 1:
        return base.partial(f"modules by role: {names}", evidence)
    return base.failed(f"no separation by role (found: {names})", evidence)


def _modules_by_role(snap: Snapshot) -> dict[str, list[str]]:
    """role → the production modules named for it (the paths alone decide it)."""
    roles: dict[str, list[str]] = {}
    for path in production_python(snap):
        parts = path[:-3].split("/")
        if any(part.startswith(".") for part in parts):
            continue  # .github/, .devcontainer/ … are not the project's modules
        for number, part in enumerate(parts, start=1):
            for role in _roles_of(part.lower(), folder=number < len(parts)):
                roles.setdefault(role, []).append(path)
    return roles


def _roles_of(part: str, *, folder: bool) -> list[str]:
    """The roles a module or folder name says: the whole name, or for a folder its last word,
    the head of a compound (`tfx_pipelines/`, `model_training/`: GoogleCloudPlatform/mlops-
    with-vertex-ai src/). A module's last word is not enough: `sagemaker_query_training.py`
    queries a training job, `data_validation.py` validates data."""
    found = [role for role, regex in ROLE_WORDS.items() if regex.match(part)]
    head = re.split(r"[_-]", part)[-1]
    if folder and not found and head != part:
        found = [role for role, regex in ROLE_WORDS.items() if regex.match(head)]
    if folder and not found and _DATA_FOLDER.match(part):
        found = ["data/features"]
    return found


# a folder of data code by its first word (jacopotagliabue/you-dont-need-a-bigger-boat
# remote_flow/metaflow/data_processing/, wranglers and data loaders; reviewed)
_DATA_FOLDER = re.compile(r"^data[_-]\w+$")


def _template_only(snap: Snapshot, paths: list[str]) -> bool:
    history = snap.history
    if not history.available or len(history.commits) < 3:
        return False
    later = {f for c in history.commits if c.parents for f in c.files}
    wanted = [p.rstrip("/") for p in paths]
    return not any(any(f == w or f.startswith(w + "/") for f in later) for w in wanted)


# change coupling in history ---------------------------------------------------------------------
class _Cfg:
    MIN_COMMITS = 5
    MAX_RATIO = 0.2


@probe("change_coupling", NoParams)
def change_coupling(snap: Snapshot, p: NoParams) -> Observation:
    """Training and serving code change independently (git history).

    Looks for: among the commits that touch training or serving modules, the share that
    touch both; at most 20 % passes. A module that both trains and serves fails. Unknown
    with fewer than 5 relevant commits or without history (shallow clone).
    Not applicable unless both training and serving code exist.
    Why: when every model change needs a serving change, the two cannot be released or
    rolled back on their own (loose coupling).
    Fix: put a stable interface between them — a model artifact with a signature and a
    shared feature module — so that most commits touch one side only.
    """
    roles = code_roles(snap)
    skip = _need_both(roles)
    if skip is not None:
        return skip
    both = sorted(set(roles.training) & set(roles.serving))
    if both:
        return base.failed(
            "the same module trains and serves", [roles.serving[path] for path in both]
        )
    history = snap.history
    if not history.available:
        return base.unknown(history.reason or "git history unavailable")
    prefix = snap.git.subdir if snap.git else ""
    train = {p.removeprefix(prefix) for p in roles.training}
    serve = {p.removeprefix(prefix) for p in roles.serving}
    relevant = coupled = 0
    examples: list[Evidence] = []
    for commit in history.commits:
        files = set(commit.files)
        t, s = bool(files & train), bool(files & serve)
        if t or s:
            relevant += 1
        if t and s:
            coupled += 1
            if len(examples) < 4:
                examples.append(
                    ev(
                        sorted(files & serve)[0],
                        note=f"commit {commit.sha[:10]}: {commit.subject[:60]}",
                    )
                )
    if relevant < _Cfg.MIN_COMMITS:
        return base.unknown(f"only {relevant} commit(s) touch training or serving code")
    ratio = coupled / relevant
    message = f"{coupled} of {relevant} commits ({ratio:.0%}) change training and serving together"
    if ratio <= _Cfg.MAX_RATIO:
        return base.passed(message, examples)
    return base.failed(message, examples)


# notebook imports ------------------------------------------------------------------------------
NOTEBOOK_IMPORTERS = ("import_ipynb", "nbimporter", "importnb", "ipynb.fs", "ipynb")
_PARENT = re.compile(r"['\"]\.\.|pardir|dirname\(.*dirname\(|\.parent\.parent|parents\[[1-9]\d*\]")
_SYS_PATH_ARGUMENT = re.compile(r"sys\.path\.\w+\((.*)\)")
_NAME = re.compile(r"\b[A-Za-z_]\w*\b")
_MAGIC_RUN = re.compile(r"^#\s*MAGIC\s+%run\b")
CONFIG_SCRIPTS = ("conf.py", "setup.py", "noxfile.py", "conftest.py")


_NOTEBOOK_IMPORTS = derivation_key("notebook_imports")


def _notebook_import_evidence(
    path: str, lines: list[str], facts: PythonFacts | None
) -> tuple[Evidence, ...]:
    found: list[Evidence] = []
    if lines and lines[0].startswith("# Databricks notebook source"):
        found.extend(
            ev(path, i, line, "Databricks %run")
            for i, line in enumerate(lines, 1)
            if _MAGIC_RUN.match(line)
        )
    if facts is None:
        return tuple(found)
    for imp in facts.imports:
        if module_matches_any(imp.module, tuple(NOTEBOOK_IMPORTERS)):
            found.append(ev(path, imp.line, f"import {imp.module}", "imports a notebook"))
    for call in facts.calls:
        if call.name.endswith("run_line_magic") and call.args[:1] == ("'run'",):
            found.append(ev(path, call.line, "%run", "runs a notebook"))
        elif call.name in ("sys.path.append", "sys.path.insert", "sys.path.extend"):
            text = lines[call.line - 1] if 0 < call.line <= len(lines) else ""
            if _PARENT.search(text) or _parent_through_name(text, call.line, lines, facts):
                found.append(ev(path, call.line, text, "sys.path reaches a parent folder"))
    return tuple(found)


def _parent_through_name(text: str, line: int, lines: list[str], facts: PythonFacts) -> bool:
    """Does a name in `sys.path.append(str(ROOT))` hold a parent folder, by the last
    assignment to it above the call (`ROOT = FILE.parents[1]`: ultralytics/yolov5
    models/yolo.py:22)? One step only: a name assigned from another name is not followed."""
    argument = _SYS_PATH_ARGUMENT.search(text)
    if argument is None:
        return False
    for name in set(_NAME.findall(argument.group(1))):
        assigned = [a.line for a in facts.assignments if a.target == name and a.line < line]
        if (
            assigned
            and 0 < max(assigned) <= len(lines)
            and _PARENT.search(lines[max(assigned) - 1])
        ):
            return True
    return False


@probe("notebook_imports", NoParams)
def notebook_imports(snap: Snapshot, p: NoParams) -> Observation:
    """Anti-signal: production code does not import notebooks or patch `sys.path`.

    Looks for (production `.py` files; tests, notebooks and docs' `conf.py` left out):
    imports of `import_ipynb`/`nbimporter`/`importnb`, `get_ipython().run_line_magic('run',
    …)`, Databricks `# MAGIC %run` cells, and `sys.path.append/insert` reaching a parent
    folder (`'..'`, `os.pardir`, `Path(__file__).parent.parent`), directly or through the
    name the call is given (`ROOT = FILE.parents[1]` above `sys.path.append(str(ROOT))`; the
    file's own folder, `parents[0]`, is not a parent). `%run` inside notebooks
    used for exploration does not count.
    Why: code that runs another notebook or edits the import path works only from one
    working directory; it cannot be packaged, tested or deployed (glue code).
    Fix: make the shared code an installable package (`pip install -e .`) and import it.
    """

    def each(path: str) -> tuple[Evidence, ...]:
        if path.rsplit("/", 1)[-1] in CONFIG_SCRIPTS:
            return ()
        lines = snap.lines(path)
        facts = snap.python(path)
        return snap.per_file(
            _NOTEBOOK_IMPORTS, path, lambda: _notebook_import_evidence(path, lines, facts)
        )

    loop = snap.per_file_loop(_NOTEBOOK_IMPORTS, production_python(snap), each)
    found = [item for _path, items in loop for item in items]
    if found:
        return base.failed(
            f"{len(found)} notebook import(s) or sys.path patch(es) in production code", found
        )
    return base.passed("production code imports packages, not notebooks or parent folders")


# hard-coded endpoints ---------------------------------------------------------------------------
_STORAGE_URI = re.compile(r"^(s3a?|gs|gcs|abfss?|wasbs?|hdfs|az|adl)://[^\s{}]+", re.I)
_IP = re.compile(r"(?:^|//|@)((?:\d{1,3}\.){3}\d{1,3})(?::\d+)?(?:/|$)")
_SAFE_IPS = re.compile(r"^(0\.0\.0\.0|127\.|255\.|169\.254\.169\.254)")
# a loopback address is safe to bind to, but a URL a client calls on it names one machine's
# server (khuyentran1401/customer_segmentation src/streamlit_app.py:67
# `http://127.0.0.1:5000/predict`: in a container it is the container itself)
_LOOPBACK_URL = re.compile(
    r"^[a-z][\w+.-]*://(?:localhost|127(?:\.\d{1,3}){3})(?::\d+)?(?:/|$)", re.I
)
# a platform's published, versioned artefacts (schemas, samples), the same for every
# deployment: not an endpoint of this system (GoogleCloudPlatform/vertex-pipelines-end-to-
# end-samples import_model_evaluation.py:58 `gs://google-cloud-aiplatform/schema/…`)
_VENDOR_URI = re.compile(
    r"^gs://(?:google-cloud-aiplatform|cloud-samples-data|cloud-ml-data)/"
    r"|^s3://(?:sagemaker-sample-files|sagemaker-sample-data-[\w-]+)/",
    re.I,
)
# ... a default the caller's keyword arguments or configuration override too (neuml/txtai
# src/python/txtai/pipeline/llm/opencode.py:66 `kwargs.get("url", "http://localhost:4096")`;
# reviewed)
_CONFIGURABLE = re.compile(
    r"getenv\(|environ\.get\(|environ\[|Field\(|default=|add_argument\(|typer\.|click\.option"
    r"|\b(?:kwargs|config|cfg|conf|settings|options|opts|params)\.get\("
)
CONFIG_MODULES = re.compile(r"(^|/)(settings|config|configs|conf|constants|defaults)(/|\.py$)")
SETTINGS_BASES = (
    "pydantic_settings.BaseSettings",
    "pydantic.BaseSettings",
    "pydantic.v1.BaseSettings",
)


_ENDPOINTS = derivation_key("hardcoded_endpoints.v2")
_SMOKE_TEST = re.compile(r"(?:^|/)(?:tests?|smoke[_-]?tests?\w*)\.py$", re.IGNORECASE)


def _endpoints_of(snap: Snapshot, path: str, facts: PythonFacts) -> tuple[Evidence, ...]:
    """The hard-coded storage URIs and IP addresses of one production file."""
    if any(name_matches(b.name, pat) for b in facts.bases for pat in SETTINGS_BASES):
        return ()
    lines = snap.lines(path)
    found = []
    # a `test.py` calling a server on this machine is a smoke test run by hand
    # (alexeygrigorev/mlbookcamp-code chapter-08-serverless/test.py: a local Lambda emulator),
    # and so is a `smoketest.py` (Unstructured-IO/unstructured-api scripts/smoketest.py:14,
    # run against the container by scripts/docker-smoke-test.sh; reviewed)
    smoke_test = _SMOKE_TEST.search(path) is not None
    for value, line in facts.strings:
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        if _CONFIGURABLE.search(text):
            continue
        hit = (_STORAGE_URI.match(value) and not _VENDOR_URI.match(value)) or (
            not smoke_test and _LOOPBACK_URL.match(value)
        )
        ip = _IP.search(value)
        if ip and (
            _SAFE_IPS.match(ip.group(1)) or any(int(o) > 255 for o in ip.group(1).split("."))
        ):
            ip = None
        if hit or ip:
            found.append(ev(path, line, value[:120], "hard-coded endpoint"))
    return tuple(found)


@probe("hardcoded_endpoints", NoParams)
def hardcoded_endpoints(snap: Snapshot, p: NoParams) -> Observation:
    """Anti-signal (weak): storage URIs and IP addresses are configuration, not literals
    scattered through the code.

    Looks for: string literals `s3://…`, `gs://…`, `abfss://…`, `hdfs://…` and IPv4
    addresses (`http://10.0.0.5:8080`) in production `.py` files. Literals in a
    configuration module (`config.py`, `settings.py`, `constants.py`, a pydantic
    `BaseSettings` class), or given as defaults to `os.getenv`/argparse/`Field` or to a
    lookup in the caller's keyword arguments or configuration (`kwargs.get`), do not
    count; nor do `0.0.0.0`/`127.0.0.1` bind addresses (a URL on the loopback address,
    `http://127.0.0.1:5000/predict`, `http://localhost:8000`, names one machine's server
    and counts).
    Why: endpoints baked into code tie it to one environment: staging and production
    cannot share the same build (Twelve-Factor config).
    Fix: read endpoints from the environment via pydantic `BaseSettings` (or one config
    module) and pass them in.
    """
    paths = snap.tree_memo(
        ("hardcoded_endpoints.paths",),
        lambda: [p for p in production_python(snap) if not CONFIG_MODULES.search(p)],
    )
    derive = partial(_endpoints_of, snap)
    found = [e for _p, items in snap.python_per_file(_ENDPOINTS, paths, derive) for e in items]
    if found:
        return base.failed(
            f"{len(found)} hard-coded storage URI(s), IP address(es) or loopback URL(s)", found
        )
    return base.passed("no hard-coded storage URIs or IP addresses in code")
