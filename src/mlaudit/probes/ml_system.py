"""Whether the repository holds an ML system at all (project structure).

A platform team scanning every repository of an organisation also scans web applications,
libraries and infrastructure that hold no ML: scoring their data and model practices as an
ML project's (a FastAPI CRUD app as "online serving, level 1") misleads the fleet report.
This anti-signal fails when the Python code, the declared dependencies and the tracked files
show no ML at all, and caps the level at 0 with that reason."""

from __future__ import annotations

import re

from mlaudit.inventory import canonical_name, declared_requirements
from mlaudit.probes import base
from mlaudit.probes.base import ev
from mlaudit.probes.generic import module_matches_any
from mlaudit.probes.registry import Params, probe
from mlaudit.probes.reproducibility import ML_MODULES
from mlaudit.repo.parsers.python_src import PythonFacts
from mlaudit.repo.snapshot import Snapshot, derivation_key
from mlaudit.results import Evidence, Observation


class NoParams(Params):
    pass


# Beyond the training frameworks of notebook-only: what an ML system may use without
# importing one — model APIs and LLM frameworks, inference runtimes and servers, trackers,
# registries, pipelines of models, ML monitoring and explainability
ML_SYSTEM_MODULES = (
    *ML_MODULES,
    "onnx",
    "skl2onnx",
    "tf2onnx",
    "openvino",
    "tensorrt",
    "vllm",
    "llama_cpp",
    "ctransformers",
    "text_generation",
    "text_generation_server",
    "huggingface_hub",
    "tokenizers",
    "sentencepiece",
    "peft",
    "trl",
    "accelerate",
    "deepspeed",
    "diffusers",
    "torchaudio",
    "torchtext",
    "jaxlib",
    "optax",
    "haiku",
    "pyspark.ml",
    "h2o",
    "pycaret",
    "autogluon",
    "optuna",
    "hyperopt",
    "ray.train",
    "ray.tune",
    "ray.serve",
    "ray.rllib",
    "imblearn",
    "shap",
    "lime",
    "mlxtend",
    "sktime",
    "darts",
    "neuralprophet",
    "pmdarima",
    "surprise",
    "implicit",
    "lightfm",
    "nltk",
    "faiss",
    # nearest-neighbour search over embeddings: vector databases and ANN indexes, as faiss
    # (Pocket/recommendation-api app/recommenders/item2item.py: Qdrant's recommend; reviewed)
    "qdrant_client",
    "pinecone",
    "chromadb",
    "weaviate",
    "pymilvus",
    "lancedb",
    "annoy",
    "hnswlib",
    "detectron2",
    "mmcv",
    "mmdet",
    "openai",
    "anthropic",
    "cohere",
    "langchain",
    "langchain_core",
    "langchain_community",
    "langchain_openai",
    "langgraph",
    "llama_index",
    "litellm",
    "google.generativeai",
    "google.genai",
    "wandb",
    "neptune",
    "comet_ml",
    "clearml",
    "aim",
    "dvc",
    "dvclive",
    "kfp",
    "tfx",
    "zenml",
    "kedro",
    "metaflow",
    "feast",
    "evidently",
    "alibi_detect",
    "alibi",
    "nannyml",
    "whylogs",
    "deepchecks",
    "kserve",
    "seldon_core",
    "mlserver",
    "tensorflow_serving",
    "ts.torch_handler",  # TorchServe handlers
    # domain models run through their own packages: document layout and OCR, speech, vision,
    # language (Unstructured-IO/unstructured-api prepline_general/api/general.py:43
    # `unstructured_inference`, its layout and table models; reviewed)
    "unstructured_inference",
    "layoutparser",
    "easyocr",
    "paddleocr",
    "paddle",
    "doctr",
    "pytesseract",
    "open_clip",
    "whisper",
    "faster_whisper",
    "ctranslate2",
    "fasttext",
    "stanza",
    "flair",
    "mediapipe",
    "insightface",
    "mlx",
)

