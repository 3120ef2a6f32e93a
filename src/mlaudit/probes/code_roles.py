"""Which Python modules train a model, which serve it, and which local modules each imports.

One shared classification for the coupling and fault-tolerance probes (no probe lives here):
- **serving** modules import a serving framework (probes.profile.SERVING_MODULES: FastAPI,
  Flask, BentoML, Ray Serve, …), or are a managed platform's scoring script (Azure ML,
  SageMaker: probes._managed) or a serverless function's handler behind an HTTP API (SAM,
  Serverless Framework: probes._functions);
- **training** modules call a training API: `.fit(…)` on a model (not on a preprocessor,
  scaler, encoder, vectorizer or tokenizer), `loss.backward()`, `optimizer.step()`,
  `xgboost.train`, `lightgbm.train`, a `Trainer`/`TorchTrainer` …;
- **local imports** resolve `import x.y` / `from .z import w` to files of the repository, so
  "serving imports training" and "training and serving share a transform module" can be
  asked transitively.

Only production `.py` files count (tests, notebooks and the ex-rule folders are left out).
Computed once per Snapshot (cached in the Snapshot's view cache).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from mlaudit.probes import base
from mlaudit.probes._functions import platform_entry_points
from mlaudit.probes.base import ev
from mlaudit.probes.generic import name_matches_any
from mlaudit.probes.profile import serving_import
from mlaudit.repo.parsers.python_src import PythonFacts
from mlaudit.repo.snapshot import Snapshot, derivation_key
from mlaudit.results import Evidence

TRAINING_CALLS: tuple[str, ...] = (
    "*.fit",
    "*.fit_generator",
    "*.train_on_batch",
    "*.backward",
    "*optim*.step",
    "*optimizer*.step",
    "xgboost.train",
    "lightgbm.train",
    "*trainer.train",
    "*Trainer.train",
    "*Trainer",
    "*.Trainer",
    "*TorchTrainer",
    "*Tuner",
    "*tuner.fit",
)
# `.fit` on these receivers fits a transform, not a model.
NOT_MODEL_RECEIVERS: tuple[str, ...] = (
    "preprocess",
    "scaler",
    "encoder",
    "vectori",
    "tokeni",
    "imputer",
    "transformer",
    "pca",
    "normaliz",
    "featur",
    "pipeline_pre",
    "label",
)
# Python runs every module an import chain reaches; the bound only stops a chain of guessed
# edges (suffix-resolved imports) from running on. 6 stopped a real chain: CD4ML-Scenarios'
# app.py reaches train.py through 7 imports (webapp/model_cache → problems → … → ml_model)
MAX_DEPTH = 10


def is_training_call(name: str) -> bool:
    if not name_matches_any(name, tuple(TRAINING_CALLS)):
        return False
    if name.endswith(".fit"):
        receiver = name[: -len(".fit")].rsplit(".", 1)[-1].lower()
        if any(word in receiver for word in NOT_MODEL_RECEIVERS):
            return False
    return True


@dataclass
class CodeRoles:
    serving: dict[str, Evidence] = field(default_factory=dict)  # path → why it serves
    training: dict[str, Evidence] = field(default_factory=dict)  # path → why it trains
    imports: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # path → local

    def reach(self, start: str) -> dict[str, tuple[str, int]]:
        """Local modules reachable from `start` through imports: path → (importer, line)
        of the first edge that reaches it (breadth first, bounded depth)."""
        out: dict[str, tuple[str, int]] = {}
        queue: deque[tuple[str, int]] = deque([(start, 0)])
        while queue:
            current, depth = queue.popleft()
            if depth >= MAX_DEPTH:
                continue
            for target, line in self.imports.get(current, []):
                if target == start or target in out:
                    continue
                out[target] = (current, line)
                queue.append((target, depth + 1))
        return out

    def reach_all(self, starts: list[str]) -> dict[str, tuple[str, int]]:
        out: dict[str, tuple[str, int]] = {}
        for start in sorted(starts):
            for target, edge in self.reach(start).items():
                out.setdefault(target, edge)
        return out


def production_python(snap: Snapshot) -> list[str]:
    return base.python_sources(snap, ("*.py",), scope="non_tests")


def _module_index(paths: list[str]) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for path in paths:
        parts = path[:-3].split("/")
        if parts[-1] == "__init__":
            parts = parts[:-1]
        for i in range(len(parts)):
            index.setdefault(".".join(parts[i:]), []).append(path)
    return index


def _provided(module: str, index: dict[str, list[str]]) -> bool:
    """Does any path of the tree provide the absolute `module` or a package above it? If
    not, _resolve finds nothing for it whoever imports it."""
    parts = module.split(".")
    return any(".".join(parts[:i]) in index for i in range(len(parts), 0, -1))


def resolve_relative(importer: str, module: str, files: AbstractSet[str]) -> str | None:
    """The file a relative import (`from ..config import X`) of `importer` names."""
    return _resolve(importer, module, {}, files) if module.startswith(".") else None


def _resolve(
    importer: str, module: str, index: dict[str, list[str]], files: AbstractSet[str]
) -> str | None:
    if module.startswith("."):
        level = len(module) - len(module.lstrip("."))
        rest = module[level:]
        base_parts = importer.split("/")[:-1]
        if level > 1:
            base_parts = base_parts[: len(base_parts) - (level - 1)]
        parts = base_parts + (rest.split(".") if rest else [])
        while parts:
            stem = "/".join(parts)
            for candidate in (stem + ".py", stem + "/__init__.py"):
                if candidate in files and candidate != importer:
                    return candidate
            parts = parts[:-1]
        return None
    parts = module.split(".")
    here = importer.rsplit("/", 1)[0] if "/" in importer else ""
    if parts[0] == importer.rsplit("/", 1)[-1].removesuffix(".py"):
        # a module named after the package it wraps imports that package, not a namesake
        # elsewhere in the tree (takenking9879/MLOPS-project-Distributed-ML-with-KubeRay
        # k3s/kuberay/serving/modules/xgboost.py:4 `import xgboost as xgb`, resolved to the
        # training module k3s/kuberay/modules/xgboost.py; reviewed)
        return None
    while parts:
        hits = [h for h in index.get(".".join(parts), []) if h != importer]
        if here and hits:
            # the importer's own folder comes first on the path of a script run from it
            # (`from modules.xgboost import load` beside serving/modules/; reviewed)
            stem = here + "/" + "/".join(parts)
            beside = [h for h in hits if h in (stem + ".py", stem + "/__init__.py")]
            if beside:
                return beside[0]
        if hits:
            same_dir = [h for h in hits if h.rsplit("/", 1)[0] == here or "/" not in h]
            return sorted(same_dir or hits, key=lambda h: (h.count("/"), h))[0]
        parts = parts[:-1]
    return None


# a registry lookup of the version an alias names (or a stage's newest): the model served is
# that version's, whatever function then loads its artifacts (mahadamir19/ids-mlops-pipeline
# src/sentinelml/lifecycle/registry.py:92, reached from serving/model_manager.py:173; reviewed)
ALIAS_LOOKUPS = ("*.get_model_version_by_alias",)


def serving_alias_lookups(snap: Snapshot) -> tuple[Evidence, ...]:
    """Registry alias lookups in the serving code or a module it imports, at any depth."""
    from mlaudit.probes.generic import name_matches_any

    def build() -> tuple[Evidence, ...]:
        roles = code_roles(snap)
        starts = sorted(roles.serving)
        found = []
        for path in sorted({*starts, *roles.reach_all(starts)}):
            facts = snap.python(path)
            for call in facts.calls if facts else ():
                if name_matches_any(call.name, ALIAS_LOOKUPS):
                    found.append(ev(path, call.line, f"{call.name}(…)", "the alias's version"))
        return tuple(found)  # shared by several checks: never to be extended in place

    result: tuple[Evidence, ...] = snap._cached("serving_alias_lookups", "", build)
    return result


def code_roles(snap: Snapshot) -> CodeRoles:
    return snap._cached("code_roles", "", lambda: _compute(snap))


def _compute(snap: Snapshot) -> CodeRoles:
    roles = CodeRoles()
    paths = production_python(snap)
    # where an import leads depends on the list of paths only: answers are shared by every
    # Snapshot of the same paths (history points); the index is built on the first miss
    # (one scan asks each pair once: nothing to keep)
    shared = snap.tree_memo_shared
    resolved: dict[tuple[str, str], str | None] = (
        snap.tree_memo(("code_roles.resolve",), dict) if shared else {}
    )
    # a module no path of the tree provides (numpy, os…) leads nowhere from any importer:
    # one entry per module, not one per (importer, module) pair (171k at 100k files)
    nowhere: set[str] = snap.tree_memo(("code_roles.nowhere",), set)
    # path → (its imports, where they lead): a file whose imports did not change leads where
    # it led at the last Snapshot of the same paths (one scan has none: at 100,000 files
    # this memo held 43,000 entries for nothing)
    led: dict[str, tuple[tuple[tuple[str, int], ...], list[tuple[str, int]]]] | None = (
        snap.tree_memo(("code_roles.led",), dict) if shared else None
    )
    index: dict[str, list[str]] | None = None
    files: set[str] | None = None
    for path, (serving, training, imports) in snap.python_per_file(_ROLES, paths, _file_roles):
        if serving is not None:
            roles.serving[path] = serving
        if training is not None:
            roles.training[path] = training
        last = led.get(path) if led is not None else None
        if last is not None and last[0] == imports:
            roles.imports[path] = list(last[1])
            continue
        if files is None:
            files = set(paths)
        local: dict[str, int] = {}
        for module, line in imports:
            if module in nowhere:
                continue
            key = (path, module)
            if key in resolved:
                target = resolved[key]
            else:
                if index is None:
                    index = _module_index(paths)
                if not module.startswith(".") and not _provided(module, index):
                    nowhere.add(module)
                    continue
                target = resolved[key] = _resolve(path, module, index, files)
            if target is not None and target not in local:
                local[target] = line
        roles.imports[path] = sorted(local.items())
        if led is not None:
            led[path] = (imports, list(roles.imports[path]))
    # a managed platform's scoring script or a serverless function behind an HTTP API serves
    # without importing a serving framework: the platform is the server (probes._managed,
    # probes._functions)
    for script, named in platform_entry_points(snap):
        if script in roles.imports:
            roles.serving.setdefault(script, named)
    return roles


_ROLES = derivation_key("code_roles")


def _file_roles(
    path: str, facts: PythonFacts
) -> tuple[Evidence | None, Evidence | None, tuple[tuple[str, int], ...]]:
    """What ONE file says of its role: the serving import, the training call, its imports."""
    imp = serving_import(facts)
    serving = ev(path, imp.line, f"import {imp.module}") if imp else None
    training = next(
        (ev(path, c.line, f"{c.name}(…)") for c in facts.calls if is_training_call(c.name)),
        None,
    )
    return serving, training, tuple((imp.module, imp.line) for imp in facts.imports)
