"""Whether the repository trains a model at all (a precondition, not a practice).

Tracking, seeds, externalised hyper-parameters, checkpoints, training pipelines and
continuous training describe how a model is trained. A released model's inference code
(openai/whisper, google-deepmind/alphafold, facebookresearch/segment-anything), an inference
server (huggingface/text-generation-inference) or a serving tutorial with a stand-in model
trains nothing: failing those checks there grades a practice the project never needed, and
"fix next: log your training runs" is advice for a repository with no training run. The
training checks of the default rubric are wrapped in `only_if` on this probe.

The definition is deliberately wide, because the error costs are not symmetric: a wrong "no
training" turns a training project's fails into n/a and lifts its level; a wrong "training"
only leaves an inference repository graded as before."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from typing import Any

from mlaudit.probes import base
from mlaudit.probes.base import ev
from mlaudit.probes.cloudformation import cfn_resources
from mlaudit.probes.code_roles import is_training_call
from mlaudit.probes.generic import module_matches_any, name_matches_any
from mlaudit.probes.kubernetes import model_uri_platforms
from mlaudit.probes.registry import Params, probe
from mlaudit.repo.parsers.python_src import Call, PythonFacts
from mlaudit.repo.parsers.yaml_docs import key_line
from mlaudit.repo.snapshot import Snapshot, derivation_key
from mlaudit.results import Evidence, Observation, Outcome


class NoParams(Params):
    pass


# beyond code_roles' training calls (which also decide coupling, so stay narrow): calls that
# only training code makes, in any framework
MORE_TRAINING_CALLS: tuple[str, ...] = (
    "*.partial_fit",
    "*.train",  # torch `model.train()`, xgboost/lightgbm/estimator `.train(…)`
    "*.train_and_evaluate",
    "*.apply_gradients",  # TF/Keras and Flax optimisers
    "optax.apply_updates",
    "jax.value_and_grad",
    "*.learn",  # stable-baselines3 `model.learn(total_timesteps=…)`
    "*Estimator",  # SageMaker and TF estimators are training jobs
    "*TrainingJob",  # Vertex AI CustomTrainingJob and friends
    "*TrainingStep",  # SageMaker Pipelines
    "*.create_training_job",
    "*.train_model",
)
# a script or notebook whose name says it trains (`train.py`, `finetune_lora.py`,
# `01-train-model.ipynb`), outside the test tree; a project template's too
# (databricks/mlops-stacks training/notebooks/Train.py.tmpl); or the `__main__.py` of a
# package so named, run as `python -m recipes.lm.train` (facebookresearch/fairseq2
# recipes/lm/train/__main__.py, its language-model training recipe; reviewed)
_TRAINING_NAME = r"(?:[\w.-]*[_.-])?(?:re)?(?:train|training|trainer|finetune|fine_tune|pretrain)"
TRAINING_FILE = re.compile(
    rf"(?:^|/)(?:{_TRAINING_NAME}(?:[_.-][\w.-]*)?\.(?:py|ipynb)(?:\.tmpl|\.j2|\.jinja2?)?"
    rf"|{_TRAINING_NAME}(?:[_-][\w-]*)?/__main__\.py)$",
    re.IGNORECASE,
)
# a training command in a shell script, Makefile, Dockerfile, CI workflow or job spec:
# `python train.py`, `python -m src.training.run`, `accelerate launch finetune.py`,
# `spacy train`, `yolo detect train`, `fairseq-train`, `dvc repro`, `mlflow run`
TRAINING_COMMAND = re.compile(
    r"\bpython[\d.]*\s+(?:-\S+\s+)*(?:-m\s+)?[\w./-]*"
    r"(?:train|training|trainer|finetune|fine_tune|pretrain)\w*(?:\.py)?\b"
    r"|(?:\blaunch|\btorchrun|\bdeepspeed)\s+(?:--?\S+\s+)*[\w./-]*"
    r"(?:train|finetune|fine_tune|pretrain)\w*\.py\b"
    r"|\b(?:spacy|yolo|allennlp|ludwig|rasa|litgpt|autotrain|tune)\s+(?:\w+\s+)?"
    r"(?:train|finetune|pretrain)\b"
    # commands are lower case: "inside an active MLflow run" is prose (feast-dev/feast
    # infra/feast-operator/config/crd/bases/feast.dev_featurestores.yaml:882, a description)
    r"|\bfairseq-train\b|(?-i:\bdvc\s+(?:repro|exp\s+run)\b|\bmlflow\s+run\b)",
    re.IGNORECASE,
)
TEMPLATE_FILES: tuple[str, ...] = ("*.py.tmpl", "*.py.j2", "*.py.jinja", "*.py.jinja2")
COMMAND_FILES: tuple[str, ...] = (
    "*.sh",
    "*.bash",
    "Makefile",
    "*.mk",
    "Dockerfile",
    "Dockerfile.*",
    "*.dockerfile",
    "*.yaml",
    "*.yml",
    "MLproject",
    "*.toml",
    "*.cfg",
)

_TRAINING_CALL = derivation_key("training.call")


# the training loop a framework calls: Lightning's `training_step`/`configure_optimizers`, a
# Keras `train_step`, a hand-written epoch (Stability-AI/stablediffusion ldm/models/diffusion/
# ddpm.py:430 defines the training of its LightningModule, with no script that starts it)
TRAINING_METHODS = frozenset(
    {"training_step", "configure_optimizers", "train_step", "train_one_epoch", "train_epoch"}
)
# a train/test split or cross-validation prepares training even where the fitting itself is
# commented out (BrendaLoznik/titanic Titanic_github.ipynb: `#cv.fit(X1_train, y1_train)`)
SPLIT_MODULES: tuple[str, ...] = ("sklearn.model_selection",)


# an orchestrated pipeline trains in its steps, often in a container built elsewhere
# (`dsl.ContainerOp(image=…, arguments=["train"])`): a step, function or string of a file that
# declares such a pipeline and names training counts
PIPELINE_MODULES: tuple[str, ...] = (
    "kfp",
    "tfx",
    *base.SAGEMAKER_PIPELINE_MODULES,
    "azure.ai.ml",
    "azureml.pipeline",
    "google.cloud.aiplatform",
    "zenml",
    "metaflow",
    "prefect",
    "airflow",
    "dagster",
    "flytekit",
    "mlrun",
    "kedro.pipeline",
    "stepfunctions",
)
TRAINING_WORD = re.compile(r"(?<![a-z])(?:re)?train|finetun|fine[-_ ]tun|pretrain", re.IGNORECASE)


def _training_call(path: str, facts: PythonFacts) -> tuple[int, str] | None:
    """ONE file's first training call, else its first import of a split/CV module, else a
    pipeline step that names training: (line, what)."""
    for call in facts.calls:
        if call.name.startswith(("rich.", "textual.")):
            # a terminal layout's `Panel.fit(…)` sizes a box to its text (huggingface/
            # smolagents src/smolagents/cli.py:113; reviewed)
            continue
        if call.name.startswith("super()"):
            # a method override handing over to its parent (`def train(self, mode=True):
            # super().train(mode)`, torch's mode switch: IDEA-Research/GroundingDINO
            # swin_transformer.py:758; reviewed) defines a model, it trains nothing
            continue
        if is_training_call(call.name) or name_matches_any(call.name, MORE_TRAINING_CALLS):
            return call.line, f"{call.name}(…)"
    for name, line, _end, kind in facts.spans:
        if kind == "def" and name in TRAINING_METHODS:
            return line, f"def {name}"
    for imp in facts.imports:
        if module_matches_any(imp.module, SPLIT_MODULES):
            return imp.line, f"import {imp.module}"
    if any(module_matches_any(imp.module, PIPELINE_MODULES) for imp in facts.imports):
        for name, line, _end, _kind in facts.spans:
            if TRAINING_WORD.search(name):
                return line, f"pipeline step {name}"
        for value, line in facts.strings:
            if TRAINING_WORD.search(value):
                return line, f"pipeline step {value!r}"
    return None


def _code(snap: Snapshot) -> list[str]:
    """Python files and notebooks outside the tests (examples and tutorials count)."""

    def build() -> list[str]:
        python = base.select_files(snap, ["*.py", "*.ipynb"], include_excluded_dirs=True)
        return [x for x in python if not base.is_test_path(x)]

    return snap.tree_memo(("training.code",), build)


def _first_hit(
    snap: Snapshot, key: str, code: list[str], derive: Callable[[str, PythonFacts], Any]
) -> Evidence | None:
    """The evidence of the first file whose `derive` finds (line, what)."""
    for path, hit in snap.python_per_file(key, code, derive):
        if hit is not None:
            line, name = hit
            cell_line, note = base.notebook_line_note(snap, path, line)
            return ev(path, cell_line, name, note=note)
    return None


_TRAINING_COMMAND = derivation_key("training.command")


def command_files(snap: Snapshot) -> list[str]:
    """The files that may hold the project's commands (COMMAND_FILES, tests left out)."""
    paths: list[str] = snap.tree_memo(
        ("training.command_files",),
        lambda: [
            x
            for x in base.select_files(snap, COMMAND_FILES, include_excluded_dirs=True)
            if not base.is_test_path(x)
        ],
    )
    return paths


