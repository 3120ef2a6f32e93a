"""Hydra configuration groups: which options the committed configuration selects.

A Hydra project keeps alternatives side by side: `configs/logger/wandb.yaml`,
`configs/logger/mlflow.yaml` … are the options of the group `logger`, and a run uses only
those a defaults list names (`defaults: [{logger: wandb}]`, `- override /logger: mlflow`)
or its command line sets (`python train.py logger=wandb`). ashleve/lightning-hydra-template
ships eight logger options and selects none by default (`- logger: null`,
configs/train.yaml:10): a tracker that only an unselected option instantiates is offered,
not used.

Not a probe module (leading underscore): the tracking probes ask it about the YAML files
their evidence comes from.

- A **config folder** holds a primary config: a YAML file whose `defaults` list names one of
  the folder's subfolders as a group (`- logger: null` beside `logger/`).
- An **option** is a YAML file in a group folder under it (`logger/wandb.yaml`: group
  `logger`, option `wandb`; nested groups such as `hydra/sweeper/optuna.yaml` too).
- **Selected**: the options named by the defaults of the primary configs, by a committed
  command (CI commands, shell scripts, Makefiles: `logger=csv`, `+logger=[a,b]`), and,
  transitively, by the defaults of selected options. Everything else in a group folder is
  unselected; files outside a config folder are not options at all (no opinion).
"""

from __future__ import annotations

import posixpath
import re
from collections import deque
from typing import Any

from mlaudit.probes import base
from mlaudit.repo.snapshot import Snapshot

_YAML = ("*.yaml", "*.yml")
_COMMAND_FILES = ("*.sh", "Makefile", "*.mk", "justfile", "Justfile")
_PREFIX = re.compile(r"^(?:override\s+|optional\s+)+")


def _stem(path: str) -> str:
    name = posixpath.basename(path)
    return name.rsplit(".", 1)[0]


_DEFAULTS_KEY = re.compile(r"(?m)^defaults\s*:")


def _defaults(snap: Snapshot, path: str) -> list[Any]:
    # parsed only when a defaults list is there to read: parsing every YAML file would record
    # the templated ones that are not YAML (`${{ }}`) as unreadable for every other check
    if not _DEFAULTS_KEY.search(snap.text(path) or ""):
        return []
    for doc in snap.yaml_docs(path):
        if isinstance(doc, dict) and isinstance(doc.get("defaults"), list):
            return list(doc["defaults"])
    return []


def _entries(defaults: list[Any]) -> list[tuple[str | None, list[str]]]:
    """(group or None for a plain config name, option names) of each defaults entry."""
    out: list[tuple[str | None, list[str]]] = []
    for entry in defaults:
        if isinstance(entry, str):
            if entry != "_self_":
                out.append((None, [entry]))
            continue
        if not isinstance(entry, dict):
            continue
        for key, value in entry.items():
            group = _PREFIX.sub("", str(key)).split("@", 1)[0].strip()
            if isinstance(value, list):
                names = [str(v) for v in value if isinstance(v, (str, int))]
            elif isinstance(value, (str, int)) and str(value) != "???":
                names = [str(value)]
            else:  # null: the group is left empty
                names = []
            out.append((group, names))
    return out


