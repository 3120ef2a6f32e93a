"""Fleet scanning: many repositories, one report.

`mlaudit scan A B C` / `--repos-from FILE` scans each repository in a process pool
(`--jobs N`, default: the number of CPUs). One repository that fails (not a repository, a bare
one, a broken configuration) never stops the others: it is reported with its exit code and
one line. `--shard K/N` keeps a deterministic slice of the list (every Nth repository from the
Kth, in list order) so the same command runs as a CI matrix or a Kubernetes Indexed Job;
`--out-dir DIR` keeps each repository's JSON (and HTML) report, and `mlaudit aggregate` merges
the JSON files of every shard into the fleet report.

A fleet row holds what the fleet report shows (level, index, per-artifact and per-quality
figures, failing checks); it is computed where the Assessment is, so workers send back a
few hundred bytes, not the Assessment.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import Field

from mlaudit.errors import UsageError
from mlaudit.results import Assessment, Frozen, LevelInfo, QualityInfo
from mlaudit.timeline import headline

SCHEMA_VERSION = "2"  # 2: an artifact none of whose items applies has level null
FAILURE_KIND = "mlaudit-fleet-failure"
MAX_MISSING = 15


class FailingCheck(Frozen):
    check: str
    name: str
    title: str


class FleetRow(Frozen):
    """One repository of the fleet: what it scored, or why it could not be scanned."""

    name: str  # unique within the fleet; also the stem of its report files
    path: str
    exit_code: int = 0
    error: str | None = None
    commit: str | None = None
    profile: str | None = None
    index: float | None = Field(default=None, ge=0, le=4)
    level: int | None = None
    level_name: str | None = None
    artifact_levels: dict[str, int | None] = Field(default_factory=dict)  # None: n/a
    artifact_index: dict[str, float | None] = Field(default_factory=dict)
    quality_scores: dict[str, float | None] = Field(default_factory=dict)
    failing: tuple[FailingCheck, ...] = ()
    report: str | None = None  # the repository's HTML report (made relative when written)


class MissingItem(Frozen):
    check: str
    name: str
    title: str
    repositories: int
    of: int


class FleetReport(Frozen):
    schema_version: str = SCHEMA_VERSION
    tool: str = "mlaudit"
    tool_version: str
    rubric: str
    qualities: tuple[QualityInfo, ...]
    levels: tuple[LevelInfo, ...]
    rows: tuple[FleetRow, ...]
    level_distribution: dict[str, int]  # "0".."4" → repositories (scanned ones)
    missing: tuple[MissingItem, ...]
    notes: tuple[str, ...] = ()

    @property
    def scanned(self) -> list[FleetRow]:
        return [r for r in self.rows if r.error is None]

    @property
    def failed(self) -> list[FleetRow]:
        return [r for r in self.rows if r.error is not None]

    @property
    def exit_code(self) -> int:
        return max((r.exit_code for r in self.rows), default=0)


# the list ------------------------------------------------------------------------------------
def read_repo_list(file: Path) -> list[str]:
    """One path per line; blank lines and `#` comments ignored."""
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--repos-from {file}: {exc.strerror}") from None
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def parse_shard(text: str) -> tuple[int, int]:
    """`K/N` (1 ≤ K ≤ N) → (K, N)."""
    k, sep, n = text.partition("/")
    if not sep or not k.strip().isdigit() or not n.strip().isdigit():
        raise UsageError(f"--shard {text!r}: write K/N, e.g. --shard 2/4")
    kk, nn = int(k), int(n)
    if nn < 1 or not 1 <= kk <= nn:
        raise UsageError(f"--shard {text!r}: K must be between 1 and N")
    return kk, nn


def fleet_names(paths: Sequence[str]) -> dict[str, str]:
    """path → a unique, stable file stem: the folder's name, plus a short hash of the path
    when two folders share a name. Computed on the whole list, so every shard agrees."""
    base = {p: _stem(p) for p in paths}
    counts: dict[str, int] = {}
    for stem in base.values():
        counts[stem] = counts.get(stem, 0) + 1
    return {
        p: stem if counts[stem] == 1 else f"{stem}-{hashlib.sha1(p.encode()).hexdigest()[:8]}"
        for p, stem in base.items()
    }


def _stem(path: str) -> str:
    name = os.path.basename(os.path.normpath(path)) or "root"
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name).strip(".")
    return safe[:80] or "repo"


def select_shard(paths: Sequence[str], shard: tuple[int, int] | None) -> list[str]:
    unique = list(dict.fromkeys(paths))
    if shard is None:
        return unique
    k, n = shard
    return [p for i, p in enumerate(unique) if i % n == k - 1]


# one repository ------------------------------------------------------------------------------
def row_from_assessment(name: str, path: str, a: Assessment, exit_code: int = 0) -> FleetRow:
    failing = tuple(
        FailingCheck(check=r.check, name=r.name, title=r.title)
        for r in a.results
        if r.outcome.value == "fail" and not r.waived_by
    )
    return FleetRow(
        name=name,
        path=path,
        exit_code=exit_code,
        commit=a.target.commit,
        profile=a.profile.name,
        **headline(a),
        failing=failing,
    )


def failure_row(name: str, path: str, exit_code: int, message: str) -> FleetRow:
    from mlaudit.repo.parsers.secrets import redact_text

    line = redact_text(" ".join(message[:20_000].split()), max_chars=300)
    return FleetRow(name=name, path=path, exit_code=exit_code, error=line)


def scan_one(job: Mapping[str, Any]) -> tuple[FleetRow, dict[str, Any] | None]:
    """Scan one repository (in a worker): (row, header of the fleet report or None).

    Never raises: any failure becomes a row with its exit code and one line."""
    from mlaudit.errors import MlauditError

    name, path = job["name"], job["path"]
    try:
        return _scan_one(job)
    except MlauditError as exc:
        row = failure_row(name, path, exc.exit_code, str(exc))
    except Exception as exc:  # a bug in one repository's scan must not stop the fleet
        row = failure_row(name, path, 2, f"internal error: {exc.__class__.__name__}: {exc}")
    finally:
        # a worker scans one repository after another: the last one's garbage cycles must
        # not lie under the next one's peak (the CLI raises the collector's threshold)
        gc.collect()
    out_dir = job.get("out_dir")
    if out_dir:
        record = {"kind": FAILURE_KIND, **row.model_dump(mode="json")}
        _write(Path(out_dir) / f"{name}.error.json", json.dumps(record, sort_keys=True, indent=2))
    return row, None


def _scan_one(job: Mapping[str, Any]) -> tuple[FleetRow, dict[str, Any] | None]:
    from mlaudit.gate import evaluate
    from mlaudit.repo.worktree import _is_bare
    from mlaudit.report import RenderOptions, renderer
    from mlaudit.run import assess_target, prepare

    name, path = job["name"], job["path"]
    prepared = prepare(Path(path), job["flags"], job.get("config_file"))
    # a bare repository (a mirror) has no work tree: its HEAD is read from git objects
    ref = "HEAD" if Path(path).is_dir() and _is_bare(Path(path)) else None
    assessment = assess_target(prepared, Path(path), ref)
    verdict = evaluate(assessment, prepared.policy, None)
    row = row_from_assessment(name, path, assessment, verdict.exit_code)
    out_dir = job.get("out_dir")
    if out_dir:
        options = RenderOptions(repo_url=prepared.repo_url, verdict=verdict)
        _write(Path(out_dir) / f"{name}.json", renderer("json")(assessment, options))
        if job.get("html"):
            _write(Path(out_dir) / f"{name}.html", renderer("html")(assessment, options))
            row = row.model_copy(update={"report": str(Path(out_dir) / f"{name}.html")})
    return row, header_of(assessment)


def header_of(a: Assessment) -> dict[str, Any]:
    return {
        "rubric": f"{a.rubric.id} {a.rubric.version}",
        "qualities": [q.model_dump() for q in a.qualities],
        "levels": [lv.model_dump() for lv in a.levels],
    }


def _write(path: Path, text: str) -> None:
    """Write atomically: a crashed or concurrent writer never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


