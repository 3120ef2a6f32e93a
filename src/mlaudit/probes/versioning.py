"""Versioning probes (quality #3): data under version control and its history, big data
or model binaries committed to git, models pinned where they are served, and the
pull-request workflow. Simpler signals are composed in YAML."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pydantic import Field

from mlaudit.probes import _mlfacts as mf
from mlaudit.probes import base, words
from mlaudit.probes.base import ev
from mlaudit.probes.cloudformation import cfn_resources
from mlaudit.probes.generic import (
    bound_call_names,
    integer_argument,
    module_matches,
    name_matches,
    name_matches_any,
    walk_key,
)
from mlaudit.probes.registry import Params, probe
from mlaudit.repo.globs import matches_any
from mlaudit.repo.history import Commit
from mlaudit.repo.parsers.python_src import Call, PythonFacts
from mlaudit.repo.parsers.yaml_docs import parse_yaml
from mlaudit.repo.snapshot import Snapshot, derivation_key
from mlaudit.results import Evidence, Observation

MIB = 1024 * 1024


class NoParams(Params):
    pass


def _code(snap: Snapshot) -> list[str]:
    return base.python_sources(snap, scope="non_tests")


# data-vcs ------------------------------------------------------------------------------------
_LAKEFS = derivation_key("lakefs")


def _lakefs(snap: Snapshot) -> list[Evidence]:

    def scan_file(path: str, facts: PythonFacts, buckets: tuple[list[Evidence], ...]) -> None:
        (found,) = buckets
        for imp in facts.imports:
            if any(
                module_matches(imp.module, m) for m in ("lakefs", "lakefs_client", "lakefs_sdk")
            ):
                found.append(ev(path, imp.line, f"import {imp.module}"))
                break
        for text, line in facts.strings:
            if text.startswith("lakefs://"):
                found.append(ev(path, line, text))
                break

    (found,) = base.per_file_evidence(snap, _LAKEFS, _code(snap), scan_file, 1)
    configs = base.select_files(snap, ["*.yaml", "*.yml", "*.toml", "*.cfg", "*.ini"])
    found.extend(
        ev(path, line, text)
        for path, line, text in snap.grep(configs, re.compile(r"lakefs://"))
        if not text.lstrip().startswith("#")
    )
    return found


def data_vcs_evidence(snap: Snapshot) -> tuple[list[Evidence], list[Evidence]]:
    """(versioned-data evidence, near misses such as LFS for images only or DVC for models)."""
    found, near, _empty = _data_vcs(snap)
    return found, near


def _data_vcs(snap: Snapshot) -> tuple[list[Evidence], list[Evidence], list[Evidence]]:
    """(versioned data, near misses, LFS data rules that cover no file at HEAD)."""
    found: list[Evidence] = []
    near: list[Evidence] = []
    empty: list[Evidence] = []
    for out in mf.dvc_pointer_outs(snap):
        if out.kind == "model":
            near.append(ev(out.source, out.line, f"out {out.path}", "DVC for a model, not data"))
        else:
            found.append(ev(out.source, out.line, f"out {out.path}", "DVC-tracked"))
    for out in mf.dvc_lock_outs(snap):
        if not out.hashed:
            continue
        if out.kind == "model":
            near.append(ev(out.source, out.line, f"out {out.path}", "DVC for a model, not data"))
        else:
            found.append(ev(out.source, out.line, f"out {out.path}", f"stage {out.stage}"))
    for rule in mf.lfs_rules(snap):
        if rule.kind != "data":
            near.append(ev(rule.path, rule.line, rule.text, f"LFS for {rule.kind} files, not data"))
            continue
        _covered, through = mf.lfs_pointers_at_head(snap, rule)
        if through:
            found.append(ev(rule.path, rule.line, rule.text, f"Git LFS for data ({through[0]})"))
        elif _names_a_missing_file(snap, rule.pattern):
            # rule dead: the one file it routed was removed (mozilla/DeepSpeech
            # .gitattributes:1 `data/lm/kenlm.scorer`, deleted in 28351519)
            near.append(ev(rule.path, rule.line, rule.text, _GONE))
        elif _never_routed(snap, rule):
            near.append(ev(rule.path, rule.line, rule.text, _NEVER))
        else:
            empty.append(ev(rule.path, rule.line, rule.text, "no file goes through LFS at HEAD"))
    for path in snap.glob(".datalad/config", "**/.datalad/config"):
        found.append(ev(path, note="DataLad dataset"))
    found.extend(_lakefs(snap))
    return found, near, empty


def model_vcs_evidence(snap: Snapshot) -> list[Evidence]:
    """Model files under version control: DVC outputs and LFS rules whose paths are models
    (`models/…`, `*.onnx`, `*.ckpt`, `model.pkl`, `Model.zip`)."""
    found = [
        ev(out.source, out.line, f"out {out.path}", "DVC-versioned model")
        for out in mf.dvc_pointer_outs(snap) + mf.dvc_lock_outs(snap)
        if out.kind == "model" and (out.hashed or out.stage is None)
    ]
    for rule in mf.lfs_rules(snap):
        if rule.kind == "model" and mf.lfs_pointers_at_head(snap, rule)[1]:
            found.append(ev(rule.path, rule.line, rule.text, "Git LFS for models"))
    return found


@probe("model_vcs", NoParams)
def model_vcs(snap: Snapshot, p: NoParams) -> Observation:
    """Model files are under a version-control tool (DVC or Git LFS).

    Looks for: `.dvc` pointer files and hashed `dvc.lock` outputs whose paths are models
    (`models/…`, `*.ckpt`, `*.onnx`, `*.pt`, `*.pkl`/`*.joblib` named or placed as models),
    and `.gitattributes` LFS rules for model files (by extension, folder or name:
    `Model.zip`) that at least one file at HEAD goes through.
    Why: a served model must be traceable to a version of its weights.
    Fix: `dvc add models/model.pkl` (or `git lfs track "models/**"`) and push to a remote.
    """
    found = model_vcs_evidence(snap)
    if found:
        return base.passed("model files are version-controlled", found)
    return base.failed("no model files under DVC or Git LFS")


_GONE = "names a file no longer there"
_NEVER = "no file has ever gone through it"


def _never_routed(snap: Snapshot, rule: mf.LfsRule) -> bool:
    """An LFS rule that no commit of the whole history ever touched a file under: set up,
    never used (axolotl-ai-cloud/axolotl .gitattributes:1 `data/*.jsonl filter=lfs`, since
    2023; reviewed). A history that cannot be read to its start leaves the rule partial."""
    from mlaudit.repo.globs import compile_glob

    history = snap.history
    if not history.available or history.truncated or not history.commits:
        return False
    regex = compile_glob(rule.pattern)
    return not any(
        regex.match(path) and path != rule.path for c in history.commits for path in c.files
    )


def _names_a_missing_file(snap: Snapshot, pattern: str) -> bool:
    """An LFS pattern that is one file's path (no wildcard, not a folder), absent at HEAD."""
    if any(c in pattern for c in "*?[") or pattern.endswith("/"):
        return False
    path = pattern.lstrip("/")
    return not snap.glob(path, path + "/**")