def _training_command(
    snap: Snapshot, library: Callable[[str], bool] | None = None
) -> Evidence | None:
    # under rule lib an example's or a benchmark's command runs the package for its users
    # (ludwig-ai/ludwig examples/getting_started/run.sh:17 `ludwig train`; reviewed)
    paths = _outside(library, command_files(snap))

    def each(path: str) -> list[tuple[int, str]]:
        text = snap.text(path)
        if not text:
            return []

        def find() -> list[tuple[int, str]]:
            return [
                (text.count("\n", 0, m.start()) + 1, m.group(0))
                for m in itertools.islice(TRAINING_COMMAND.finditer(text), _COMMANDS_KEPT)
            ]

        return snap.per_file(_TRAINING_COMMAND, path, find)

    for path, hits in snap.per_file_loop(_TRAINING_COMMAND, paths, each):
        for line, text in hits:
            if library is None or not _runs_an_internal_script(text, library):
                return ev(path, line, text)
    return _console_script_run(snap, paths)


_COMMANDS_KEPT = 20  # training commands kept per file: the first one outside the package counts
_SCRIPT = re.compile(r"[\w./-]+\.py\b")


def _runs_an_internal_script(command: str, library: Callable[[str], bool]) -> bool:
    """Under rule lib, a command that runs a script of the package, its benchmarks or its
    examples exercises the package (bigscience-workshop/petals .github/workflows/
    run-tests.yaml:113 `python benchmarks/benchmark_training.py`; reviewed)."""
    script = _SCRIPT.search(command)
    return script is not None and library(script.group(0).removeprefix("./"))


_TOKENIZER = re.compile(r"tokeni[sz]er", re.IGNORECASE)
# where a package declares its entry points: the declaration names the command, it runs nothing
_DECLARING_FILES = frozenset({"pyproject.toml", "setup.cfg", "setup.py"})


def _console_script_run(snap: Snapshot, paths: list[str]) -> Evidence | None:
    """A Makefile, shell script or CI job that runs one of the repository's own console
    scripts whose name or module says it trains (`lerobot-train`, declared in
    `[project.scripts]` as `lerobot.scripts.lerobot_train:main`: huggingface/lerobot
    Makefile:47, run by CI's end-to-end test). A declared script that nothing runs is not
    the project training; a longer name is another script, and one that trains a tokenizer
    (`lerobot-train-tokenizer`) fits no model."""
    from mlaudit.probes._task_runners import console_scripts

    names = sorted(
        name
        for name, (module, _func) in console_scripts(snap).items()
        if (TRAINING_WORD.search(name) or TRAINING_WORD.search(module.rsplit(".", 1)[-1]))
        and not _TOKENIZER.search(f"{name} {module}")
    )
    if not names:
        return None
    run = re.compile(r"(?<![\w./-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w.-])")
    runners = [p for p in paths if p.rsplit("/", 1)[-1] not in _DECLARING_FILES]
    for path, number, line in snap.grep(runners, run):
        if not line.lstrip().startswith("#"):
            return ev(path, number, line.strip()[:120], "the repository's training command")
    return None


def _any_named_for_training(snap: Snapshot, paths: list[str]) -> bool:
    """Is one of `paths` named for training? Each path's verdict is kept for every Snapshot
    of the same paths (history points ask about every script)."""
    verdicts: dict[str, bool] = snap.tree_memo(("training.named_for_training",), dict)
    for path in paths:
        verdict = verdicts.get(path)
        if verdict is None:
            verdict = verdicts[path] = TRAINING_FILE.search(path) is not None
        if verdict:
            return True
    return False


def training_only_in_notebooks(
    snap: Snapshot, scripts: list[str], notebooks: list[str]
) -> Evidence | None:
    """The first notebook that trains, when no script does: none of `scripts` (the `.py`
    files outside the tests) calls a training API or is named for training, and no command
    (shell script, Makefile, Dockerfile, CI) trains. None otherwise. The scripts may still
    serve or convert the model the notebook trained (alexeygrigorev/mlbookcamp-code: a
    Flask service loads the pickle `05-deploy.ipynb` writes)."""
    if _first_hit(snap, _TRAINING_CALL, scripts, _training_call) is not None:
        return None
    if _any_named_for_training(snap, scripts):
        return None
    trained = _first_hit(snap, _TRAINING_CALL, notebooks, _training_call)
    if trained is None or _training_command(snap) is not None:
        return None
    if _scripts_run_other_models(snap, scripts, trained):
        return None
    return trained


# what the scripts' models are built with: the ML modules of notebook-only, less the
# registries, feature stores, trackers, platforms, serving clients and runtimes that move or
# run a model of any framework (an ONNX runtime may serve what a notebook's sklearn trained)
_NOT_FRAMEWORKS = (
    "mlflow",
    "hopsworks",
    "hsfs",
    "hsml",
    "tritonclient",
    "bentoml",
    "datasets",
    "sagemaker",
    "vertexai",
    "onnxruntime",
    "tflite_runtime",
)


