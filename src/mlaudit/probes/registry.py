"""The probe registry: name → (function, params model, documentation).

A probe is a pure function `(Snapshot, Params) -> Observation`. It never opens files or
calls git itself; it asks the Snapshot. Its docstring (what it looks for, why, how to fix)
is what `mlaudit explain` shows.
"""

from __future__ import annotations

import functools
import importlib
import inspect
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from mlaudit.probes.params import Params
from mlaudit.repo.snapshot import Snapshot
from mlaudit.results import Observation, Outcome

P = TypeVar("P", bound=Params)
ProbeFn = Callable[[Snapshot, Any], Observation]


@dataclass(frozen=True)
class ProbeSpec:
    name: str
    fn: ProbeFn
    params: type[Params]
    doc: str
    module: str
    # what the probe will read, started before the checks run (see `probe`)
    prefetch: Callable[[Snapshot, Any], None] | None = None
    # its fail means "not found in the Python code" (see `probe`)
    reads_code: bool = False


_REGISTRY: dict[str, ProbeSpec] = {}

# Every module of this package defines probes; all are imported on first use of the
# registry (a new probe module needs no registration line). Helpers start with "_" or are
# listed here.
NOT_PROBE_MODULES = {"base", "registry", "profile"}
_loaded = False


def probe(
    name: str,
    params: type[P],
    *,
    prefetch: Callable[[Snapshot, P], None] | None = None,
    reads_code: bool = False,
) -> Callable[[Callable[[Snapshot, P], Observation]], Any]:
    """Register a probe. `prefetch(snap, params)`, if given, is called for each check that
    will run, before any check runs: it may start slow reads (a git command) that the probe
    will ask for, so that they proceed while other checks run. It must not change what any
    probe observes.

    `reads_code`: the probe looks for a practice in the Python code, so that its fail means
    "not found in the Python code". Where most of the code is in a language mlaudit does not
    read (Go, Rust, Java), that fail decides nothing and the check runs it as `unknown`
    (gorse-io/gorse: its training loop, metrics endpoint and retraining schedule are Go;
    reviewed). A probe whose fail is a finding (an unsafe call found) is not one; the
    function itself, called from other code, is left as it is."""

    def register(fn: Callable[[Snapshot, P], Observation]) -> Callable[[Snapshot, P], Observation]:
        if name in _REGISTRY:
            raise ValueError(f"probe {name!r} registered twice")
        _REGISTRY[name] = ProbeSpec(
            name=name,
            fn=_undecided_where_code_unread(fn) if reads_code else fn,
            params=params,
            doc=inspect.cleandoc(fn.__doc__ or ""),
            module=fn.__module__,
            prefetch=prefetch,
            reads_code=reads_code,
        )
        return fn

    return register


# the reason the Python code could not decide a probe run in the current check, if one did
_UNREAD: ContextVar[list[str] | None] = ContextVar("unread_code", default=None)


def _undecided_where_code_unread(
    fn: Callable[[Snapshot, P], Observation],
) -> Callable[[Snapshot, P], Observation]:
    @functools.wraps(fn)
    def run(snap: Snapshot, params: P) -> Observation:
        observation = fn(snap, params)
        if observation.outcome != Outcome.FAIL or getattr(params, "python_only", False):
            return observation
        from mlaudit.probes import _languages, base

        reason = _languages.unread_code(snap)
        if reason is None:
            return observation
        noted = _UNREAD.get()
        if noted is not None and reason not in noted:
            noted.append(reason)
        return base.unknown(observation.message, observation.evidence)

    return run


def run_noting_unread_code(
    spec: ProbeSpec, snap: Snapshot, params: Any
) -> tuple[Observation, str | None]:
    """Run a check's probe; also say why its code could not be read, where a part of it that
    reads code was left undecided by that (to be said once, not by every part)."""
    token = _UNREAD.set([])
    try:
        observation = spec.fn(snap, params)
        noted = _UNREAD.get()
    finally:
        _UNREAD.reset(token)
    return observation, (noted[0] if noted else None)


def probe_module_names() -> list[str]:
    """The modules that register probes, in name order."""
    import pkgutil

    import mlaudit.probes as package

    return [
        f"{package.__name__}.{info.name}"
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name)
        if not info.name.startswith("_") and info.name not in NOT_PROBE_MODULES
    ]


def _load_all() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for name in probe_module_names():
        importlib.import_module(name)


def get_probe(name: str) -> ProbeSpec | None:
    _load_all()
    return _REGISTRY.get(name)


def all_probes() -> dict[str, ProbeSpec]:
    _load_all()
    return dict(sorted(_REGISTRY.items()))
