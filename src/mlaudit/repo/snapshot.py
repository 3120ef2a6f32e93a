"""The Snapshot: everything the probes may know about the target, parsed once and cached.

Probes never open files or call git; they ask the Snapshot. A Snapshot is built from a
FileSource (a work tree, a plain folder or — later — a git ref), so the same probes run
on any of them and on hand-built test snapshots.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from mlaudit import progress
from mlaudit.patterns import bounded, literal_anchors
from mlaudit.repo.gitinfo import GitInfo, display_name  # noqa: F401 (re-exported)
from mlaudit.repo.globs import PathIndex, glob_matcher, index_keys
from mlaudit.repo.history import FileVersions, GitHistory
from mlaudit.repo.infra import InfraViews
from mlaudit.repo.lines import split_lines
from mlaudit.repo.parse_cache import (
    LOOP_PATH_BUDGET,
    LOOPS_PER_KEY,
    MAX_LOOP_KEYS,
    BoundParseCache,
    LoopMemo,
    TreeFacts,
)
from mlaudit.repo.parsers.ci import (
    HAND_RUN_GLOBS,
    YAML_PARSERS,
    CiJob,
    ci_system_for,
    config_names,
    demote_dead_branches,
    inherit_dispatchers_triggers,
    inherit_upstream_triggers,
    mark_uncalled,
    parse_jenkinsfile,
    run_by_hand,
    sniff_ci_system,
    unknown_workflow_key,
)
from mlaudit.repo.parsers.dockerfile import Dockerfile, parse_dockerfile
from mlaudit.repo.parsers.notebook import NotebookFacts, parse_notebook
from mlaudit.repo.parsers.python_src import PythonFacts, parse_python
from mlaudit.repo.parsers.requirements import RequirementsFile, parse_requirements
from mlaudit.repo.parsers.secrets import SecretFinding, find_secrets
from mlaudit.repo.parsers.yaml_docs import YamlFile, parse_yaml
from mlaudit.repo.secrets_history import HistorySecretScan
from mlaudit.repo.sources import DEFAULT_MAX_BYTES, FileSource

T = TypeVar("T")

BINARY_SNIFF_BYTES = 8192
# Decoded text is cached up to this many characters in all; past it only parsed views are
# kept and text is re-read when asked again (a repo of many 4 MB files must not OOM us).
TEXT_CACHE_BYTES = 256 * 1024 * 1024
_MISSING: Any = object()
_NO_STORE: dict[Any, Any] = {}
# The CI system each path names (a pure function of the path, asked for every file of every
# history point), kept for at most this many paths.
MAX_REMEMBERED_PATHS = 200_000
_CI_BY_PATH: dict[str, str | None] = {}
_SNIFF_CI = "ci_system.sniff"
# Per-file loops over fewer paths are run again rather than replayed (see per_file_loop).
MIN_REPLAYED_PATHS = 16
# A loop over other paths than the one it replays (files added or removed) is replayed when
# at most this many paths differ, else run again.
MAX_REPLAYED_PATH_CHANGES = 64
# How many files keep their split lines cached (least recently used are dropped).
RECENT_LINES_FILES = 512


@dataclass
class Snapshot(InfraViews):
    source: FileSource
    root_name: str
    display_path: str
    git: GitInfo | None = None
    history_loader: Callable[[], GitHistory] | None = None
    history_secrets_loader: Callable[[], HistorySecretScan] | None = None
    # some files' versions along the history (history.start_file_versions)
    versions_loader: Callable[[tuple[str, ...]], FileVersions] | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    notes: list[str] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)
    # CI files that are not YAML: their CI system runs none of their jobs (path → error)
    broken_ci: dict[str, str] = field(default_factory=dict)
    # parse results shared with other Snapshots by blob id (history, the on-disk cache)
    parse_cache: BoundParseCache | None = None
    # view → key → value: one dict per view (no (view, path) tuple per entry: at 100k
    # files those tuples alone cost ~25 MiB)
    _cache: dict[str, dict[Any, Any]] = field(default_factory=dict)
    _recent_lines: OrderedDict[str, list[str]] = field(default_factory=OrderedDict)
    _glob_cache: dict[str, list[str]] = field(default_factory=dict)
    _tree_memo: dict[Any, Any] = field(default_factory=dict)
    _versions: dict[tuple[str, ...], FileVersions] = field(default_factory=dict)
    _tree_facts: TreeFacts | None = None  # the shared answers for these paths (history)
    _text_bytes: int = 0
    # path → its derived facts (see per_file), the bundle shared through parse_cache
    _derived: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    # (generation, generation replayed from, changed paths): see per_file_loop
    _joined: tuple[int, int, frozenset[str]] | None = None

    # files ------------------------------------------------------------------------------
    @cached_property
    def files(self) -> list[str]:
        files = self.source.list_files()
        if self.parse_cache is not None:
            # another Snapshot with exactly these paths (history points whose commits only
            # changed file contents) already matched globs against them: share the answers
            shared = self.parse_cache.cache.tree(files)
            self._glob_cache, self._tree_memo = shared.globs, shared.memo
            self._tree_facts = shared
        return files

    @property
    def missing_files(self) -> list[str]:
        """Tracked files the scan cannot see: deleted from the work tree, or never checked
        out (a blob missing from the clone). Listed after `files` is built."""
        _ = self.files
        return list(getattr(self.source, "missing", ()))

    @cached_property
    def file_set(self) -> frozenset[str]:
        return frozenset(self.files)

    @cached_property
    def dirs(self) -> frozenset[str]:
        def build() -> frozenset[str]:
            out: set[str] = set()
            for path in self.files:
                parts = path.split("/")[:-1]
                for i in range(1, len(parts) + 1):
                    out.add("/".join(parts[:i]))
            return frozenset(out)

        return self.tree_memo(("snapshot.dirs",), build)  # the same paths, the same folders

    @cached_property
    def _glob_index(self) -> PathIndex:
        """Files by basename, extension and top folder: a pattern is matched against its
        bucket only, not against every file (see globs.index_keys)."""
        return PathIndex(self.files)

    def _glob_candidates(self, pattern: str) -> Iterable[str]:
        keys = index_keys(pattern)
        if keys is None:
            return self.files
        index = self._glob_index
        buckets = [min((index.bucket(k) for k in alt), key=len) for alt in keys]
        if len(buckets) == 1:
            return buckets[0]
        return sorted({p for bucket in buckets for p in bucket})

    def glob(self, *patterns: str) -> list[str]:
        """Files matching any of the patterns (see repo.globs for the syntax), sorted."""
        found: set[str] = set()
        _ = self.files  # binds the glob cache shared by Snapshots of the same paths
        for pattern in patterns:
            hits = self._glob_cache.get(pattern)
            if hits is None:
                test = glob_matcher(pattern)
                tree = self._tree_facts
                hits = tree.glob_from_delta(pattern, test) if tree is not None else None
                if hits is None:
                    hits = [p for p in self._glob_candidates(pattern) if test(p)]
                self._glob_cache[pattern] = hits
            found.update(hits)
        return sorted(found)

    def exists(self, path: str) -> bool:
        return path in self.file_set

    def has_dir(self, path: str) -> bool:
        return path.strip("/") in self.dirs

    def size(self, path: str) -> int | None:
        return self._cached("size", path, lambda: self.source.size(path))

    def kind(self, path: str) -> str:
        kind = getattr(self.source, "kind", None)
        return kind(path) if kind else "file"

    # reading ------------------------------------------------------------------------------
    def memo(self, key: tuple[object, ...], build: Callable[[], T]) -> T:
        """Per-scan memo for facts derived by probes (e.g. a filtered file list): probes
        stay pure functions, and fifty of them asking the same question cost one answer."""
        return self._cached("memo", key, build)  # type: ignore[arg-type]

    def per_file(self, key: str, path: str, build: Callable[[], T]) -> T:
        """A fact derived from ONE file, computed once per file content: every Snapshot in
        which `path` is the same blob (history points, the next commit through the on-disk
        cache) reuses it instead of running the probe's logic over the file again.

        `key` names the derivation and every parameter it depends on (see derivation_key).
        `build` may only read views of `path` that the caller has ALREADY read in this
        Snapshot (so the file's problems are recorded exactly as in a cold scan), and must
        not depend on anything else: whole-tree facts (the packages the repository
        publishes, file lists, globs) are applied by the caller to the derived value.
        Values must be plain, immutable data (they are pickled into the on-disk cache)."""
        cache = self.parse_cache
        if cache is None:
            return build()
        bundle = self._derived.get(path, _MISSING)
        if bundle is _MISSING:
            bundle = self._derived[path] = cache.derived(path)
        if bundle is None:
            return build()
        hit = bundle.get(key, _MISSING)
        if hit is _MISSING:
            hit = build()
            shared = cache.cache
            if shared.derived_room > 0:
                shared.derived_room -= 1
                bundle[key] = hit
        return hit

    def python_per_file(
        self, key: str, paths: Iterable[str], derive: Callable[[str, PythonFacts], T]
    ) -> list[tuple[str, T]]:
        """(path, derive(path, facts)) for each of `paths` whose Python facts can be read and
        whose derived value is not empty, in order; each value computed once per file content
        (see per_file: `derive` must depend on that one file and its path only)."""
        # the loop of every per-file check at every history point: inlined dict lookups
        cache = self.parse_cache
        shared = cache.cache if cache is not None else None
        derived = self._derived

        def each(path: str) -> Any:
            facts = self.python(path)  # parses (once), records the file's problems
            if facts is None:
                return None
            bundle = derived.get(path, _MISSING) if cache is not None else None
            if bundle is _MISSING:
                bundle = derived[path] = cache.derived(path)  # type: ignore[union-attr]
            if bundle is None:
                return derive(path, facts)
            value = bundle.get(key, _MISSING)
            if value is _MISSING:
                value = derive(path, facts)
                if shared is not None and shared.derived_room > 0:
                    shared.derived_room -= 1
                    bundle[key] = value
            return value

        if cache is None:
            out: list[tuple[str, T]] = []
            for path in paths:
                value = each(path)
                if value:
                    out.append((path, value))
            return out
        return self.per_file_loop(key, paths, each)

    def per_file_loop(
        self, key: str, paths: Iterable[str], each: Callable[[str], T]
    ) -> list[tuple[str, T]]:
        """[(path, each(path)) for path in paths if each(path)], where `each` reads ONE file
        — every view of it that it uses, first — and returns a value derived from that
        file's path and content only (typically through per_file), named by `key`.

        Replayed from the same loop of this Snapshot or of the previous one (history
        points): only paths whose blob changed, or that were not asked then, are asked
        again; the others keep their value, and the few files that recorded a problem are
        read again so that this Snapshot records what the loop would (`problems` is part
        of the report)."""
        if not isinstance(paths, list):
            paths = list(paths)
        if self.parse_cache is None or len(paths) < MIN_REPLAYED_PATHS:
            return [(path, value) for path in paths if (value := each(path))]
        shared = self.parse_cache.cache
        gen, base, changed = self._generation()
        memos = shared.loops.get(key)
        path_set: frozenset[str] | None = None
        if memos is not None:
            usable = [m for m in memos if m.gen == gen or m.gen == base]
            for memo in usable:
                if memo.paths == paths:
                    return self._replay(memo, paths, None, gen, changed, each)
            path_set = frozenset(paths)
            if usable and len(path_set) == len(paths):
                nearest = min(usable, key=lambda m: len(m.path_set ^ path_set))  # type: ignore[operator]
                if len(nearest.path_set ^ path_set) <= MAX_REPLAYED_PATH_CHANGES:
                    return self._replay(nearest, paths, path_set, gen, changed, each)
        out = [(path, value) for path in paths if (value := each(path))]
        if path_set is None:
            path_set = frozenset(paths)
        if len(path_set) != len(paths) or len(paths) > shared.loop_room:
            return out  # a path asked twice (not worth replaying), or no room left
        memo = LoopMemo(
            gen=gen,
            paths=list(paths),
            path_set=path_set,
            unlisted=path_set - self.file_set,
            out=out,
            risky=frozenset(self.problems.keys() & path_set),
        )
        if memos is None:
            if len(shared.loops) >= MAX_LOOP_KEYS:
                shared.loops.clear()
                shared.loop_room = LOOP_PATH_BUDGET
            memos = shared.loops[key] = []
        elif len(memos) >= LOOPS_PER_KEY:
            shared.loop_room += len(memos.pop(0).paths)
        shared.loop_room -= len(paths)
        memos.append(memo)
        return list(out)

    def _replay(
        self,
        memo: LoopMemo,
        paths: list[str],
        path_set: frozenset[str] | None,
        gen: int,
        changed: frozenset[str],
        each: Callable[[str], Any],
    ) -> list[tuple[str, Any]]:
        """The loop over `paths` from `memo` (paths equal to its own when `path_set` is
        None); `changed`: the paths whose blob changed since the previous Snapshot."""
        if memo.gen == gen:
            changed = frozenset()  # the same Snapshot: nothing changed
        gone: frozenset[str] = frozenset()
        if path_set is None:
            redo = memo.unlisted.union([p for p in changed if p in memo.path_set])
        else:
            unlisted = path_set - self.file_set
            gone = memo.path_set - path_set
            redo = unlisted | (path_set - memo.path_set) | (changed & path_set)
        for path in memo.risky - redo - gone:
            each(path)  # the same blob: records the same problem, gives the same value
        memo.gen = gen
        if path_set is None:
            if not redo:
                return list(memo.out)
        else:  # other paths, or the same in another order
            memo.paths, memo.path_set, memo.unlisted = list(paths), path_set, unlisted
            memo.index = None
        if memo.index is None:
            memo.index = dict(zip(memo.paths, range(len(memo.paths)), strict=True))
        index = memo.index
        values = {p: each(p) for p in sorted(redo, key=index.__getitem__)}
        out = [(p, v) for p, v in memo.out if p not in values and p not in gone]
        out.extend((p, v) for p, v in values.items() if v)
        out.sort(key=lambda item: index[item[0]])
        problems = self.problems
        memo.out = out
        memo.risky = (memo.risky - redo - gone) | {p for p in redo if p in problems}
        return list(out)

    def _generation(self) -> tuple[int, int, frozenset[str]]:
        """This Snapshot's number among those sharing its parse cache, the number of the one
        before it (whose loops it may replay; 0: none) and the paths that changed since."""
        if self._joined is None:
            blobs = None
            source_blob_id = getattr(self.source, "blob_id", None)
            gitref = sys.modules.get("mlaudit.repo.gitref")
            # a git tree names every blob for free; a work tree would hash every file
            if gitref is not None and isinstance(self.source, gitref.GitRefSource):
                kind = self.source.kind  # a file that becomes a symlink to the same blob
                blobs = {p: (source_blob_id(p), kind(p)) for p in self.files}  # type: ignore[misc]
            self._joined = self.parse_cache.cache.join(blobs)  # type: ignore[union-attr]
        return self._joined

    @property
    def tree_memo_shared(self) -> bool:
        """Whether tree memos reach another Snapshot of the same paths (history points): a
        memo that only spares the next Snapshot work is wasted memory in one scan."""
        cache = self.parse_cache
        return cache is not None and not cache.cache.one_snapshot

    def tree_memo(self, key: tuple[object, ...], build: Callable[[], T]) -> T:
        """Memo for facts that depend on the list of paths ONLY (never on file contents),
        e.g. the files a glob selects: shared with every Snapshot of exactly these paths."""
        _ = self.files
        hit = self._tree_memo.get(key, _MISSING)
        if hit is _MISSING:
            hit = self._tree_memo[key] = build()
        return hit

    def _cached(self, view: str, path: str, build: Callable[[], T]) -> T:
        store = self._cache.get(view)
        if store is None:
            store = self._cache[view] = {}
        hit = store.get(path, _MISSING)
        if hit is _MISSING:
            if self.parse_cache is None:
                hit = store[path] = build()
            else:
                hit = store[path] = self.parse_cache.get_or_build(self.problems, view, path, build)
        return hit  # type: ignore[no-any-return,unused-ignore]

    def _hit(self, view: str, path: str) -> Any:
        """The cached value of `view` for `path`, or _MISSING."""
        store = self._cache.get(view)
        return _MISSING if store is None else store.get(path, _MISSING)

    def _read(self, path: str, max_bytes: int) -> bytes | None:
        result = self.source.read(path, max_bytes)
        if result.problem and not result.truncated:
            self.problems[path] = result.problem
            return None
        if result.truncated:
            self.problems[path] = result.problem or "truncated"
            return None
        return result.data

    def raw(self, path: str, max_bytes: int | None = None) -> bytes | None:
        limit = max_bytes or self.max_bytes
        return self._cached(f"raw:{limit}", path, lambda: self._read(path, limit))

    def text(self, path: str) -> str | None:
        """Decoded text of a file, or None (binary, too large, unreadable — see `problem`)."""

        hit = self._cache.get("text", _NO_STORE).get(path, _MISSING)
        if hit is not _MISSING:
            return hit  # type: ignore[no-any-return,unused-ignore]

        def load() -> str | None:
            # read without caching the bytes too (text is what is kept), unless raw() has
            data = self._hit(f"raw:{self.max_bytes}", path)
            if data is _MISSING:
                data = self._read(path, self.max_bytes)
            if data is None:
                return None
            if data.startswith((b"\xff\xfe", b"\xfe\xff")):
                return data.decode("utf-16", "replace")
            if b"\0" in data[:BINARY_SNIFF_BYTES]:
                self.problems[path] = "binary file"
                return None
            if data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
            return data.decode("utf-8", "replace")

        if self._text_bytes > TEXT_CACHE_BYTES:
            return load()  # over budget: keep parsed views only, re-read text on demand
        text = self._cached("text", path, load)
        self._text_bytes += len(text) if text else 0
        return text

    def problem(self, path: str) -> str | None:
        return self.problems.get(path) or self.broken_ci.get(path)

    def lines(self, path: str) -> list[str]:
        # Only the most recently used files keep their lines: a list per line of every file
        # doubles the text in memory, and splitting a file again is cheap.
        lines = self._recent_lines.get(path)
        if lines is not None:
            self._recent_lines.move_to_end(path)
            return lines
        lines = split_lines(self.text(path) or "")
        self._recent_lines[path] = lines
        if len(self._recent_lines) > RECENT_LINES_FILES:
            self._recent_lines.popitem(last=False)
        return lines

    # parsed views -----------------------------------------------------------------------
    def _parsed(self, view: str, path: str, parse: Callable[[str], T]) -> T | None:
        hit = self._hit(view, path)
        if hit is not _MISSING:
            return hit

        def load() -> T | None:
            text = self.text(path)
            if text is None:
                return None
            return parse(text)

        return self._cached(view, path, load)

    def yaml(self, path: str) -> YamlFile | None:
        result = self._parsed("yaml", path, parse_yaml)
        if result is None or not result.error:
            return result
        if result.syntax_error and self._is_ci(path):
            # a CI file is read as committed, never rendered first (`{{version}}` of docker/
            # metadata-action is a value): one that is not YAML runs no job, a fact and not a
            # reading problem (mihgank-qwe/ml_ops2 .github/workflows/ci-cd.yml:79; reviewed)
            self.broken_ci.setdefault(path, result.error)
        elif not result.templated:
            self.problems.setdefault(path, result.error)
        return result

    def _is_ci(self, path: str) -> bool:
        return "{{" not in path and self.ci_system(path) is not None

    def yaml_docs(self, path: str) -> list[Any]:
        parsed = self.yaml(path)
        return parsed.documents if parsed else []

    def json(self, path: str) -> Any:
        def parse(text: str) -> Any:
            try:
                return json.loads(text)
            except (ValueError, RecursionError) as exc:
                self.problems.setdefault(path, f"invalid JSON: {str(exc)[:160]}")
                return None

        return self._parsed("json", path, parse)

    def toml(self, path: str) -> dict[str, Any] | None:
        def parse(text: str) -> dict[str, Any] | None:
            try:
                import tomllib  # type: ignore[import-not-found,unused-ignore]
            except ModuleNotFoundError:  # Python 3.10
                import tomli as tomllib  # type: ignore[no-redef,import-not-found,unused-ignore]
            try:
                return tomllib.loads(text)
            except (tomllib.TOMLDecodeError, RecursionError) as exc:
                self.problems.setdefault(path, f"invalid TOML: {str(exc)[:160]}")
                return None

        return self._parsed("toml", path, parse)

    def python(self, path: str) -> PythonFacts | None:
        """Python facts of a `.py` file, or of a notebook's code cells."""
        # fast path, inlined: probes ask for the same file dozens of times (3.6M calls at 100k)
        hit = self._cache.get("python", _NO_STORE).get(path, _MISSING)
        if hit is not _MISSING:
            return hit  # type: ignore[no-any-return,unused-ignore]
        if path.endswith(".ipynb"):
            nb = self.notebook(path)
            return nb.facts if nb else None
        facts = self._parsed("python", path, lambda t: parse_python(t, filename=path))
        if facts is None and self.text(path) is None and self.problems.get(path) == "binary file":
            # NUL bytes: Python refuses the file (`SyntaxError: source code cannot contain
            # null bytes`), so it runs nothing, as a file that does not parse (JasonNguyen2135/
            # Spotify-Sentiment-MLOps monitoring/evidently/app.py, a UTF-16 comment appended
            # to it; reviewed)
            refused = "SyntaxError: source code cannot contain null bytes"
            facts = PythonFacts(syntax_error=refused)
            self._cache.setdefault("python", {})[path] = facts
            self.problems[path] = refused
        elif facts is not None and facts.syntax_error:
            self.problems.setdefault(path, facts.syntax_error)
        return facts

    def notebook(self, path: str) -> NotebookFacts | None:
        nb = self._parsed("notebook", path, parse_notebook)
        if nb is not None and nb.error:
            self.problems.setdefault(path, nb.error)
        return nb

    def requirements(self, path: str) -> RequirementsFile | None:
        return self._parsed("requirements", path, parse_requirements)

    def dockerfile(self, path: str) -> Dockerfile | None:
        return self._parsed("dockerfile", path, parse_dockerfile)

    def secrets(self, path: str) -> list[SecretFinding]:
        """Committed secrets in the file as it is now (redacted; see parsers/secrets.py).
        Read once per Snapshot (the committed-secrets check's loop): shared through the
        parse cache, not kept per path here (100,000 entries at 100,000 files)."""

        def load() -> list[SecretFinding] | None:
            text = self.text(path)
            # a file without findings gives None, not an empty list of its own (100k lists)
            return None if text is None else find_secrets(path, text) or None

        cache = self.parse_cache
        found = (
            load() if cache is None else cache.get_or_build(self.problems, "secrets", path, load)
        )
        return found or []

    # grouped views ------------------------------------------------------------------------
    @cached_property
    def python_files(self) -> list[str]:
        return self.glob("*.py", "*.ipynb")

    @cached_property
    def dockerfiles(self) -> list[str]:
        found = self.glob(
            "Dockerfile",
            # Docker's build reads a lower-case `dockerfile` when there is no `Dockerfile`
            # (dbobo4/mlops-churn-prediction-pipeline dockerfile:66; reviewed)
            "dockerfile",
            "Dockerfile.*",
            "Dockerfile-*",  # ThoughtWorksInc/CD4ML-Scenarios: Dockerfile-model, Dockerfile-mlflow
            "Dockerfile_*",
            # and in lower case with a suffix (hzabun/player-churn-mlops docker/dockerfile.train,
            # built by `docker build -f docker/dockerfile.train`; reviewed)
            "dockerfile.*",
            "dockerfile-*",
            "dockerfile_*",
            "*.Dockerfile",
            "*.dockerfile",
            "Containerfile",
        )
        # ... but a lower-case name is also a module's or a template's (`dockerfile_builder.py`)
        return [p for p in found if not _LOWER_NOT_DOCKERFILE.search(p.rsplit("/", 1)[-1])]

    def ci_system(self, path: str) -> str | None:
        """The CI system a file configures: by its conventional path, or (YAML only) by the
        shape of its content — one answer for the checks and the stack inventory."""
        system = _CI_BY_PATH.get(path, _MISSING)
        if system is _MISSING:
            if len(_CI_BY_PATH) > MAX_REMEMBERED_PATHS:
                _CI_BY_PATH.clear()
            system = _CI_BY_PATH[path] = ci_system_for(path)  # the path alone decides it
        if system is None and path.endswith((".yml", ".yaml")):
            text = self.text(path)
            if text:
                system = self.per_file(_SNIFF_CI, path, lambda: sniff_ci_system(path, text))
        return system

    @cached_property
    def ci_jobs(self) -> list[CiJob]:
        jobs: list[CiJob] = []
        for path in self.files:
            system = self.ci_system(path)
            if system is None:
                continue
            if system == "jenkins":
                text = self.text(path)
                if text is not None:
                    jobs.extend(parse_jenkinsfile(path, text))
                continue
            docs = self.yaml_docs(path)
            if system == "github":
                unknown = next(filter(None, map(unknown_workflow_key, docs)), None)
                if unknown is not None:
                    # GitHub rejects the whole file: none of its jobs runs
                    self.broken_ci.setdefault(path, unknown)
                    continue
            for doc in docs:
                try:
                    jobs.extend(YAML_PARSERS[system](path, doc))
                except (TypeError, AttributeError, ValueError) as exc:
                    self.problems.setdefault(path, f"unexpected CI structure: {exc}")
        if any(job.system == "cloudbuild" for job in jobs):
            submitted: set[str] = set()
            triggered: set[str] = set()
            for path in self.glob(*HAND_RUN_GLOBS):
                text = self.text(path)
                if text and "builds" in text:
                    hand, declared = config_names(text, path.rpartition("/")[0])
                    submitted |= hand
                    triggered |= declared
            run_by_hand(jobs, submitted, triggered)
        mark_uncalled(jobs)
        inherit_upstream_triggers(jobs)
        inherit_dispatchers_triggers(jobs)
        if self.git is not None and self.git.default_branch is not None:
            demote_dead_branches(
                jobs, self.git.default_branch, self.git.branch_tips, _unix(self.git.commit_date)
            )
        return jobs

    @cached_property
    def history(self) -> GitHistory:
        if self.history_loader is None:
            return GitHistory(available=False, reason="not a git repository: no history")
        progress.phase("reading git history")
        return self.history_loader()

    def file_versions(self, paths: Iterable[str]) -> FileVersions:
        """The versions of `paths` along the history, oldest first (one `git log --raw` and
        one `cat-file` per distinct set of paths asked)."""
        key = tuple(sorted(set(paths)))

        def read() -> FileVersions:
            if self.versions_loader is None:
                return FileVersions({}, complete=False, reason="not a git repository")
            return self.versions_loader(key)

        hit = self._versions.get(key)
        if hit is None:
            hit = self._versions[key] = read()
        return hit

    def prefetch_history_secrets(self) -> None:
        """Start the history secret scan's `git log -p` now, when the loader can (it is
        read later, by the first check that asks for `history_secrets`)."""
        if "history_secrets" not in self.__dict__:
            start = getattr(self.history_secrets_loader, "start", None)
            if start is not None:
                start()

    @cached_property
    def history_secrets(self) -> HistorySecretScan:
        """Secrets added anywhere in the git history (one streaming, bounded `git log -p`)."""
        if self.history_secrets_loader is None:
            return HistorySecretScan(available=False, reason="not a git repository: no history")
        progress.phase("scanning git history for secrets")
        return self.history_secrets_loader()

    # searching ------------------------------------------------------------------------------
    def grep(self, paths: Iterable[str], pattern: re.Pattern[str]) -> list[tuple[str, int, str]]:
        """(path, line, matched line) for each line matching; binary/unreadable files skipped."""
        key = derivation_key("grep", pattern.pattern, pattern.flags)

        def each(path: str) -> tuple[tuple[int, str], ...]:
            text = self.text(path)
            if text is None:
                return ()
            return self.per_file(key, path, lambda: self._grep_file(path, text, pattern))

        found = self.per_file_loop(key, paths, each)
        return [(path, number, line) for path, lines in found for number, line in lines]

    def _grep_file(
        self, path: str, text: str, pattern: re.Pattern[str]
    ) -> tuple[tuple[int, str], ...]:
        lines = self.lines(path)
        # a pattern's cost can grow with the square of a line's length: match only the
        # first MAX_MATCH_LINE characters of each line
        numbers = _candidate_line_numbers(text, pattern, len(lines))
        return tuple(
            (number, lines[number - 1])
            for number in numbers
            if pattern.search(bounded(lines[number - 1]))
        )


# a text smaller than this is read through its literals' places whatever their number
_DENSE_CHECK_SIZE = 1 << 16


def _candidate_line_numbers(text: str, pattern: re.Pattern[str], count: int) -> Iterable[int]:
    """The numbers of the lines of `text` on which `pattern` can match: those holding one of
    the literals every match holds (patterns.Anchors, one automaton pass over the text, where a
    regex search of a large data file cost seconds), else every line. A match on a line
    holds its literal on that line, so no line is missed."""
    anchors = literal_anchors(pattern.pattern, pattern.flags & re.IGNORECASE, single_line=True)
    if anchors is None:
        return range(1, count + 1)
    if not anchors.occur_in(text):
        return ()
    if len(text) > _DENSE_CHECK_SIZE and anchors.dense_in(text, count // 4):
        return range(1, count + 1)
    numbers: list[int] = []
    line, counted = 1, 0  # the line number of the place `counted`
    for first, last in anchors.spans(text):
        line += text.count("\n", counted, first)
        last_line = line + text.count("\n", first, last)
        counted = last
        start = max(line, numbers[-1] + 1 if numbers else 1)
        numbers.extend(range(start, min(last_line, count) + 1))
        line = last_line
    return numbers


_LOWER_NOT_DOCKERFILE = re.compile(
    r"^dockerfile[._-].*\.(?:py|pyi|sh|md|rst|txt|json|ya?ml|toml|cfg|ini|j2|jinja2?|tmpl|tpl"
    r"|go|js|ts|rs|java|ipynb|dockerignore|lock)$"
)


def derivation_key(name: str, *params: object) -> str:
    """The key of a per-file derivation: its name and every parameter it depends on, as one
    interned string (the same key object in every bundle keeps the on-disk cache small).
    `params` must be hashable and have a stable repr (strings, numbers, tuples of them)."""
    memo = (name, params)
    key = _DERIVATION_KEYS.get(memo)
    if key is None:
        if len(_DERIVATION_KEYS) > MAX_REMEMBERED_PATHS:
            _DERIVATION_KEYS.clear()
        key = _DERIVATION_KEYS[memo] = sys.intern(name + repr(params) if params else name)
    return key


_DERIVATION_KEYS: dict[tuple[str, tuple[object, ...]], str] = {}


def posix_rel(path: Path, root: Path) -> str:
    return os.path.relpath(path, root).replace(os.sep, "/")


def _unix(stamp: str | None) -> int | None:
    """The unix time of a GitInfo date (`2024-01-31T12:00:00Z`), None when absent."""
    if not stamp:
        return None
    import datetime as dt

    try:
        when = dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return None
    return int(when.replace(tzinfo=dt.timezone.utc).timestamp())