def _scripts_run_other_models(snap: Snapshot, scripts: list[str], trained: Evidence) -> bool:
    """Do the scripts run models of other frameworks than the one the notebook trains with?
    Then the notebook is a side experiment, not where the scripts' model comes from
    (serengil/deepface boosted/Perform-Boosting-Experiments-LightGBM.ipynb `lightgbm.train`,
    while the package runs pretrained TensorFlow models and imports no LightGBM; reviewed).
    Scripts that import no ML framework may serve what the notebook trained (a pickle)."""
    from mlaudit.probes.reproducibility import ML_MODULES

    roots = {m for m in ML_MODULES if "." not in m and m not in _NOT_FRAMEWORKS}
    framework = (trained.snippet or "").split(".", 1)[0]
    if framework not in roots:
        return False  # a method of an object (`model.fit`): the framework is not known
    imported: set[str] = set()
    for _path, modules in base.imports_of(snap, scripts, tuple(sorted(roots))):
        imported.update(module.split(".")[0] for module, _line, _note in modules)
    return bool(imported) and framework not in imported


@probe("trains_models", NoParams)
def trains_models(snap: Snapshot, p: NoParams) -> Observation:
    """Precondition: the repository trains a model.

    Looks for, outside the tests (examples, tutorials and notebooks count): a training call
    (`.fit`, `.backward`, `optimizer.step`, `model.train()`, a `Trainer`, `xgboost.train`,
    `apply_gradients`, a SageMaker or TF `Estimator`, a Vertex training job …); a train/test
    split module; a step of an orchestrated pipeline (KFP, TFX, SageMaker, Azure ML, Vertex …)
    that names training; a script or notebook named for training (`train.py`,
    `finetune_lora.py`); or a training command in a shell script, Makefile, Dockerfile, CI
    workflow or job spec (`python train.py`, `spacy train`, `dvc repro`, `mlflow run`, or a
    console script of the repository's own named for training: `lerobot-train`); or a run
    configuration for a trainer outside the repository, in a YAML or JSON file: a run length
    (`train-iters`, `max_steps`, `epochs` …), a batch size and a learning rate together
    (EleutherAI/pythia's GPT-NeoX configs). Any one passes. Fails when Python code exists,
    every file was read and none is found, or
    when the repository holds no code in any language (documentation and media only);
    unknown when there is no Python code but other code, or a file could not be read.
    In a repository that publishes its own package (rule lib), the package's own code and its
    examples do not count, nor do its benchmarks and smoke tests: a library's algorithms,
    usage examples and measurements of itself are not the project training a model; its
    training scripts outside the package and its commands are.
    Why: training practices (tracking, seeds, checkpoints, training pipelines, continuous
    training) do not apply to a repository that only runs or serves a released model.
    Fix: nothing to fix. If the repository does train, in a way none of the above shows, the
    training checks' n/a is wrong: report it, and waive nothing.
    """
    # one answer per Snapshot: nineteen checks ask, and handles_data asks again
    return snap._cached("trains_models", "", lambda: _trains(snap))


# general-purpose orchestrators, whose flows run whatever their tasks call
FLOW_CALLS: tuple[str, ...] = (
    "prefect.flow",
    "prefect.Flow",
    "airflow.DAG",
    "airflow.models.DAG",
    "airflow.decorators.dag",
    "airflow.sdk.dag",
    "airflow.sdk.DAG",
    "dagster.job",
    "dagster.asset",
    "luigi.Task",
)
# what a flow calls into a training module to train: its trainer, or a train/fit function
_TRAINS_WORD = re.compile(r"train|fit", re.IGNORECASE)
# ... or the entry point of a module named for training (zvarrog/sentiment-mlops-pipeline
# airflow/dags/kindle_pipeline.py:194,202 `from scripts.train import run`, `run(force=…)`)
_ENTRY_POINTS = frozenset({"run", "main", "execute", "start", "cli"})
# an operator that runs a shell command: the script it names runs as the task
# operators whose task is a command line: a shell's, a remote host's, or a container's
# (ecommerce-mlops-platform airflow/dags/retrain.py:68 `DockerOperator(command="python
# src/ml_models/recsys/train_model.py")`; reviewed)
_SHELL_OPERATORS = (
    "BashOperator",
    "SSHOperator",
    "DockerOperator",
    "DockerSwarmOperator",
    "KubernetesPodOperator",
)
_SCRIPT_IN_COMMAND = re.compile(r"[\w./-]*[\w-]\.py\b|(?<=-m )[\w.]+")


def _reexported_training(roles: Any, target: str) -> Evidence | None:
    """The training call of a module a package's `__init__.py` re-exports (`from models
    import XGBoostTrain`, models/__init__.py importing models/xg_boost_trainer.py)."""
    if not target.endswith("__init__.py"):
        return None
    for inner, _line in roles.imports.get(target, []):
        trained: Evidence | None = roles.training.get(inner)
        if trained is not None:
            return trained
    return None


def _delegated_training(snap: Snapshot, roles: Any, target: str, depth: int = 2) -> Evidence | None:
    """The training call a module reaches by calling a trainer of another of the project's
    modules: a flow's task calls `run_training_task` of `orchestration/training_tasks.py`,
    which calls `train_baseline_model` of `models/training.py`, which fits
    (Atharva-Waranashiwar-Coding/churnops-mlops-platform src/churnops/orchestration/
    airflow.py:91; reviewed); or a custom operator's `execute` calls `ml.train.run`, whose
    module trains through `ml/models/` (boubnacer/AirQuality-MLOps-Platform dags/operators/
    mlflow_train_operator.py:29; reviewed). At most `depth` steps, each a call named for
    training."""
    facts = snap.python(target)
    if facts is None or depth <= 0:
        return None
    for inner, line in roles.imports.get(target, []):
        trained: Evidence | None = roles.training.get(inner)
        if trained is None and depth > 1:
            trained = _delegated_training(snap, roles, inner, depth - 1)
        if trained is None:
            continue
        modules = [i.module for i in facts.imports if i.line == line]
        if _trainer_call(facts.calls, modules) is not None:
            return trained
    return None


def _trainer_call(calls: Iterable[Call], modules: list[str]) -> Call | None:
    """The first of `calls` that reaches a trainer through one of the imported `modules`."""
    return next(
        (
            c
            for c in calls
            for module in modules
            if (c.name == module or c.name.startswith(module + "."))
            and _calls_trainer(c.name, module)
        ),
        None,
    )


# what keeps a fitted model, beyond the persisting calls of a scikit-learn pipeline
# (reproducibility.PERSIST_CALLS): a report that fits a curve to plot it keeps nothing
_MORE_PERSISTS = (
    "pickle.dumps",
    "torch.save",
    "mlflow.*.log_model",
    "mlflow.*.save_model",
    "mlflow.register_model",
    "*.save_model",
    "*.save_pretrained",
)


def _persists_a_model(snap: Snapshot, path: str) -> bool:
    from mlaudit.probes.generic import name_matches_any
    from mlaudit.probes.reproducibility import PERSIST_CALLS

    facts = snap.python(path)
    persists = (*PERSIST_CALLS, *_MORE_PERSISTS)
    return facts is not None and any(name_matches_any(c.name, persists) for c in facts.calls)


def _entry_point_call(calls: Iterable[Call], modules: list[str]) -> Call | None:
    """The first of `calls` that runs the entry point (`main`, `run` …) of one of `modules`."""
    return next(
        (
            c
            for c in calls
            for module in modules
            if (c.name == module or c.name.startswith(module + "."))
            and c.name.rsplit(".", 1)[-1] in _ENTRY_POINTS
        ),
        None,
    )


# a managed training job started from code: SageMaker's API, Vertex AI's job classes
_MANAGED_TRAINING_JOBS = tuple(
    c for c in MORE_TRAINING_CALLS if "TrainingJob" in c or "training_job" in c
)