@probe("data_vcs", NoParams)
def data_vcs(snap: Snapshot, p: NoParams) -> Observation:
    """Data is under a version-control tool.

    Looks for: `*.dvc` pointer files or hashed `dvc.lock` outputs; `.gitattributes` routing
    data files (`*.csv`, `*.parquet`, `data/**` …) through `filter=lfs`; a DataLad dataset;
    lakeFS (`lakefs://` URIs or its client). Not counted: an empty `dvc init`, LFS used
    only for images or model weights, DVC outputs that are models (`models/…`, `*.onnx`,
    `*.ckpt`: model versioning, see model-vcs), a `.gitattributes` without `filter=lfs`.
    An LFS data rule that no file at HEAD goes through is partial; one naming a single file
    that is no longer in the repository, or that no commit of the history ever touched a
    file under, is dead (not counted).
    Why: a model can only be traced back to the data that trained it if the data has
    versions (source model "Versionamento"; GCP level 1).
    Fix: `dvc add data/raw && dvc push`, or `git lfs track "data/**"`.
    """
    found, near, empty = _data_vcs(snap)
    if found:
        return base.passed("data is version-controlled", found)
    if empty:
        return base.partial(
            "a Git LFS rule for data, but no file goes through LFS at HEAD", empty + near
        )
    if near and all(e.note == _GONE for e in near):
        return base.failed("the Git LFS rule for data names a file no longer there", near)
    if near and all(e.note in (_GONE, _NEVER) for e in near):
        return base.failed("no file has ever gone through the Git LFS rule for data", near)
    if near:
        return base.failed("DVC/Git LFS version models or images here, not data", near)
    configs = snap.glob(".dvc/config", "**/.dvc/config")
    if configs:
        return base.failed("DVC initialised but no data tracked", [ev(c) for c in configs])
    return base.failed("no data versioning (DVC, Git LFS for data, DataLad, lakeFS)")


# data-history --------------------------------------------------------------------------------
class DataHistoryParams(Params):
    min_commits: int = Field(default=2, ge=1)


_DVC_FILES = ("*.dvc", "dvc.lock")