class HydraConfig:
    """The config folders of a repository and the options its configuration selects."""

    def __init__(self, snap: Snapshot) -> None:
        yaml_files = base.select_files(snap, _YAML, scope="non_tests")
        folders: dict[str, list[str]] = {}
        for path in yaml_files:
            folders.setdefault(posixpath.dirname(path), []).append(path)
        # every folder holding YAML and its ancestors: a group exists if its folder is here
        self._folders = {
            "/".join(parts[:n])
            for parts in (folder.split("/") for folder in folders)
            for n in range(1, len(parts) + 1)
        }
        self.roots: list[str] = []
        self.primaries: list[str] = []
        for folder, files in sorted(folders.items()):
            if any(not r or folder.startswith(r + "/") for r in self.roots):
                continue  # a group folder of a config folder found before it
            for path in files:
                groups = [g for g, _ in _entries(_defaults(snap, path)) if g]
                if any(self._has_folder(folder, g) for g in groups):
                    self.primaries.append(path)
                    if folder not in self.roots:
                        self.roots.append(folder)
        self.options: dict[str, tuple[str, str, str]] = {}  # path → (root, group, option)
        for path in yaml_files:
            root = self._root_of(path)
            if root is not None:
                relative = path[len(root) + 1 :] if root else path
                group = posixpath.dirname(relative)
                if group:
                    self.options[path] = (root, group, _stem(path))
        self.selected: set[str] = set()
        self._select(snap, self.primaries)

    def _has_folder(self, folder: str, group: str) -> bool:
        return posixpath.join(folder, group.lstrip("/")) in self._folders

    def _root_of(self, path: str) -> str | None:
        best = None
        for root in self.roots:
            if (not root or path.startswith(root + "/")) and (
                best is None or len(root) > len(best)
            ):
                best = root
        return best

    def _option_files(self, root: str, group: str, name: str) -> list[str]:
        stem = posixpath.join(root, group, name)
        return [p for p in (stem + ".yaml", stem + ".yml") if p in self.options]

    def _select(self, snap: Snapshot, primaries: list[str]) -> None:
        queue: deque[str] = deque(primaries)
        for folder, group, name in self._command_line(snap):
            queue.extend(self._option_files(folder, group, name))
        seen: set[str] = set()
        while queue:
            path = queue.popleft()
            if path in seen:
                continue
            seen.add(path)
            if path in self.options:
                self.selected.add(path)
            root = self._root_of(path)
            if root is None:
                continue
            own_group = self.options[path][1] if path in self.options else ""
            for named, names in _entries(_defaults(snap, path)):
                if named is None:  # a plain name: a config of the same group
                    queue.extend(self._option_files(root, own_group, names[0]))
                    continue
                group = named.lstrip("/")
                nested = posixpath.join(own_group, group) if own_group else ""
                if nested and not named.startswith("/") and self._has_folder(root, nested):
                    group = nested
                for name in names:
                    queue.extend(self._option_files(root, group, name))

    def _command_line(self, snap: Snapshot) -> list[tuple[str, str, str]]:
        """(root, group, option) set by `group=option` in a committed command."""
        groups = {(root, group) for root, group, _ in self.options.values()}
        if not groups:
            return []
        names = sorted({group for _, group in groups}, key=len, reverse=True)
        pattern = re.compile(
            r"(?:^|\s)\+{0,2}(" + "|".join(re.escape(n) for n in names) + r")=(\[[^\]]*\]|\S+)"
        )
        texts = [c.text for job in snap.ci_jobs if not job.disabled for c in job.commands]
        for path in base.select_files(snap, _COMMAND_FILES, scope="non_tests"):
            texts.extend(snap.lines(path))
        found: list[tuple[str, str, str]] = []
        for text in texts:
            for match in pattern.finditer(text):
                group = match.group(1)
                for name in re.split(r"[,\[\]\s'\"]+", match.group(2)):
                    if name:
                        found.extend((root, group, name) for root, g in groups if g == group)
        return found

    def primary_values(self, snap: Snapshot, key: str) -> list[tuple[str, int | None, Any]]:
        """(path, line, value) of the dotted `key` (`seed`, `train.seed`) in each primary
        config that sets it: what a run gets by default."""
        found = []
        parts = key.split(".")
        for path in self.primaries:
            for doc in snap.yaml_docs(path):
                node: Any = doc
                for part in parts[:-1]:
                    node = node.get(part) if isinstance(node, dict) else None
                if isinstance(node, dict) and parts[-1] in node:
                    line = getattr(node, "key_lines", {}).get(parts[-1])
                    found.append((path, line, node[parts[-1]]))
        return found

    def unselected(self, path: str) -> bool:
        """`path` is an option of a config group that nothing committed selects."""
        return path in self.options and path not in self.selected

    def why(self, path: str) -> str:
        _root, group, option = self.options[path]
        return f"Hydra option {group}={option}, selected by no committed config or command"


def hydra_config(snap: Snapshot) -> HydraConfig:
    """The Hydra configuration of the Snapshot (computed once)."""
    return snap._cached("hydra_config", "", lambda: HydraConfig(snap))