def _managed_training(snap: Snapshot, target: str) -> Evidence | None:
    """The call of a module that starts a training job on a managed service: a flow task
    calling `submit_sagemaker_training_job` of `common/aws_utils.py`, which calls
    `client.create_training_job(…)` (ManimaranRepos/churn-mlops-platform airflow/dags/
    training_pipeline.py:121, common/aws_utils.py:169; reviewed)."""
    from mlaudit.probes.generic import name_matches_any

    facts = snap.python(target)
    for call in facts.calls if facts is not None else ():
        if name_matches_any(call.name, _MANAGED_TRAINING_JOBS):
            return ev(target, call.line, f"{call.name}(…)", "a managed training job")
    return None


def _calls_trainer(name: str, module: str) -> bool:
    """Does the call `name`, through the imported `module`, reach a trainer: a name for
    training or fitting after the module (`trainer.CreditRiskTrainer`), the imported name
    itself (`train_model`), or the entry point of a module named for training (`train.run`)?"""
    if _TRAINS_WORD.search(name[len(module) :] or module.rsplit(".", 1)[-1]):
        return True
    parts = name.split(".")
    return len(parts) > 1 and parts[-1] in _ENTRY_POINTS and bool(_TRAINS_WORD.search(parts[-2]))


def _script_run(snap: Snapshot, command: str) -> list[str]:
    """The repository's Python files a shell command runs: `python src/models/train.py`,
    also behind `cd /abs/path &&` or a Windows path (`src\\models\\train_mlflow.py`,
    deaneeth/telco-churn-mlops-pipeline dags/telco_churn_dag.py:60; reviewed), and
    `python -m pkg.train`. A path names the file whose path it ends with."""
    found = []
    for token in _SCRIPT_IN_COMMAND.findall(command.replace("\\", "/")):
        path = token if token.endswith(".py") else token.replace(".", "/") + ".py"
        while path.startswith(("./", "/")):
            path = path[2:] if path.startswith("./") else path[1:]
        if snap.exists(path):
            found.append(path)
            continue
        # an absolute or machine-specific prefix: the longest tail that is a repository file
        parts = path.split("/")
        tail = next(
            ("/".join(parts[i:]) for i in range(1, len(parts)) if snap.exists("/".join(parts[i:]))),
            None,
        )
        if tail is not None:
            found.append(tail)
    return found


def _shell_task_trains(
    snap: Snapshot, facts: PythonFacts, roles: Any
) -> tuple[Any, str, Evidence] | None:
    """(the operator call, the training script it runs, its training call), for a flow's
    command task; the script trains itself or through the trainer of another module."""
    from mlaudit.probes._task_runners import literal_words

    for call in facts.calls:
        if not call.name.endswith(_SHELL_OPERATORS):
            continue
        given = (call.kwarg(k) for k in ("bash_command", "command", "cmds", "arguments"))
        words = literal_words(tuple(v for v in given if v is not None and v != "<expr>"))
        for script in _script_run(snap, " ".join(words)):
            trained = roles.training.get(script) or _delegated_training(snap, roles, script)
            if trained is not None:
                return call, script, trained
    return None


@probe("flow_trains", NoParams, reads_code=True)
def flow_trains(snap: Snapshot, p: NoParams) -> Observation:
    """A general-purpose orchestrator's flow trains through the project's own module.

    Looks for (production code): a Prefect flow, Airflow DAG, Dagster job or asset, or a
    Luigi task in a file that imports a trainer (a class or function named for training or
    fitting) from one of the project's modules, calls it, and that module calls a training
    API (`lightgbm.train`, `.fit` …). The flow file training by itself is the rubric's
    same-file rule; this is the flow whose task builds `CreditRiskTrainer()` from
    `training/trainer.py` (shiva-shivanibokka/ML-System-Design-Retraining-Pipeline
    pipelines/flows.py:55,617; reviewed), or the entry point of a module named for training
    (`from scripts.train import run` in the task). A helper of the training module called by
    the flow (`prepare_features`) trains nothing. A command task (Airflow `BashOperator`,
    `DockerOperator`, `KubernetesPodOperator`) that runs a training script of the repository
    (`python src/models/train.py`) trains too.
    Why: an orchestrated training pipeline is automated training (GCP level 1).
    Fix: run training as a task of the flow (`@flow` → `@task train()`).
    """
    from mlaudit.probes.code_roles import code_roles
    from mlaudit.probes.generic import names_matcher

    roles = code_roles(snap)
    flow_names = names_matcher(FLOW_CALLS)
    found: list[Evidence] = []
    for path in base.python_sources(snap, ("*.py",), scope="non_tests"):
        facts = snap.python(path)
        if facts is None:
            continue
        flows = [c for c in (*facts.decorators, *facts.calls, *facts.bases) if flow_names(c.name)]
        if not flows:
            continue
        # called, or handed to a task that runs it (`execute_model(XGBoostTrain, …)`:
        # LunarMoonDev/mlops-project-retail-service retail-training-service/main.py:5; reviewed)
        used = [*facts.calls, *(Call(name, ref_line) for name, ref_line in facts.refs.items())]
        for target, line in roles.imports.get(path, []):
            trained = (
                roles.training.get(target)
                or _reexported_training(roles, target)
                or _delegated_training(snap, roles, target)
                or _managed_training(snap, target)
            )
            if trained is None:
                continue
            imported = [i.module for i in facts.imports if i.line == line]
            called = _trainer_call(used, imported)
            if called is None and trained.path == target and _persists_a_model(snap, target):
                # the entry point of a module that fits models and keeps them, whatever the
                # module is called: `from src.regression.retail_regression_benchmark import
                # main; main()` in a weekly DAG's task, the module pickling each fitted model
                # (skywalker-89/customer-churn-mlops dags/model_training_dag.py:52-53,
                # src/regression/retail_regression_benchmark.py:294,298; reviewed)
                called = _entry_point_call(used, imported)
            if called is None:
                continue
            found.append(ev(path, flows[0].line, f"{flows[0].name}", "orchestrated flow"))
            found.append(ev(path, called.line, f"{called.name}(…)", "the flow calls the trainer"))
            found.append(ev(trained.path, trained.line, trained.snippet, "training call"))
            break
        else:
            shell = _shell_task_trains(snap, facts, roles)
            if shell is not None:
                operator, script, trained = shell
                found.append(ev(path, flows[0].line, f"{flows[0].name}", "orchestrated flow"))
                found.append(
                    ev(path, operator.line, f"{operator.name}(…) runs {script}", "a command task")
                )
                found.append(ev(trained.path, trained.line, trained.snippet, "training call"))
    if found:
        return base.passed("an orchestrated flow runs the project's trainer", found)
    return base.failed("no orchestrated flow calls the project's trainer")