@probe("data_history", DataHistoryParams)
def data_history(snap: Snapshot, p: DataHistoryParams) -> Observation:
    """The data has a history: it was versioned, then changed and versioned again.

    Looks for: at least `min_commits` versions of the data — its first and later ones. For
    DVC, a version is a commit that changed the content hash of a data output already
    recorded, in a `*.dvc` pointer or in a `dvc.lock` stage's outputs; a commit that changes
    only a stage's code dependencies, a metrics or plots file, a model output, the pointer's
    path or its file mode changes no data (adrianmarchramon/fraud-mlops-pipeline dvc.lock in
    70726e0 and 8842cdf: a code hash and metrics; ruthwik-ganji/churn-pipeline
    data/raw/churn.csv.dvc: a rename and a chmod; both reviewed). For Git LFS, commits that
    touch files the `.gitattributes` LFS rules cover for data, since the rule's file first
    appeared. Only files that still exist count, outside examples and tests (evidentlyai/
    evidently's DVC-tracked Playwright screenshot baselines are no data): a pointer added and
    later deleted (awslabs/mlmax's `data.dvc`) is no history of the data versioned now, nor
    are commits of a plain CSV from before it went through LFS. A git fact: `unknown` in a
    shallow clone or outside git.
    Why: data that was versioned once and never again is a snapshot, not a history;
    retraining on new data should leave a trace (source model "Versionamento").
    Fix: commit every data update through DVC (`dvc add` + commit) or Git LFS.
    """
    history = snap.history
    if not history.available:
        return base.unknown(history.reason or "git history unavailable")
    # a .dvc file that versions a model is model history, not data history
    model_pointers = {o.source for o in mf.dvc_pointer_outs(snap) if o.kind == "model"}
    # a file an LFS rule covers was a plain blob before the rule existed: only commits since
    # its .gitattributes first appeared can have versioned it (microsoft/MLOps added its CSVs
    # in 2019 and `*.csv filter=lfs` in 2020)
    lfs_since: dict[str, int] = {}
    for rule in mf.lfs_rules(snap):
        if rule.kind == "data":
            added = [c.timestamp for c in history.commits if rule.path in c.files]
            since = min(added) if added else 0  # older than the history read: no bound
            lfs_since[rule.pattern] = min(lfs_since.get(rule.pattern, since), since)

    def counted(path: str) -> bool:
        return not (
            path.startswith(".dvc/")
            or path in model_pointers
            or not snap.exists(path)
            or base.is_excluded(path)  # rule ex: an example's data is not the project's
            or base.is_test_path(path)  # a test's baselines (Playwright screenshots)
        )

    def lfs_versioned_in(commit: Commit) -> str | None:
        rules = tuple(pattern for pattern, since in lfs_since.items() if commit.timestamp >= since)
        if not rules:
            return None
        return next(
            (
                path
                for path in commit.files
                if not matches_any(path, _DVC_FILES) and matches_any(path, rules) and counted(path)
            ),
            None,
        )

    subjects = {c.sha: c.subject for c in history.commits}
    lfs = [c for c in history.commits if lfs_versioned_in(c)] if lfs_since else []
    pointers = [p for p in base.select_files(snap, list(_DVC_FILES)) if counted(p)]
    updates, first = _dvc_data_updates(snap, pointers)
    evidence = [
        ev(path, note=f"commit {sha[:10]}: {subjects.get(sha, '')[:80]}")
        for sha, path in updates[:6]
    ]
    evidence += [
        ev(lfs_versioned_in(c) or ".git", note=f"commit {c.sha[:10]}: {c.subject[:80]}")
        for c in lfs[:6]
    ]
    versions = len({sha for sha, _path in updates}) + (1 if first else 0)
    if versions >= p.min_commits or len(lfs) >= p.min_commits:
        if versions >= len(lfs):
            return base.passed(
                f"{versions} versions of the DVC-tracked data: its first, and "
                f"{versions - 1} commit(s) that changed a data output's hash",
                evidence,
            )
        return base.passed(f"{len(lfs)} commits changed LFS-tracked data", evidence)
    if first and not updates and not lfs:
        return base.failed(
            "the DVC-tracked data has one version: no commit changed a data output's hash "
            f"after it was first recorded ({words.listing(sorted(first))})",
            [ev(path) for path in sorted(first)[:6]],
        )
    parts = [f"{versions} version(s) of the DVC-tracked data"] if first else []
    if lfs_since:
        parts.append(
            f"{len(lfs)} {'commit' if len(lfs) == 1 else 'commits'} changed LFS-tracked data"
        )
    if not parts:
        return base.failed("no data versioned with DVC or Git LFS", evidence)
    return base.failed(f"{'; '.join(parts)}, {p.min_commits} needed", evidence)


def _data_hashes(path: str, content: bytes, excluded: set[str]) -> dict[str, str]:
    """Data output → content hash, in one version of a `*.dvc` pointer or a `dvc.lock`:
    model outputs and the metrics and plots files (`excluded`) left out."""
    docs = parse_yaml(content.decode("utf-8", "replace")).documents
    doc = docs[0] if docs else None
    found: dict[str, str] = {}
    if not isinstance(doc, dict):
        return found
    nodes: list[tuple[str | None, Any]]
    if path.rsplit("/", 1)[-1] == "dvc.lock":
        stages = doc.get("stages") if "schema" in doc else doc
        nodes = (
            [(str(name), stage) for name, stage in stages.items()]
            if isinstance(stages, dict)
            else []
        )
    else:
        nodes = [(None, doc)]
    for stage, node in nodes:
        outs = node.get("outs") if isinstance(node, dict) else None
        for out in outs if isinstance(outs, list) else []:
            if not isinstance(out, dict):
                continue
            out_path = str(out.get("path", ""))
            digest = next((str(out[k]) for k in mf.HASH_KEYS if out.get(k)), None)
            if digest is None or out_path in excluded:
                continue
            if mf.DvcOut(path, None, out_path, True, stage).kind == "model":
                continue
            found[out_path] = digest
    return found


def _dvc_data_updates(
    snap: Snapshot, pointers: list[str]
) -> tuple[list[tuple[str, str]], set[str]]:
    """([(commit, file)] whose commit changed a data output's recorded hash, newest first;
    the files that record a data output at all)."""
    if not pointers:
        return [], set()
    versions = snap.file_versions(pointers).versions
    updates: list[tuple[str, str]] = []
    first: set[str] = set()
    for path in pointers:
        # a dvc.lock records the metrics and plots files, and what git keeps, among the outputs
        excluded = (
            set.union(*mf.declared_outputs(snap, path)) if path.endswith("dvc.lock") else set()
        )
        known: dict[str, str] = {}
        for commit, content in versions.get(path, []):
            if content is None:  # deleted here: what comes back later starts anew
                known = {}
                continue
            hashes = _data_hashes(path, content, excluded)
            if hashes:
                first.add(path)
            if any(out in known and known[out] != digest for out, digest in hashes.items()):
                updates.append((commit, path))
            known.update(hashes)
    updates.reverse()
    return updates, first


# data-unversioned (anti) ---------------------------------------------------------------------
BIG_DATA_EXTENSIONS = (
    "csv",
    "tsv",
    "parquet",
    "feather",
    "arrow",
    "jsonl",
    "ndjson",
    "json",
    "xlsx",
    "xls",
    "avro",
    "orc",
    "tfrecord",
    "tfrecords",
    "npy",
    "npz",
    "hdf5",
    "sqlite",
    "db",
)
# a data file format ignored wherever it is (`*.csv`), or inside a data folder at any depth
# (`/remote_flow/data/*.csv`: you-dont-need-a-bigger-boat .gitignore:134)
_DATA_FORMAT_GLOB = re.compile(r"^(?:\*\*/)?\*\.(csv|tsv|parquet|feather|arrow|avro|orc)$", re.I)
_DATA_FOLDERS = frozenset({"data", "dataset", "datasets"})


