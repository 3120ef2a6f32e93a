"""What `scan` and `diff` do, between parsing flags (cli.py) and the renderers.

Settings (config.py) → rubric → selection, waivers, minimums validated (exit 2 before any
scan) → Snapshot (work tree, or git objects with --ref) → Assessment → baseline → Verdict
(gate.py) → every requested format, to stdout or to its file. Errors are MlauditError
subclasses: the CLI turns them into one line and exit 2 or 3.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlaudit.config import Policy, Settings, load_settings
from mlaudit.errors import UsageError
from mlaudit.options import ScanOptions

if TYPE_CHECKING:  # the pydantic result models load only when a scan (or a render) needs them
    from mlaudit.results import Assessment
    from mlaudit.rubric.load import LoadedRubric
    from mlaudit.waivers import WaiverPlan

MACHINE_STDOUT = {"json", "sarif", "junit", "gitlab", "markdown", "html"}


def default_format(env: Mapping[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    return "github" if env.get("GITHUB_ACTIONS") == "true" else "terminal"


def split_list(values: Sequence[str] | None) -> list[str] | None:
    """Repeatable flags also take comma-separated values: `--select SEC,REP`."""
    if not values:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def plan_outputs(
    formats: Sequence[str], outputs: Sequence[str], known: Sequence[str], default: str
) -> list[tuple[str, Path | None]]:
    """(format, file or None for stdout) for each requested format.

    `--output FORMAT=FILE` sends that format to a file (and implies `--format FORMAT`);
    a bare `--output FILE` takes the single requested format. At most one format goes to
    stdout."""
    for name in formats:
        if name not in known:
            raise UsageError(f"unknown format {name!r}; choose from: {', '.join(known)}")
    files: dict[str, Path | None] = {}
    bare: list[str] = []
    for item in outputs:
        name, sep, file = item.partition("=")
        if sep and name in known:
            if not file:
                raise UsageError(f"--output {item!r}: missing file name after '='")
            files[name] = None if file == "-" else Path(file)
        elif sep and name.isidentifier() and name not in known:
            raise UsageError(
                f"--output {item!r}: unknown format {name!r}; choose from: {', '.join(known)}"
            )
        else:
            bare.append(item)
    chosen = list(dict.fromkeys(formats))
    if bare:
        if len(bare) > 1:
            raise UsageError(
                "give each extra output as FORMAT=FILE (e.g. --output sarif=mlaudit.sarif)"
            )
        pending = [f for f in chosen if f not in files] or [default]
        if len(pending) != 1:
            raise UsageError(
                f"--output {bare[0]!r}: several formats requested; write FORMAT=FILE for each"
            )
        files[pending[0]] = None if bare[0] == "-" else Path(bare[0])
    plan = [(name, files.get(name)) for name in chosen]
    plan += [(name, path) for name, path in files.items() if name not in chosen]
    if not any(path is None for _, path in plan) and not chosen and default not in files:
        # `-o sarif=x.sarif` alone still shows the terminal report; `-o report.txt` or
        # `-o terminal=x` sends the terminal report to the file only
        plan.insert(0, (default, None))
    if not plan:
        plan = [(default, None)]
    to_stdout = [name for name, path in plan if path is None]
    if len(to_stdout) > 1:
        raise UsageError(
            f"formats {', '.join(to_stdout)} would all go to stdout; send all but one to files "
            "with --output FORMAT=FILE"
        )
    return plan


def write_text(text: str, path: Path | None) -> None:
    if path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None


@dataclass(frozen=True)
class Display:
    """How results are shown; command-line only, never policy."""

    quiet: bool = False
    color: str = "auto"  # auto | always | never
    show_na: bool = False
    full: bool = False

    def color_for(self, name: str, target: Path | None) -> bool:
        from mlaudit.cli_conventions import color_wanted

        if name != "terminal" or target is not None:
            return False
        return color_wanted(self.color, sys.stdout.isatty())


@dataclass
class Prepared:
    settings: Settings
    loaded: LoadedRubric
    options: ScanOptions
    waiver_notes: tuple[str, ...]  # completed by assess_target (expiry needs the commit date)
    repo_url: str | None = None  # normalised
    waivers: WaiverPlan | None = None

    @property
    def policy(self) -> Policy:
        return self.settings.policy


def prepare(
    path: Path, flags: Mapping[str, Any], config_file: Path | None, today: Any = None
) -> Prepared:
    """Everything that can fail with exit 2 is checked here, before the target is read."""
    from mlaudit.rubric.load import load_rubric
    from mlaudit.selection import build_selector
    from mlaudit.waivers import plan_waivers

    settings = load_settings(path, flags, config_file=config_file)
    policy = settings.policy
    repo_url = None
    if policy.repo_url:
        from mlaudit.report.text import normalise_repo_url

        try:
            repo_url = normalise_repo_url(policy.repo_url)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    from mlaudit import regex_cache
    from mlaudit.cache import usable_root

    cache_dir = usable_root(path)
    regex_cache.use(cache_dir)  # before the rubric and the probes compile their patterns
    loaded = load_rubric(
        settings.resolve_input("rubric", policy.rubric),
        inside=settings.confinement("rubric"),
        cache_dir=cache_dir,
    )
    rubric = loaded.outline  # no probe runs here: the probes are not imported
    selected = build_selector(
        rubric,
        select=policy.select,
        ignore=policy.ignore,
        extend_select=policy.extend_select,
        extend_ignore=policy.extend_ignore,
    )
    from mlaudit import trust

    origin = trust.REPOSITORY if settings.origin == trust.REPOSITORY else trust.OPERATOR
    if origin == trust.REPOSITORY and any(
        settings.sources.get(key, "").startswith("file")
        for key in ("select", "ignore", "extend_select", "extend_ignore")
    ):
        selected = trust.keep_disqualifiers(selected, rubric)
    waivers = plan_waivers(policy.waivers, rubric, today, origin)
    if policy.minimums:
        from mlaudit.gate import validate_minimums
        from mlaudit.results import QualityInfo

        validate_minimums(
            policy,
            tuple(QualityInfo(id=q.id, prefix=q.prefix, title=q.title) for q in rubric.qualities),
        )
    options = ScanOptions(profile=policy.profile, selected=selected)
    return Prepared(settings, loaded, options, waivers.notes, repo_url, waivers)


@dataclass
class Target:
    """A target whose git facts and file listing are read and whose result-cache key is
    known (`stored`, None when the result cannot be cached): assessing it comes next."""

    prepared: Prepared
    path: Path
    ref: str | None
    facts: Any
    options: ScanOptions
    stored: Any  # result_cache.ResultLookup | None

    def assess(self) -> tuple[Assessment, bool]:
        """(the Assessment, whether it is in the result cache: read from it or stored)."""
        prepared, path, ref, options, stored = (
            self.prepared,
            self.path,
            self.ref,
            self.options,
            self.stored,
        )
        if stored is not None:
            hit = stored.load()
            if hit is not None:
                return hit, True
        from mlaudit.cache import attach
        from mlaudit.scoring import assess

        policy = prepared.policy
        if ref is not None:
            from mlaudit.repo.gitref import open_gitref

            snap = open_gitref(path, ref, commit_limit=policy.commit_limit, facts=self.facts)
            if policy.include_untracked:
                snap.notes.append("--include-untracked has no effect with --ref")
        else:
            from mlaudit.repo.worktree import open_worktree

            snap = open_worktree(path, commit_limit=policy.commit_limit, facts=self.facts)
        snap.notes.extend(prepared.waiver_notes)
        known_ids = stored.ids.blob_id if stored is not None and stored.ids is not None else None
        cache = attach(snap, path, prepared.loaded, known_ids)
        try:
            assessment = assess(snap, prepared.loaded, options)
            if cache is not None:
                cache.save_parses()
            kept = stored.store(assessment, snap) if stored is not None else False
            return assessment, kept
        finally:
            close = getattr(snap.source, "close", None)
            if close:
                close()


def open_target(prepared: Prepared, path: Path, ref: str | None) -> Target:
    """Read `path`'s git facts and file listing (its work tree, or the commit `ref` names),
    bind the waivers to the commit date and look the result up (result_cache.py)."""
    from mlaudit import result_cache
    from mlaudit.repo.sources import DEFAULT_MAX_BYTES

    policy = prepared.policy
    facts: Any
    if ref is not None:
        from mlaudit.repo.gitref import read_gitref

        facts = read_gitref(path, ref)
    else:
        from mlaudit.repo.worktree import read_worktree

        facts = read_worktree(path, include_untracked=policy.include_untracked)
    options = prepared.options
    if prepared.waivers is not None:
        commit_date = facts.git.commit_date if facts.git else None
        waive, bound_notes = prepared.waivers.bind(commit_date)
        prepared.waiver_notes = prepared.waivers.notes + bound_notes
        options = dataclasses.replace(options, waive=waive)
    stored = result_cache.lookup(prepared, facts, options, DEFAULT_MAX_BYTES)
    return Target(prepared, path, ref, facts, options, stored)


def assess_target(prepared: Prepared, path: Path, ref: str | None) -> Assessment:
    """The Assessment of `path` (its work tree, or the commit `ref` names): from the result
    cache when every input is unchanged (result_cache.py), else scanned and stored."""
    return open_target(prepared, path, ref).assess()[0]


def _width(width: int) -> int:
    return width or max(80, min(120, shutil.get_terminal_size((100, 24)).columns))


def scan(
    path: Path,
    flags: Mapping[str, Any],
    *,
    config_file: Path | None = None,
    show_config: bool = False,
    ref: str | None = None,
    write_baseline: Path | None = None,
    width: int = 0,
    display: Display | None = None,
) -> int:
    from mlaudit.report import FORMATS

    display = display or Display()

    if show_config:
        settings = load_settings(path, flags, config_file=config_file)
        from mlaudit.repo.parsers.secrets import redact_text

        shown = settings.show()  # --repo-url or a baseline path may hold a token
        sys.stdout.write(redact_text(shown, max_chars=len(shown) + 1))
        return 0
    prepared = prepare(path, flags, config_file)
    policy = prepared.policy
    plan = plan_outputs(policy.format, policy.output, list(FORMATS), default_format())
    baseline = None
    if policy.baseline and write_baseline is None:
        from mlaudit.baseline import load_baseline

        settings = prepared.settings
        baseline = load_baseline(
            Path(settings.resolve_input("baseline", policy.baseline)),
            inside=settings.confinement("baseline"),
        )
    from mlaudit import progress

    stdout_formats = [name for name, target in plan if target is None]
    with progress.display(progress.wanted(stdout_formats)):
        target = open_target(prepared, path, ref)
        replay_key = _replay_key(prepared, plan, display, width, write_baseline)
        replay = (
            target.stored.replay(replay_key)
            if replay_key is not None and target.stored is not None
            else None
        )
        if replay is None:
            assessment, cached = target.assess()
    if replay is not None:
        return replay.perform()
    emission = Emission()
    code = _emit(emission, assessment, prepared, plan, baseline, display, width, write_baseline)
    if cached and replay_key is not None and target.stored is not None:
        target.stored.keep_replay(replay_key, emission, code)
    return code


# formats whose text is a function of the Assessment and the render options alone: the
# terminal's also depends on the terminal (rich reads it), github's appends to the job summary
_REPLAYABLE = frozenset({"json", "markdown", "html", "sarif", "junit", "gitlab", "badge"})


def _replay_key(
    prepared: Prepared,
    plan: Sequence[tuple[str, Path | None]],
    display: Display,
    width: int,
    write_baseline: Path | None,
) -> tuple[Any, ...] | None:
    """Everything besides the Assessment that what `scan` prints, writes and returns depends
    on; None when that output cannot be replayed (a baseline file is read or written, a
    timestamp is asked for, or a format depends on more than its inputs)."""
    policy = prepared.policy
    if write_baseline is not None or policy.baseline or policy.timestamp:
        return None
    if any(name not in _REPLAYABLE for name, _ in plan):
        return None
    outputs = tuple(
        (name, None if out is None else str(out), display.color_for(name, out))
        for name, out in plan
    )
    return (
        repr(policy.model_dump()),
        outputs,
        _width(width),
        dataclasses.astuple(display),
        prepared.repo_url,
        prepared.waiver_notes,
    )


class Emission:
    """What `scan` printed and wrote after the assessment, in order: the result cache keeps
    it so that re-scanning unchanged inputs with the same options replays it byte for byte
    instead of loading the Assessment and rendering it again."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str | None, str]] = []  # ("out"|"err"|"file", path, text)

    def out(self, text: str, target: Path | None) -> None:
        write_text(text, target)
        if target is None:
            self.events.append(("out", None, text))
        else:
            self.events.append(("file", str(target), text))

    def err(self, text: str) -> None:
        sys.stderr.write(text)
        self.events.append(("err", None, text))