def _trains(snap: Snapshot) -> Observation:
    code = _code(snap)
    # a library's own algorithms and its examples show how to use it, not that it trains
    calls, library = project_code(snap)
    call = _first_hit(snap, _TRAINING_CALL, calls, _training_call)
    if call is not None:
        return base.passed("the repository trains a model", [call])

    def named_for_training() -> list[str]:
        templates = base.select_files(snap, TEMPLATE_FILES, include_excluded_dirs=True)
        candidates = [*code, *(t for t in templates if not base.is_test_path(t))]
        return [x for x in candidates if TRAINING_FILE.search(x)]

    # the names are a fact of the paths; which are the package's own is not (its pyproject)
    named = _outside(library, snap.tree_memo(("training.named",), named_for_training))
    if named:
        return base.passed("a script or notebook is named for training", [ev(x) for x in named[:3]])
    command = _training_command(snap, library)
    if command is not None:
        return base.passed("a command runs training", [command])
    configs = [c for c in _trainer_configs(snap) if library is None or not library(c[0])]
    if configs:
        return base.passed(
            "a trainer's run configuration: run length, batch size and learning rate",
            [ev(path, line, text) for path, line, text in configs[:3]],
        )
    return base.absent_from_python(
        snap,
        code,
        no_python="no Python code outside the tests: whether the repository trains cannot be read",
        unread="no training found, but some Python files could not be read",
        no_code="no training",
        absent=(
            (
                f"no training: none of {len(calls)} Python file(s) and notebooks {RULE_LIB_SCOPE} "
                "calls a training API or is named for training, and no command trains"
                if calls
                else f"no training: no Python code {RULE_LIB_SCOPE}, and no command trains"
            )
            if library is not None
            else f"no training: none of {len(code)} Python file(s) and notebooks calls a "
            "training API (.fit, .backward, optimizer.step, a Trainer …) or is named for "
            "training, and no command trains"
        ),
    )


# a training run's configuration for a trainer outside the repository: how long it runs, its
# batch and its learning rate, in one file (EleutherAI/pythia models/1.4B/pythia-1.4b.yml:49,77
# `"train_micro_batch_size_per_gpu": 16`, `"train-iters": 143000`, `optimizer.params.lr`: the
# runs are GPT-NeoX's, named only in the README; reviewed). A DeepSpeed or serving config has
# a batch and maybe a learning rate, never a run length as well
_RUN_LENGTH = frozenset(
    {
        "train-iters",
        "train_iters",
        "train-steps",
        "train_steps",
        "num_train_steps",
        "max_steps",
        "max-steps",
        "total_steps",
        "num_train_epochs",
        "num_epochs",
        "max_epochs",
        "epochs",
    }
)
_BATCH = frozenset(
    {
        "batch_size",
        "batch-size",
        "train_batch_size",
        "train-batch-size",
        "train_micro_batch_size_per_gpu",
        "micro_batch_size",
        "micro-batch-size",
        "global_batch_size",
        "global-batch-size",
        "per_device_train_batch_size",
    }
)
_RATE = frozenset({"lr", "learning_rate", "learning-rate"})
_CONFIG_DEPTH = 3  # `optimizer: {params: {lr: …}}`
_CONFIG_KEYS = 2_000  # keys looked at per document


_RUN_CONFIG = derivation_key("training.run_config")


def _trainer_configs(snap: Snapshot) -> list[tuple[str, int | None, str]]:
    """(path, line, shown) of each YAML or JSON file outside the tests and examples that
    configures a training run: a positive run length, a batch size and a learning rate.
    Each file's answer is derived once per content (history points replay the loop)."""

    def each(path: str) -> tuple[str, int | None] | None:
        docs = snap.yaml_docs(path)  # parses (once), records the file's problems
        if not docs:
            return None
        return snap.per_file(
            _RUN_CONFIG, path, lambda: next(filter(None, map(_run_length, docs)), None)
        )

    paths = base.select_files(snap, ["*.yml", "*.yaml", "*.json"], scope="non_tests")
    found = snap.per_file_loop(_RUN_CONFIG, paths, each)  # only the files that configure one
    return [(path, hit[1], hit[0]) for path, hit in found if hit is not None]


def _run_length(doc: Any) -> tuple[str, int | None] | None:
    """(`key: value`, line) of the run length of a training configuration, or None."""
    keys: dict[str, tuple[Any, int | None]] = {}
    stack: list[tuple[Any, int]] = [(doc, 0)]
    seen = 0
    while stack and seen < _CONFIG_KEYS:
        node, depth = stack.pop()
        if not isinstance(node, dict) or depth >= _CONFIG_DEPTH:
            continue
        for key, value in node.items():
            seen += 1
            name = str(key).lower()
            keys.setdefault(name, (value, key_line(node, key)))
            stack.append((value, depth + 1))
    if not (keys.keys() & _BATCH and keys.keys() & _RATE):
        return None
    for name in sorted(keys.keys() & _RUN_LENGTH):
        value, line = keys[name]
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return f"{name}: {value}", line
    return None


def _library_internals(snap: Snapshot) -> Callable[[str], bool] | None:
    """For a repository that publishes its own package (rule lib), whether a file is the
    package's own code or an example, tutorial or docs page; None for any other repository.
    A monitoring library fits a classifier as a drift statistic and its cookbook fits a model
    to have predictions to monitor (evidentlyai/evidently embedding_drift_methods.py:151,
    examples/cookbook/regression_preset.ipynb): neither is the project training a model. A
    training script or command of its own still is (mlfoundations/open_clip's training runs),
    and a package that ships its own trained model is that model's project, not a tool
    (spotify/basic-pitch basic_pitch/saved_models/icassp_2022/, trained by basic_pitch/train.py;
    reviewed): the rule does not apply to it, when something in it trains."""
    from mlaudit.probes.profile import published_library

    if not published_library(snap):
        return None
    shipped = base.select_files(snap, MODEL_FILES, include_excluded_dirs=False)
    if any(
        base.in_own_package(snap, x) and not base.is_test_path(x) for x in shipped
    ) and _trains_anywhere(snap):
        return None

    from mlaudit.probes._demos import package_demo_notebooks

    # its tutorials install it (microsoft/FLAML notebook/*.ipynb `%pip install flaml[…]`;
    # reviewed): they train to show the package to its users
    demos = package_demo_notebooks(snap)

    def internal(path: str) -> bool:
        return (
            base.in_own_package(snap, path)
            or base.is_excluded(path)
            or _EXERCISES_THE_PACKAGE.search(path) is not None
            or path in demos
        )

    return internal


# A library's benchmarks and smoke tests train to measure or exercise the package, and keep
# no model (ludwig-ai/ludwig scripts/dataset_smoke_test.py:513 and
# scripts/benchmark_lazy_preprocessing.py:183, `model.train(…, skip_save_model=True)`; reviewed).
# Its generators of tiny random-weight models are fixtures of its tests, not models it
# releases (huggingface/trl scripts/generate_tiny_models/_common.py:246, pushed to
# `trl-internal-testing`; reviewed)
_EXERCISES_THE_PACKAGE = re.compile(
    r"(?i)(?:^|[/_-])(?:benchmarks?|bench|smoke_?tests?|profil(?:e|ing)"
    r"|(?:tiny|dummy|fake|mock)(?:[_-]?random)?[_-]?models?)(?:[/_.-]|$)"
)


def _trains_anywhere(snap: Snapshot) -> bool:
    """Whether any code outside the tests, the package's own included, trains: a training
    call, or a file named for training. A package that ships a model it does not train ships
    someone else's (SYSTRAN/faster-whisper faster_whisper/assets/silero_vad_v6.onnx, the
    Silero VAD it runs): it is still a tool, not that model's project."""
    code = _code(snap)
    if any(TRAINING_FILE.search(x) for x in code):
        return True
    return _first_hit(snap, _TRAINING_CALL, code, _training_call) is not None


RULE_LIB_SCOPE = "outside the package the repository publishes and its examples (rule lib)"