# many repositories ---------------------------------------------------------------------------
# An index entry (one tracked file) weighs like this many bytes of packed history: a file is
# read, parsed and matched by the probes, history is only streamed through the secret scan.
INDEX_ENTRY_WEIGHT = 50


def _git_dir(root: Path) -> Path | None:
    dot_git = root / ".git"
    if dot_git.is_dir() and not dot_git.is_symlink():
        return dot_git
    if (root / "HEAD").is_file() and (root / "objects").is_dir():
        return root  # bare
    return None  # not a repository, or a linked work tree: cost unknown, scanned last


def estimated_cost(path: str) -> int:
    """A cheap guess of how long a repository takes to scan, to start the largest first.

    The bytes of its packs (the history the secret scan streams) plus its index (how many
    files the probes read), from a few `stat` calls: no git process, nothing read. Only the
    order of the work depends on it, never a result."""
    git_dir = _git_dir(Path(path))
    if git_dir is None:
        return 0
    cost = 0
    try:
        with os.scandir(git_dir / "objects" / "pack") as entries:
            for entry in entries:
                if entry.name.endswith(".pack") and entry.is_file(follow_symlinks=False):
                    cost += entry.stat(follow_symlinks=False).st_size
    except OSError:
        pass
    with contextlib.suppress(OSError):
        cost += (git_dir / "index").lstat().st_size * INDEX_ENTRY_WEIGHT
    return cost


