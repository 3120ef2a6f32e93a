"""Command line: wires Snapshot → probes → rubric → scoring → report.

Exit codes: 0 ok / gate passed, 1 gate failed, 2 usage, configuration or rubric error,
3 target unreadable. Errors are one clear line on stderr, never a traceback.
Heavy modules are imported inside commands so `--help` and `--version` start fast.

Conventions every command follows: `-h`/`--help`; allowed values listed in the help
(`[auto|research|…]`); a usage error is one line naming the flag once, exit 2; `-q` prints
only the verdict; `--color auto|always|never` honours NO_COLOR and FORCE_COLOR.
Shell completion: `eval "$(_MLAUDIT_COMPLETE=source_bash mlaudit)"` (source_zsh, source_fish).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import typer
from typer.core import TyperGroup

from mlaudit import __version__
from mlaudit.cli_conventions import one_line_usage_errors

CONTEXT = {"help_option_names": ["-h", "--help"]}


class _Group(TyperGroup):
    def main(self, *args: Any, **kwargs: Any) -> Any:
        if os.environ.get("_MLAUDIT_COMPLETE"):  # shell completion: see docs/ci.md
            from typer._completion_classes import completion_init

            completion_init()
        return one_line_usage_errors(super().main, *args, **kwargs)


app = typer.Typer(
    name="mlaudit",
    help="MLOps maturity audit: how production-ready is this ML repository, quality by quality, "
    "for its data, model and code — and what to fix next.",
    cls=_Group,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings=CONTEXT,
)
rubric_app = typer.Typer(
    help="Inspect, validate and export rubrics.", no_args_is_help=True, context_settings=CONTEXT
)
app.add_typer(rubric_app, name="rubric")

SCAN_FORMATS = ("terminal", "json", "markdown", "html")
PROFILE_METAVAR = "[auto|research|batch|online-serving]"
RUBRIC_METAVAR = "[default|FILE]"
SEVERITY_METAVAR = "[info|low|medium|high|critical]"
COLOR_METAVAR = "[auto|always|never]"
_QUIET_HELP = "Print only the verdict (level, index, gate) and errors."
_COLOR_HELP = (
    "Colour the terminal report: auto (a terminal, unless NO_COLOR; FORCE_COLOR forces it)."
)


def _fail(message: str, code: int) -> NoReturn:
    from mlaudit.report.escape import error_line

    typer.echo(f"mlaudit: error: {error_line(message)}", err=True)
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mlaudit {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """mlaudit."""


def _display(*, quiet: bool, color: str, show_na: bool = False, full: bool = False) -> Any:
    """How to show the result (not policy: never read from a configuration file)."""
    from mlaudit.cli_conventions import COLOR_CHOICES, validate_choice
    from mlaudit.errors import MlauditError
    from mlaudit.run import Display

    try:
        validate_choice("--color", color, COLOR_CHOICES)
    except MlauditError as exc:
        _fail(str(exc), exc.exit_code)
    return Display(quiet=quiet, color=color, show_na=show_na, full=full)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror}", 2)


_SELECT_HELP = "Check ids, prefixes (SEC) or ALL; repeatable or comma-separated."


def _policy_flags(**values: object) -> dict[str, object]:
    """Flags that were given (None = not given), as Policy field names."""
    from mlaudit.run import split_list

    out: dict[str, object] = {}
    for name, value in values.items():
        if name in ("select", "ignore", "extend_select", "extend_ignore"):
            value = split_list(value)  # type: ignore[arg-type]
        elif isinstance(value, list) and not value:
            value = None
        out[name] = value
    return out


@app.command()
def scan(
    paths: list[Path] | None = typer.Argument(
        None,
        help="Repository (or subfolder, or plain folder) to audit; several make a fleet report.",
        show_default=".",
    ),
    format: list[str] | None = typer.Option(
        None,
        "--format",
        "-f",
        metavar="[terminal|json|markdown|html|sarif|junit|github|gitlab|badge]",
        help="Output format, repeatable (default: terminal; github when GITHUB_ACTIONS=true). "
        "markdown is a pull-request comment of at most 10,000 characters; add --full for all "
        "of it. badge is an SVG (with -o badge=FILE.svg; FILE.json gets a shields.io endpoint).",
    ),
    output: list[str] | None = typer.Option(
        None,
        "--output",
        "-o",
        metavar="FORMAT=FILE",
        help="FORMAT=FILE writes that format to FILE (repeatable); a bare FILE takes the "
        "single requested format.",
    ),
    config: Path | None = typer.Option(
        None,
        "--config",
        metavar="FILE",
        help="Configuration file (.mlaudit.yaml or pyproject.toml).",
    ),
    show_config: bool = typer.Option(
        False,
        "--show-config",
        help="Print the effective configuration and where each value comes from.",
    ),
    ref: str | None = typer.Option(
        None,
        "--ref",
        metavar="REF",
        help="Audit this commit, branch or tag from git objects, without a checkout.",
    ),
    rubric: str | None = typer.Option(
        None, "--rubric", metavar=RUBRIC_METAVAR, help="The built-in rubric or a YAML file."
    ),
    profile: str | None = typer.Option(
        None,
        "--profile",
        metavar=PROFILE_METAVAR,
        help="Deployment profile; auto detects it from the repository.",
    ),
    select: list[str] | None = typer.Option(
        None, "--select", metavar="SELECTOR", help=_SELECT_HELP
    ),
    ignore: list[str] | None = typer.Option(
        None, "--ignore", metavar="SELECTOR", help=_SELECT_HELP
    ),
    extend_select: list[str] | None = typer.Option(
        None, "--extend-select", metavar="SELECTOR", help=_SELECT_HELP
    ),
    extend_ignore: list[str] | None = typer.Option(
        None, "--extend-ignore", metavar="SELECTOR", help=_SELECT_HELP
    ),
    fail_under: float | None = typer.Option(
        None,
        "--fail-under",
        metavar="SCORE",
        help="Fail (exit 1) when the overall score is below SCORE.",
    ),
    fail_under_level: int | None = typer.Option(
        None,
        "--fail-under-level",
        metavar="N",
        help="Fail when the overall maturity level is below N.",
    ),
    fail_under_index: float | None = typer.Option(
        None,
        "--fail-under-index",
        metavar="M",
        help="Fail when the maturity index (0.0–4.0, one decimal) is below M.",
    ),
    fail_on: str | None = typer.Option(
        None,
        "--fail-on",
        metavar=SEVERITY_METAVAR,
        help="Fail on a failing check of this severity or higher.",
    ),
    exit_zero: bool | None = typer.Option(
        None, "--exit-zero", help="Report only: exit 0 even when a gate fails."
    ),
    baseline: str | None = typer.Option(
        None,
        "--baseline",
        metavar="FILE",
        help="Report and gate only failures that are not in this baseline file.",
    ),
    write_baseline: Path | None = typer.Option(
        None,
        "--write-baseline",
        metavar="FILE",
        help="Record the current failures in this baseline file.",
    ),
    include_untracked: bool | None = typer.Option(
        None, "--include-untracked", help="Also read untracked, non-ignored files."
    ),
    commit_limit: int | None = typer.Option(
        None, "--commit-limit", min=1, help="Read at most this many commits of history."
    ),
    verbose: bool | None = typer.Option(
        None, "--verbose", "-v", help="Show every check with its evidence."
    ),
    show_na: bool = typer.Option(
        False,
        "--show-na",
        help="With -v, also list the checks not applicable to the profile or the repository.",
    ),
    full: bool = typer.Option(
        False, "--full", help="Markdown: the full report instead of the pull-request comment."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=_QUIET_HELP),
    color: str = typer.Option("auto", "--color", metavar=COLOR_METAVAR, help=_COLOR_HELP),
    timestamp: bool | None = typer.Option(
        None,
        "--timestamp",
        help="Record when the scan ran (off by default: the same commit gives byte-identical output).",
    ),
    width: int = typer.Option(
        0, "--width", help="Terminal width (default: detected, at least 80)."
    ),
    repo_url: str | None = typer.Option(
        None,
        "--repo-url",
        help="Repository web URL (GitHub/GitLab/Bitbucket): evidence links in markdown/html "
        "point at the file and line at the scanned commit instead of relative paths.",
    ),
    repos_from: Path | None = typer.Option(
        None, "--repos-from", metavar="FILE", help="Fleet: scan the paths listed in FILE."
    ),
    jobs: int | None = typer.Option(
        None, "--jobs", "-j", min=1, help="Fleet: repositories scanned in parallel (default: CPUs)."
    ),
    shard: str | None = typer.Option(
        None, "--shard", metavar="K/N", help="Fleet: scan only the Kth of N slices of the list."
    ),
    out_dir: Path | None = typer.Option(
        None, "--out-dir", metavar="DIR", help="Fleet: keep each repository's JSON/HTML report."
    ),
    no_cache: bool = typer.Option(
        False,
        "--no-cache",
        help="Read and write no cache: results, parses, rubrics (MLAUDIT_NO_CACHE=1).",
    ),
) -> None:
    """Audit a repository against the rubric; exit 0 gate passed, 1 gate failed, 2 usage or
    configuration error, 3 target unreadable."""
    from mlaudit import run
    from mlaudit.errors import MlauditError

    flags = _policy_flags(
        format=format,
        output=output,
        rubric=rubric,
        profile=profile,
        select=select,
        ignore=ignore,
        extend_select=extend_select,
        extend_ignore=extend_ignore,
        fail_under=fail_under,
        fail_under_level=fail_under_level,
        fail_under_index=fail_under_index,
        fail_on=fail_on,
        exit_zero=exit_zero,
        baseline=baseline,
        include_untracked=include_untracked,
        commit_limit=commit_limit,
        verbose=verbose,
        timestamp=timestamp,
        repo_url=repo_url,
    )
    from mlaudit.fleet_cmd import run_fleet, wants_fleet

    previous = os.environ.get("MLAUDIT_NO_CACHE")
    if no_cache:
        os.environ["MLAUDIT_NO_CACHE"] = "1"  # for this command and its fleet workers
    targets = paths or [Path(".")]
    try:
        if wants_fleet(targets, repos_from, shard) or out_dir is not None:
            code = run_fleet(
                paths or [],
                flags,
                repos_from=repos_from,
                jobs=jobs,
                shard=shard,
                out_dir=out_dir,
                config_file=config,
                width=width,
            )
            raise typer.Exit(code)
        path = targets[0]
        code = run.scan(
            path,
            flags,
            config_file=config,
            show_config=show_config,
            ref=ref,
            write_baseline=write_baseline,
            width=width,
            display=_display(quiet=quiet, color=color, show_na=show_na, full=full),
        )
    except MlauditError as exc:
        _fail(str(exc), exc.exit_code)
    finally:
        if no_cache and previous is None:
            os.environ.pop("MLAUDIT_NO_CACHE", None)
    raise typer.Exit(code)


@app.command()
def diff(
    path: Path = typer.Argument(Path("."), help="Repository (or subfolder) to compare."),
    base: str = typer.Option(
        ..., "--base", metavar="REF", help="Base commit, branch or tag (e.g. origin/main)."
    ),
    head: str | None = typer.Option(
        None, "--head", metavar="REF", help="Head commit (default: the work tree)."
    ),
    merge_base: bool = typer.Option(
        True,
        "--merge-base/--no-merge-base",
        help="Compare with the merge base of base and head, as a pull request does (default).",
    ),
    format: list[str] | None = typer.Option(
        None,
        "--format",
        "-f",
        metavar="[terminal|markdown|json|github]",
        help="Output format, repeatable; markdown is a pull-request comment.",
    ),
    output: list[str] | None = typer.Option(
        None,
        "--output",
        "-o",
        metavar="FORMAT=FILE",
        help="FORMAT=FILE writes that format to FILE (repeatable).",
    ),
    fail_on_regression: bool | None = typer.Option(
        None, "--fail-on-regression", help="Exit 1 when a check or a maturity level regressed."
    ),
    exit_zero: bool | None = typer.Option(None, "--exit-zero", help="Always exit 0 (report only)."),
    config: Path | None = typer.Option(
        None, "--config", metavar="FILE", help="Configuration file."
    ),
    rubric: str | None = typer.Option(
        None, "--rubric", metavar=RUBRIC_METAVAR, help="The built-in rubric or a YAML file."
    ),
    profile: str | None = typer.Option(
        None,
        "--profile",
        metavar=PROFILE_METAVAR,
        help="Deployment profile; auto detects it from the repository.",
    ),
    select: list[str] | None = typer.Option(
        None, "--select", metavar="SELECTOR", help=_SELECT_HELP
    ),
    ignore: list[str] | None = typer.Option(
        None, "--ignore", metavar="SELECTOR", help=_SELECT_HELP
    ),
    extend_select: list[str] | None = typer.Option(
        None, "--extend-select", metavar="SELECTOR", help=_SELECT_HELP
    ),
    extend_ignore: list[str] | None = typer.Option(
        None, "--extend-ignore", metavar="SELECTOR", help=_SELECT_HELP
    ),
    commit_limit: int | None = typer.Option(
        None, "--commit-limit", min=1, help="Read at most this many commits of history."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=_QUIET_HELP),
    color: str = typer.Option("auto", "--color", metavar=COLOR_METAVAR, help=_COLOR_HELP),
) -> None:
    """Audit base and head and report what improved and what regressed (for PR gating).

    In CI the base must be fetched: with actions/checkout use `fetch-depth: 0`. A missing
    base is exit 3, never a silent pass."""
    from mlaudit import run
    from mlaudit.errors import MlauditError

    flags = _policy_flags(
        format=format,
        output=output,
        rubric=rubric,
        profile=profile,
        select=select,
        ignore=ignore,
        extend_select=extend_select,
        extend_ignore=extend_ignore,
        fail_on_regression=fail_on_regression,
        exit_zero=exit_zero,
        commit_limit=commit_limit,
    )
    try:
        code = run.diff(
            path,
            flags,
            base=base,
            head=head,
            config_file=config,
            merge_base=merge_base,
            display=_display(quiet=quiet, color=color),
        )
    except MlauditError as exc:
        _fail(str(exc), exc.exit_code)
    raise typer.Exit(code)


@app.command()
def explain(
    ref: str | None = typer.Argument(
        None, help="A check id (REP001), name (deps-locked) or quality (REP, reproducibility)."
    ),
    all_: bool = typer.Option(False, "--all", help="Every check of the rubric."),
    format: str = typer.Option("text", "--format", "-f", metavar="[text|json]"),
    rubric: str = typer.Option("default", "--rubric", metavar=RUBRIC_METAVAR),
) -> None:
    """Explain a check or a quality: what it detects, why, how to fix, and the exact rule."""
    from mlaudit import explain as ex
    from mlaudit.cli_conventions import validate_choice
    from mlaudit.errors import MlauditError
    from mlaudit.rubric.load import load_rubric

    try:
        validate_choice("--format", format, ("text", "json"))
        loaded = load_rubric(rubric).rubric
    except MlauditError as exc:
        _fail(str(exc), exc.exit_code)
    if all_ == (ref is not None):
        _fail("give a check or quality, or --all", 2)
    if all_:
        pairs = loaded.checks()
        if format == "json":
            entries = [ex.check_entry(q, c) for q, c in pairs]
            typer.echo(json.dumps(entries, indent=2, sort_keys=True, ensure_ascii=False))
        else:
            typer.echo("\n".join(ex.check_text(q, c) for q, c in pairs), nl=False)
        return
    assert ref is not None
    found = ex.lookup(loaded, ref)
    if found is None:
        _fail(ex.not_found(loaded, ref), 2)
    quality, check = found
    if format == "json":
        entry = ex.check_entry(quality, check) if check else ex.quality_entry(quality)
        typer.echo(json.dumps(entry, indent=2, sort_keys=True, ensure_ascii=False))
    else:
        typer.echo(ex.check_text(quality, check) if check else ex.quality_text(quality), nl=False)


@app.command()
def init(
    path: Path = typer.Argument(Path("."), help="Repository to set up."),
    pyproject: bool = typer.Option(
        False, "--pyproject", help="Append [tool.mlaudit] to pyproject.toml, not .mlaudit.yaml."
    ),
    ci: str | None = typer.Option(
        None, "--ci", metavar="[github|gitlab]", help="Also write the CI job of examples/ci/."
    ),
) -> None:
    """Write a commented configuration with today's level as the gate (and a CI job);
    never overwrites a file."""
    from mlaudit import init as setup
    from mlaudit import run
    from mlaudit.cli_conventions import validate_choice
    from mlaudit.errors import MlauditError

    try:
        if ci is not None:
            validate_choice("--ci", ci, tuple(setup.CI_TARGETS))
        prepared = run.prepare(path, {}, None)
        assessment = run.assess_target(prepared, path, None)
        planned = setup.plan(path, assessment, pyproject=pyproject, ci=ci)
        setup.write(planned)
    except MlauditError as exc:
        _fail(str(exc), exc.exit_code)
    for item in planned:
        verb = "appended [tool.mlaudit] to" if item.append else "wrote"
        typer.echo(f"mlaudit: {verb} {item.path}")
    typer.echo(
        f"mlaudit: gate fail-under-level {assessment.overall_level} "
        f"({assessment.level_name(assessment.overall_level)}); raise it as the project matures"
    )


@rubric_app.command("list")
def rubric_list() -> None:
    """List the built-in rubrics (the inventory catalogue is not a rubric)."""
    from mlaudit.errors import MlauditError
    from mlaudit.rubric.load import load_rubric, rubrics_dir

    for path in sorted(rubrics_dir().glob("*.yaml")):
        try:
            loaded = load_rubric(path)
        except MlauditError:
            continue  # not a rubric (the MLOps stack catalogue lives here too)
        r = loaded.rubric
        name = "default" if path.stem == "default" else str(path)
        typer.echo(f"{name}  {r.title or r.id} {r.version} ({len(r.checks())} checks)")


@rubric_app.command("show")
def rubric_show(
    rubric: str = typer.Argument("default", help="'default' or a rubric file."),
) -> None:
    """Show a rubric's qualities, checks and level gates."""
    from mlaudit.errors import MlauditError
    from mlaudit.rubric.load import load_rubric
    from mlaudit.rubric.model import gate_refs

    try:
        loaded = load_rubric(rubric)
    except MlauditError as exc:
        _fail(str(exc), exc.exit_code)
    r = loaded.rubric
    typer.echo(f"{r.id} {r.version} — {r.title} (sha256 {loaded.sha256[:12]})")
    for q in r.qualities:
        typer.echo(f"\n{q.prefix} {q.title}  [{', '.join(q.profiles)}]")
        for c in q.checks:
            state = "" if c.enabled else " (disabled)"
            typer.echo(
                f"  {c.id} {c.name:<28} {c.artifact:<5} L{c.level} {c.strength:<10} w{c.weight:g}{state}"
            )
    typer.echo("\nlevels:")
    for lv in sorted(r.levels, key=lambda x: x.level):
        gate = " OR ".join(
            (f"{p.title or p.id}: " if len(lv.all_pillars()) > 1 else "")
            + "; ".join(" | ".join(gate_refs(g)) for g in p.items)
            for p in lv.all_pillars()
        )
        typer.echo(f"  L{lv.level} {lv.name}: {gate or '—'}")