def _emit(
    emission: Emission,
    assessment: Assessment,
    prepared: Prepared,
    plan: Sequence[tuple[str, Path | None]],
    baseline: Any,
    display: Display,
    width: int,
    write_baseline: Path | None,
) -> int:
    """Render every planned output of `assessment`, print the gate; the exit code."""
    from mlaudit.gate import evaluate
    from mlaudit.report import RenderOptions, renderer

    policy = prepared.policy
    if policy.timestamp:
        import datetime as dt

        now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        assessment = assessment.model_copy(update={"generated_at": now})
    if write_baseline is not None:
        from mlaudit.baseline import load_baseline, render_baseline

        write_text(render_baseline(assessment), write_baseline)
        baseline = load_baseline(write_baseline)
        if not display.quiet:
            sys.stderr.write(
                f"mlaudit: wrote baseline {write_baseline} ({len(baseline)} failure keys)\n"
            )
    verdict = evaluate(assessment, policy, baseline)
    verdict = verdict.model_copy(update={"notes": prepared.waiver_notes})
    from mlaudit.repo.parsers.secrets import redact_strings
    from mlaudit.report.escape import scalar
    from mlaudit.report.text import clean, md

    # lines printed here, outside the renderers, cross the same boundary: redacted, escaped
    safe_verdict = redact_strings(verdict, then=scalar)
    gate_lines = (
        [clean(line, max_chars=2000) for line in safe_verdict.lines()]
        if (verdict.gates or verdict.notes)
        else []
    )
    waived = [redact_strings(r, then=scalar) for r in assessment.results if r.waived_by]
    waived_lines = [
        f"waived: {r.check} {r.name} [{r.artifact}] {r.outcome.value} — {clean(r.waived_by)}"
        for r in waived
    ]
    if display.quiet:
        waived_lines = []
        gate_lines = gate_lines if not verdict.passed else []
    for name, target in plan:
        options = RenderOptions(
            verbose=policy.verbose,
            width=_width(width),
            color=display.color_for(name, target),
            repo_url=prepared.repo_url,
            verdict=verdict,
            quiet=display.quiet,
            show_na=display.show_na,
            full=display.full,
        )
        text = renderer(name)(assessment, options)
        if name == "terminal" and (gate_lines or waived_lines):
            gap = "\n" if display.quiet else "\n\n"
            text = text.rstrip("\n") + gap + "\n".join(waived_lines + gate_lines) + "\n"
        elif name == "markdown" and gate_lines and display.full:  # the comment shows the gate
            text = (
                text.rstrip("\n")
                + "\n\n### Gate\n\n"
                + "\n".join(
                    f"- {md(line.strip(), max_chars=2000)}" for line in safe_verdict.lines()
                )
                + "\n"
            )
        emission.out(text, target)
        if name == "badge" and target is not None:
            # next to the SVG, the shields.io endpoint JSON of the same badge (x.svg → x.json,
            # other names → name.json), never over a file another format of this run writes
            from mlaudit.report import badge, redacted

            sibling = (
                target.with_suffix(".json")
                if target.suffix == ".svg"
                else target.with_name(target.name + ".json")
            )
            if sibling not in {t for _, t in plan}:
                emission.out(badge.endpoint_json(redacted(assessment, options)[0]), sibling)
    stdout_format = next((name for name, target in plan if target is None), None)
    if gate_lines and stdout_format not in ("terminal", "github", "markdown"):
        emission.err("\n".join(gate_lines) + "\n")
    if write_baseline is not None:
        # recording a baseline is set-up, not a gate: the failures it records are accepted
        return 0
    return verdict.exit_code