def schedule(jobs: Sequence[Mapping[str, Any]]) -> list[int]:
    """Job indexes, largest estimated cost first (ties in list order).

    Longest-processing-time-first: a pool that starts the big repository last waits for it
    alone at the end; started first, it runs while the small ones fill the other workers."""
    costs = [estimated_cost(str(job["path"])) for job in jobs]
    return sorted(range(len(jobs)), key=lambda i: (-costs[i], i))


def _preload() -> None:
    """Import what every scan needs once, in the parent: forked workers share it instead
    of each paying the imports (and a spawned worker is no worse off)."""
    import mlaudit.report.json
    import mlaudit.run
    import mlaudit.scoring  # noqa: F401
    from mlaudit.probes.registry import all_probes

    all_probes()  # imports every probe module


def _pool(multiprocessing: Any, executor: Any, workers: int) -> Any:
    """A process pool whose every repository is scanned by a fresh process forked from one
    that has imported everything (a fork server, Python >= 3.11): a worker that scanned one
    repository after another kept the earlier ones' freed but fragmented memory under the
    next one's peak (+15 % over the largest single scan for 19 repositories). Elsewhere (3.10,
    or no fork server) workers forked from this process are reused."""
    if sys.version_info >= (3, 11) and "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_preloaded_modules())
        return executor(max_workers=workers, mp_context=context, max_tasks_per_child=1)
    _preload()
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    return executor(max_workers=workers, mp_context=context)


def _preloaded_modules() -> list[str]:
    """What every scan imports, probes included, for the fork server to import once."""
    from mlaudit.probes.registry import probe_module_names

    modules = ["mlaudit.fleet", "mlaudit.report.json", "mlaudit.run", "mlaudit.scoring"]
    return modules + probe_module_names()


def run_jobs(
    jobs: list[dict[str, Any]], workers: int
) -> list[tuple[FleetRow, dict[str, Any] | None]]:
    """Scan every job, `workers` at a time, in a process pool, largest first (`schedule`);
    results in job order."""
    if workers <= 1 or len(jobs) <= 1:
        return [scan_one(job) for job in jobs]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    results: dict[int, tuple[FleetRow, dict[str, Any] | None]] = {}
    with _pool(multiprocessing, ProcessPoolExecutor, min(workers, len(jobs))) as pool:
        futures = {i: pool.submit(scan_one, jobs[i]) for i in schedule(jobs)}
        for i, future in futures.items():
            try:
                results[i] = future.result()
            except BrokenProcessPool as exc:  # a worker killed (out of memory, signal)
                job = jobs[i]
                results[i] = (failure_row(job["name"], job["path"], 2, f"worker died: {exc}"), None)
    return [results[i] for i in range(len(jobs))]


