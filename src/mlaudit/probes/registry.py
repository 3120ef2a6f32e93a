"""The probe registry: name → (function, params model, documentation).

A probe is a pure function `(Snapshot, Params) -> Observation`. It never opens files or
calls git itself; it asks the Snapshot. Its docstring (what it looks for, why, how to fix)
is what `mlaudit explain` shows.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from mlaudit.probes.params import Params
from mlaudit.repo.snapshot import Snapshot
from mlaudit.results import Observation

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


_REGISTRY: dict[str, ProbeSpec] = {}

# Every module of this package defines probes; all are imported on first use of the
# registry (a new probe module needs no registration line). Helpers start with "_" or are
# listed here.
NOT_PROBE_MODULES = {"base", "registry", "profile"}
_loaded = False


def probe(
    name: str, params: type[P], *, prefetch: Callable[[Snapshot, P], None] | None = None
) -> Callable[[Callable[[Snapshot, P], Observation]], Any]:
    """Register a probe. `prefetch(snap, params)`, if given, is called for each check that
    will run, before any check runs: it may start slow reads (a git command) that the probe
    will ask for, so that they proceed while other checks run. It must not change what any
    probe observes."""

    def register(fn: Callable[[Snapshot, P], Observation]) -> Callable[[Snapshot, P], Observation]:
        if name in _REGISTRY:
            raise ValueError(f"probe {name!r} registered twice")
        _REGISTRY[name] = ProbeSpec(
            name=name,
            fn=fn,
            params=params,
            doc=inspect.cleandoc(fn.__doc__ or ""),
            module=fn.__module__,
            prefetch=prefetch,
        )
        return fn

    return register


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
