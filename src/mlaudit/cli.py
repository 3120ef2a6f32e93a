"""Command line: wires Snapshot → probes → rubric → scoring → report.

Exit codes: 0 ok / gate passed, 1 gate failed, 2 usage, configuration or rubric error,
3 target unreadable. Errors are one clear line on stderr, never a traceback.
Heavy modules are imported inside commands so `--help` and `--version` start fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import NoReturn

import typer

from mlaudit import __version__

app = typer.Typer(
    name="mlaudit",
    help="MLOps maturity audit: how production-ready is this ML repository, quality by quality, "
    "for its data, model and code — and what to fix next.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
rubric_app = typer.Typer(help="Inspect, validate and export rubrics.", no_args_is_help=True)
app.add_typer(rubric_app, name="rubric")

SCAN_FORMATS = ("terminal", "json", "markdown", "html")


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(f"mlaudit: error: {message}", err=True)
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
    path: Path = typer.Argument(
        Path("."), help="Repository (or subfolder, or plain folder) to audit."
    ),
    format: list[str] | None = typer.Option(
        None,
        "--format",
        "-f",
        metavar="FORMAT",
        help="Output format, repeatable: terminal, json, markdown, html, sarif, junit, github, "
        "gitlab (default: terminal; github when GITHUB_ACTIONS=true).",
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
    rubric: str | None = typer.Option(None, "--rubric", help="Rubric: 'default' or a YAML file."),
    profile: str | None = typer.Option(
        None, "--profile", help="auto, research, batch or online-serving."
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
    fail_on: str | None = typer.Option(
        None,
        "--fail-on",
        metavar="SEVERITY",
        help="Fail on a failing check of this severity or higher (info … critical).",
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
        fail_on=fail_on,
        exit_zero=exit_zero,
        baseline=baseline,
        include_untracked=include_untracked,
        commit_limit=commit_limit,
        verbose=verbose,
        timestamp=timestamp,
        repo_url=repo_url,
    )
    try:
        code = run.scan(
            path,
            flags,
            config_file=config,
            show_config=show_config,
            ref=ref,
            write_baseline=write_baseline,
            width=width,
        )
    except MlauditError as exc:
        _fail(str(exc), exc.exit_code)
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
        metavar="FORMAT",
        help="terminal, markdown (PR comment), json or github; repeatable.",
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
    rubric: str | None = typer.Option(None, "--rubric", help="Rubric: 'default' or a YAML file."),
    profile: str | None = typer.Option(
        None, "--profile", help="auto, research, batch or online-serving."
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
            path, flags, base=base, head=head, config_file=config, merge_base=merge_base
        )
    except MlauditError as exc:
        _fail(str(exc), exc.exit_code)
    raise typer.Exit(code)


@app.command()
def explain(
    ref: str = typer.Argument(
        ..., help="A check id (REP001), name (deps-locked) or quality (REP, reproducibility)."
    ),
) -> None:
    """Explain a check or a quality: what it detects, why, how to fix."""
    from mlaudit.errors import MlauditError
    from mlaudit.probes.registry import get_probe
    from mlaudit.rubric.load import load_rubric

    try:
        rubric = load_rubric().rubric
    except MlauditError as exc:
        _fail(str(exc), exc.exit_code)
    found = rubric.find(ref) or rubric.find(ref.upper())
    if found:
        quality, check = found
        spec = get_probe(check.probe)
        lines = [
            f"{check.id} {check.name} — {check.title}",
            f"quality: {quality.title} ({quality.prefix}) · artifact: {check.artifact} · level {check.level}"
            f" · {check.strength} · weight {check.weight:g} · severity {check.severity}",
            "",
        ]
        if check.rationale:
            lines += ["Why it matters:", "  " + check.rationale.strip(), ""]
        if check.remediation:
            lines += ["How to fix:", "  " + check.remediation.strip(), ""]
        params = (
            check.with_.model_dump(exclude_defaults=True)
            if hasattr(check.with_, "model_dump")
            else check.with_
        )
        lines += [
            f"How it is detected: probe `{check.probe}` with {json.dumps(params, sort_keys=True, default=str)}"
        ]
        if spec and spec.doc:
            lines += ["", *("  " + line for line in spec.doc.splitlines())]
        if check.references:
            lines += ["", "References:", *(f"  - {r}" for r in check.references)]
        typer.echo("\n".join(lines))
        return
    quality_found = (
        rubric.quality(ref) or rubric.quality(ref.upper()) or rubric.quality(ref.lower())
    )
    if quality_found:
        quality = quality_found
        lines = [f"{quality.prefix} {quality.title}"]
        if quality.source_heading:
            lines.append(f"source model: {quality.source_heading}")
        lines += [
            "",
            quality.description.strip(),
            "",
            f"applies to profiles: {', '.join(quality.profiles)}",
            "",
            "checks:",
        ]
        lines += [
            f"  {c.id} {c.name} [{c.artifact}, L{c.level}, {c.strength}] {c.title}"
            for c in quality.checks
        ]
        typer.echo("\n".join(lines))
        return
    _fail(f"no check or quality named {ref!r}; see `mlaudit rubric show`", 2)


@rubric_app.command("list")
def rubric_list() -> None:
    """List the built-in rubrics."""
    from mlaudit.rubric.load import rubrics_dir

    for path in sorted(rubrics_dir().glob("*.yaml")):
        typer.echo(path.stem)


@rubric_app.command("show")
def rubric_show(
    rubric: str = typer.Argument("default", help="'default' or a rubric file."),
) -> None:
    """Show a rubric's qualities, checks and level gates."""
    from mlaudit.errors import MlauditError
    from mlaudit.rubric.load import load_rubric

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
        gate = "; ".join(g if isinstance(g, str) else " | ".join(g) for g in lv.gate)
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


from mlaudit.history_cmd import history as _history  # noqa: E402

app.command("history")(_history)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("mlaudit: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # never a traceback, never exit 0 or 1 (= "gate failed")
        # exit 2 = abnormal termination, as ruff does; MLAUDIT_DEBUG=1 shows the traceback
        import os

        if os.environ.get("MLAUDIT_DEBUG"):
            raise
        typer.echo(
            f"mlaudit: internal error: {exc.__class__.__name__}: {exc} "
            "(set MLAUDIT_DEBUG=1 for the traceback and please report it)",
            err=True,
        )
        sys.exit(2)