# `/data/ # raw data` ignores a path named "data/ # raw data": git reads `#` as a comment only
# at the start of a line (MohamedDiar/azure-mlops-fraud-detection .gitignore:150-153, whose
# `*.pkl # …` line left model.pkl committed; reviewed)
_INLINE_COMMENT = re.compile(r"\s#")


def _ignores_data(pattern: str) -> bool:
    """Does a .gitignore line keep data out of git (a data folder, or a data format)?"""
    if not pattern or pattern.startswith(("#", "!")):
        return False
    if _INLINE_COMMENT.search(pattern):
        return False  # git has no inline comments: the line is one literal pattern
    if _DATA_FORMAT_GLOB.match(pattern):
        return True
    return any(part in _DATA_FOLDERS for part in pattern.split("/"))  # data/, /x/data/*.csv …


def _data_candidate(path: str) -> bool:
    """A data file by its format, or any file in a data folder (code and docs aside)."""
    ext = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    in_data_dir = any(part in mf.DATA_DIRS for part in path.split("/")[:-1])
    if ext not in BIG_DATA_EXTENSIONS and not in_data_dir:
        return False
    return ext not in ("py", "md", "ipynb", "dvc", "gitignore") and not base.is_excluded(path)


class DataUnversionedParams(Params):
    max_mib: float = Field(default=10, gt=0)


@probe("data_unversioned", DataUnversionedParams)
def data_unversioned(snap: Snapshot, p: DataUnversionedParams) -> Observation:
    """Anti-signal: big data files committed straight into git.

    Fails when a tracked data file (CSV, Parquet, JSONL, NumPy, HDF5 … or any file under
    `data/`) is larger than `max_mib` MiB and not a Git LFS pointer (mllint
    `git-no-big-files`). Partial when `.gitignore` keeps data out of git (a data folder at
    any depth, or a data format such as `*.csv`) and no versioning tool (DVC,
    LFS, DataLad, lakeFS) covers it: the data may be pinned elsewhere, but nothing here
    says which version trained the model (not where the repository has no data of its own:
    probe handles_data). Unknown when no file is over the size but a
    candidate's size cannot be read (listed by git, its blob missing from a partial clone or
    the file deleted from the work tree).
    Why: git is not built for large binaries; history bloats and the data still has no
    usable versions.
    Fix: `git rm --cached` the file, `dvc add` it (or `git lfs track`) and push to a remote.
    """
    limit = int(p.max_mib * MIB)
    big: list[Evidence] = []
    unsized: list[str] = []  # listed by git, unreadable: may be over the limit, or not
    candidates = snap.tree_memo(  # the paths alone decide it
        ("data_unversioned.candidates",),
        lambda: [path for path in base.select_files(snap, ["*"]) if _data_candidate(path)],
    )
    for path in candidates:
        if snap.kind(path) == "symlink":
            continue  # its blob is the path it points to: a few bytes in git
        size = snap.size(path)
        if size is None:
            unsized.append(path)
        elif size > limit and not mf.is_lfs_pointer(snap, path):
            big.append(ev(path, note=f"{size / MIB:.1f} MiB committed to git"))
    if big:
        return base.failed(f"{len(big)} data file(s) over {p.max_mib:g} MiB in git", big)
    unsized += [m for m in snap.missing_files if _data_candidate(m)]
    if unsized:
        return base.unknown(
            f"the size of {words.listing(unsized)} cannot be read: listed by git, but missing "
            "from the work tree or the clone",
            [ev(path, note="size unknown") for path in unsized],
        )
    versioned, _near = data_vcs_evidence(snap)
    ignored: list[Evidence] = []
    for path in snap.glob(".gitignore"):
        folder = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
        for number, line in enumerate(snap.lines(path), start=1):
            if _ignores_data(line.strip()) or (folder and line.strip() in ("*", "/*")):
                if folder and not any(d in folder.split("/") for d in mf.DATA_DIRS):
                    continue
                ignored.append(ev(path, number, line.strip()))
    if ignored and not versioned and _handles_data(snap):
        return base.partial("data is git-ignored and no versioning tool tracks it", ignored)
    return base.passed("no large data files committed to git")


def _handles_data(snap: Snapshot) -> bool:
    """Whether the repository has data of its own (probe handles_data, undecided counted as
    yes): a .gitignore template's `data`/`*.csv` lines in a repository that trains nothing
    and reads no dataset keep nothing out of git (aimhubio/aim .gitignore:117, fuzzylabs/
    matcha .gitignore:2; reviewed)."""
    from mlaudit.probes.training import handles_data
    from mlaudit.results import Outcome

    return handles_data(snap, NoParams()).outcome != Outcome.FAIL