# the same names as distributions, where they differ from the module
ML_PACKAGES = (
    # modules that are top-level distributions (not `ray.train`: Ray, PySpark or Google's
    # namespace alone are no ML)
    *(m.replace("_", "-") for m in ML_SYSTEM_MODULES if "." not in m),
    "scikit-learn",
    "tensorflow-cpu",
    "tensorflow-gpu",
    # not ML alone (image processing), but counted: a false "no ML" caps a real ML project
    # at level 0, a false "ML" only leaves a web app graded as before
    "opencv-python",
    "sentence-transformers",
    "pytorch-lightning",
    "llama-cpp-python",
    "google-generativeai",
    "google-cloud-aiplatform",
    "azure-ai-ml",
    "azureml-core",
    "onnxruntime-gpu",
    "tflite-runtime",
    "neptune-client",
    "seldon-core",
    "text-generation",
    "llama-index",
    "paddlepaddle",
    "python-doctr",
    "open-clip-torch",
    "openai-whisper",
)

# tracked model files: weights and serialised estimators in their own formats (a `.pkl` or a
# `.bin` may hold anything, a `.pb` any protocol buffer: not counted)
MODEL_FILES = (
    "*.pt",
    "*.pth",
    "*.onnx",
    "*.h5",
    "*.keras",
    "*.joblib",
    "*.safetensors",
    "*.ckpt",
    "*.tflite",
    "*.gguf",
    "*.mlmodel",
)
# files that only an ML workflow has
ML_WORKFLOW_FILES = ("dvc.yaml", "*.dvc", "MLproject", "**/MLproject")

_ML_SYSTEM_IMPORT = derivation_key("ml_system.import")
_IMPORT_LINE = re.compile(r"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import\b|import[ \t]+([\w.]+))", re.M)


_PIP_INSTALL = re.compile(r"\b(?:pip3?|uv pip|pipenv|poetry)\s+(?:install|add)\b(.*)")
_PACKAGE_TOKEN = re.compile(r"^['\"]?([A-Za-z0-9][A-Za-z0-9._-]*)")


def _ml_package_names() -> frozenset[str]:
    return frozenset(canonical_name(n) for n in ML_PACKAGES)


def _docker_installs(snap: Snapshot, wanted: frozenset[str]) -> list[Evidence]:
    """ML packages a Dockerfile installs by name (`RUN pip install mlflow==2.1 boto3`)."""
    found = []
    for path in snap.dockerfiles:
        parsed = snap.dockerfile(path)
        for ins in parsed.instructions if parsed else []:
            if ins.keyword != "RUN":
                continue
            for m in _PIP_INSTALL.finditer(ins.args):
                for token in m.group(1).split():
                    if token.startswith("-"):
                        continue
                    name = _PACKAGE_TOKEN.match(token)
                    if name and canonical_name(name.group(1)) in wanted:
                        found.append(ev(path, ins.line, f"RUN {ins.args}"))
                        break
    return found


# AWS services that serve, store features for or train models, reached through boto3's
# `client(…)`/`resource(…)` (Pocket/recommendation-api app/data_providers: SageMaker Feature
# Store read by aioboto3 for a Thompson-sampling ranker; reviewed)
_ML_SERVICES = frozenset(
    {
        "sagemaker",
        "sagemaker-runtime",
        "sagemaker-featurestore-runtime",
        "sagemaker-a2i-runtime",
        "personalize",
        "personalize-runtime",
        "personalize-events",
        "bedrock-runtime",
        "bedrock-agent-runtime",
        "comprehend",
        "rekognition",
        "forecast",
        "forecastquery",
    }
)
_ML_SERVICE_CLIENT = derivation_key("ml_service_client")


def _ml_service_client(path: str, facts: PythonFacts) -> tuple[int, str] | None:
    """ONE file's first boto3 client of a managed ML service: (line, service)."""
    for call in facts.calls:
        if call.name.rpartition(".")[2] in ("client", "resource") and call.args:
            service = call.args[0].strip("'\"")
            if service in _ML_SERVICES:
                return call.line, service
    return None


