"""Probes over dependency manifests and lockfiles."""

from __future__ import annotations

from pydantic import Field

from mlaudit.probes import base
from mlaudit.probes.base import ev
from mlaudit.probes.registry import Params, probe
from mlaudit.repo.snapshot import Snapshot
from mlaudit.results import Evidence, Observation

# Dependency lockfiles. `dvc.lock` is a pipeline lock, not a dependency lock (catalogue
# trap); npm/yarn lockfiles lock JavaScript, not the Python project.
LOCKFILES: tuple[str, ...] = (
    "uv.lock",
    "poetry.lock",
    "Pipfile.lock",
    "pdm.lock",
    "conda-lock.yml",
    "conda-lock.yaml",
    "*.conda-lock.yml",
    "pixi.lock",
    "requirements*.lock",
)
REQUIREMENTS_GLOBS: tuple[str, ...] = (
    "requirements*.txt",
    "requirements/*.txt",
    "*requirements.txt",
)
# conda environment files under their usual names (Azure ML templates call them
# conda_dependencies.yml); conda-lock files are lockfiles, above
CONDA_ENV_GLOBS: tuple[str, ...] = (
    "environment.yml",
    "environment.yaml",
    "environment*.yml",
    "environment*.yaml",
    "conda.yaml",
    "conda.yml",
    "{conda_dependencies,conda_env,conda-env,conda_environment}.{yml,yaml}",
)
MANIFESTS: tuple[str, ...] = (
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "Pipfile",
    *CONDA_ENV_GLOBS,
)


class DepsLockedParams(Params):
    lockfiles: list[str] = Field(default_factory=lambda: list(LOCKFILES))
    requirements: list[str] = Field(default_factory=lambda: list(REQUIREMENTS_GLOBS))


@probe("deps_locked", DepsLockedParams)
def deps_locked(snap: Snapshot, p: DepsLockedParams) -> Observation:
    """Dependencies are locked: a lockfile, or requirements files that pin every package.

    Looks for: uv.lock, poetry.lock, Pipfile.lock, pdm.lock, conda-lock files; otherwise
    every requirement in every requirements*.txt pinned with `==` (or hash-pinned). A
    `dvc.lock` is a pipeline lock, not a dependency lock, and never counts.
    Why: unpinned dependencies make training and serving environments drift apart; the
    same code then gives different models (MTS Infra 1, reproducibility).
    Fix: generate a lockfile (`uv lock`, `poetry lock`, `pip-compile`) and commit it.
    """
    locks = base.select_files(snap, p.lockfiles)
    if locks:
        return base.passed(f"lockfile {locks[0]}", [ev(path) for path in locks])
    req_files = base.select_files(snap, p.requirements)
    if not req_files:
        manifests = base.select_files(snap, MANIFESTS)
        if manifests:
            return base.failed(
                "dependencies declared without a lockfile", [ev(m) for m in manifests]
            )
        return base.failed("no dependency lockfile and no requirements file")
    unpinned: list[Evidence] = []
    pinned: list[Evidence] = []
    unreadable: list[Evidence] = []
    for path in req_files:
        parsed = snap.requirements(path)
        if parsed is None:
            unreadable.append(ev(path, note=snap.problem(path) or "unreadable"))
            continue
        for req in parsed.requirements:
            target = pinned if req.pinned else unpinned
            target.append(ev(path, req.line, req.raw))
        # `pandas>=1.3.*` (mlflow/mlp-regression-template) is no valid specifier, let alone a
        # pin: not counting it would let a file of such lines beside one `==` pass
        unpinned.extend(
            ev(path, number, raw, "not a valid requirement") for raw, number in parsed.invalid
        )
    if unpinned:
        return base.failed(f"{len(unpinned)} requirement(s) not pinned with ==", unpinned)
    if unreadable:
        return base.unknown("a requirements file could not be read", unreadable)
    if not pinned:
        return base.failed("requirements files declare no packages", [ev(r) for r in req_files])
    return base.passed(f"all {len(pinned)} requirements pinned with ==", pinned)