def _outside(library: Callable[[str], bool] | None, paths: list[str]) -> list[str]:
    """`paths` without the published package's own files and its examples (rule lib)."""
    return paths if library is None else [x for x in paths if not library(x)]


def project_code(snap: Snapshot) -> tuple[list[str], Callable[[str], bool] | None]:
    """The Python files and notebooks outside the tests that are the project's own: under rule
    lib, neither the package it publishes nor its examples (training, data and models ask
    alike); with the rule's test, None where the repository publishes nothing."""
    library = _library_internals(snap)
    code = _code(snap)
    if library is None:
        return code, None
    return snap.memo(("training.project_code",), lambda: _outside(library, code)), library


# --- data --------------------------------------------------------------------------------------
# reading a dataset: tables, dataset hubs, Spark, TF/Torch dataset builders
DATA_LOADING_CALLS: tuple[str, ...] = (
    "pandas.read_*",
    "polars.read_*",
    "polars.scan_*",
    "pyarrow.parquet.read_*",
    "datasets.load_dataset",
    "datasets.load_from_disk",
    "*.read.parquet",
    "*.read.csv",
    "*.read.json",
    "*.read.table",
    "*.read.format",
    "tensorflow.data.*",
    "dask.dataframe.read_*",
    "duckdb.*read_*",
)
# a library's bundled benchmark datasets: read by a project that trains or evaluates on them,
# and by the demo notebooks of one that only runs a released model (openai/CLIP
# notebooks/Interacting_with_CLIP.ipynb reads CIFAR100 for its `.classes`, the labels of a
# zero-shot demo; openai/whisper notebooks/LibriSpeech.ipynb), which is not data of its own
BENCHMARK_DATASET_CALLS: tuple[str, ...] = (
    "tensorflow_datasets.load",
    "torchvision.datasets.*",
    "torchaudio.datasets.*",
    "sklearn.datasets.*",
    "*keras.datasets.*",
)
DATA_FILES: tuple[str, ...] = (
    "*.csv",
    "*.tsv",
    "*.parquet",
    "*.jsonl",
    "*.arrow",
    "*.feather",
    "*.avro",
    "*.orc",
    "*.dvc",
    "dvc.yaml",
    "feature_store.yaml",
    "dbt_project.yml",
)
# data pipeline code by its place or name (the folders and modules of data-pipeline-folder)
DATA_CODE = re.compile(
    r"(?:^|/)(?:data|datasets?|etl|ingest\w*|ingestion|data_pipeline\w*|data_processing|dataprep|"
    r"data_prep|preprocessing|features?|feature_engineering)/(?:[^/]+/)*[^/]+\.py$"
    r"|(?:^|/)(?:data|datasets?|etl|ingest\w*|prepare\w*|preprocess\w*|make_dataset)\.py$",
    re.IGNORECASE,
)
_GENERIC_DATA_MODULE = re.compile(r"(?:^|/)(?:data|datasets?)\.py$", re.IGNORECASE)
_DATA_CALL = derivation_key("training.data_call.v2")
# a model that learns by acting in an environment (online reinforcement learning) has no
# dataset: its experience is generated by the simulator (vwxyzjn/cleanrl ppo.py:84
# `gym.make(env_id)`, reviewed)
ENVIRONMENT_CALLS: tuple[str, ...] = (
    "gym.make",
    "gym.vector.*",
    "gymnasium.make",
    "gymnasium.make_vec",
    "gymnasium.vector.*",
    "envpool.make*",
    "procgen.ProcgenEnv",
    "pettingzoo.*",
    "*.make_vec_env",
    "*.make_atari_env",
    "dm_control.suite.load",
)
# what an environment-trained repository may still read as a dataset (offline RL, imitation
# learning, demonstrations): broader than DATA_LOADING_CALLS, so that the exception is rare
RECORDED_DATA_CALLS: tuple[str, ...] = (
    "torch.utils.data.DataLoader",
    "h5py.File",
    "zarr.open*",
    # not numpy.load: the evaluation results a plot reads (rl-baselines3-zoo
    # rl_zoo3/plots/all_plots.py:83 evaluations.npz) are no dataset
    "d4rl.*",
    "minari.*",
    "*.get_dataset",
)
_ENV_CALL = derivation_key("training.environment_call")
_RECORDED_DATA_CALL = derivation_key("training.recorded_data_call")


def _first_call_of(patterns: tuple[str, ...]) -> Callable[[str, PythonFacts], Any]:
    """ONE file's first call matching `patterns`: (line, what), or None."""

    def derive(path: str, facts: PythonFacts) -> tuple[int, str] | None:
        for call in facts.calls:
            if name_matches_any(call.name, patterns):
                return call.line, f"{call.name}(…)"
        return None

    return derive


_BUFFERS = ("io.BytesIO", "io.StringIO", "StringIO.StringIO")


def _data_call(path: str, facts: PythonFacts) -> tuple[int, str] | None:
    """ONE file's first dataset read, (line, what): a table read from an in-memory buffer
    built in the call (`pd.read_csv(io.BytesIO(response.body))`) parses a payload, not a
    dataset (Unstructured-IO/unstructured-api prepline_general/api/general.py:740, the
    service merging its own CSV responses; reviewed)."""
    buffers = [c.line for c in facts.calls if c.name in _BUFFERS]
    for call in facts.calls:
        if not name_matches_any(call.name, DATA_LOADING_CALLS):
            continue
        if call.args[:1] == ("<expr>",) and any(
            call.line <= line <= call.line + 2 for line in buffers
        ):
            continue
        return call.line, f"{call.name}(…)"
    return None


_BENCHMARK_CALL = derivation_key("training.benchmark_dataset_call")
# where the library would keep its datasets: a path, nothing read (evidentlyai/evidently
# .github/scripts/download_scipy_datasets.py:8, unzipping test fixtures; reviewed)
_DATA_HOME = ("sklearn.datasets.get_data_home", "sklearn.datasets.clear_data_home")


def _benchmark_call(path: str, facts: PythonFacts) -> tuple[int, str] | None:
    """ONE file's first read of a library's benchmark dataset, (line, what)."""
    for call in facts.calls:
        if name_matches_any(call.name, BENCHMARK_DATASET_CALLS) and call.name not in _DATA_HOME:
            return call.line, f"{call.name}(…)"
    return None


_environment_call = _first_call_of(ENVIRONMENT_CALLS)
_recorded_data_call = _first_call_of(RECORDED_DATA_CALLS)


