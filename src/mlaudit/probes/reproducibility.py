"""Reproducibility probes (quality #1): pinned data, pipelines as code, externalised
parameters, seeds, lockfiles used by the build, pinned base images, dev/prod parity and
the notebook-only anti-signal."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from functools import partial
from typing import Any

from mlaudit.probes import _ci_reach, _task_runners, base
from mlaudit.probes import _mlfacts as mf
from mlaudit.probes._hydra import hydra_config
from mlaudit.probes.base import ev
from mlaudit.probes.dependencies import CONDA_ENV_GLOBS
from mlaudit.probes.generic import (
    bound_call_names,
    integer_argument,
    module_matches_any,
    name_matches,
    name_matches_any,
)
from mlaudit.probes.registry import Params, probe
from mlaudit.repo.parsers.dockerfile import Instruction, parse_from
from mlaudit.repo.parsers.python_src import Call, PythonFacts
from mlaudit.repo.parsers.yaml_docs import key_line
from mlaudit.repo.snapshot import Snapshot, derivation_key
from mlaudit.results import Evidence, Observation


class NoParams(Params):
    pass


def _dockerfiles(snap: Snapshot) -> list[str]:
    return [
        x
        for x in base.shipped_dockerfiles(snap)
        if not x.endswith((".md", ".txt", ".dockerignore"))
    ]


def _code_paths(snap: Snapshot) -> list[str]:
    return base.python_sources(snap, scope="non_tests")


# data-pinned -------------------------------------------------------------------------------
_SHA = re.compile(r"^'?[0-9a-f]{7,64}'?$")


_DATA_PINNED = derivation_key("data_pinned")
_CHECKED = "download verified against a recorded checksum"


_FEATURE_VIEW_READS = (
    "*_feature_view().get_training_data",
    "*_feature_view().get_train_test_split",
    "*_feature_view().get_train_validation_test_split",
)


def _training_dataset_version(bound: str, call: Call) -> str | None:
    """The literal training-dataset version a Hopsworks feature view reads
    (`feature_view.get_training_data(1)`, `get_train_test_split(training_dataset_version=2)`:
    featurestoreorg/serverless-ml-course 4_model_training.ipynb), or None: no version (a
    new dataset is materialised each run) or one computed at run time."""
    if not name_matches_any(bound, _FEATURE_VIEW_READS):
        return None
    return integer_argument(call, "training_dataset_version", 0)


# a download checked against a checksum the repository records: a changed file fails
# loudly instead of silently training another model (pooch, Keras, torchvision, torch.hub)
_CHECKED_DOWNLOADS = {
    "pooch.retrieve": ("known_hash", 1),
    "pooch.create": ("registry", None),
    "tensorflow.keras.utils.get_file": ("file_hash", 2),
    "keras.utils.get_file": ("file_hash", 2),
    "tf_keras.utils.get_file": ("file_hash", 2),
    "torchvision.datasets.utils.download_url": ("md5", 3),
    "torchvision.datasets.utils.download_and_extract_archive": ("md5", 4),
}
# ... of data, not of a model's weights (openai/whisper `_download` checks the checkpoint's
# sha256): the function or file is about data, and nothing in the call names weights
_ABOUT_DATA = re.compile(r"(?i)data|corpus|corpora")
_WEIGHTS = re.compile(r"(?i)weight|checkpoint|ckpt|\.pth?\b|\.h5\b|\.safetensors|\bmodels?\b")
# a private wrapper of urllib's retrieve counts (mindee/doctr utils/data.py:106
# `_urlretrieve(url, file_path)`; reviewed)
_DOWNLOAD = re.compile(r"(?i)(?:^|\.)(?:\w*download\w*|_?urlretrieve|urlopen|requests\.get)$")
# `check_hash(path, info.hashsum)` (open-edge-platform/anomalib data/utils/download.py:324;
# reviewed): a digest named as a hash, not the builtin `hash`; torchvision's
# `check_integrity(fpath, md5)` and its copies (mindee/doctr utils/data.py:118
# `_check_integrity(file_path, hash_prefix)`; reviewed)
_DIGEST = re.compile(
    r"(?i)(?:^|\.)(?:sha\d+|md5|blake2b|\w*(?:sha\d+|md5|checksum|digest|_hash|hash_|integrity)\w*)$"
)


def _checked_download(call: Call) -> str | None:
    """`pooch.retrieve(url, known_hash="sha256:…")` and the like: the keyword that holds the
    checksum, or None when it is missing or None."""
    for name, (keyword, position) in _CHECKED_DOWNLOADS.items():
        if name_matches(call.name, name) and not any(_WEIGHTS.search(a) for a in call.args):
            value = call.kwarg(keyword)
            if value is None and position is not None and len(call.args) > position:
                value = call.args[position]
            return keyword if value not in (None, "None") else None
    return None


def _hand_checked_downloads(path: str, facts: PythonFacts) -> list[int]:
    """Lines of functions that download a file and compute a digest of that same file
    (the-full-stack/fsdl-text-recognizer-2022 text_recognizer/data/base_data_module.py:33-37:
    `util.download_url(metadata["url"], filename)`, `compute_sha256(filename)` compared with
    the sha256 recorded in data/raw/*/metadata.toml, reviewed)."""
    found = []
    # a checksum recorded in the file itself (`sha256="afc26626…"` in the dataset's spec)
    recorded = any(_RECORDED_DIGEST.match(value) for value, _line in facts.strings)
    for name, start, end, kind in facts.spans:
        if kind != "def" or not (_ABOUT_DATA.search(name) or _ABOUT_DATA.search(path)):
            continue
        inside = [c for c in facts.calls if start <= c.line <= end]
        downloads = [c for c in inside if _DOWNLOAD.search(c.name)]
        # the file a download writes: a name passed after the URL
        fetched = {name for c in downloads for key, name in c.names if key != "0"}
        digests = [
            c for c in inside if _DIGEST.search(c.name) and {n for _k, n in c.names} & fetched
        ]
        # ... or the bytes it returned, hashed in the same function, where the file records
        # the digest to compare them with (mzquadri/MLOps-End-to-End-Pipeline
        # src/datasets.py:59,124-131: `urlopen` … `sha256_bytes(payload)` against the spec's
        # sha256; reviewed); a hash of the URL names a cache entry, it checks nothing
        if not digests and downloads and recorded:
            urls = {n for c in downloads for key, n in c.names if key == "0"}
            digests = [
                c
                for c in inside
                if _DIGEST.search(c.name)
                and c.line >= downloads[0].line
                and not ({n for _k, n in c.names} & urls)
            ]
        if digests:
            found.append(digests[0].line)
    return found


_RECORDED_DIGEST = re.compile(r"^(?:sha\d+:|md5:)?(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})$")


@probe("data_pinned", NoParams)
def data_pinned(snap: Snapshot, p: NoParams) -> Observation:
    """Training data is pinned to an exact, fetchable version.

    Looks for: DVC outputs with a content hash (`*.dvc` files or `dvc.lock`) plus a remote in
    `.dvc/config` (or a `dvc import` locked to a revision); Hugging Face
    `load_dataset(..., revision=<sha>)`; Delta Lake `versionAsOf`/`timestampAsOf` reads; a
    Hopsworks feature view's training dataset read by its version number; downloads verified
    against a recorded checksum (pooch `known_hash`/registry, Keras `get_file(file_hash=…)`,
    torchvision `md5=`, or a data function that downloads a file and computes a digest of
    that same file); a checked download of model weights pins the model, not the data.
    An empty `dvc init` (a `.dvc/config` and nothing tracked) is not pinned data; hashes
    without a remote only pin the data on the author's machine (partial).
    Why: the same code on different data gives a different model (MTS Infra 1).
    Fix: `dvc add data/…` (or a `dvc.yaml` stage), `dvc remote add -d storage s3://…`,
    commit the `.dvc`/`dvc.lock` files and `dvc push`.
    """
    # a DVC-versioned model pins the model, not the data that trained it
    outs = [
        o
        for o in mf.dvc_pointer_outs(snap) + mf.dvc_lock_outs(snap)
        if o.hashed and o.kind == "data"
    ]
    imports = mf.dvc_import_deps(snap)
    remotes = mf.dvc_remotes(snap)
    evidence: list[Evidence] = [
        ev(o.source, o.line, f"out {o.path}", f"stage {o.stage}" if o.stage else None) for o in outs
    ]
    evidence += [ev(path, line, f"dvc import from {url}") for path, line, url in imports]

    def scan_file(path: str, facts: PythonFacts, buckets: tuple[list[Evidence], ...]) -> None:
        code, weak = buckets
        for call, name in bound_call_names(facts):
            if name != call.name:  # a method on a feature view bound earlier
                version = _training_dataset_version(name, call)
                if version is not None:
                    line, note = base.notebook_line_note(snap, path, call.line)
                    text = f"{call.name}(training dataset version {version})"
                    code.append(ev(path, line, text, note))
                continue
            line, note = base.notebook_line_note(snap, path, call.line)
            if name_matches(call.name, "datasets.load_dataset"):
                rev = call.kwarg("revision")
                if rev and _SHA.match(rev):
                    code.append(ev(path, line, f"load_dataset(revision={rev})", note))
                elif rev and rev not in ("'main'", "'master'", "None"):
                    weak.append(ev(path, line, f"load_dataset(revision={rev}) (not a sha)", note))
            elif call.name.endswith(".option") and call.args[:1] in (
                ("'versionAsOf'",),
                ("'timestampAsOf'",),
            ):
                code.append(ev(path, line, f"Delta {call.args[0]}", note))
            elif (keyword := _checked_download(call)) is not None:
                code.append(ev(path, line, f"{call.name}({keyword}=…)", note or _CHECKED))
        for number in _hand_checked_downloads(path, facts):
            line, note = base.notebook_line_note(snap, path, number)
            code.append(ev(path, line, "digest of the downloaded file", note or _CHECKED))

    code, weak = base.per_file_evidence(snap, _DATA_PINNED, _code_paths(snap), scan_file, 2)
    remote_ev = [ev(path, line, text) for path, line, text in remotes]
    if (outs and remotes) or imports:
        return base.passed(
            "data pinned by content hash" + (" with a DVC remote" if remotes else ""),
            code + evidence + remote_ev,
        )
    if code and all(e.note == _CHECKED for e in code):
        return base.passed("training data downloads are verified against recorded checksums", code)
    if code:
        return base.passed("training data read at an exact version", code + evidence)
    if outs:
        return base.partial(
            "DVC hashes committed but no remote in .dvc/config: nobody else can fetch the data",
            evidence,
        )
    if weak:
        return base.partial("dataset revision pinned to a tag, not a commit", weak)
    configs = snap.glob(".dvc/config", "**/.dvc/config")
    if configs:
        return base.failed(
            "DVC initialised but no data tracked (no *.dvc outs or dvc.lock hashes)",
            [ev(c) for c in configs],
        )
    return base.failed(
        "no pinned data version (DVC, dataset revision, Delta time travel, checksum-verified "
        "download)"
    )


# pipeline-as-code --------------------------------------------------------------------------
def _cmd(value: Any) -> str:
    if isinstance(value, list):
        return " && ".join(str(v) for v in value)
    return " ".join(str(value or "").split())


def _dvc_pipeline(snap: Snapshot) -> tuple[list[Evidence], list[Evidence], list[Evidence]]:
    """(locked stages evidence, stale/unlocked evidence, dvc.yaml files with no stages)."""
    good: list[Evidence] = []
    stale: list[Evidence] = []
    empty: list[Evidence] = []
    for path in base.select_files(snap, ["dvc.yaml", "dvc.yml"]):
        docs = [d for d in snap.yaml_docs(path) if isinstance(d, dict)]
        stages = docs[0].get("stages") if docs else None
        if not isinstance(stages, dict) or not stages:
            empty.append(ev(path, note="no stages"))
            continue
        real = {
            str(k): v
            for k, v in stages.items()
            if isinstance(v, dict)
            and (
                v.get("deps")
                or v.get("outs")
                or (isinstance(v.get("do"), dict) and (v["do"].get("deps") or v["do"].get("outs")))
            )
        }
        if not real:
            empty.append(ev(path, note="stages without deps/outs"))
            continue
        lock_path = (path.rsplit("/", 1)[0] + "/" if "/" in path else "") + "dvc.lock"
        lock = mf.dvc_lock_stages(snap, lock_path) if snap.exists(lock_path) else {}
        for name, stage in real.items():
            line = key_line(stages, name)
            locked = {k: v for k, v in lock.items() if k == name or k.startswith(name + "@")}
            if not locked:
                stale.append(ev(path, line, f"stage {name}", f"not in {lock_path}"))
                continue
            cmd = _cmd(stage.get("cmd"))
            templated = "${" in cmd or "foreach" in stage or "matrix" in stage
            if not templated and name in locked and _cmd(locked[name].get("cmd")) != cmd:
                stale.append(ev(path, line, f"stage {name}", f"cmd differs from {lock_path}"))
                continue
            changed = _changed_dep(snap, lock_path, locked.get(name))
            if changed:
                stale.append(
                    ev(path, line, f"stage {name}", f"{changed} changed since {lock_path}")
                )
                continue
            good.append(ev(path, line, f"stage {name}: {cmd}", f"locked in {lock_path}"))
    return good, stale, empty


MAX_HASHED_DEP_BYTES = 1_048_576


def _changed_dep(snap: Snapshot, lock_path: str, stage: Any) -> str | None:
    """A file dependency tracked in git whose content no longer has the md5 the lock records
    (iterative/cml_dvc_case: train.py edited after `dvc repro`, the lock kept the old md5):
    the committed outputs come from other code. Older DVC hashed text files with CRLF
    turned into LF, so either digest matches."""
    import hashlib

    deps = stage.get("deps") if isinstance(stage, dict) else None
    folder = lock_path.rsplit("/", 1)[0] + "/" if "/" in lock_path else ""
    for dep in deps if isinstance(deps, list) else []:
        if not isinstance(dep, dict):
            continue
        digest, dep_path = str(dep.get("md5") or ""), str(dep.get("path") or "")
        if not digest or digest.endswith(".dir") or not dep_path:
            continue
        target = posixpath.normpath(folder + dep_path)
        if not snap.exists(target) or (snap.size(target) or 0) > MAX_HASHED_DEP_BYTES:
            continue
        data = snap.raw(target)
        if data is None:
            continue
        if digest not in (
            hashlib.md5(data, usedforsecurity=False).hexdigest(),
            hashlib.md5(data.replace(b"\r\n", b"\n"), usedforsecurity=False).hexdigest(),
        ):
            return target
    return None


@probe("pipeline_as_code", NoParams)
def pipeline_as_code(snap: Snapshot, p: NoParams) -> Observation:
    """The path from raw data to model is declared as a pipeline that can be re-run.

    Looks for: `dvc.yaml` stages with `deps`/`outs`, all recorded in a committed
    `dvc.lock` whose commands match (a missing or stale lock is partial); an `MLproject`
    with entry points; a Kedro project; a Snakemake `Snakefile`; an MLflow Recipe
    (`recipe.yaml`/`pipeline.yaml` with `template: regression/v1`).
    Why: a pipeline that only exists as a sequence of commands in someone's shell
    history cannot be reproduced (GCP level 1, source model "ML pipeline").
    Fix: declare the stages in `dvc.yaml` (`dvc stage add …`), run `dvc repro` and commit
    `dvc.lock`; or use MLproject/Kedro.
    """
    good, stale, _empty = _dvc_pipeline(snap)
    other: list[Evidence] = []
    # only a file named exactly MLproject, and only entry points whose script exists
    for entry in mf.mlproject_entries(snap):
        if entry.runnable:
            other.append(ev(entry.path, entry.line, f"MLproject entry point {entry.name}"))
    for path in base.select_files(snap, ["pyproject.toml"]):
        data = snap.toml(path)
        if isinstance(data, dict) and isinstance(data.get("tool"), dict):
            if "kedro" in data["tool"]:
                other.append(ev(path, note="[tool.kedro]"))
    for path in base.select_files(snap, ["pipeline_registry.py"]):
        other.append(ev(path, note="Kedro pipeline registry"))
    for path in base.select_files(snap, ["Snakefile", "*.smk"]):
        if any(re.match(r"^rule\s+\w+\s*:", line) for line in snap.lines(path)):
            other.append(ev(path, note="Snakemake rules"))
    # MLflow Recipes (formerly MLflow Pipelines): recipe.yaml / pipeline.yaml naming a
    # recipe template; read line by line since the files hold Jinja `{{ … }}` placeholders
    for path in base.select_files(snap, ["{recipe,pipeline}.{yaml,yml}"]):
        for number, line in enumerate(snap.lines(path), start=1):
            if re.match(r"""^template:\s*["']?(regression|classification)/v\d+\b""", line):
                other.append(ev(path, number, line.strip(), "MLflow Recipe"))
                break
    if (good and not stale) or other:
        return base.passed("pipeline declared as code", good + other)
    if good or stale:
        return base.partial(
            "dvc.yaml stages are not all recorded in an up-to-date dvc.lock (run `dvc repro`)",
            stale + good,
        )
    # a dvc.yaml or pyproject.toml that cannot be parsed may declare the pipeline
    declaring = base.select_files(snap, ["dvc.yaml", "pyproject.toml"])
    return base.found_or_missing(
        [],
        what="pipeline definition",
        problems=base.problem_evidence(snap, declaring),
        missing="no pipeline definition (dvc.yaml stages, MLproject, Kedro, Snakemake)",
    )


# params-externalized ---------------------------------------------------------------------
_FILE_LOADERS = (
    "yaml.safe_load",
    "yaml.load",
    "yaml.full_load",
    "yaml.unsafe_load",
    "json.load",
    "omegaconf.OmegaConf.load",
    "toml.load",
    "tomllib.load",
    "tomli.load",
)
_CONFIG_LOADERS = (
    *_FILE_LOADERS,
    "configparser.ConfigParser",
    "*.read_yaml",
    "*.load_config",
    "*.load_yaml",
    "*.load_json",  # fiddle's serialization.load_json (google-deepmind/graphcast)
)
# a module named for configuration (`config/configurator.py`, `fiddle_config_io.py`): the
# paths it builds from a name and a config extension are the configuration files it loads
# (RUCAIBox/RecBole recbole/config/configurator.py:242 `"../properties/model/" + model +
# ".yaml"`; google-deepmind/graphcast weathernext/utils/fiddle_config_io.py:137
# `Path(__file__).parent.parent / (name + ".json")`; both reviewed)
_CONFIG_MODULE = re.compile(r"(?:^|/)[^/]*(?:config|conf|param|setting)[^/]*/?", re.IGNORECASE)
_CONFIG_EXTENSIONS = frozenset({".yaml", ".yml", ".json", ".toml"})
_UP_OR_HERE = re.compile(r"^(?:\.\.?/)+")
# A file name holds no space (a help text naming a file is no file name), and a JSON file
# named for training is its data, not its settings (google-research/bert run_squad.py:230
# reads `train-v1.1.json`, the SQuAD training set, reviewed)
_CONFIG_NAME = re.compile(
    r"(?:^|/)[^/\s]*(?:(?:param|config|conf|hparam|hyper|setting)[^/\s]*\.(?:ya?ml|json|toml|cfg|ini)"
    r"|(?:train|experiment)[^/\s]*\.(?:ya?ml|toml|cfg|ini))$",
    re.IGNORECASE,
)
CONFIG_DIRS = (
    "config/**",
    "configs/**",
    "conf/**",
    "confs/**",
    "config_hub/**",
    "**/config/**",
    "**/configs/**",
    "**/conf/**",
    "**/confs/**",
    "**/*_configs/**",  # training_configs/, model_configs/ (huggingface/parler-tts helpers/)
)
CONFIG_FILES = ("params.yaml", "params.yml", "params.json", "hparams.yaml", "*.gin")


# Reading the command line: argparse, sys.argv, click, typer, fire, absl flags.
_CLI_CALLS = (
    "argparse.ArgumentParser",
    "click.*",
    "typer.*",
    "fire.Fire",
    "absl.flags.*",
    "absl.app.run",
    "jsonargparse.*",
    "simple_parsing.*",
)
# The name of a command-line option or attribute that carries a configuration file.
_CONFIG_ARG = re.compile(
    r"^-{0,2}(?:config|configs|cfg|conf|hyps?|hparams?|hyperparams?|hyperparameters|params|"
    r"settings|(?:\w+[_-])?(?:config|cfg|params|hyp|hparams|settings)[_-](?:file|path|fp|yaml|json|toml))$",
    re.IGNORECASE,
)
_CONFIGPARSER = ("configparser.ConfigParser", "configparser.RawConfigParser")
# command-line frameworks that read every option from `--config file.yaml` by themselves
# (Lightning-AI/litgpt litgpt/__main__.py:80 `CLI(PARSER_DATA)` over config_hub/)
_CONFIG_CLIS = (
    "jsonargparse.CLI",
    "jsonargparse.auto_cli",
    "*.LightningCLI",
    # 🤗 HfArgumentParser reading its dataclasses from a JSON/YAML file, TRL's parser from
    # `--config` (huggingface/parler-tts run_parler_tts_training.py:82, reviewed)
    "*.parse_json_file",
    "*.parse_yaml_file",
    "trl.TrlParser",
    # a yacs/fvcore config merged from a file, detectron2's LazyConfig: the file is named on
    # the command line, by a parser defined elsewhere (facebookresearch/detectron2
    # tools/train_net.py:117 cfg.merge_from_file(args.config_file))
    "*.merge_from_file",
    "*LazyConfig.load",
)


def _jsonargparse_config(call: Call, facts: Any) -> bool:
    """A jsonargparse parser reads config files only when told to: `default_config_files=`,
    or an option with `action=ActionConfigFile` (Unbabel/COMET comet/cli/train.py:58; its
    score/compare/mbr parsers read none, reviewed)."""
    if not name_matches(call.name, "jsonargparse.ArgumentParser"):
        return False
    return call.kwarg("default_config_files") is not None or any(
        name == "jsonargparse.ActionConfigFile" for c in facts.calls for _k, name in c.names
    )


def _reads_cli(facts: Any) -> bool:
    return "sys.argv" in facts.refs or any(
        name_matches_any(c.name, _CLI_CALLS) for c in facts.calls
    )


def _cli_config_arg(facts: Any) -> str | None:
    """The option or attribute naming a config file (`--config`, `args.cfg`, `opt.hyp`)."""
    for text, _line in facts.strings:
        if text.startswith("-") and _CONFIG_ARG.match(text):
            return text
    return next((ref for ref in facts.refs if _options_attribute(ref)), None)


_PARAMS_READ = derivation_key("params_externalized.reads.v4")


# a logging configuration sets handlers and levels, not the run's parameters
# (aswithabukka/mlops-fraud-detection src/utils/logger.py:29 `logging_config.yaml`; reviewed)
_LOGGING_CONFIG = re.compile(
    r"(?i)(?:^|/)(?:logging|logger|log)(?:[_.-](?:config|conf|cfg|settings|dev|prod|local|test))?"
    r"\.(?:ya?ml|json|ini|conf|cfg|toml)$"
)


def _hydra_runs_project(snap: Snapshot, imports: tuple[str, ...]) -> bool:
    """Does a Hydra entry point that trains nothing itself import the project's own code
    (where its training lives: `from src.train import train`)? A standalone Hydra script
    that trains nothing configures a toy, not the model's hyper-parameters
    (optuna/optuna-examples hydra/simple.py:19, `return x**2 + y**2 + z`; reviewed)."""
    from mlaudit.probes.testing import _guessed, local_modules

    local = local_modules(snap)
    for module in imports:
        if module.startswith("."):  # a relative import is of the project's own package
            return True
        parts = module.split(".")
        for end in range(len(parts), 0, -1):
            name = ".".join(parts[:end])
            # a path suffix is a guess: hydra/simple.py is no local `hydra` package
            if name in local and not _guessed(name, local[name]):
                return True
    return False


def _params_read(path: str, facts: Any) -> tuple[tuple[Any, ...], ...]:
    """How ONE file reads parameters, in the probe's order: ("hit", evidence); ("exec",
    name, evidence) — a config file executed, counted when `name` is a file of the tree;
    ("loader", line, loader, strings) — a config loader, and the file's short strings with
    whether their text alone names a config file (the tree decides the others); ("hydra",
    evidence, imports) — a Hydra entry point in a file that trains nothing. A load test
    (a Locust file) reads its own settings, not a model's parameters: nothing
    (GoogleCloudPlatform/mlops-on-gcp tfserving-gke-autoscaling/locust/tasks.py:76)."""
    if any(imp.module == "locust" or imp.module.startswith("locust.") for imp in facts.imports):
        return ()
    from mlaudit.probes.training import _training_call

    items: list[tuple[Any, ...]] = []
    for deco in facts.decorators:
        # ... and Dora's wrapper of it (facebookresearch/demucs demucs/train.py:222
        # `@hydra_main(config_path="../conf", config_name="config")`, reviewed)
        if name_matches(deco.name, "hydra.main") or name_matches(deco.name, "dora.hydra_main"):
            hit = ev(path, deco.line, f"@{deco.name}")
            if _training_call(path, facts) is not None:
                items.append(("hit", hit))
            else:  # the tree decides whether what it runs is the project's (_hydra_runs_project)
                items.append(("hydra", hit, tuple(imp.module for imp in facts.imports)))
    for call in facts.calls:
        if any(
            name_matches(call.name, pat)
            for pat in ("hydra.compose", "hydra.initialize*", "dvc.api.params_show")
        ):
            items.append(("hit", ev(path, call.line, call.name + "(…)")))
        elif name_matches_any(call.name, _CONFIG_CLIS) or _jsonargparse_config(call, facts):
            shown = f"{call.name}(…) reads config files"
            items.append(("config_cli", ev(path, call.line, shown)))
    # Kedro hands a node `params:<key>` from conf/*/parameters*.yml (Galileo-Galilei/kedro-
    # mlflow-tutorial ml_app/pipeline.py:105 `hyperparameters="params:xgb_hyperparameters"`)
    if any(name_matches(c.name, "kedro.pipeline.*node") for c in facts.calls):
        kedro = [(t, line) for t, line in facts.strings if t.startswith("params:") and len(t) > 7]
        if kedro:
            items.append(("kedro_params", ev(path, kedro[0][1], f'"{kedro[0][0]}" node input')))
    loaders = [c for c in facts.calls if name_matches_any(c.name, tuple(_CONFIG_LOADERS))]
    if loaders:
        downloaded = _hub_downloaded(facts)
        strings = tuple(
            (s, line, _CONFIG_NAME.search(s) is not None)
            for s, line in facts.strings
            if len(s) < 200 and s not in downloaded
        )
        module = _CONFIG_MODULE.search(path) is not None
        items.append(("loader", loaders[0].line, loaders[0].name, strings, module))
    items.extend(_config_loading(path, facts))
    env_config = _env_config(path, facts)
    if env_config is not None:
        items.append(env_config)
    return tuple(items)


_HUB_DOWNLOADS = frozenset({"hf_hub_download", "cached_download", "cached_path"})


def _hub_downloaded(facts: Any) -> set[str]:
    """Names of the files a model hub download fetches: a model's own config (mindee/doctr
    models/factory/hub.py:206 `open(hf_hub_download(repo_id, filename="config.json"))`, the
    architecture of a pretrained model, which :71 writes for the hub; reviewed), never the
    run's parameters. The file's other mentions of the name are the same hub file."""
    found = set()
    for call in facts.calls:
        if call.name.rsplit(".", 1)[-1] not in _HUB_DOWNLOADS:
            continue
        value = call.kwarg("filename") or (call.args[1] if len(call.args) > 1 else None)
        if value and value[:1] in "'\"":
            found.add(value[1:-1])
    return found


def _config_loading(path: str, facts: Any) -> list[tuple[Any, ...]]:
    """Configuration files loaded in ways that name no config file in the code: a Python
    config executed (`exec(open(cfg).read())`, nanoGPT's configurator), configparser, or
    a YAML/JSON/TOML loader whose path comes from the command line."""
    hits: list[tuple[Any, ...]] = []
    cli = _reads_cli(facts)
    reads = {c.line: c for c in facts.calls if c.name == "open().read"}
    opens = {c.line: c for c in facts.calls if c.name in ("open", "builtins.open")}
    for call in facts.calls:
        if call.name != "exec" or call.line not in reads:
            continue
        opened = opens.get(call.line)
        literal = opened.args[0].strip("'\"") if opened and opened.args else ""
        if opened and opened.args and opened.args[0] != "<expr>":
            name = literal.removeprefix("./")
            if re.search(r"conf|setting|param", name, re.IGNORECASE):
                hits.append(("exec", name, ev(path, call.line, f"exec(open({literal!r}).read())")))
        elif cli:
            hits.append(
                ("hit", ev(path, call.line, "exec(open(<file from the command line>).read())"))
            )
    parsers = [c for c in facts.calls if name_matches_any(c.name, _CONFIGPARSER)]
    if parsers and any(
        c.name.endswith((".read", ".read_file", ".read_string")) for c in facts.calls
    ):
        hits.append(("hit", ev(path, parsers[0].line, f"{parsers[0].name}().read(…)")))
    loaders = [c for c in facts.calls if name_matches_any(c.name, _FILE_LOADERS)]
    if cli:
        arg = _cli_config_arg(facts)
        if arg and loaders:
            hits.append(
                (
                    "hit",
                    ev(path, loaders[0].line, f"{loaders[0].name}(…) of the file given by {arg}"),
                )
            )
            return hits
    # the parsed options handed to another module: a loader (or the `open` feeding it) of
    # `args.config_file` reads the file named on the command line wherever the parser is
    # (facebookresearch/dinov2 dinov2/utils/config.py:44 `OmegaConf.load(args.config_file)`,
    # the option declared in dinov2/train/train.py:32)
    if loaders:
        opened = [c for c in facts.calls if c.name in ("open", "builtins.open")]
        for call in (*loaders, *opened):
            arg = next((name for _key, name in call.names if _options_attribute(name)), None)
            if arg:
                shown = f"{loaders[0].name}(…) of the file given by {arg}"
                hits.append(("hit", ev(path, call.line, shown)))
                return hits
    # ... or to the project's own config loader (facebookresearch/fairseq2
    # src/fairseq2/recipe/cli.py:194 `config_loader.load(config_kls, args.config_file, …)`,
    # its recipes' YAML under recipes/*/configs/; reviewed): counted when the tree has
    # config files for it to read
    for call in facts.calls:
        if not _LOAD_NAMED.search(call.name):
            continue
        arg = next((name for _key, name in call.names if _options_attribute(name)), None)
        if arg:
            shown = f"{call.name}(…) of the file given by {arg}"
            hits.append(("config_cli", ev(path, call.line, shown)))
            break
    return hits


_LOAD_NAMED = re.compile(r"(?:^|\.)(?:load|load_\w+|\w+_load|read_config|from_file)$")
# an environment variable that names the run's configuration file (MODEL_CONFIG_PATH); one
# that holds a configuration itself is no file (TensorFlow's TF_CONFIG, the cluster's JSON:
# Jessicanyc/Distributed-Machine-Learning-System; reviewed)
_CONFIG_ENV = re.compile(
    r"(?:^|_)(?:CONFIG|CONF|CFG|PARAMS|HPARAMS|HYPERPARAMS?)_(?:PATH|FILE|FILENAME)$",
    re.IGNORECASE,
)
_ENV_READS = ("os.getenv", "os.environ.get")
# what a helper that reads a file is called (`return_json_file_content`, `load_config`)
_READS_A_FILE = re.compile(r"(?i)load|read|json|yaml|toml|config|content")


def _env_config(path: str, facts: Any) -> tuple[Any, ...] | None:
    """("env_config", evidence) when a config file's path comes from an environment
    variable named for it and is read: a loader in the same file, or a helper called with
    the variable's value on the same line (jacopotagliabue/you-dont-need-a-bigger-boat
    local_flow/intent/src/cart_baseline_flow.py:117
    `return_json_file_content(os.getenv('MODEL_CONFIG_PATH'))`; reviewed). Counted where the
    tree holds config files for it to name (_named_config_files)."""
    for read in facts.calls:
        if read.name not in _ENV_READS or not read.args:
            continue
        variable = read.args[0].strip("'\"")
        if not _CONFIG_ENV.search(variable):
            continue
        loads = any(name_matches_any(c.name, _FILE_LOADERS) for c in facts.calls) or any(
            c.line == read.line
            and c is not read
            and c.name not in _ENV_READS
            and _READS_A_FILE.search(c.name.rsplit(".", 1)[-1])
            for c in facts.calls
        )
        if loads:
            return (
                "env_config",
                ev(path, read.line, f"{read.name}({variable!r}) read as a config file"),
            )
    return None


_OPTIONS_OBJECTS = ("args", "opt", "opts", "options", "flags", "FLAGS", "cli_args")


def _options_attribute(name: str) -> bool:
    """Is `name` a config-file option of parsed command-line options (`args.config_file`)?"""
    head, _, last = name.rpartition(".")
    return bool(head) and head.split(".")[-1] in _OPTIONS_OBJECTS and bool(_CONFIG_ARG.match(last))


def _built_config_path(
    strings: tuple[tuple[str, int, bool], ...],
    config_files: frozenset[str],
    config_suffixes: frozenset[str],
    in_repo: frozenset[str],
) -> str | None:
    """What a configuration module's strings build a path to, when it is configuration of
    this tree (see _CONFIG_MODULE): a path relative to the module (`../properties/x.yaml`)
    of a YAML or TOML file of the tree, or a bare extension (`".json"`) that config files
    in a config folder have. None otherwise. A JSON path is not enough alone: JSON files
    are as often data as settings."""
    for text, _line, _named in strings:
        if text in _CONFIG_EXTENSIONS:
            if any(c.endswith(text) for c in config_files):
                return f"the {text} configuration files by a path it builds"
            continue
        tail = _UP_OR_HERE.sub("", text)
        if tail != text and tail.endswith((".yaml", ".yml", ".toml")):
            if tail in config_suffixes or tail in in_repo:
                return repr(text)
    return None


# Trees up to this many paths share _config_paths between snapshots (history points); past
# it the tails are rebuilt per snapshot: at 100,000 paths they held ~20 MB for the whole scan.
MAX_SHARED_CONFIG_PATHS = 50_000
_CONFIG_FILE = re.compile(r"\.(ya?ml|json|toml|cfg|ini|py|gin)$")


# Top-level keys that make a YAML or JSON document another tool's configuration: Kubernetes
# objects and Grafana provisioning (`apiVersion`), Prometheus (`scrape_configs`), Alertmanager
# (`receivers`), Docker Compose (`services`), a Grafana dashboard (`panels`)
# (DataTalksClub/mlops-zoomcamp 05-monitoring/config/grafana_datasources.yaml:2)
_TOOL_CONFIG_KEYS = frozenset({"apiVersion", "scrape_configs", "receivers", "services", "panels"})


def _tool_configuration(snap: Snapshot, path: str) -> bool:
    if path.endswith((".yaml", ".yml")):
        docs = snap.yaml_docs(path)
    elif path.endswith(".json"):
        docs = [snap.json(path)]
    else:
        return False
    return bool(docs) and all(
        isinstance(doc, dict) and not _TOOL_CONFIG_KEYS.isdisjoint(doc) for doc in docs
    )


# a file named as a run's configuration anywhere in the tree (config.json, config_KNN.json,
# train_params.yaml); a tool's (tsconfig.json, .eslintrc.json) is not named so
_NAMED_CONFIG = re.compile(
    r"(?:^|/)(?:\w+[_-])?(?:config|params|hparams)(?:[_-]\w+)?\.(?:json|ya?ml|toml)$",
    re.IGNORECASE,
)


def _named_config_files(snap: Snapshot) -> bool:
    return snap.tree_memo(
        ("params_externalized.named_config",),
        lambda: any(
            _NAMED_CONFIG.search(f) and not base.is_excluded(f) and not base.is_test_path(f)
            for f in snap.files
        ),
    )


def _config_paths(
    snap: Snapshot,
) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(the config files, every "/"-bounded tail of their paths, the last one to three parts
    of every config-like file of the tree): a string names a config file when it is one of
    the tails (a set lookup, not a scan of all config files per string). The paths alone
    decide it."""
    selected = base.select_files(snap, list(CONFIG_DIRS) + list(CONFIG_FILES))
    config_files = frozenset(
        c for c in selected if _CONFIG_FILE.search(c) and not _LOGGING_CONFIG.search(c)
    )
    config_suffixes = frozenset(
        "/".join(parts[i:])
        for c in config_files
        for parts in [c.split("/")]
        for i in range(len(parts))
    )
    in_repo = frozenset(
        "/".join(parts[i:])
        for f in snap.files
        if _CONFIG_FILE.search(f)
        for parts in [f.split("/")]
        for i in range(max(len(parts) - 3, 0), len(parts))
    )
    return config_files, config_suffixes, in_repo


# files a pretrained checkpoint brings with its weights (🤗 transformers, lit-gpt): read from
# a downloaded checkpoint folder, never the run's parameters (jzhang38/TinyLlama
# scripts/convert_hf_checkpoint.py:225 `json.load(…/"lit_config.json")`, lit_gpt/tokenizer.py:24
# `tokenizer_config.json`; its hyper-parameters are constants in pretrain/tinyllama.py; reviewed)
_CHECKPOINT_FILES = frozenset(
    {
        "tokenizer_config.json",
        "generation_config.json",
        "special_tokens_map.json",
        "adapter_config.json",
        "preprocessor_config.json",
        "lit_config.json",
    }
)


@probe("params_externalized", NoParams, reads_code=True)
def params_externalized(snap: Snapshot, p: NoParams) -> Observation:
    """Hyper-parameters live in configuration files that the training code reads.

    Looks for: `params:` on `dvc.yaml` stages; MLproject `parameters:`; Hydra
    (`@hydra.main`, `hydra.compose`); `dvc.api.params_show()`; code that loads a config
    file (`yaml.safe_load`, `OmegaConf.load`, `json.load` …) and names a parameter file
    of the repository (`params.yaml`, `configs/train.yaml` …); a Python config file
    executed (`exec(open(cfg).read())`, nanoGPT's configurator); configparser; or a
    YAML/JSON/TOML loader in a script whose config path comes from the command line
    (`--config`, `--hyp`, `args.cfg` with argparse/sys.argv/click/typer); a jsonargparse
    `CLI` or `LightningCLI` (they read `--config` files themselves) in a repository with
    config files; a Kedro node fed `params:<key>` with `conf/<env>/parameters*.yml`
    committed. A loader naming
    a file that is not in the repository, or config files that no code is seen reading,
    are partial. Hyper-parameters passed only on the command line do not count, nor does
    `json.loads` of a string.
    Why: the same parameters must be used in development and production (source model).
    Fix: move hyper-parameters to `params.yaml` (or Hydra `conf/`) and read them in training.
    """
    found: list[Evidence] = []
    for path in base.select_files(snap, ["dvc.yaml", "dvc.yml"]):
        for doc in snap.yaml_docs(path):
            stages = doc.get("stages") if isinstance(doc, dict) else None
            for name, stage in stages.items() if isinstance(stages, dict) else []:
                body = stage.get("do", stage) if isinstance(stage, dict) else None
                if isinstance(body, dict) and body.get("params"):
                    found.append(ev(path, key_line(stages, name), f"stage {name} params"))
    # MLproject parameters that are hyper-parameters (not only data/output paths)
    for entry in mf.mlproject_entries(snap):
        if entry.runnable and entry.hyperparameters:
            shown = ", ".join(entry.hyperparameters[:4])
            found.append(
                ev(entry.path, entry.line, f"entry point {entry.name} parameters: {shown}")
            )
    found.extend(_framework_cli_configs(snap))
    config_files, config_suffixes, in_repo = (
        snap.tree_memo(("params_externalized.config_paths",), lambda: _config_paths(snap))
        if len(snap.files) <= MAX_SHARED_CONFIG_PATHS
        else _config_paths(snap)  # held for the whole scan, every tail of a large tree weighs
    )
    in_notebook_only: list[Evidence] = []
    missing: list[Evidence] = []
    standalone: list[Evidence] = []
    kedro_parameters = base.select_files(
        snap, ["conf/*/parameters*.y*ml", "conf/*/parameters/**.y*ml", "**/conf/*/parameters*.y*ml"]
    )
    paths = _code_paths(snap)
    derived = snap.python_per_file(
        _PARAMS_READ, paths, lambda path, facts: _params_read(path, facts)
    )
    for path, items in derived:
        # each file's reads were derived once per content; which of them name a config
        # file of THIS tree (config_suffixes, in_repo) is decided here, at every snapshot
        hits: list[Evidence] = []
        for item in items:
            if item[0] == "hit":
                hits.append(item[1])
            elif item[0] == "config_cli":
                if config_files:  # the framework reads config files only if there are some
                    hits.append(item[1])
            elif item[0] == "env_config":
                if config_files or _named_config_files(snap):
                    hits.append(item[1])
            elif item[0] == "kedro_params":
                if kedro_parameters:  # Kedro loads them: no code names the file
                    hits.append(item[1])
            elif item[0] == "hydra":
                if _hydra_runs_project(snap, item[2]):
                    hits.append(item[1])
                else:
                    standalone.append(item[1])
            elif item[0] == "exec":
                name = item[1]
                if name in in_repo or name.rsplit("/", 1)[-1] in in_repo:
                    hits.append(item[2])
            else:  # a loader: the strings of the file that may name a config file
                _, line, loader, strings, config_module = item
                names = [
                    (s, at)
                    for s, at, named in strings
                    if (named or s in config_suffixes) and not _LOGGING_CONFIG.search(s)
                ]
                present = [
                    (s, at)
                    for s, at in names
                    if s in config_suffixes or s.removeprefix("./") in in_repo
                ]
                built = (
                    _built_config_path(strings, config_files, config_suffixes, in_repo)
                    if config_module and not present
                    else None
                )
                if present:
                    s = present[0][0]
                    hits.append(ev(path, line, f"{loader}(…) reads {s!r}"))
                elif built is not None:
                    hits.append(ev(path, line, f"{loader}(…) reads {built}"))
                elif names and not base.is_notebook(path):
                    # a downloaded checkpoint's own files are the model's, not the run's
                    unshipped = [
                        n for n in names if n[0].rsplit("/", 1)[-1] not in _CHECKPOINT_FILES
                    ]
                    if unshipped:
                        s = unshipped[0][0]
                        missing.append(
                            ev(path, line, f"{loader}(…) reads {s!r}", "not in the repository")
                        )
        if base.is_notebook(path):
            in_notebook_only.extend(
                ev(path, None, h.snippet, base.notebook_line_note(snap, path, h.line or 0)[1])
                for h in hits
            )
        else:
            found.extend(hits)
    if found:
        return base.passed("parameters read from configuration files", found)
    if in_notebook_only:
        return base.partial("parameters read from config files only in notebooks", in_notebook_only)
    if missing:
        return base.partial("code reads parameter files that are not in the repository", missing)
    if standalone:
        return base.partial(
            "Hydra configures only scripts that train nothing and run none of the project's code",
            standalone,
        )
    # an empty config file (a template's placeholder) holds no parameter, nor does a tool's
    # own configuration kept in a config folder (Grafana provisioning, Prometheus, compose)
    # ... nor a Python package named config/, whose modules are code the project imports
    # (stanford-futuredata/ColBERT colbert/infra/config/settings.py: dataclass defaults)
    holding = [
        c
        for c in sorted(config_files)
        if snap.size(c) != 0 and not _tool_configuration(snap, c) and not _package_module(snap, c)
    ]
    if holding:
        return base.partial(
            "configuration files exist but no code was seen loading them",
            [ev(c) for c in holding],
        )
    return base.failed("no externalised parameters (params.yaml, Hydra, MLproject parameters)")


# a training framework's command line, given its configuration file (`spacy train
# configs/config.cfg`, `ludwig train --config model.yaml`), or reading `config.yml` by default
# (`rasa train`: RasaHQ/rasa-demo continuous_integration.yml:232, config.yml holding the
# pipeline's and policies' hyper-parameters; reviewed)
_FRAMEWORK_TRAIN = re.compile(
    r"(?<![\w./-])(rasa|spacy|ludwig|allennlp|yolo)\s+(?:\w+\s+)?train\b([^\n]{0,300})"
)
_CONFIG_ARGUMENT = re.compile(r"[\w./-]+\.(?:ya?ml|cfg|json|jsonnet|toml)\b")


def _framework_cli_configs(snap: Snapshot) -> list[Evidence]:
    """The configuration files a framework's training command reads, where they exist."""
    from mlaudit.probes.training import command_files

    found: list[Evidence] = []
    for path, number, line in snap.grep(command_files(snap), _FRAMEWORK_TRAIN):
        m = _FRAMEWORK_TRAIN.search(line)
        if m is None:
            continue
        named = [c.removeprefix("./") for c in _CONFIG_ARGUMENT.findall(m.group(2))]
        if m.group(1) == "rasa" and not named:
            named = ["config.yml"]  # what `rasa train` reads unless told otherwise
        for config in named:
            if snap.exists(config):
                found.append(ev(path, number, f"{m.group(1)} train … reads {config}"))
                break
    return found


def _package_module(snap: Snapshot, path: str) -> bool:
    """A `.py` file of a folder that holds an `__init__.py` (a module of a package)."""
    if not path.endswith(".py"):
        return False
    folder = path.rsplit("/", 1)[0] if "/" in path else ""
    return snap.exists(f"{folder}/__init__.py" if folder else "__init__.py")


# seeds-set ---------------------------------------------------------------------------------
SEED_CALLS = (
    "numpy.random.seed",
    "random.seed",
    "torch.manual_seed",
    "torch.cuda.manual_seed",
    "torch.cuda.manual_seed_all",
    "torch.Generator().manual_seed",
    "*seed_everything",
    "tensorflow.random.set_seed",
    "tensorflow.set_random_seed",
    "tensorflow.compat.v1.set_random_seed",
    "tensorflow.keras.utils.set_random_seed",
    "keras.utils.set_random_seed",
    # Stable-Baselines3 seeds Python, NumPy and PyTorch at once (DLR-RM/rl-baselines3-zoo
    # rl_zoo3/train.py:191)
    "stable_baselines3.common.utils.set_random_seed",
    "transformers.set_seed",
    "transformers.trainer_utils.set_seed",
    "accelerate.utils.set_seed",
    "mxnet.random.seed",
    "paddle.seed",
    "cupy.random.seed",
)
SEEDED_CONSTRUCTORS = (
    "numpy.random.default_rng",
    "numpy.random.RandomState",
    "random.Random",
    "jax.random.PRNGKey",
    "jax.random.key",
)
DETERMINISM = ("torch.use_deterministic_algorithms",)
# Hugging Face's Trainer (and TRL's trainers built on it) seeds Python, NumPy and torch from
# TrainingArguments.seed (42 unless set) when it is constructed (transformers trainer.py:
# `set_seed(self.args.seed)`); Lightning's Trainer does not seed, hence the qualified names
SEEDING_TRAINERS = (
    "transformers.Trainer",
    "transformers.Seq2SeqTrainer",
    "trl.SFTTrainer",
    "trl.DPOTrainer",
    "trl.RewardTrainer",
    "trl.ORPOTrainer",
)


_SEEDS = derivation_key("seeds_set", 2)
# estimators whose fit draws random numbers: without `random_state` (and with no run seed)
# two fits differ
STOCHASTIC_ESTIMATORS = (
    "sklearn.ensemble.RandomForest*",
    "sklearn.ensemble.ExtraTrees*",
    "sklearn.ensemble.GradientBoosting*",
    "sklearn.ensemble.HistGradientBoosting*",
    "sklearn.ensemble.Bagging*",
    "sklearn.ensemble.AdaBoost*",
    "sklearn.ensemble.IsolationForest",
    "sklearn.neural_network.MLP*",
    "sklearn.linear_model.SGD*",
    "sklearn.cluster.KMeans",
    "sklearn.cluster.MiniBatchKMeans",
    "xgboost.XGB*",
    "lightgbm.LGBM*",
)
# a function or class that runs a model on new inputs: its cuDNN autotuning speeds up
# inference and leaves training as seeded as it was (ultralytics/yolov5 utils/dataloaders.py:381
# in `class LoadStreams`, "faster for fixed-size inference")
_INFERENCE_WORD = re.compile(r"^(?:infer|predict|detect|streams?$|serv(?:e|er|ing)|webcam|demo)")
_NAME_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


# a function written to seed the RNGs: set_seeds, seed_everything, init_seeds, fix_seed …
_SEED_HELPER = re.compile(r"seed", re.IGNORECASE)


def _uncalled_seed_helpers(snap: Snapshot, found: list[Evidence]) -> tuple[bool, str] | None:
    """When every seed the scripts set is inside a seed helper (a function named for seeding)
    that no script calls: (whether a notebook calls it, its names); None otherwise. Such a
    helper seeds nothing a script runs (mrdbourke/pytorch-deep-learning helper_functions.py:239
    `def set_seeds`, called only by notebooks; train.py sets no seed)."""
    from mlaudit.probes.generic import _call_index

    helpers: dict[str, tuple[str, int, int]] = {}
    for evidence in found:
        facts = snap.python(evidence.path)
        line = evidence.line or 0
        around = [
            (start, name, end)
            for name, start, end, kind in (facts.spans if facts else ())
            if kind == "def" and start <= line <= end
        ]
        if not around:
            return None  # a seed at module level runs whenever the module does
        start, name, end = max(around)
        if not _SEED_HELPER.search(name):
            return None  # seeds set inside training code
        helpers[name] = (evidence.path, start, end)
    index = _call_index(snap)
    in_notebooks = False
    for called, places in index.items():
        name = called.rsplit(".", 1)[-1]
        if name not in helpers:
            continue
        path, start, end = helpers[name]
        for caller, call in zip(places[::2], places[1::2], strict=True):
            if caller == path and start <= call.line <= end:
                continue  # the helper calling itself
            if base.is_test_path(caller):
                continue
            if not base.is_notebook(caller):
                return None  # a script calls it
            in_notebooks = True
    return in_notebooks, " and ".join(f"{n}()" for n in sorted(helpers))


def _in_inference_code(facts: PythonFacts, line: int) -> bool:
    """Is `line` inside a function or class named for inference, and none named for training
    (by the words of their names: `LoadStreams.__init__`, `run_inference`, `predict`; not
    `preserve_order`, not `train_stream_model`)?"""
    words = [
        word.lower()
        for name, start, end, _kind in facts.spans
        if start <= line <= end
        for word in _NAME_WORDS.findall(name)
    ]
    if any(word.startswith(("train", "fit", "finetune")) for word in words):
        return False
    return any(_INFERENCE_WORD.match(word) for word in words)


def _seeding_trainer_subclasses(snap: Snapshot, paths: list[str]) -> list[Evidence]:
    """Runs of the project's own subclass of a seeding Trainer: it seeds as its parent does
    (haotian-liu/LLaVA llava/train/llava_trainer.py `class LLaVATrainer(Trainer)`, built in
    llava/train/train.py; reviewed)."""
    from mlaudit.probes.generic import _call_index

    classes: dict[str, str] = {}
    for path in paths:
        facts = snap.python(path) if not base.is_notebook(path) else None
        if facts is None:
            continue
        starts = {start: name for name, start, _end, kind in facts.spans if kind == "class"}
        for base_class in facts.bases:
            if name_matches_any(base_class.name, SEEDING_TRAINERS) and base_class.line in starts:
                classes[starts[base_class.line]] = base_class.name
    if not classes:
        return []
    allowed = set(paths)
    found: list[Evidence] = []
    for called, places in _call_index(snap).items():
        parent = classes.get(called.rsplit(".", 1)[-1])
        if parent is None:
            continue
        for caller, call in zip(places[::2], places[1::2], strict=True):
            if caller in allowed:
                line, note = base.notebook_line_note(snap, caller, call.line)
                shown = f"{called.rsplit('.', 1)[-1]}(…), a {parent}, seeds the run"
                found.append(ev(caller, line, shown, note or "from TrainingArguments.seed"))
                break
    return sorted(found, key=lambda e: (e.path, e.line or 0))[:5]


def _normalises_a_generator(snap: Snapshot, path: str, facts: PythonFacts, call: Call) -> bool:
    """Is the seeded generator built from a parameter that its function also accepts as None
    (`def ensure_rng(rng=None): if rng is None: … elif isinstance(rng, int): rng =
    np.random.RandomState(rng)`: IDEA-Research/GroundingDINO util/utils.py:430; reviewed)?
    Such a helper turns whatever its caller passes into a generator: it fixes no seed."""
    given = call.name_arg("0") or call.name_arg("seed") or ""
    if not given.isidentifier():
        return False
    around = [
        (start, end)
        for _name, start, end, kind in facts.spans
        if kind == "def" and start <= call.line <= end
    ]
    if not around:
        return False
    start, end = max(around)
    body = "\n".join(snap.lines(path)[start - 1 : end])
    return re.search(rf"\b{re.escape(given)}\s+is\s+None\b", body) is not None


@probe("seeds_set", NoParams, reads_code=True)
def seeds_set(snap: Snapshot, p: NoParams) -> Observation:
    """Random seeds are fixed in the training code.

    Looks for (AST, outside tests; commented-out code never counts): `np.random.seed`,
    `torch.manual_seed`, `seed_everything`, `tf.random.set_seed`, `transformers.set_seed`,
    seeded generators (`default_rng(42)`), `random_state=` (not None) or `seed=<int>`
    keyword arguments, or a Hugging Face `Trainer` (it seeds every run from
    `TrainingArguments.seed`, 42 by default). `torch.backends.cudnn.benchmark = True` makes GPU results
    non-deterministic and demotes a pass to partial, unless it is set inside a function or
    class named for inference (`class LoadStreams`, `def predict`); `use_deterministic_algorithms(True)`
    is reported as extra evidence. Notebook-only seeds are partial, and so are seeds set only
    inside a seed helper (`def set_seeds`) that no script calls, and run seeds
    that all come from a Hydra config value the primary configs leave null
    (`seed_everything(cfg.seed)` under `seed: null`: a default run is unseeded).
    Why: seeds are necessary (not sufficient) for reproducible training (MTS Infra 1).
    A stochastic estimator (a random forest, boosting, an MLP …) built without
    `random_state` while no run seed (`np.random.seed`, `seed_everything` …) is set demotes a
    pass to partial: seeding the split alone leaves the fit random.
    Fix: seed every RNG at the start of training (`lightning.seed_everything(42)`) and
    pass `random_state=` to splitters and estimators.
    """
    paths = _code_paths(snap)

    def scan_file(path: str, facts: PythonFacts, buckets: tuple[list[Evidence], ...]) -> None:
        found, hurts, helps, unseeded, run_seeds = buckets
        for call in facts.calls:
            line, note = base.notebook_line_note(snap, path, call.line)
            hit = None
            if (
                name_matches_any(call.name, STOCHASTIC_ESTIMATORS)
                and call.kwarg("random_state") is None
                and not call.spreads_keywords
            ):
                shown = f"{call.name.rsplit('.', 1)[-1]}() without random_state"
                unseeded.append(ev(path, line, shown, note))
            if name_matches_any(call.name, tuple(SEED_CALLS)):
                given = call.name_arg("0") or call.name_arg("seed")
                # an attribute of a config object (`cfg.seed`) is shown: its default is read below
                hit = f"{call.name}({given})" if given and "." in given else f"{call.name}(…)"
            elif (
                name_matches_any(call.name, tuple(SEEDED_CONSTRUCTORS))
                and (
                    (call.args and call.args[0] != "None")
                    or call.kwarg("seed") not in (None, "None")
                )
                and not _normalises_a_generator(snap, path, facts, call)
            ):
                hit = f"{call.name}({(call.args or ('seed',))[0]})"
            elif call.kwarg("random_state") not in (None, "None"):
                hit = f"{call.name}(random_state={call.kwarg('random_state')})"
            elif name_matches_any(call.name, SEEDING_TRAINERS):
                hit = f"{call.name}(…) seeds the run from TrainingArguments.seed"
            elif re.fullmatch(r"-?\d+", call.kwarg("seed") or ""):
                hit = f"{call.name}(seed={call.kwarg('seed')})"
            elif call.name in DETERMINISM and call.args[:1] == ("True",):
                helps.append(ev(path, line, f"{call.name}(True)", note))
            if hit:
                found.append(ev(path, line, hit, note))
                if call.kwarg("random_state") in (None, "None"):
                    run_seeds.append(found[-1])  # not only one splitter's or estimator's
        for assign in facts.assignments:
            if assign.target.endswith("cudnn.benchmark") and assign.value == "True":
                if _in_inference_code(facts, assign.line):
                    continue
                line, note = base.notebook_line_note(snap, path, assign.line)
                hurts.append(ev(path, line, f"{assign.target} = True", note))
            elif assign.target.endswith("cudnn.deterministic") and assign.value == "True":
                line, note = base.notebook_line_note(snap, path, assign.line)
                helps.append(ev(path, line, f"{assign.target} = True", note))

    found, hurts, helps, unseeded, run_seeds = base.per_file_evidence(
        snap, _SEEDS, paths, scan_file, 5
    )
    if not found:
        found = _seeding_trainer_subclasses(snap, paths)
    in_scripts = any(not base.is_notebook(e.path) for e in found)
    if not found:
        return base.found_or_missing(
            [], what="random seed", problems=base.problem_evidence(snap, paths)
        )
    if hurts:
        return base.partial(
            "seeds set, but cudnn.benchmark = True makes GPU runs non-deterministic",
            hurts + found,
        )
    if in_scripts:
        helpers = _uncalled_seed_helpers(snap, [e for e in found if not base.is_notebook(e.path)])
        if helpers is not None:
            called_by_notebooks, names = helpers
            if called_by_notebooks:
                return base.partial(
                    f"seeds set only in notebooks: the scripts' {names} is called only by "
                    "notebooks",
                    found,
                )
            return base.partial(f"seeds set only in {names}, which nothing calls", found)
    if not in_scripts:
        return base.partial("seeds set only in notebooks", found)
    if unseeded and not run_seeds:
        # rockerspace/End-to-End-MLOps-with-FastAPI-Docker-Grafana create_models.py:19-22:
        # `train_test_split(…, random_state=42)`, then `RandomForestClassifier()` (reviewed)
        scripts = [e for e in unseeded if not base.is_notebook(e.path)]
        if scripts:
            return base.partial(
                "seeds given to some calls, but an estimator is built without random_state "
                "and no run seed is set: two fits differ",
                scripts[:3] + found,
            )
    unset = _seeds_unset_by_default(snap, found)
    if unset:
        return base.partial(
            "seeds set from a config value whose default is null: a default run is unseeded",
            unset + found,
        )
    extra = " and deterministic algorithms enforced" if helps else ""
    return base.passed(f"random seeds set{extra}", helps + found)


_CONFIG_SEED = re.compile(r"\(([A-Za-z_]\w*)\.([\w.]+)\)$")
# the calls that seed a whole run's RNGs (not one generator's)
RUN_SEED_CALLS = tuple(name for name in SEED_CALLS if "()" not in name)


def _seeds_unset_by_default(snap: Snapshot, found: list[Evidence]) -> list[Evidence]:
    """Where every script seed comes from a Hydra config value (`seed_everything(cfg.seed)`)
    that the primary configs leave null (`seed: null`, ashleve/lightning-hydra-template
    configs/train.yaml:49, set only by an experiment option): the null defaults; [] when any
    seed is a literal, or a value no primary config names."""
    hydra = hydra_config(snap)
    if not hydra.primaries:
        return []
    nulls: list[Evidence] = []
    for e in found:
        snippet = e.snippet or ""
        if base.is_notebook(e.path) or not name_matches_any(snippet.split("(")[0], RUN_SEED_CALLS):
            continue  # a seeded generator or estimator (the data split's) is not the run's seed
        key = _CONFIG_SEED.search(snippet)
        if key is None:
            return []  # a literal seed
        values = hydra.primary_values(snap, key.group(2))
        if not values or any(value is not None for _, _, value in values):
            return []  # a value no primary config names, or one it sets
        nulls.extend(ev(path, line, f"{key.group(2)}: null") for path, line, _ in values)
    return nulls


# model-signature: a persisted sklearn Pipeline ---------------------------------------------
PIPELINE_CALLS = (
    "sklearn.pipeline.Pipeline",
    "sklearn.pipeline.make_pipeline",
    "sklearn.compose.ColumnTransformer",
    "sklearn.compose.make_column_transformer",
)
PERSIST_CALLS = (
    "joblib.dump",
    "pickle.dump",
    "cloudpickle.dump",
    "skops.io.dump",
    "mlflow.sklearn.log_model",
    "mlflow.sklearn.save_model",
)


def _module_file(module: str, files: set[str]) -> str | None:
    """The tracked file a (possibly `from x import name`) module path refers to."""
    parts = module.split(".")
    for end in (len(parts), len(parts) - 1):
        if end <= 0:
            continue
        suffix = "/".join(parts[:end])
        for candidate in (suffix + ".py", suffix + "/__init__.py"):
            for f in files:
                if f == candidate or f.endswith("/" + candidate):
                    return f
    return None


_PIPELINE_USE = derivation_key("reproducibility.pipeline_use")


def _pipeline_use(path: str, facts: PythonFacts) -> tuple[Evidence | None, Evidence | None] | None:
    """The file's first Pipeline-building call and first model-persisting call (empty: none)."""
    builder: Evidence | None = None
    persister: Evidence | None = None
    for call in facts.calls:
        if builder is None and name_matches_any(call.name, tuple(PIPELINE_CALLS)):
            builder = ev(path, call.line, f"{call.name}(…)")
        if persister is None and name_matches_any(call.name, tuple(PERSIST_CALLS)):
            persister = ev(path, call.line, f"{call.name}(…)")
    return None if builder is None and persister is None else (builder, persister)


@probe("persisted_pipeline", NoParams, reads_code=True)
def persisted_pipeline(snap: Snapshot, p: NoParams) -> Observation:
    """A sklearn `Pipeline`/`ColumnTransformer` is what gets persisted as the model.

    Looks for: a file that builds a Pipeline and also persists a model (`joblib.dump`,
    `pickle.dump`, `mlflow.sklearn.log_model` …), or a file that persists a model and
    imports the module that builds the Pipeline. A Pipeline built in one place and an
    unrelated object pickled elsewhere does not count. A notebook that builds and persists
    one is partial (the practice lives only in a notebook).
    Why: the persisted preprocessing fixes the feature order and transforms that serving
    must reproduce (the source model's "same feature order").
    Fix: persist the whole Pipeline, preprocessing included, not the bare estimator.
    """
    paths = _code_paths(snap)
    builders: dict[str, Evidence] = {}
    persisters: dict[str, Evidence] = {}
    for path, use in snap.python_per_file(_PIPELINE_USE, paths, _pipeline_use):
        builder, persister = use or (None, None)
        if builder is not None:
            builders[path] = builder
        if persister is not None:
            persisters[path] = persister
    found: list[Evidence] = []
    for path, persist in persisters.items():
        if path in builders:
            found += [builders[path], persist]
            continue
        facts = snap.python(path)
        for imp in facts.imports if facts else []:
            target = _module_file(imp.module, set(builders))
            if target and not base.is_notebook(target):
                found += [builders[target], persist, ev(path, imp.line, f"import {imp.module}")]
                break
    return base.found_or_missing(
        found,
        what="persisted sklearn Pipeline",
        problems=base.problem_evidence(snap, paths),
        notebook_only=bool(found) and all(base.is_notebook(e.path) for e in found),
    )


# lock-used-in-build ------------------------------------------------------------------------
_SPLIT = re.compile(r"&&|\|\||;|\|")
_PIP = re.compile(r"^(?:\S*/)?(?:python3?(?:\.\d+)?\s+-m\s+)?pip3?\s+install\b")


def _copies(instructions: list[Instruction]) -> dict[str, str]:
    """Container path → build-context path for `COPY`/`ADD` of single files (no --from)."""
    mapping: dict[str, str] = {}
    workdir = "/"
    for ins in instructions:
        if ins.keyword == "WORKDIR":
            workdir = ins.args.strip().rstrip("/") + "/"
            continue
        if ins.keyword not in ("COPY", "ADD") or "--from" in ins.args:
            continue
        parts = [x for x in ins.args.split() if not x.startswith("--")]
        if len(parts) != 2 or parts[0].startswith("["):
            continue
        src, dest = parts
        if not dest.startswith("/"):
            dest = workdir + dest
        if dest.endswith("/") or dest in (".", workdir):
            dest = dest.rstrip("/") + "/" + src.rsplit("/", 1)[-1]
        mapping[dest.replace("/./", "/")] = src
    return mapping


def _req_file(
    snap: Snapshot, name: str, context: str | None, copies: dict[str, str] | None = None
) -> str | None:
    name = name.strip("'\"")
    if copies:
        name = copies.get(name, copies.get("/" + name.lstrip("./"), name))
    name = name.removeprefix("./").lstrip("/")
    candidates = [name]
    if context:
        candidates.insert(0, f"{context}/{name}")
    for candidate in candidates:
        if snap.exists(candidate):
            return candidate
    if copies is not None:
        # a Dockerfile reads its build context, never a namesake elsewhere: with no
        # requirements.txt at the context's root, `COPY . .` + `pip install -r
        # requirements.txt` fails, whatever TEST/requirements.txt pins
        # (junxng/churn-mlops-project Dockerfile:6-9; reviewed)
        return None
    base_name = name.rsplit("/", 1)[-1]
    matches = [f for f in snap.files if f.endswith("/" + name) or f == base_name]
    return matches[0] if len(matches) == 1 else None


# `uv lock --check` (`--locked`) fails on a stale uv.lock: the `uv sync` or `uv run` after it
# in the same job installs the verified lock (m-bain/whisperX .github/workflows/
# python-compatibility.yml:33 `uv lock --check`, :36 `uv sync --all-extras`; reviewed)
_UV_LOCK_CHECK = re.compile(r"\buv\s+lock\b[^;&|]*--(?:check|locked)\b")


_SYNC = re.compile(r"\b(?:uv\s+pip\s+sync|pip-sync)\b(?:\s+([^;&|]*))?")
_SYNC_OPTION_VALUES = frozenset(("-p", "--python", "-i", "--index-url", "--extra-index-url"))


def _synced_lock(
    snap: Snapshot, cmd: str, context: str | None, copies: dict[str, str] | None
) -> str | None:
    """The committed file that `uv pip sync` / `pip-sync` installs, if it is one. A file
    compiled in the same job (`$RUNNER_TEMP/requirements-$PROFILE.txt`, resolved afresh by
    `uv pip compile … --resolution lowest-direct`: stanfordnlp/dspy
    .github/workflows/dependency-range.yml:59-69; reviewed) locks nothing the repository
    keeps."""
    match = _SYNC.search(cmd)
    if match is None:
        return None
    files: list[str] = []
    skip = False
    for token in (match.group(1) or "").split():
        if skip:
            skip = False
        elif token in _SYNC_OPTION_VALUES:
            skip = True
        elif not token.startswith("-") and token != "\\":
            files.append(token)
    paths = [
        None if "$" in target else _req_file(snap, target, context, copies)
        for target in files or ["requirements.txt"]
    ]
    if any(path is None for path in paths):
        return None
    return paths[0]


def _classify_install(
    snap: Snapshot, command: str, context: str | None, copies: dict[str, str] | None = None
) -> tuple[str, str] | None:
    """('pass' | 'partial', why) for a command that installs from a lock, else None."""
    cmd = " ".join(command.split())
    locks = {name: bool(snap.glob(name)) for name in ("poetry.lock", "Pipfile.lock", "uv.lock")}
    # (only with a uv.lock to install: `uv sync --frozen … || uv sync` of a git-ignored lock
    # resolves afresh every build, DmitryDubovikov/Sentiment-MLOps docker/fastapi/
    # Dockerfile:15-18; reviewed)
    if re.search(r"\buv\s+sync\b.*--(frozen|locked)\b", cmd) and locks["uv.lock"]:
        return "pass", "uv sync refuses a stale lock"
    if _UV_LOCK_CHECK.search(cmd) and re.search(r"\buv\s+lock\b.*\buv\s+(sync|run)\b", cmd):
        return "pass", "uv lock --check refuses a stale lock before uv installs from it"
    if re.search(r"\buv\s+pip\s+sync\b|\bpip-sync\b", cmd):
        synced = _synced_lock(snap, cmd, context, copies)
        if synced is not None:
            return "pass", f"installs exactly the compiled requirements {synced}"
    if re.search(r"\bpipenv\s+(install\b.*--(deploy|ignore-pipfile)\b|sync\b)", cmd):
        return "pass", "pipenv installs from Pipfile.lock"
    if re.search(r"\bpoetry\s+install\b", cmd) and locks["poetry.lock"]:
        return "pass", "poetry install reads poetry.lock"
    if re.search(r"\bpdm\s+(sync|install\b.*--(frozen-lockfile|check))\b", cmd):
        return "pass", "pdm installs from pdm.lock"
    if re.search(r"\bpixi\s+install\b.*--(frozen|locked)\b", cmd):
        return "pass", "pixi installs from pixi.lock"
    if re.search(r"\bconda-lock\s+install\b|\b(micro)?mamba\s+\S+.*(conda-lock|\.lock)\b", cmd):
        return "pass", "installs a conda lock"
    if _installs_only_tools(snap, cmd, context, copies):
        return None
    if re.search(r"--require-hashes\b", cmd) and re.search(r"\bpip3?\b", cmd):
        return "pass", "pip verifies hashes"
    if re.search(r"\buv\s+sync\b", cmd) and locks["uv.lock"]:
        return "partial", "uv sync without --frozen/--locked may rewrite a stale lock"
    # `uv run` syncs the project's environment from uv.lock before it runs the command
    # (vwxyzjn/cleanrl .github/workflows/tests.yaml:29 `uv run pytest …`; reviewed)
    if (
        locks["uv.lock"]
        and re.search(r"\buv\s+run\b", cmd)
        and not re.search(r"--(?:no-sync|no-project|script)\b", cmd)
    ):
        if re.search(r"\buv\s+run\b.*--(frozen|locked)\b", cmd):
            return "pass", "uv run syncs from uv.lock and refuses a stale one"
        return "partial", "uv run syncs from uv.lock, and may rewrite a stale lock"
    if re.search(r"\bpipenv\s+install\b", cmd) and locks["Pipfile.lock"]:
        return "partial", "pipenv install without --deploy may update the lock"
    pinned: list[tuple[str, bool]] = []  # (requirements file, compiled), all fully pinned
    for part in _SPLIT.split(cmd):
        part = part.strip()
        if not (_PIP.search(part) or re.search(r"\buv\s+pip\s+install\b", part)):
            continue
        floating = False
        for target in _requirement_targets(part):
            path = _req_file(snap, target, context, copies)
            parsed = snap.requirements(path) if path else None
            if path is None or parsed is None or not parsed.requirements:
                continue
            if not all(r.pinned for r in parsed.requirements):
                # one floating file floats the whole install, however pinned the others
                # (coqui-ai/TTS Dockerfile.dev:33-37: four files, one of them pinned)
                floating = True
                continue
            head = "\n".join(snap.lines(path)[:10])
            compiled = parsed.has_hashes or re.search(
                r"pip-compile|uv pip compile|poetry export", head
            )
            pinned.append((path, bool(compiled)))
        if floating:
            return None
    if pinned and all(compiled for _path, compiled in pinned):
        return "pass", f"installs the compiled lock {pinned[0][0]}"
    if pinned:
        path = next(path for path, compiled in pinned if not compiled)
        return "partial", f"installs {path}, pinned by hand (transitive versions float)"
    return None


# linters, formatters and build or release front ends: a locked file of these pins the
# project's tooling, not its dependencies (microsoft/presidio .github/pipelines/
# requirements-ruff.txt, requirements-build.txt, while poetry.lock is git-ignored; reviewed)
_TOOLS = frozenset(
    [
        "ruff",
        "black",
        "flake8",
        "isort",
        "mypy",
        "pylint",
        "pre-commit",
        "build",
        "twine",
        "wheel",
        "setuptools",
        "pip",
        "pip-tools",
        "tox",
        "nox",
        "hatch",
        "hatchling",
        "poetry",
        "uv",
        "bandit",
        "codespell",
        "yamllint",
        "pyupgrade",
    ]
)


def _requirement_targets(part: str, variables: bool = False) -> list[str]:
    """The requirement files (`-r`/`--requirement`) one install command names (those
    given by a `$variable` only with `variables`)."""
    tokens = _task_runners.shell_words(part)
    targets = []
    for i, token in enumerate(tokens):
        target = None
        if token in ("-r", "--requirement") and i + 1 < len(tokens):
            target = tokens[i + 1]
        elif token.startswith("--requirement="):
            target = token.split("=", 1)[1]
        elif token.startswith("-r") and len(token) > 2:
            target = token[2:]
        if target and (variables or "$" not in target):
            targets.append(target)
    return targets


def _installs_only_tools(
    snap: Snapshot, cmd: str, context: str | None, copies: dict[str, str] | None
) -> bool:
    """The command installs requirement files, and each holds only tools (`_TOOLS`)."""
    targets = [t for part in _SPLIT.split(cmd) for t in _requirement_targets(part.strip(), True)]
    if not targets:
        return False
    for target in targets:
        path = _req_file(snap, target, context, copies) if "$" not in target else None
        parsed = snap.requirements(path) if path else None
        if parsed is None or not parsed.requirements:
            return False
        if not all(r.name in _TOOLS for r in parsed.requirements):
            return False
    return True


def _lock_checks(snap: Snapshot) -> dict[str, Evidence]:
    """CI file → its `uv lock --check`, run by an active job on changes: the workflow fails
    when uv.lock is stale, so every `uv sync` of the same workflow installs a verified lock
    (nubank/fklearn .github/workflows/push.yaml:23, one job checks the lock, the others sync
    it; reviewed)."""
    found: dict[str, Evidence] = {}
    for reached in _ci_reach.reached(snap):  # every active job's commands, read once a scan
        job = reached.job
        if job.path not in found and not job.only_by_hand and _UV_LOCK_CHECK.search(reached.text):
            found[job.path] = reached.evidence()
    return found


def _install_classifier(
    snap: Snapshot,
) -> Callable[[str, str | None, dict[str, str] | None], tuple[str, str] | None]:
    """How a build command installs dependencies: Python's installers, and where the main
    language is not Python and its lockfile is committed, that language's build."""
    from mlaudit.probes import _languages

    language = _languages.main_language(snap)
    if language is None or not _languages.lockfiles(snap, language):
        return partial(_classify_install, snap)

    def classify(
        command: str, context: str | None, copies: dict[str, str] | None
    ) -> tuple[str, str] | None:
        return _classify_install(snap, command, context, copies) or _languages.lock_install(
            language, command
        )

    return classify


_UV_LOCKED_ENV = re.compile(
    r"(?:^|\s)UV_(?:LOCKED|FROZEN)(?:=|\s+)[\"']?(?:1|true|yes|on)[\"']?(?:\s|$)", re.IGNORECASE
)


@probe("lock_used_in_build", NoParams)
def lock_used_in_build(snap: Snapshot, p: NoParams) -> Observation:
    """The build installs dependencies from the lockfile, refusing to drift from it.

    Looks for, in Dockerfile `RUN` lines and CI commands: `uv sync --frozen|--locked`,
    `uv pip sync`/`pip-sync`, `pipenv install --deploy` / `pipenv sync`, `poetry install`
    with a committed `poetry.lock`, `pdm sync`, `pip install --require-hashes`, or
    `pip install -r` of a compiled (pip-compile, hashed) requirements file. Partial:
    `uv sync` or `uv run` without `--frozen`, plain `pipenv install`, or `pip install -r` of a
    hand-pinned (all `==`) file whose transitive dependencies still float.
    Why: a lockfile the build ignores does not make the environment reproducible.
    Fix: `RUN uv sync --frozen` (or `pip install --require-hashes -r requirements.txt`).
    """
    strong: list[Evidence] = []
    weak: list[Evidence] = []
    sources = 0
    classify = _install_classifier(snap)
    for path in _dockerfiles(snap):
        parsed = snap.dockerfile(path)
        if parsed is None:
            continue
        sources += 1
        context = path.rsplit("/", 1)[0] if "/" in path else None
        copies = _copies(parsed.instructions)
        locked = False  # `ENV UV_LOCKED=1` (or UV_FROZEN) makes every later `uv sync` --locked
        for ins in parsed.instructions:
            if ins.keyword == "ENV" and _UV_LOCKED_ENV.search(ins.args):
                locked = True
            if ins.keyword != "RUN":
                continue
            command = ins.args
            if locked and re.search(r"\buv\s+sync\b", command):
                command += " --locked"  # as uv reads it (CCRI-POPROX/poprox-recommender:18)
            verdict = classify(command, context, copies)
            if verdict:
                target = strong if verdict[0] == "pass" else weak
                target.append(ev(path, ins.line, "RUN " + ins.args, verdict[1]))
    lock_checks = _lock_checks(snap)
    for job in snap.ci_jobs:
        if job.disabled:
            continue
        sources += 1
        # what the job runs, and what `make setup` or a script it calls runs
        # (GoogleCloudPlatform/vertex-pipelines-end-to-end-samples: `make setup` →
        # Makefile:28 `pipenv install --dev`)
        lock_checked = lock_checks.get(job.path)
        for reached in _ci_reach.job_reach(snap, job):
            verdict = classify(reached.text, None, None)
            if verdict and verdict[0] == "partial" and lock_checked is not None:
                if re.search(r"\buv\s+(sync|run)\b", reached.text):
                    verdict = (
                        "pass",
                        f"installs uv.lock, which `uv lock --check` ({lock_checked.path}:"
                        f"{lock_checked.line}) fails the same workflow for when stale",
                    )
            if verdict:
                target = strong if verdict[0] == "pass" else weak
                via = "" if reached.direct else f" ({reached.evidence().note})"
                target.append(ev(reached.path, reached.line, reached.text, verdict[1] + via))
    if strong:
        return base.passed("the build installs from the lockfile", strong + weak)
    if weak:
        return base.partial("the build installs pinned dependencies, not a verified lock", weak)
    if not sources:
        return base.failed("no Dockerfile or CI job builds the environment")
    return base.failed("no Dockerfile or CI command installs from a lockfile")


# image-pinned --------------------------------------------------------------------------------
_ARG = re.compile(r"^([A-Za-z_]\w*)(?:=(.*))?$")
_VAR = re.compile(r"\$\{?([A-Za-z_]\w*)(?::-([^}]*))?\}?")


def _substitute(text: str, args: dict[str, str]) -> str:
    """Replace `${VAR}` / `$VAR` by ARG defaults; an unknown variable becomes NUL."""
    return _VAR.sub(lambda m: args.get(m.group(1), m.group(2) or "\0"), text)


_COPY_FROM = re.compile(r"(?:^|\s)--from=(\S+)")
_BAKE_FILES = ("docker-bake.hcl", "docker-bake.override.hcl")
_HCL_VARIABLE = re.compile(r'variable\s+"(\w+)"\s*\{\s*default\s*=\s*"([^"]*)"')
_HCL_ARGS = re.compile(r"\bargs\s*=\s*\{((?:[^{}]|\$\{\w+\})*)\}")
_HCL_PAIR = re.compile(r'^\s*"?(\w+)"?\s*=\s*"([^"]*)"\s*,?\s*$', re.MULTILINE)
_HCL_INTERPOLATION = re.compile(r"\$\{(\w+)\}")


def _hcl_value(defaults: dict[str, str], match: re.Match[str]) -> str:
    """A `${VAR}` of a bake file: its variable's default, or NUL when it has none."""
    return defaults.get(match.group(1), "\0")


def _bake_args(snap: Snapshot, folder: str) -> dict[str, str]:
    """Build arguments a Docker Bake file beside the Dockerfile gives its targets
    (deepset-ai/hayhooks docker/docker-bake.hcl:25 `base_image = "deepset/haystack:stable"`
    for docker/Dockerfile's `ARG base_image` without a default; reviewed), with `${VAR}`
    resolved from the file's variable defaults. They fill only ARGs that have no default:
    a plain `docker build` still uses the defaults. An argument two targets set differently,
    or one left unresolved, is not filled."""
    found: dict[str, str] = {}
    conflicting: set[str] = set()
    for name in _BAKE_FILES:
        path = f"{folder}/{name}" if folder else name
        text = snap.text(path) if snap.exists(path) else None
        if not text:
            continue
        defaults = dict(_HCL_VARIABLE.findall(text))
        for block in _HCL_ARGS.findall(text):
            for key, value in _HCL_PAIR.findall(block):
                value = _HCL_INTERPOLATION.sub(partial(_hcl_value, defaults), value)
                if "\0" in value or found.get(key, value) != value:
                    conflicting.add(key)
                found[key] = value
    return {k: v for k, v in found.items() if k not in conflicting}


def _resolved(note: str, shown: str, text: str) -> str:
    """The note, naming the image a build argument resolved to (`FROM $base_image`)."""
    return note if "$" not in shown else f"{note}: {text.split()[0]}"


@probe("image_pinned", NoParams)
def image_pinned(snap: Snapshot, p: NoParams) -> Observation:
    """Base images are pinned: `FROM image@sha256:…` passes, a version tag is partial.

    Looks for: every external `FROM` and `COPY --from=<image>` of every Dockerfile
    (build-stage references and `scratch` skipped; `ARG` defaults substituted). A digest is immutable; a version tag
    (`python:3.11-slim`) can be re-pushed (partial); `latest` or no tag floats (fail).
    Not applicable without a Dockerfile.
    Why: a floating base image changes the OS and system libraries under the same code.
    Fix: `FROM python:3.11-slim@sha256:<digest>` (`docker buildx imagetools inspect`),
    updated by Dependabot/Renovate.
    """
    paths = _dockerfiles(snap)
    digest: list[Evidence] = []
    tagged: list[Evidence] = []
    floating: list[Evidence] = []
    unresolved: list[Evidence] = []
    parsed_any = False
    for path in paths:
        parsed = snap.dockerfile(path)
        if parsed is None:
            continue
        parsed_any = True
        args: dict[str, str] = {}
        baked = _bake_args(snap, path.rpartition("/")[0])
        stages: set[str] = set()
        for ins in parsed.instructions:
            if ins.keyword == "ARG":
                m = _ARG.match(ins.args.strip())
                if m and m.group(2) is not None:
                    args.setdefault(m.group(1), m.group(2).strip("'\""))
                elif m and m.group(1) in baked:
                    args.setdefault(m.group(1), baked[m.group(1)])
                continue
            if ins.keyword == "COPY":
                # `COPY --from=ghcr.io/astral-sh/uv:latest /uv /bin/` pulls an image too
                # (fmind/mlops-python-package Dockerfile:8); a stage name or index does not
                source = _COPY_FROM.search(ins.args)
                if source is None:
                    continue
                text = _substitute(source.group(1), args)
                shown = f"COPY --from={source.group(1)}"
            elif ins.keyword == "FROM":
                # flags such as --platform=$BUILDPLATFORM are not part of the image reference
                text = _substitute(re.sub(r"^(--\S+\s+)+", "", ins.args.strip()), args)
                shown = "FROM " + ins.args
            else:
                continue
            image = parse_from(Instruction("FROM", text, ins.line))
            if image.alias and ins.keyword == "FROM":
                stages.add(image.alias.lower())
            ref = image.image.lower()
            if ref in stages or ref == "scratch" or ref.isdigit():
                continue
            if "\0" in text or not image.image:
                unresolved.append(ev(path, ins.line, shown, "image from a build argument"))
            elif image.pinned:
                digest.append(ev(path, ins.line, shown))
            elif image.floating:
                floating.append(ev(path, ins.line, shown, _resolved("floating tag", shown, text)))
            else:
                note = _resolved("version tag, not a digest", shown, text)
                tagged.append(ev(path, ins.line, shown, note))
    if not parsed_any:
        return base.not_applicable("no Dockerfile")
    if floating:
        return base.failed(
            "a base image floats (`latest`, a channel tag such as `stable`, or no tag)",
            floating + tagged,
        )
    if tagged:
        return base.partial("base images use version tags, not digests", tagged + unresolved)
    if unresolved and not digest:
        return base.unknown("base image comes from a build argument", unresolved)
    if digest:
        return base.passed("every base image is pinned by digest", digest)
    return base.not_applicable("no external base image")


# dev-prod-parity ---------------------------------------------------------------------------
def _python_version_evidence(snap: Snapshot) -> list[Evidence]:
    found: list[Evidence] = []
    for path in base.select_files(snap, [".python-version", "runtime.txt", ".tool-versions"]):
        text = snap.text(path) or ""
        if path.endswith(".tool-versions") and "python" not in text:
            continue
        if re.search(r"\d+\.\d+", text):
            found.append(ev(path, 1, text.strip().splitlines()[0] if text.strip() else None))
    for path in base.select_files(snap, ["pyproject.toml"]):
        data = snap.toml(path) or {}
        project = data.get("project") if isinstance(data, dict) else None
        tool = data.get("tool") if isinstance(data, dict) else None
        poetry = tool.get("poetry") if isinstance(tool, dict) else None
        deps = poetry.get("dependencies") if isinstance(poetry, dict) else None
        if isinstance(project, dict) and project.get("requires-python"):
            found.append(ev(path, None, f"requires-python = {project['requires-python']}"))
        elif isinstance(deps, dict) and deps.get("python"):
            found.append(ev(path, None, f"python = {deps['python']}"))
    for path in base.select_files(snap, ["setup.py"]):
        facts = snap.python(path)
        for call in facts.calls if facts else []:
            if call.name.endswith("setup") and call.kwarg("python_requires"):
                found.append(
                    ev(path, call.line, f"python_requires={call.kwarg('python_requires')}")
                )
    for path in base.select_files(snap, ["setup.cfg", "Pipfile"]):
        for number, line in enumerate(snap.lines(path), start=1):
            if re.match(r"\s*(python_requires|python_version)\s*=\s*\S", line):
                found.append(ev(path, number, line))
    for path in base.select_files(snap, list(CONDA_ENV_GLOBS)):
        for number, line in enumerate(snap.lines(path), start=1):
            if re.match(r"\s*-\s*python\s*[=<>~]=?\s*\d", line):
                found.append(ev(path, number, line))
    for path in _dockerfiles(snap):
        parsed = snap.dockerfile(path)
        for image in parsed.base_images if parsed else []:
            name = image.image.rsplit("/", 1)[-1]
            if name in ("python", "pypy") and image.tag and re.match(r"\d", image.tag):
                found.append(ev(path, image.line, f"FROM {image.image}:{image.tag}"))
        # an image that installs one Python minor version itself (`apt install -y
        # python3.10`, tloen/alpaca-lora Dockerfile:10; `uv python install 3.11`)
        for instruction in parsed.instructions if parsed else []:
            if instruction.keyword == "RUN":
                m = _INSTALLED_PYTHON.search(instruction.args)
                if m:
                    found.append(
                        ev(path, instruction.line, "RUN … " + " ".join(m.group(0).split()))
                    )
                    break
    return found


_INSTALLED_PYTHON = re.compile(
    r"\b(?:apt-get|apt|yum|dnf|apk|microdnf)\s+(?:-\S+\s+)*(?:install|add)\b[^;&|]*?"
    r"\s(python3\.\d{1,2})(?=[\s;&|\\]|$)"
    r"|\b(?:uv\s+python|pyenv)\s+install\s+(?:-\S+\s+)*3\.\d{1,2}\b"
    r"|\bconda\s+(?:create|install)\b[^;&|]*?\spython=3\.\d{1,2}\b"
)


# a version constraint that only sets a floor (`>=3.9`, `>3.8`, `^3.10`), with no upper bound
_FLOOR = re.compile(r"\s*['\"]?\s*(?:>=?|\^)\s*\d[\d.*]*\s*['\"]?\s*")


def _floor_only(shown: str) -> bool:
    """`requires-python = >=3.9` (the value after its key) sets only a minimum version."""
    return _FLOOR.fullmatch(shown.split("=", 1)[1] if "=" in shown else shown) is not None


# devcontainer.json is JSON with comments: keys are found in its text, a `//` comment skipped
_DEVCONTAINER_DOCKERFILE = re.compile(r'"docker[Ff]ile"\s*:\s*"([^"]+)"')
_DEVCONTAINER_COMPOSE = re.compile(r'"dockerComposeFile"\s*:')


def _devcontainer_parity(snap: Snapshot, path: str) -> Evidence | None:
    """A dev container that builds a shipped Dockerfile (its `build.dockerfile`, relative to
    devcontainer.json) or runs the compose services; None for one built from its own
    Dockerfile or a stock image — a development environment, not the one that deploys
    (you-dont-need-a-bigger-boat .devcontainer/Dockerfile)."""
    text = snap.text(path) or ""
    shipped = set(base.shipped_dockerfiles(snap))
    folder = posixpath.dirname(path)
    for pattern in (_DEVCONTAINER_COMPOSE, _DEVCONTAINER_DOCKERFILE):
        for found in pattern.finditer(text):
            start = text.rfind("\n", 0, found.start()) + 1
            if "//" in text[start : found.start()]:
                continue  # commented out
            line = text.count("\n", 0, found.start()) + 1
            if pattern is _DEVCONTAINER_COMPOSE:
                return ev(path, line, found.group(0), "dev container runs the compose services")
            if posixpath.normpath(posixpath.join(folder, found.group(1))) in shipped:
                return ev(path, line, found.group(0), "dev container builds the shipped Dockerfile")
    return None


def _lower_case_default(snap: Snapshot, dockerfile: str) -> bool:
    """Docker builds a context's lower-case `dockerfile` when it has no `Dockerfile`."""
    folder, _, name = dockerfile.rpartition("/")
    lower = f"{folder}/dockerfile" if folder else "dockerfile"
    return name == "Dockerfile" and snap.exists(lower)


def _environment_evidence(snap: Snapshot) -> tuple[list[Evidence], list[Evidence]]:
    """(environments shared with production, dev containers of their own)."""
    found: list[Evidence] = []
    own: list[Evidence] = []
    for path in base.select_files(
        snap,
        [
            ".devcontainer.json",
            ".devcontainer/devcontainer.json",
            ".devcontainer/*/devcontainer.json",
        ],
        include_excluded_dirs=False,
    ):
        parity = _devcontainer_parity(snap, path)
        if parity is not None:
            found.append(parity)
        else:
            own.append(ev(path, note="dev container of its own (not the production image)"))
    compose = base.select_files(
        snap,
        [
            "docker-compose*.yml",
            "docker-compose*.yaml",
            "compose.yml",
            "compose.yaml",
            "compose.*.yml",
        ],
    )
    chosen = set(compose)
    for svc in snap.compose_services:
        # a build whose Dockerfile is not in the repository builds nothing (rockerspace/
        # End-to-End-MLOps-with-FastAPI-Docker-Grafana docker-compose.yml:5 `build: .`, no
        # Dockerfile; reviewed)
        if svc.path in chosen and svc.build:
            dockerfile = svc.dockerfile
            if (
                dockerfile is None
                or snap.exists(dockerfile)
                or _lower_case_default(snap, dockerfile)
            ):
                found.append(
                    ev(svc.path, svc.line_of("build"), f"service {svc.name} builds an image")
                )
    return found, own


@probe("dev_prod_parity", NoParams)
def dev_prod_parity(snap: Snapshot, p: NoParams) -> Observation:
    """Development runs in the same environment that deploys, on a declared Python version.

    Looks for: a dev container (`.devcontainer/devcontainer.json`) that builds a shipped
    Dockerfile or runs the compose services, or a compose service that builds the project's
    image; and a pinned Python version (`.python-version`,
    `requires-python`, `python_requires`, `runtime.txt`, conda `python=3.x`, or
    `FROM python:3.x`). Both → pass; one → partial.
    Why: "works on my machine" differences between development and production environments
    change results (MTS Infra 1, Azure level 1).
    A dev container built from its own Dockerfile or a stock image is a declared
    development environment, not the production one: partial credit at most.
    Fix: add `.devcontainer/devcontainer.json` building the production Dockerfile and set
    `requires-python` / `.python-version`.
    """
    environment, own = _environment_evidence(snap)
    python = _python_version_evidence(snap)
    # `requires-python = ">=3.9"` declares a floor, not the version runs use: said as such
    version = (
        "a minimum Python version"
        if python and all(_floor_only(e.snippet or "") for e in python)
        else "a pinned Python version"
    )
    if environment and python:
        return base.passed(f"shared dev/prod environment and {version}", environment + python)
    if environment:
        return base.partial("a shared environment is declared, but no Python version", environment)
    if python or own:
        pinned = f"; {version} is declared" if python else "; a dev container of its own"
        return base.partial(
            "no dev container or compose build of the production image" + pinned, python + own
        )
    return base.failed(
        "no dev container or compose build of the production image, no pinned Python version"
    )


# notebook-only -----------------------------------------------------------------------------
ML_MODULES = (
    "sklearn",
    "torch",
    "tensorflow",
    "keras",
    "xgboost",
    "lightgbm",
    "catboost",
    "jax",
    "flax",
    "transformers",
    "statsmodels",
    "pytorch_lightning",
    "lightning",
    "fastai",
    "mxnet",
    "paddle",
    "prophet",
    "gensim",
    "spacy",
    "mlflow",
    # Hopsworks (feature store, model registry, serving): feature pipelines and a service
    # loading a registered model (featurestoreorg/serverless-ml-course src/04-module/app.py)
    "hopsworks",
    "hsfs",
    "hsml",
    # inference runtimes: a .py service that runs the model is not notebook-only
    "onnxruntime",
    "tflite_runtime",
    "tritonclient",
    "bentoml",
    "torchvision",
    "timm",
    "sentence_transformers",
    "datasets",
    "ultralytics",
    # managed-platform SDKs: a script that defines the training job or pipeline on SageMaker,
    # Vertex AI or Azure ML is the ML workflow in code (the algorithm may be the platform's
    # own container, so no framework is imported: aws-samples/amazon-sagemaker-safe-
    # deployment-pipeline model/run_pipeline.py builds an XGBoost Estimator)
    "sagemaker",
    "google.cloud.aiplatform",
    "vertexai",
    "azure.ai.ml",
    "azureml.core",
    "azureml.train",
    "azureml.pipeline",
)


_ML_IMPORT = derivation_key("notebook_only.ml_import")


def _ml_import(path: str, facts: PythonFacts) -> tuple[int, str] | None:
    """ONE file's first import of an ML library: (line, module)."""
    for imp in facts.imports:
        if module_matches_any(imp.module, ML_MODULES):
            return imp.line, imp.module
    return None


def _shipped_service(snap: Snapshot) -> Evidence | None:
    """The first evidence that the repository ships a service of its own code (profile
    online-serving), else None."""
    from mlaudit.probes.profile import detect_profile

    served = detect_profile(snap)
    if served.name != "online-serving" or not served.evidence:
        return None
    return next((e for e in served.evidence if e.path.endswith(".py")), served.evidence[0])


@probe("notebook_only", NoParams, reads_code=True)
def notebook_only(snap: Snapshot, p: NoParams) -> Observation:
    """Anti-signal: the ML code lives only in notebooks (GCP level 0).

    Passes when the project's ML code (imports of sklearn, torch, tensorflow, xgboost …)
    lives in `.py` modules or scripts, or when there are no notebooks. Fails when the
    notebooks hold the ML code and no `.py` file does (tests and examples excluded), and
    when a notebook trains while no `.py` script and no command does, even if scripts
    convert the model (SIGNALS: no `.py` training entry point); partial (no cap) in both
    cases when the scripts are a service the repository ships (profile online-serving).
    Why: notebooks cannot be imported, tested, reviewed or scheduled reliably; a
    notebook-only project is manual by definition (level 0). A notebook that installs the
    package the repository publishes (`!pip install supervision`) demonstrates the released
    package, whose code lives in it (_demos.py).
    Fix: move data preparation and training into a package or `train.py`, keep notebooks
    for exploration.
    """
    notebooks = base.select_files(snap, ["*.ipynb"])
    scripts = [x for x in base.select_files(snap, ["*.py"], scope="non_tests")]
    scripts = [
        x for x in scripts if x.rsplit("/", 1)[-1] not in ("setup.py", "noxfile.py", "conftest.py")
    ]
    if not notebooks:
        if not scripts:
            return base.not_applicable("no Python code")
        # notebooks of the docs and examples are left out above: say so when there are some
        # (google-deepmind/graphcast's five are under docs/; reviewed)
        elsewhere = base.select_files(snap, ["*.ipynb"], include_excluded_dirs=True)
        if elsewhere:
            return base.passed(
                f"code lives in scripts; the {len(elsewhere)} notebook(s) are documentation "
                "or examples"
            )
        return base.passed("no notebooks; code lives in scripts")
    # python_per_file keeps only the files with an ML import (a non-empty value)
    ml_scripts = [
        ev(path, hit[0], f"import {hit[1]}")
        for path, hit in snap.python_per_file(_ML_IMPORT, scripts, _ml_import)
        if hit
    ]
    if ml_scripts:
        from mlaudit.probes.training import training_only_in_notebooks

        trained = training_only_in_notebooks(snap, scripts, notebooks)
        if trained is not None:
            shipped = _shipped_service(snap)
            if shipped is not None:
                # a service shipped as code (a tested, containerised API) is a pillar of level
                # 1 whatever trained its model: the notebook training is a gap, not a
                # disqualifier (rafaelgreca/e2e-mlops-project src/model/inference.py and
                # Dockerfile:18; Sergendel/MLops-Mid-Project, alvarobartt/serving-pytorch-
                # models; three reviewers)
                return base.partial(
                    "the model is trained only in notebooks, but the service that serves it "
                    "is code and is shipped",
                    [trained, *ml_scripts[:2], shipped],
                )
            return base.failed(
                "the model is trained only in notebooks: no .py script or command trains "
                "(the scripts serve or convert what a notebook trained)",
                [trained, *ml_scripts[:2]],
            )
        return base.passed("ML code lives in .py modules", ml_scripts)
    ml_notebooks = [
        ev(path, None, f"import {hit[1]}", base.notebook_line_note(snap, path, hit[0])[1])
        for path, hit in snap.python_per_file(_ML_IMPORT, notebooks, _ml_import)
        if hit
    ]
    if ml_notebooks:
        from mlaudit.probes._demos import package_demo_notebooks

        demos = package_demo_notebooks(snap)
        own = [e for e in ml_notebooks if e.path not in demos]
        if not own:
            # notebooks for the users of the released package: its code lives in the package
            return base.passed(
                "the notebooks with ML code install the package this repository publishes "
                "and demonstrate it: the code lives in the package",
                [demos[e.path] for e in ml_notebooks],
            )
        shipped = _shipped_service(snap) if scripts else None
        if shipped is not None:
            return base.partial(
                "the ML code lives only in notebooks, but the service that serves the model "
                "is code and is shipped",
                [*own, shipped],
            )
        return base.failed("the ML code lives only in notebooks", own)
    if not scripts:
        return base.failed("all Python code is in notebooks", [ev(n) for n in notebooks])
    unreadable = base.problem_evidence(snap, notebooks)
    if unreadable and len(unreadable) == len(notebooks):
        return base.unknown("notebooks could not be read", unreadable)
    return base.passed("code lives in scripts; notebooks hold no ML code")