# model-pinned-in-serving ---------------------------------------------------------------------
# a name and a version that could be real: not a docstring's `models:/<name>/<version>` nor a
# regex parsing such URIs (feast-dev/feast sdk/python/feast/mlflow_integration/client.py:308-309,
# reviewed)
_URI_PART = r"[\w.-]+"
_MODEL_URI = re.compile(rf"models:/({_URI_PART})(?:/({_URI_PART})|@([\w-]+))(?![^\s'\"/,;)\]}}])")
# ... built by an f-string: `f"models:/{name}@{alias}"` loads an alias, whatever its value
# (MLflow reserves `latest` as an alias name: an alias is always one promoted version)
# (davesamer/ml-ops-test-project code/build_docker_image.py:14; reviewed). A version or stage
# from a variable (`models:/{name}/{stage}`) may be `latest`: not decided.
_MODEL_URI_TEMPLATE = re.compile(
    rf"models:/(?:{_URI_PART}|\{{\}})(?:/({_URI_PART})|@(\{{\}}|[\w-]+))(?![\w.{{-])"
)
_RUN_URI = re.compile(r"runs:/[0-9a-f]{32}/")
_RELEASE_ASSET = re.compile(
    r"releases/download/(v?\d[\w.-]*)/"
    r"([^\s'\"]+\.(onnx|pt|pth|pkl|h5|joblib|safetensors|tflite|bin)\b|$)"
)
_MANIFEST_VERSION = re.compile(
    r"\bMODEL_(VERSION|URI|TAG|ALIAS)\b['\"]?\s*[:=]\s*['\"]?([^\s'\"#]+)"
)
# an Azure ML deployment's model: `azureml:<name>:<version>`, or a label (`@latest`)
# (coderkol95/MLOps_stock_prediction jobs/deploy.yml:4 `model: azureml:GA_model:20`; reviewed)
_AZUREML_MODEL = re.compile(r"^\s*model:\s*['\"]?azureml:([\w.-]+)(?::([\w.-]+)|@([\w-]+))")
_FLOATING_CALLS = (
    "*.get_latest_versions",
    "*.get_latest_release",
    "*.get_latest_version",
)


def _classify_version(version: str) -> str:
    if version.lower() in ("latest", "none", ""):
        return "floating"
    return "pinned"


_PINNED_MODELS = derivation_key("model_pinned_in_serving")


def _registry_version(bound: str, call: Call) -> str | None:
    """The literal version a Hopsworks registry client loads (`mr.get_model("iris",
    version=1)`, featurestoreorg/serverless-ml-course src/04-module/app.py:14), or None: no
    version, or one computed at run time."""
    if not name_matches(bound, "*get_model_registry().get_model"):
        return None
    return integer_argument(call, "version", 1)


# a Hub revision that names one state of the model: a commit, or a release version. A branch
# moves (`revision="fp16"`, the Hub's half-precision branch of a Stable Diffusion model:
# IDEA-Research/GroundingDINO demo/image_editing_with_groundingdino_gligen.ipynb; reviewed)
_PINNED_REVISION = re.compile(r"""^['"](?:[0-9a-f]{7,40}|v?\d+(?:\.\d+)+\w*)['"]$""")


def _pinning_revision(revision: str | None) -> bool:
    return revision is not None and bool(_PINNED_REVISION.match(revision))


_HUB_DOWNLOADS = ("huggingface_hub.hf_hub_download", "huggingface_hub.snapshot_download")


def _revision_given(facts: PythonFacts, call: Call) -> str | None:
    """The literal revision a Hub download gets: written there, a module-level constant of
    the file, or what every call of the enclosing function in the file passes for its
    parameter (`load_pipeline_from_huggingface(…, revision=PIPELINE_VERSION_TAG)`,
    `PIPELINE_VERSION_TAG = "v1.0"`: JensBender/loan-default-prediction backend/app.py:184,
    207-211; reviewed). Calls that disagree, or one that passes no literal, decide nothing."""
    literal = call.kwarg("revision")
    if literal not in (None, "<expr>"):
        return literal
    name = call.name_arg("revision")
    if name is None:
        return None
    defs = [(fn, first, last) for fn, first, last, kind in facts.spans if kind == "def"]

    def module_constant(target: str | None) -> str | None:
        values = {
            a.value
            for a in facts.assignments
            if a.target == target and not any(first <= a.line <= last for _, first, last in defs)
        }
        value = values.pop() if len(values) == 1 else None
        return value if value != "<expr>" else None

    if (constant := module_constant(name)) is not None:
        return constant
    enclosing = [fn for fn, first, last in defs if first <= call.line <= last]
    if not enclosing or "." in enclosing[-1]:
        return None  # a method's callers cannot be told apart by name
    passed = set()
    for caller in facts.calls:
        if caller.name != enclosing[-1]:
            continue
        value = caller.kwarg(name)
        passed.add(
            value if value not in (None, "<expr>") else module_constant(caller.name_arg(name))
        )
    return passed.pop() if len(passed) == 1 else None


_LOADS_MODEL = re.compile(r"(?:^|\.)(?:load_model|download_artifacts|download_model)$")