@probe("handles_data", NoParams)
def handles_data(snap: Snapshot, p: NoParams) -> Observation:
    """Precondition: the repository prepares or reads data (not only a model's inputs).

    Looks for, outside the tests (examples, tutorials and notebooks count): training (probe
    trains_models); a dataset read (`pandas.read_*`, `datasets.load_dataset`, Spark
    `read.parquet`, `tf.data` …), or a read of a library's benchmark dataset (torchvision,
    torchaudio, scikit-learn, TFDS, Keras) outside notebooks, examples and docs (reads and
    data files in a benchmark folder, benchmark/ or benchmarks/, do not count); data pipeline code
    (a module under data/, etl/, ingest*/, preprocessing/, features/ …, or named data.py,
    prepare*.py, preprocess*.py, make_dataset.py; where nothing trains, a module named only
    data.py or dataset.py loads a released model's inputs and does not count); or data files or
    data tooling tracked (CSV, Parquet, JSONL …, `.dvc` files, `dvc.yaml`, a Feast
    `feature_store.yaml`, a dbt project). Any one passes. Fails when Python code exists,
    every file was read and none is found, or when the repository holds no code in any
    language (documentation and media only); unknown otherwise.
    Also fails when what trains learns by acting in a simulated environment (`gym.make`,
    `gymnasium.vector.*`, `envpool.make`, `make_vec_env` … in the project's code) and no
    dataset is read or tracked: neither the reads above nor recorded experience (a
    `DataLoader`, `h5py.File`, zarr, D4RL or Minari datasets).
    Why: versioning, validating and pipelining data does not apply to a repository that only
    runs a released model on the inputs it is given (openai/whisper, meta-llama/llama), nor
    to online reinforcement learning, whose experience the pinned simulator generates
    (vwxyzjn/cleanrl).
    Fix: nothing to fix; if the repository does prepare data in a way none of the above
    shows, the data checks' n/a is wrong: report it.
    """
    return snap._cached("handles_data", "", lambda: _handles_data(snap))


@probe("trains_on_data", NoParams)
def trains_on_data(snap: Snapshot, p: NoParams) -> Observation:
    """Precondition: the repository trains a model on a dataset.

    Looks for training (probe trains_models), unless what trains learns by acting in a
    simulated environment and no dataset is read or tracked (probe handles_data fails).
    Why: pinning or logging the training data applies to training that reads data, not to
    online reinforcement learning, whose experience the pinned simulator generates
    (vwxyzjn/cleanrl `gym.make(env_id)`).
    Fix: nothing to fix; if the repository does train on a dataset in a way neither probe
    shows, the n/a is wrong: report it.
    """
    trains = trains_models(snap, p)
    if trains.outcome != Outcome.PASS:
        return trains
    data = handles_data(snap, p)
    return data if data.outcome == Outcome.FAIL else trains


# a folder of scripts that measure the code's speed or accuracy (SYSTRAN/faster-whisper
# benchmark/wer_benchmark.py:26 streams LibriSpeech's validation split to print a WER)
BENCHMARK_DIR = re.compile(r"(?:^|/)(?:benchmarks?|bench)/", re.IGNORECASE)


def _is_benchmark(path: str) -> bool:
    return BENCHMARK_DIR.search(path) is not None


# the CI service's own folder: its helper scripts fetch test fixtures or read results, never
# the project's data (evidentlyai/evidently .github/scripts/download_scipy_datasets.py:23
# `fetch_lfw_people` for the tests; reviewed)
_CI_FOLDER = re.compile(r"^\.(?:github|circleci|gitlab|buildkite)/")


# the tests' fixtures beside the tests (evidentlyai/evidently test_data/adults.parquet,
# test_data/*.dvc; reviewed)
_TEST_DATA = re.compile(r"(?:^|/)(?:test[_-]?data|fixtures?)/", re.IGNORECASE)


def _is_benchmark_or_ci(path: str) -> bool:
    return _is_benchmark(path) or _CI_FOLDER.match(path) is not None


def _is_demo_or_ci(path: str) -> bool:
    return _is_demo(path) or _CI_FOLDER.match(path) is not None


def _is_demo(path: str) -> bool:
    """A notebook, a file under examples/, tutorials/, docs/ … (base.EXCLUDED_DIRS) or a
    benchmark script."""
    return base.is_notebook(path) or base.is_excluded(path) or _is_benchmark(path)


def _handles_data(snap: Snapshot) -> Observation:
    trains = trains_models(snap, NoParams())
    code = _code(snap)
    # rule lib, as for training: a data tool's own loaders, pipelines and bundled datasets, and
    # its tutorials, are what it offers its users, not data of the project's own
    # (feast-dev/feast sdk/python/feast/, docs/tutorials/…/part1-load-data.ipynb, reviewed)
    own, library = project_code(snap)
    environment = None
    if trains.outcome == Outcome.PASS:
        # anywhere, a published package's own code included: the simulator may be driven by
        # the package the training script calls (DLR-RM/rl-baselines3-zoo train.py ->
        # rl_zoo3/exp_manager.py `make_vec_env`)
        environment = _first_hit(snap, _ENV_CALL, code, _environment_call)
        if (
            environment is None
            or _first_hit(snap, _RECORDED_DATA_CALL, code, _recorded_data_call)
            or _first_hit(snap, _DATA_CALL, code, _data_call)
        ):
            return base.passed(f"{trains.message}: it has training data", trains.evidence)
    # nothing trains here (or only in a simulator): a benchmark script that reads a public
    # test split measures the released model, as a demo reading a library's benchmark set
    # in a notebook, an example or the docs does
    read = _first_hit(snap, _DATA_CALL, _outside(_is_benchmark_or_ci, own), _data_call)
    if read is None:
        read = _first_hit(snap, _BENCHMARK_CALL, _outside(_is_demo_or_ci, own), _benchmark_call)
    if read is not None:
        return base.passed("the repository reads datasets", [read])
    modules = _outside(
        library,
        snap.tree_memo(("training.data_code",), lambda: [x for x in code if DATA_CODE.search(x)]),
    )
    # where nothing trains, a module merely called `data.py` or `dataset.py` loads a released
    # model's inputs (facebookresearch/ImageBind imagebind/data.py:82
    # `load_and_transform_vision_data(image_paths, device)`, the caller's files; reviewed)
    modules = [x for x in modules if not _GENERIC_DATA_MODULE.search(x)]
    if modules:
        return base.passed("the repository has data pipeline code", [ev(x) for x in modules[:3]])
    files = _outside(
        library,
        [
            x
            for x in base.select_files(snap, DATA_FILES)
            if not base.is_test_path(x) and not _is_benchmark(x) and not _TEST_DATA.search(x)
        ],
    )
    if files:
        return base.passed("data files or data tooling are tracked", [ev(x) for x in files[:3]])
    if environment is not None:
        return base.failed(
            "no dataset: the models learn by acting in a simulated environment, and no "
            "dataset is read or tracked",
            [environment],
        )
    if trains.outcome == Outcome.UNKNOWN:
        return trains
    return base.absent_from_python(
        snap,
        code,
        no_python="no Python code outside the tests: whether the repository handles data "
        "cannot be read",
        unread="no data handling found, but some Python files could not be read",
        absent=(
            f"no data: nothing trains, and no dataset is read or tracked {RULE_LIB_SCOPE}"
            if library is not None
            else "no data: nothing trains, no dataset is read and no data file is tracked"
        ),
        no_code="no data",
    )