def diff(
    path: Path,
    flags: Mapping[str, Any],
    *,
    base: str,
    head: str | None = None,
    config_file: Path | None = None,
    merge_base: bool = True,
    display: Display | None = None,
) -> int:
    from mlaudit.diff import (
        DIFF_FORMATS,
        compare,
        render_github,
        render_json,
        render_markdown,
        render_text,
    )
    from mlaudit.repo.gitref import find_merge_base

    prepared = prepare(path, flags, config_file)
    policy = prepared.policy
    # `format`/`output` of the config file or environment are the scan's; diff takes flags only
    sources = prepared.settings.sources
    formats = policy.format if sources.get("format", "").startswith("flag") else []
    outputs = policy.output if sources.get("output", "").startswith("flag") else []
    plan = plan_outputs(formats, outputs, list(DIFF_FORMATS), default_format())
    base_commit, base_note = find_merge_base(path, base, head, use_merge_base=merge_base)
    from mlaudit import progress

    with progress.display(progress.wanted([n for n, target in plan if target is None])):
        base_assessment = assess_target(prepared, path, base_commit)
        head_assessment = assess_target(prepared, path, head)
    report = compare(
        base_assessment,
        head_assessment,
        base_label=base,
        head_label=head or "work tree",
    )
    notes = [base_note] if base_note else []
    notes += [n for n in head_assessment.target.notes if "shallow" in n or "waiver" in n]
    report = report.model_copy(update={"notes": tuple(dict.fromkeys(notes))})
    from mlaudit.repo.parsers.secrets import redact_strings
    from mlaudit.report.escape import scalar
    from mlaudit.report.text import clean

    report = redact_strings(
        report, then=scalar
    )  # the boundary: every string of both sides, labels too
    failed = policy.fail_on_regression and bool(report.regressions)
    gate_lines: list[str] = []
    if policy.fail_on_regression:
        if failed:
            gate_lines = ["gate failed (fail-on-regression)"] + [
                f"  ✘ {clean(r, max_chars=2000)}" for r in report.regressions
            ]
        else:
            gate_lines = ["gate passed (fail-on-regression)"]
    for name, target in plan:
        if name == "markdown":
            text = render_markdown(report)
        elif name == "json":
            text = render_json(report)
        elif name == "github":
            text = render_github(report, gate_lines)
            summary = os.environ.get("GITHUB_STEP_SUMMARY")
            if summary:
                try:
                    with open(summary, "a", encoding="utf-8") as handle:
                        handle.write(render_markdown(report))
                except OSError:
                    pass
        elif display is not None and display.quiet:
            from mlaudit.diff import headline
            from mlaudit.report.text import clean

            text = clean(headline(report), max_chars=2000) + "\n"
            if failed:
                text += "\n".join(gate_lines) + "\n"
        else:
            text = render_text(report)
            if gate_lines:
                text += "\n".join(gate_lines) + "\n"
        write_text(text, target)
    stdout_format = next((name for name, target in plan if target is None), None)
    if gate_lines and stdout_format not in ("terminal", "github"):
        sys.stderr.write("\n".join(gate_lines) + "\n")
    return 1 if failed and not policy.exit_zero else 0