def build_report(
    rows: Iterable[FleetRow], header: Mapping[str, Any] | None, notes: Sequence[str] = ()
) -> FleetReport:
    from mlaudit import __version__

    ordered = sorted(rows, key=lambda r: (r.name, r.path))
    header = header or {"rubric": "", "qualities": [], "levels": []}
    levels = tuple(LevelInfo.model_validate(lv) for lv in header["levels"])
    scanned = [r for r in ordered if r.error is None]
    distribution = {str(lv.level): 0 for lv in levels}
    for r in scanned:
        distribution[str(r.level)] = distribution.get(str(r.level), 0) + 1
    counts: dict[str, tuple[FailingCheck, int]] = {}
    for r in scanned:
        for f in r.failing:
            counts[f.check] = (f, counts.get(f.check, (f, 0))[1] + 1)
    missing = sorted(counts.values(), key=lambda item: (-item[1], item[0].check))
    return FleetReport(
        tool_version=__version__,
        rubric=header["rubric"],
        qualities=tuple(QualityInfo.model_validate(q) for q in header["qualities"]),
        levels=levels,
        rows=tuple(ordered),
        level_distribution=distribution,
        missing=tuple(
            MissingItem(check=f.check, name=f.name, title=f.title, repositories=n, of=len(scanned))
            for f, n in missing[:MAX_MISSING]
        ),
        notes=tuple(notes),
    )


def with_links_from(report: FleetReport, folder: Path) -> FleetReport:
    """The report with each repository's report path made relative to `folder` (where the
    fleet report is written), so the dashboard's links work wherever the pair is copied."""
    rows = tuple(
        r.model_copy(update={"report": os.path.relpath(r.report, folder).replace(os.sep, "/")})
        if r.report
        else r
        for r in report.rows
    )
    return report.model_copy(update={"rows": rows})


# aggregate -----------------------------------------------------------------------------------
def load_results(files: Sequence[Path]) -> tuple[list[FleetRow], dict[str, Any] | None, list[str]]:
    """Per-repository results written by `scan --format json` or `scan … --out-dir`: an
    Assessment, or a failure record; a folder stands for the .json files inside it."""
    rows: list[FleetRow] = []
    header: dict[str, Any] | None = None
    notes: list[str] = []
    expanded: list[Path] = []
    for file in files:
        if file.is_dir():
            expanded += sorted(p for p in file.glob("*.json") if not p.name.startswith("."))
        else:
            expanded.append(file)
    seen: set[str] = set()
    for file in expanded:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UsageError(f"{file}: not a readable JSON result ({exc})") from None
        name = file.name.removesuffix(".json").removesuffix(".error")
        if name in seen:
            name = f"{name}-{hashlib.sha1(str(file).encode()).hexdigest()[:8]}"
        seen.add(name)
        if isinstance(data, dict) and data.get("kind") == FAILURE_KIND:
            data = {k: v for k, v in data.items() if k != "kind"}
            rows.append(FleetRow.model_validate(data))
            continue
        try:
            from mlaudit.report.json import load

            assessment = load(data)
        except ValueError as exc:
            raise UsageError(
                f"{file}: not an mlaudit assessment (`scan --format json`): {str(exc)[:200]}"
            ) from None
        row = row_from_assessment(name, assessment.target.path, assessment)
        html = file.with_suffix(".html")
        if html.is_file():
            row = row.model_copy(update={"report": str(html)})
        rows.append(row)
        if header is None:
            header = header_of(assessment)
        elif header["rubric"] != header_of(assessment)["rubric"]:
            notes.append(f"{file.name}: scanned with rubric {header_of(assessment)['rubric']}")
    return rows, header, notes
