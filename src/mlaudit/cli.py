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

SCAN_FORMATS = ("terminal", "json")


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


@app.command()
def scan(
    path: Path = typer.Argument(
        Path("."), help="Repository (or subfolder, or plain folder) to audit."
    ),
    format: str = typer.Option(
        "terminal", "--format", "-f", help=f"Output format: {', '.join(SCAN_FORMATS)}."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the report to this file."
    ),
    rubric: str = typer.Option("default", "--rubric", help="Rubric: 'default' or a YAML file."),
    profile: str = typer.Option(
        "auto", "--profile", help="auto, research, batch or online-serving."
    ),
    include_untracked: bool = typer.Option(
        False, "--include-untracked", help="Also read untracked, non-ignored files."
    ),
    commit_limit: int = typer.Option(
        10_000, "--commit-limit", min=1, help="Read at most this many commits of history."
    ),
    verbose: bool = typer.Option(
        False, "--verbose", "-v", help="Show every check with its evidence."
    ),
    width: int = typer.Option(
        0, "--width", help="Terminal width (default: detected, at least 80)."
    ),
) -> None:
    """Audit a repository against the rubric."""
    from mlaudit.errors import MlauditError
    from mlaudit.repo.worktree import open_worktree
    from mlaudit.report import FORMATS, RenderOptions, renderer
    from mlaudit.rubric.load import load_rubric
    from mlaudit.scoring import ScanOptions, assess

    if format not in FORMATS:
        _fail(f"unknown format {format!r}; choose one of: {', '.join(FORMATS)}", 2)
    if profile not in ("auto", "research", "batch", "online-serving"):
        _fail(f"unknown profile {profile!r}; choose auto, research, batch or online-serving", 2)
    try:
        loaded = load_rubric(rubric)
        snap = open_worktree(path, include_untracked=include_untracked, commit_limit=commit_limit)
        assessment = assess(snap, loaded, ScanOptions(profile=profile))
    except MlauditError as exc:
        _fail(str(exc), exc.exit_code)
    import shutil

    detected_width = width or max(80, min(120, shutil.get_terminal_size((100, 24)).columns))
    color = format == "terminal" and output is None and sys.stdout.isatty()
    text = renderer(format)(
        assessment, RenderOptions(verbose=verbose, width=detected_width, color=color)
    )
    _write(text, output)


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


@rubric_app.command("schema")
def rubric_schema(
    kind: str = typer.Option(
        "rubric", "--kind", help="rubric (the YAML rubric) or assessment (the JSON output)."
    ),
) -> None:
    """Print a JSON Schema: of rubric files, or of `scan --format json` output."""
    if kind == "rubric":
        from mlaudit.rubric.schema import rubric_json_schema

        schema = rubric_json_schema()
    elif kind == "assessment":
        from mlaudit.report.json import json_schema

        schema = json_schema()
    else:
        _fail("--kind must be rubric or assessment", 2)
    typer.echo(json.dumps(schema, indent=2, sort_keys=True))


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("mlaudit: interrupted", err=True)
        sys.exit(130)