@probe("model_pinned_in_serving", NoParams)
def model_pinned_in_serving(snap: Snapshot, p: NoParams) -> Observation:
    """Serving loads an explicit model version, never "whatever is latest".

    Looks for: registry URIs `models:/name/<version>`, `models:/name@<alias>` or a stage,
    immutable `runs:/<run-id>/` URIs, `from_pretrained(..., revision=…)`, a Hopsworks
    registry's `get_model(name, version=N)`,
    `dvc.api.*(rev=…)`, a Databricks serving endpoint's `entity_version`, a CloudFormation
    SageMaker model whose `ModelDataUrl` holds the training job's id (one run's output) or
    that names a model package, a pinned GitHub release asset (partial), or `MODEL_VERSION` /
    `MODEL_URI` set in manifests and env files; a shipped image that `dvc pull`s a committed
    DVC pointer (partial: pinned by hash). A floating `latest` (URI, manifest value,
    or `get_latest_versions`/`get_latest_release` calls) fails.
    Why: a serving stack that picks up the newest model silently deploys untested models
    and cannot roll back (MTS Infra 6–7).
    Fix: load `models:/<name>@champion` (or a version number) and promote by moving the
    alias; set `MODEL_VERSION` in the deployment manifest.
    """

    def scan_file(path: str, facts: PythonFacts, buckets: tuple[list[Evidence], ...]) -> None:
        pinned, weak, floating = buckets
        for text, line in facts.strings:
            if any(first <= line <= last for first, last in facts.prose):
                # a docstring's example loads nothing: `"models:/churn/3" (specific
                # version)` beside a default of `models:/churn/latest` (hzabun/player-
                # churn-mlops src/predict.py:11-19; reviewed)
                continue
            where, note = base.notebook_line_note(snap, path, line)
            for m in _MODEL_URI.finditer(text):
                version = m.group(3) or m.group(2) or ""
                target = pinned if _classify_version(version) == "pinned" else floating
                target.append(ev(path, where, m.group(0), note))
            if _RUN_URI.search(text):
                pinned.append(ev(path, where, text[:120], note or "immutable run URI"))
            asset = _RELEASE_ASSET.search(text)
            if asset:
                weak.append(ev(path, where, asset.group(0), "release asset pinned by tag"))
        for template, line in facts.templates:
            for m in _MODEL_URI_TEMPLATE.finditer(template):
                where, note = base.notebook_line_note(snap, path, line)
                alias, version = m.group(2), m.group(1)
                pinning = alias is not None or _classify_version(version) == "pinned"
                (pinned if pinning else floating).append(ev(path, where, m.group(0), note))
        for call, name in bound_call_names(facts):
            if name != call.name:  # a method on a client bound earlier (see _registry_version)
                version = _registry_version(name, call)
                if version is not None:
                    cline, note = base.notebook_line_note(snap, path, call.line)
                    pinned.append(ev(path, cline, f"{call.name}(version={version})", note))
                continue
            cline, note = base.notebook_line_note(snap, path, call.line)
            if call.name.endswith("from_pretrained") and _pinning_revision(call.kwarg("revision")):
                pinned.append(ev(path, cline, f"{call.name}(revision={call.kwarg('revision')})"))
            elif name_matches_any(call.name, _HUB_DOWNLOADS) and _pinning_revision(
                _revision_given(facts, call)
            ):
                shown = f"{call.name}(revision={_revision_given(facts, call)})"
                pinned.append(ev(path, cline, shown, note))
            elif name_matches(call.name, "dvc.api.*") and call.kwarg("rev") not in (
                None,
                "None",
            ):
                pinned.append(ev(path, cline, f"{call.name}(rev={call.kwarg('rev')})", note))
            elif name_matches(call.name, "*.get_latest_versions") and (
                call.kwarg("stages") not in (None, "None", "[]") or len(call.args) > 1
            ):
                # the newest version in a registry stage: promoted into it, as a stage URI
                # names it (surajm20061998/driftAwareMLOPS services/inference/main.py:81
                # `get_latest_versions(name, stages=[stage])`, Production; reviewed) — where
                # the file loads a model: a promotion script looks the version up to move it
                # (zvarrog/sentiment-mlops-pipeline scripts/model_registry.py:92, then
                # transition_model_version_stage; the API loads a local file; reviewed)
                if any(_LOADS_MODEL.search(c.name) for c in facts.calls):
                    pinned.append(
                        ev(path, cline, f"{call.name}(stages=…)", "the version of a stage")
                    )
            elif name_matches_any(call.name, tuple(_FLOATING_CALLS)):
                floating.append(ev(path, cline, f"{call.name}(…)", "resolves the latest model"))
            elif name_matches_any(call.name, _DATABRICKS_SERVED) and (
                call.kwarg("entity_version") or call.kwarg("model_version")
            ):
                # a Databricks serving endpoint serves the registry version it names: there
                # is no "latest" (marvelousmlops/marvel-characters serving/model_serving.py:47)
                pinned.append(ev(path, cline, f"{call.name}(entity_version=…)", note))

    pinned, weak, floating = base.per_file_evidence(snap, _PINNED_MODELS, _code(snap), scan_file, 3)
    if not pinned:
        from mlaudit.probes.code_roles import serving_alias_lookups

        pinned = list(serving_alias_lookups(snap))
    manifests = base.select_files(
        snap, ["*.yaml", "*.yml", "*.env", ".env.*", "*.env.example", "Dockerfile*", "*.tfvars"]
    )
    for path, line, text in snap.grep(manifests, _MANIFEST_VERSION):
        found = _MANIFEST_VERSION.search(text)
        if text.lstrip().startswith("#") or found is None:
            continue
        value = found.group(2)
        if value.startswith("$") or value.startswith("{{"):
            continue
        uri = _MODEL_URI.search(value)
        version = (uri.group(3) or uri.group(2) or "") if uri else value
        target = pinned if _classify_version(version) == "pinned" else floating
        target.append(ev(path, line, text))
    yamls = [m for m in manifests if m.endswith((".yaml", ".yml"))]
    for path, line, text in snap.grep(yamls, _AZUREML_MODEL):
        found = _AZUREML_MODEL.search(text)
        if found is None:
            continue
        version = found.group(2) or found.group(3) or ""
        target = pinned if _classify_version(version) == "pinned" else floating
        target.append(ev(path, line, text.strip(), "an Azure ML model version"))
    weak += _dvc_pinned_images(snap)
    pinned += _per_run_model_data(snap)
    pinned += _run_artifact_uris(snap)
    for config, at, version in _stage_configs(snap):
        target = pinned if _classify_version(version) == "pinned" else floating
        target.append(ev(config, at, f"model.version: {version}", "the model version of a stage"))
    if pinned and not floating:
        return base.passed("serving loads an explicit model version", pinned + weak)
    if pinned or (weak and not floating):
        return base.partial(
            "a model version is pinned somewhere, but not everywhere",
            floating + pinned + weak,
        )
    if floating:
        return base.failed("serving loads a floating `latest` model", floating + weak)
    return base.failed("no explicit model version is loaded by serving code or manifests")


