"""Serving specs that name what they serve: a BentoML `bentofile.yaml` whose `service:`
module is gone from the tree is a leftover, not a way the model is served.

customer_segmentation (khuyentran1401) kept `bentofile.yaml` (`service:
"src/bentoml_app.py:service"`) after deleting `src/bentoml_app.py`: the spec alone made the
repository an online service.
"""

from __future__ import annotations

import posixpath

from mlaudit.probes import base
from mlaudit.repo.snapshot import Snapshot

SERVING_SPEC_FILES = ("bentofile.yaml", "config.pbtxt", "model-settings.json")


def bento_service_candidates(spec_path: str, service: str) -> list[str]:
    """The files a bentofile's `service: "<module or file>:<name>"` can mean, relative to the
    bentofile's folder (BentoML's default build context) or to the repository root."""
    target = service.split(":", 1)[0].strip().removeprefix("./")
    if not target:
        return []
    if target.endswith(".py"):
        relative = [target]
    else:
        module = target.replace(".", "/")
        relative = [module + ".py", module + "/__init__.py"]
    folder = posixpath.dirname(spec_path)
    out = [posixpath.normpath(posixpath.join(folder, r)) for r in relative]
    return out + [r for r in relative if r not in out]


def dead_bento_service(snap: Snapshot, path: str) -> str | None:
    """The `service:` of a bentofile when none of the files it can mean is in the tree; None
    when it names one that is (or names nothing this can check)."""
    if posixpath.basename(path) != "bentofile.yaml":
        return None
    docs = snap.yaml_docs(path)
    doc = docs[0] if docs else None
    service = doc.get("service") if isinstance(doc, dict) else None
    if not isinstance(service, str):
        return None
    candidates = bento_service_candidates(path, service)
    if not candidates or any(snap.exists(c) for c in candidates):
        return None
    return service


def serving_spec_files(
    snap: Snapshot, globs: tuple[str, ...] = SERVING_SPEC_FILES
) -> tuple[list[str], list[tuple[str, str]]]:
    """(the serving spec files of `globs` outside tests, the bentofiles among them whose
    service is gone, with the service they name)."""
    live: list[str] = []
    dead: list[tuple[str, str]] = []
    for path in base.select_files(snap, globs, scope="non_tests"):
        if snap.size(path) == 0:
            continue
        service = dead_bento_service(snap, path)
        if service is None:
            live.append(path)
        else:
            dead.append((path, service))
    return live, dead