@rubric_app.command("validate")
def rubric_validate(file: Path = typer.Argument(..., help="Rubric YAML file.")) -> None:
    """Validate a rubric file (exit 2 with file:line on error)."""
    from mlaudit.errors import MlauditError
    from mlaudit.rubric.load import load_rubric

    try:
        loaded = load_rubric(file)
    except MlauditError as exc:
        _fail(str(exc), exc.exit_code)
    checks = len(loaded.rubric.checks())
    typer.echo(f"{file}: ok ({len(loaded.rubric.qualities)} qualities, {checks} checks)")


@rubric_app.command("docs")
def rubric_docs(
    rubric: str = typer.Argument("default", help="'default' or a rubric file."),
    output: str = typer.Option(
        "docs/rubric.md", "--output", "-o", help="File to write, or '-' for stdout."
    ),
) -> None:
    """Write the rubric reference (every quality and check: what, why, how to fix)."""
    from mlaudit.errors import MlauditError
    from mlaudit.inventory import catalogue_path, load_catalogue
    from mlaudit.rubric.docs import render_rubric_docs
    from mlaudit.rubric.load import load_rubric

    try:
        loaded = load_rubric(rubric)
        text = render_rubric_docs(loaded, load_catalogue(str(catalogue_path(loaded.path))))
    except MlauditError as exc:
        _fail(str(exc), exc.exit_code)
    if output == "-":
        sys.stdout.write(text)
        return
    target = Path(output)
    target.parent.mkdir(parents=True, exist_ok=True)
    _write(text, target)
    typer.echo(f"wrote {target}", err=True)