_DATABRICKS_SERVED = (
    "databricks.sdk.service.serving.ServedEntityInput",
    "databricks.sdk.service.serving.ServedModelInput",
)
# a SageMaker model whose artefact path holds the training job's (or run's) id: each deploy
# serves one run's output, immutable (aws-samples/amazon-sagemaker-safe-deployment-pipeline
# assets/deploy-model-prd.yml:87 `…/${ModelName}-${TrainJobId}/output/model.tar.gz`, reviewed)
_PER_RUN_PART = re.compile(r"\$\{[^}]*(?:job|run|execution|commit|sha|version)[^}]*\}", re.I)


# a serving platform pointed at one MLflow run's artifacts: `…/<experiment>/<run id>/artifacts/`,
# immutable (kuanchoulai10/data2ml-ops kserve/inference-service-rest-v2.yaml:14; reviewed)
_RUN_ARTIFACTS = re.compile(r"'(?:storageUri|modelUri)': '[^']*/[0-9a-f]{32}/artifacts(?:/|')")


def _run_artifact_uris(snap: Snapshot) -> list[Evidence]:
    """KServe InferenceServices and SeldonDeployments that serve one run's artifacts."""
    from mlaudit.probes.kubernetes import k8s_objects, obj_ev

    return [
        obj_ev(obj, text=f"{obj.kind}/{obj.name}: one MLflow run's artifacts")
        for obj in k8s_objects(snap, ("InferenceService", "SeldonDeployment"))[0]
        if _RUN_ARTIFACTS.search(str(obj.doc))
    ]


def _per_run_model_data(snap: Snapshot) -> list[Evidence]:
    """CloudFormation SageMaker models served from one run's artefact, or from a registered
    model package (a registry version)."""
    found = []
    for model in cfn_resources(snap, "AWS::SageMaker::Model"):
        for key in ("PrimaryContainer.ModelDataUrl", "Containers.*.ModelDataUrl"):
            for value, _parent, line in walk_key(model.properties, key.split(".")):
                if isinstance(value, str) and _PER_RUN_PART.search(value):
                    found.append(ev(model.path, line or model.line, f"ModelDataUrl: {value}"[:120]))
        for key in ("PrimaryContainer.ModelPackageName", "Containers.*.ModelPackageName"):
            for value, _parent, line in walk_key(model.properties, key.split(".")):
                if value:
                    text = f"ModelPackageName: {value}"[:120]
                    found.append(ev(model.path, line or model.line, text, "a registry version"))
    return found


# a pipeline config of inference or deployment that names the model version to run
# (zenml-io/zenml-projects zencoder/configs/deployment_a100.yaml:9 `version: production`,
# a ZenML model stage, as an MLflow alias)
_SERVING_CONFIG = re.compile(r"(?:^|/)[^/]*(?:inferenc|deploy|serv|predict)[^/]*\.ya?ml$", re.I)


def _stage_configs(snap: Snapshot) -> list[tuple[str, int | None, str]]:
    """(path, line, version) of `model: {version: …}` in inference/deployment configs."""
    found: list[tuple[str, int | None, str]] = []
    for path in base.select_files(snap, ["*.yaml", "*.yml"]):
        if not _SERVING_CONFIG.search(path):
            continue
        for doc in snap.yaml_docs(path):
            for value, _parent, line in walk_key(doc, ["model", "version"]):
                if isinstance(value, (str, int)) and not isinstance(value, bool):
                    found.append((path, line, str(value)))
    return found


_DVC_PULL = re.compile(r"\bdvc\s+pull\b")


def _dvc_pinned_images(snap: Snapshot) -> list[Evidence]:
    """Shipped images that `dvc pull` their model: the version is the hash a committed DVC
    pointer (`.dvc` file or `dvc.lock`) records — pinned by git, though not a registry
    version (graviraja/MLOps-Basics week_9_monitoring/Dockerfile:27)."""
    if not snap.glob("*.dvc", "dvc.lock"):
        return []
    return base.shipped_runs(snap, _DVC_PULL, "model pinned by the hash of a committed DVC pointer")


# model published as a release asset -----------------------------------------------------------
_MODEL_ASSET = re.compile(
    r"(?:github\.com/([\w.-]+/[\w.-]+)/)?releases/download/([^/\s'\"]+)/"
    # .pb/.pbmm: TensorFlow frozen graphs (mozilla/DeepSpeech deepspeech-0.9.3-models.pbmm)
    r"[^\s'\"]*(?:\.(?:onnx|pt|pth|pkl|h5|joblib|safetensors|tflite|ckpt|pb|pbmm)\b"
    r"|\{\w*(?:model|MODEL)\w*\})"
)