def _ml_import(path: str, facts: PythonFacts) -> tuple[int, str] | None:
    """ONE file's first import of an ML library: (line, module)."""
    for imp in facts.imports:
        if module_matches_any(imp.module, ML_SYSTEM_MODULES):
            return imp.line, imp.module
    return None


def _text_import(snap: Snapshot, path: str) -> Evidence | None:
    """An ML import in the text of a file that could not be parsed (a newer grammar than
    mlaudit's interpreter): a line-start `import`/`from` is enough to decide presence."""
    text = snap.text(path)
    if text is None:
        return None
    for m in _IMPORT_LINE.finditer(text):
        module = m.group(1) or m.group(2)
        if module_matches_any(module, ML_SYSTEM_MODULES):
            line = text.count("\n", 0, m.start()) + 1
            return ev(path, line, f"import {module}")
    return None


@probe("ml_system_present", NoParams)
def ml_system_present(snap: Snapshot, p: NoParams) -> Observation:
    """Anti-signal: the repository holds no ML system.

    Looks for: an import of an ML library (training frameworks, model APIs and LLM
    frameworks, inference runtimes, trackers, ML pipelines and monitors) in any Python file or
    notebook, tests, examples and tutorials included; an ML package declared in requirements or
    pyproject.toml; a tracked model file (.pt, .onnx, .h5, .joblib, .safetensors …); a DVC
    pipeline or MLproject. Any one passes. Fails when Python code exists and none is found,
    or when the repository holds no code in any language (documentation and media only: an
    "awesome" list of links); unknown when there is no Python code but other code (mlaudit
    reads Python: an R or Scala project cannot be decided) or when an unreadable file could
    hold the import.
    Why: the data and model checks, and the maturity level, describe an ML project; on a web
    application or a library without ML they would grade practices the project never needed.
    Fix: none if the repository is not an ML project (scan the repositories that are); if it
    calls a model through an API mlaudit does not know, waive this check with the reason.
    """
    # the cheap answers first: most ML repositories declare an ML package
    wanted = _ml_package_names()
    declared = [where[0] for name, where in declared_requirements(snap).items() if name in wanted]
    declared.extend(_docker_installs(snap, wanted))
    if declared:
        return base.passed("ML packages are declared", declared[:3])
    # examples and tutorials count: an ML platform whose only model is its tutorial's is
    # still about ML (datarevenue-berlin/OpenMLOps tutorials/wine-quality.ipynb)
    python = base.select_files(snap, ["*.py", "*.ipynb"], include_excluded_dirs=True)
    for path, hit in snap.python_per_file(_ML_SYSTEM_IMPORT, python, _ml_import):
        if hit is not None:  # python_per_file keeps only files with an import
            line, module = hit
            return base.passed("ML libraries are imported", [ev(path, line, f"import {module}")])
    for path, hit in snap.python_per_file(_ML_SERVICE_CLIENT, python, _ml_service_client):
        if hit is not None:
            line, service = hit
            shown = ev(path, line, f"client('{service}')", "a managed ML service")
            return base.passed("a managed ML service is called", [shown])
    models = base.select_files(snap, MODEL_FILES, include_excluded_dirs=True)
    if models:
        return base.passed("model files are tracked", [ev(x) for x in models[:3]])
    workflow = base.select_files(snap, ML_WORKFLOW_FILES)
    if workflow:
        return base.passed("an ML workflow is declared", [ev(x) for x in workflow[:3]])
    unparsed = [x for x in python if x in snap.problems]
    for path in unparsed:
        hit_ev = _text_import(snap, path)
        if hit_ev is not None:
            return base.passed("ML libraries are imported", [hit_ev])
    return base.absent_from_python(
        snap,
        python,
        no_python="no Python code: whether this is an ML project cannot be read",
        no_code="no ML system",
        unread="no ML found, but some Python files could not be read",
        absent=f"no ML system found: none of {len(python)} Python file(s) and notebooks "
        "imports an ML library, no ML package is declared and no model file is tracked",
    )
