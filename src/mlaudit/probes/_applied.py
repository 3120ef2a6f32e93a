"""Which Kubernetes manifests the repository's own delivery applies, file by file.

Not a probe module (leading underscore). A CI job that runs `kubectl apply -f k8s/a.yaml`,
`kubectl apply -f k8s/b.yaml` … applies those files and no other of their folder: a
manifest beside them that no command names is declared, not delivered — whoever applies it
does so by hand, if anyone does (aakash1552005/telco-churn-mlops Jenkinsfile:182-191 applies
ten files of infra/k8s/ one by one, never drift-cronjob.yaml; reviewed). A folder applied as
a whole (`kubectl apply -f k8s/`, `-k`, a glob), or a folder no command names a file of,
decides nothing here.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass, field

from mlaudit.repo.snapshot import Snapshot
from mlaudit.results import Evidence

# (global flags with values may come first: `kubectl -n monitoring apply -f …`)
_APPLY = re.compile(
    r"\bkubectl\s+(?:--?[\w-]+(?:=\S+|\s+(?!apply\b|create\b|replace\b)[^-\s]\S*)?\s+)*"
    r"(?:apply|create|replace)\b"
)
_FILE_FLAGS = ("-f", "--filename")
_KUSTOMIZE_FLAGS = ("-k", "--kustomize")


@dataclass
class Applied:
    files: dict[str, Evidence] = field(default_factory=dict)  # path → the command applying it
    folders: set[str] = field(default_factory=set)  # applied whole ("" the root)
    # a manifest piped in (`sed … k8s/x.yaml | kubectl apply -f -`): what is applied is not
    # read here, so nothing is decided
    from_stdin: bool = False


def _targets(command: str) -> list[tuple[str, bool]]:
    """(target, is_kustomization) of each `-f`/`-k` of one kubectl command."""
    try:
        words = shlex.split(command, comments=True)
    except ValueError:
        words = command.split()
    out = []
    for i, word in enumerate(words):
        flag, _, inline = word.partition("=")
        if flag in _FILE_FLAGS + _KUSTOMIZE_FLAGS:
            value = inline or (words[i + 1] if i + 1 < len(words) else "")
            if value:
                out.append((value, flag in _KUSTOMIZE_FLAGS))
    return out


def applied_by_ci(snap: Snapshot) -> Applied:
    """What the CI jobs (and the scripts they run) apply with kubectl, once a scan."""
    from mlaudit.probes import _ci_reach

    def build() -> Applied:
        applied = Applied()
        for item in _ci_reach.reached(snap):
            if item.job.disabled:
                continue
            for part in _ci_reach.split_commands(item.text):
                found = _APPLY.search(part)
                if found is None:
                    continue
                for value, kustomization in _targets(part[found.start() :]):
                    for target in value.split(","):  # `-f a.yaml,b.yaml`
                        if target == "-":
                            applied.from_stdin = True
                            continue
                        if "://" in target or "$" in target or not target:
                            continue
                        path = posixpath.normpath(posixpath.join(item.cwd or "", target))
                        path = "" if path == "." else path
                        if kustomization or "*" in path or snap.has_dir(path) or path == "":
                            applied.folders.add(path.split("*", 1)[0].rstrip("/"))
                        elif snap.exists(path):
                            applied.files.setdefault(path, item.evidence())
        return applied

    return snap.memo(("applied.by_ci",), build)


def left_out(snap: Snapshot, path: str) -> Evidence | None:
    """The command that applies a sibling of the manifest `path` by name, when CI applies
    files of its folder one by one and never this one (nor its folder as a whole); else
    None."""
    applied = applied_by_ci(snap)
    if applied.from_stdin or path in applied.files:
        return None
    folder = posixpath.dirname(path)
    if any(f == "" or folder == f or folder.startswith(f + "/") for f in applied.folders):
        return None
    siblings = [ev for p, ev in applied.files.items() if posixpath.dirname(p) == folder]
    return siblings[0] if siblings else None