@probe("release_asset_models", NoParams)
def release_asset_models(snap: Snapshot, p: NoParams) -> Observation:
    """Model binaries are published as assets of this repository's own releases.

    Looks for: code, configs, scripts or Dockerfiles that download a model file from a
    GitHub release (`…/releases/download/<tag>/model.onnx`) whose tag is a tag of this
    repository. A URL to another repository's release asset (a tag this repository does
    not have) is someone else's model publication, not this project's. A git fact:
    `unknown` without the tags.
    Why: release assets give a model a version tied to a tag (a registry without a server).
    Fix: attach the trained model to a tagged release (`gh release create v1.0 model.onnx`).
    """
    files = base.select_files(
        snap, ["*.py", "*.yaml", "*.yml", "*.sh", "Dockerfile*"], scope="non_tests"
    )
    hits = [
        (path, line, text, m)
        for path, line, text in snap.grep(files, _MODEL_ASSET)
        for m in [_MODEL_ASSET.search(text)]
        if m is not None and not text.lstrip().startswith("#")
    ]
    if not hits:
        return base.failed("no model downloaded from a release asset")
    history = snap.history
    if not history.available:
        evidence = [ev(path, line, m.group(0)) for path, line, _t, m in hits[:4]]
        return base.unknown(
            "models come from release assets, but whose releases they are needs the git tags",
            evidence,
        )
    own = set(history.tags)
    mine = [
        ev(path, line, m.group(0), f"tag {m.group(2)}")
        for path, line, _t, m in hits
        if m.group(2) in own
    ]
    if mine:
        return base.passed("models published as this repository's release assets", mine)
    others = [
        ev(path, line, m.group(0), f"{m.group(1) or 'another repository'}: not a tag here")
        for path, line, _t, m in hits[:4]
    ]
    return base.failed("model release assets belong to another repository's releases", others)


# pr-workflow ---------------------------------------------------------------------------------
_PR_SUBJECT = re.compile(
    r"^Merge pull request #\d+|\(#\d+\)\s*$|^Merge branch '[^']+' into '[^']+'$|"
    r"See merge request|^Merged PR \d+"
)

# a dependency bot's pull request is no human change reviewed: its branch, or its title
# (jeremyjordan/ml-monitoring "Merge pull request #4 from jeremyjordan/dependabot/pip/…",
# reviewed)
_BOT_PR = re.compile(
    r"\bfrom \S+/(?:dependabot|renovate|pre-commit-ci|snyk-|greenkeeper|pyup-)"
    r"|^(?:build\(deps[\w-]*\):\s*)?[Bb]ump \S+ from \S+ to \S+|^\[pre-commit\.ci\]"
)


@lru_cache(maxsize=65_536)  # each commit's subject is asked again at every history point
def _human_pr(subject: str) -> bool:
    return bool(_PR_SUBJECT.search(subject)) and not _BOT_PR.search(subject)


class PrWorkflowParams(Params):
    min_prs: int = Field(default=3, ge=1)
    min_authors: int = Field(default=2, ge=1)
    # of the recent main-line changes, the share that came through a pull request; below it
    # review is the exception (karpathy/minGPT: 15 of 69, the rest pushed to master)
    min_share: float = Field(default=0.25, ge=0, le=1)
    window: int = Field(default=100, ge=10, description="recent first-parent commits weighed")
    min_line: int = Field(default=20, ge=1, description="fewer main-line commits: no share")


def _main_line(commits: list[Commit], window: int) -> list[Commit]:
    """The first-parent chain from the tip (the log's first commit: `git log <rev>` starts
    there), newest first, at most `window` commits: the changes as they landed on the
    branch (a merged branch's own commits are not its)."""
    by_sha = {c.sha: c for c in commits}
    current: Commit | None = commits[0] if commits else None
    line: list[Commit] = []
    while current is not None and len(line) < window:
        line.append(current)
        current = by_sha.get(current.parents[0]) if current.parents else None
    return line


@probe("pr_workflow", PrWorkflowParams)
def pr_workflow(snap: Snapshot, p: PrWorkflowParams) -> Observation:
    """Changes land through reviewed pull/merge requests.

    Looks for: merge-commit subjects (`Merge pull request #N`, squash merges `… (#N)`,
    GitLab `Merge branch 'x' into 'main'`, Azure `Merged PR N`) in the git history, by more
    than one author, or a `CODEOWNERS` file. A dependency bot's pull requests (Dependabot,
    Renovate, pre-commit.ci: their branch or `Bump x from 1 to 2` title) are no reviewed
    human change and count neither way. A solo repository's self-merged PRs are
    partial: nobody reviewed them; so is a repository where fewer than a quarter of the last
    100 main-line (first-parent) changes came through a pull request. A git fact: `unknown`
    in a shallow clone.
    Why: review is where data, model and code changes get a second pair of eyes (mm#38,
    SE-ML "peer review").
    Fix: protect the main branch, merge through pull requests, add `CODEOWNERS`.
    """
    owners = [
        ev(x)
        for x in snap.glob(
            "CODEOWNERS", ".github/CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"
        )
    ]
    history = snap.history
    if not history.available:
        return base.unknown(history.reason or "git history unavailable", owners)
    prs = [c for c in history.commits if _human_pr(c.subject)]
    authors = history.authors
    evidence = owners + [ev(".git", note=f"commit {c.sha[:10]}: {c.subject[:80]}") for c in prs[:5]]
    message = f"{len(prs)} pull-request merge(s), {len(authors)} author(s)"
    if (len(prs) >= p.min_prs and len(authors) >= p.min_authors) or (owners and prs):
        line = _main_line(history.commits, p.window)
        line = [c for c in line if not _BOT_PR.search(c.subject)]  # the people's changes
        landed = sum(1 for c in line if len(c.parents) > 1 or _PR_SUBJECT.search(c.subject))
        if len(line) >= p.min_line and landed < p.min_share * len(line):
            # rebase merges leave no mark: a repository merging that way reads as direct pushes
            direct = len(line) - landed
            return base.partial(
                f"{message}, but {direct} of the last {len(line)} changes on the main line "
                "were pushed without a pull request",
                evidence,
            )
        return base.passed(message, evidence)
    if prs or owners:
        if len(authors) < p.min_authors and prs:
            message += " (a solo repository: nobody else reviewed)"
        return base.partial(message, evidence)
    return base.failed(message)