@rubric_app.command("schema")
def rubric_schema(
    kind: str = typer.Option(
        "rubric",
        "--kind",
        metavar="[rubric|assessment|config]",
        help="rubric (the YAML rubric), assessment (the JSON output) or config "
        "([tool.mlaudit] / .mlaudit.yaml).",
    ),
) -> None:
    """Print a JSON Schema: of rubric files, or of `scan --format json` output."""
    if kind == "rubric":
        from mlaudit.rubric.schema import rubric_json_schema

        schema = rubric_json_schema()
    elif kind == "assessment":
        from mlaudit.report.json import json_schema

        schema = json_schema()
    elif kind == "config":
        from mlaudit.config import config_json_schema

        schema = config_json_schema()
    else:
        _fail("--kind must be rubric, assessment or config", 2)
    typer.echo(json.dumps(schema, indent=2, sort_keys=True))


from mlaudit.fleet_cmd import aggregate as _aggregate  # noqa: E402
from mlaudit.history_cmd import history as _history  # noqa: E402

app.command("history")(_history)
app.command("aggregate")(_aggregate)


def entry() -> NoReturn:
    """The `mlaudit` console script and `python -m mlaudit`: main(), then the process ends
    without tearing the interpreter down object by object.

    A scan keeps everything it parsed until it ends, and freeing it one object at a time at
    exit cost 8 % of a small repository's scan and more at scale; the operating system takes
    the memory back at once. What the normal exit does that matters is done here first: the
    atexit functions (git children killed, finalizers run) and stdout and stderr flushed.
    main() itself still ends with SystemExit, for callers that run it in their own process."""
    import atexit

    try:
        main()
        code = 0
    except SystemExit as exc:
        code = _exit_status(exc.code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a full disk, a reader gone, a closed stream
            code = 120  # what the interpreter's own exit returns when this flush fails
    os._exit(code)


def _exit_status(code: object) -> int:
    """The status the interpreter gives `SystemExit(code)`: None is 0, an int is itself, and
    anything else is printed to stderr and is 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def main() -> None:
    # pydantic would import every installed `pydantic` entry-point plugin at its first model:
    # third-party code running inside every validation, found by reading the metadata of
    # every installed distribution at start-up. mlaudit has no use for either.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    # Nearly everything a scan allocates lives until it ends (modules, the rubric, parsed
    # files): with the default threshold (700) the collector ran ~180 times over it, 8 % of
    # a small repository's scan. Garbage cycles are rare here; peak memory is unchanged
    # (measured at 100,000 files).
    import gc

    gc.set_threshold(10_000, 10, 10)
    from mlaudit import regex_cache

    regex_cache.install()  # compiled patterns read from the cache (run.prepare names it)
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("mlaudit: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # never a traceback, never exit 0 or 1 (= "gate failed")
        # exit 2 = abnormal termination, as ruff does; MLAUDIT_DEBUG=1 shows the traceback
        if os.environ.get("MLAUDIT_DEBUG"):
            raise
        from mlaudit.report.escape import error_line

        typer.echo(
            f"mlaudit: internal error: {exc.__class__.__name__}: {error_line(str(exc))} "
            "(set MLAUDIT_DEBUG=1 for the traceback and please report it)",
            err=True,
        )
        sys.exit(2)