# --- models ------------------------------------------------------------------------------------
# loading a model, its weights or a client of a served one; `pickle.load` is not among them
# (any object is pickled: Netflix/metaflow multicore_utils.py:132 reads a forked child's result)
MODEL_LOADING_CALLS: tuple[str, ...] = (
    "mlflow.*load_model",
    "*.from_pretrained",
    "torch.load",
    "torch.jit.load",
    "torch.hub.load",
    "torch.hub.load_state_dict_from_url",
    "*.load_state_dict",
    "joblib.load",
    "onnxruntime.InferenceSession",
    "*keras.models.load_model",
    "tensorflow.saved_model.load",
    "bentoml.*.load_model",
    "bentoml.models.get",
    "*.load_from_checkpoint",
    "*.load_model",
    "xgboost.Booster",
    "lightgbm.Booster",
    "transformers.pipeline",
    "sentence_transformers.SentenceTransformer",
    "skops.io.load",
    "safetensors.*.load_file",
    "huggingface_hub.hf_hub_download",
    "huggingface_hub.snapshot_download",
    "tritonclient.*",
)
# model weights tracked in the repository (any size; VER008 judges the large ones)
MODEL_FILES: tuple[str, ...] = (
    "*.pt",
    "*.pth",
    "*.ckpt",
    "*.h5",
    "*.keras",
    "*.onnx",
    "*.joblib",
    "*.safetensors",
    "*.tflite",
    "*.mlmodel",
    "*.gguf",
    "saved_model.pb",
)
_MODEL_CALL = derivation_key("training.model_call")
_model_call = _first_call_of(MODEL_LOADING_CALLS)


# a module or class of a package's that is a model (gluonts.torch.model.deepar,
# pytorch_forecasting.models, DeepAREstimator, TemporalFusionTransformer)
_MODEL_MODULE = re.compile(
    r"(?:^|\.)(?:models?|modell?ing|estimators?|networks?|nets?|architectures?|forecasters?)(?:\.|$)"
)
_MODEL_CLASS = re.compile(
    r"^(?!(?:Base|Root|Generic|Pydantic)Model$)[A-Z]\w*"
    r"(?:Model|Net|Network|Estimator|Forecaster|Classifier|Regressor|Transformer)$"
)
_TESTED_MODEL = derivation_key("training.tested_model.v2")


@probe("model_library", NoParams)
def model_library(snap: Snapshot, p: NoParams) -> Observation:
    """Precondition: the repository publishes a package of models, which its tests train.

    Looks for a test file that imports a model module or class of the package the repository
    publishes (`from gluonts.torch.model.deepar import DeepAREstimator`, `from
    pytorch_forecasting.models import TemporalFusionTransformer`) and calls a training API
    (`.fit`, `.train`, a `Trainer` …). Fails in a repository that publishes no package, or
    whose tests train none of its own models.
    Why: rule lib keeps a library's algorithms from counting as the project training a model,
    so an MLOps tool is not asked for a model registry. A library *of models* still has model
    code: whether its tests exercise it (model-unit-tests) and whether it loads weights
    unsafely for its users (unsafe-deserialization) are its own questions (awslabs/gluonts
    test/model/, sktime/pytorch-forecasting tests/test_models/; reviewed).
    Fix: nothing to fix; it decides whether the model-code checks apply.
    """
    return snap._cached("model_library", "", lambda: _model_library(snap))


def _tested_model(path: str, facts: PythonFacts) -> tuple[tuple[int, str], tuple[str, ...]] | None:
    """A test file's first training call and the modules it imports that name a model."""
    call = _training_call(path, facts)
    if call is None:
        return None
    modules = tuple(
        imp.module
        for imp in facts.imports
        if _MODEL_MODULE.search(imp.module.rpartition(".")[0] or imp.module)
        or _MODEL_CLASS.match(imp.module.rpartition(".")[2])
        or _named_for_package(imp.module)
    )
    return (call, modules) if modules else None


def _named_for_package(module: str) -> bool:
    """A class named as its package (`from bertopic import BERTopic`, `from prophet import
    Prophet`): the model a library of one model is named for (MaartenGr/BERTopic
    tests/conftest.py:54 fits `BERTopic` models; reviewed)."""
    parts = module.split(".")
    return len(parts) >= 2 and parts[-1] != parts[0] and parts[-1].lower() == parts[0].lower()


def _model_library(snap: Snapshot) -> Observation:
    if not base.own_packages(snap):
        return base.failed("the repository publishes no package")
    tests = [x for x in base.select_files(snap, ["*.py"]) if base.is_test_path(x)]
    for path, hit in snap.python_per_file(_TESTED_MODEL, tests, _tested_model):
        if hit is None:
            continue
        (line, what), modules = hit
        own = [m for m in modules if base.is_own_module(snap, m)]
        if own:
            return base.passed(
                f"its tests train the package's own models ({own[0]})",
                [ev(path, line, what)],
            )
    return base.failed("no test trains a model of the package the repository publishes")


@probe("uses_models", NoParams)
def uses_models(snap: Snapshot, p: NoParams) -> Observation:
    """Precondition: the repository has a model of its own: it trains, loads or tracks one.

    Looks for, outside the tests (examples, tutorials and notebooks count): training (probe
    trains_models); a call that loads a model or its weights (`from_pretrained`,
    `torch.load`, `joblib.load`, `mlflow.*.load_model`, `onnxruntime.InferenceSession`,
    `hf_hub_download`, a Triton client …); model files tracked (`*.pt`, `*.onnx`,
    `*.safetensors`, `saved_model.pb` …); or serving configuration naming the model (KServe
    `storageUri`, Seldon `modelUri`, a CloudFormation SageMaker model). Any one passes. In a repository that publishes its
    own package (rule lib), the package's own code and its examples do not count, as for
    trains_models. Fails when Python code exists, every file was read and none is found.
    Why: registries, model cards, signatures, safe model formats and model tests describe a
    model; an orchestrator, a workflow library or a tool with no model of its own
    (Netflix/metaflow) has none to version, document or test.
    Fix: nothing to fix; if the repository does use a model in a way none of the above shows,
    the model checks' n/a is wrong: report it.
    """
    return snap._cached("uses_models", "", lambda: _uses_models(snap))


def _served_models(snap: Snapshot) -> list[Evidence]:
    """Serving declared as configuration that names the model it serves, with no Python load
    to see: a KServe InferenceService's `storageUri`, a SeldonDeployment's `modelUri`, a
    CloudFormation SageMaker model. A serving wrapper with no model (the identity "model" of
    AlexIoannides/kubernetes-ml-ops, reviewed) names none."""
    found = model_uri_platforms(snap)
    found += [
        ev(r.path, r.line, f"AWS::SageMaker::Model {r.logical_id}")
        for r in cfn_resources(snap, "AWS::SageMaker::Model")
    ]
    return found


def _uses_models(snap: Snapshot) -> Observation:
    trains = trains_models(snap, NoParams())
    if trains.outcome == Outcome.PASS:
        return base.passed(f"{trains.message}: it has a model", trains.evidence)
    code = _code(snap)
    calls, library = project_code(snap)
    loaded = _first_hit(snap, _MODEL_CALL, calls, _model_call)
    if loaded is not None:
        return base.passed("the repository loads a model", [loaded])
    tracked = base.select_files(snap, MODEL_FILES, include_excluded_dirs=library is None)
    files = _outside(library, [x for x in tracked if not base.is_test_path(x)])
    if files:
        return base.passed("model files are tracked", [ev(x) for x in files[:3]])
    served = _served_models(snap)
    if served:
        return base.passed("a serving platform is told which model to serve", served[:3])
    if trains.outcome == Outcome.UNKNOWN:
        return trains
    return base.absent_from_python(
        snap,
        code,
        no_python="no Python code outside the tests: whether the repository has a model "
        "cannot be read",
        unread="no model found, but some Python files could not be read",
        absent=(
            f"no model: nothing trains, and no model is loaded or tracked {RULE_LIB_SCOPE}"
            if library is not None
            else "no model: nothing trains, and no model is loaded or tracked"
        ),
        no_code="no model",
    )
