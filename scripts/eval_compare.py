#!/usr/bin/env python3
"""Compare `mlaudit scan` with the hand-labelled ground truth in ../shared/eval.

For every labels/<owner>__<name>.yaml, scan REPOS_DIR/<owner>__<name> (a checkout at the
labelled commit, with its history; this script fetches nothing), map each label to mlaudit
checks with scripts/eval_mapping.yaml, and print per repository a table

    label | expected | mlaudit (check: outcome, …) | agree?

plus totals and the overall maturity against `maturity_overall`.

    python scripts/eval_compare.py --repos-dir /work/evalrepos [--markdown table.md] [--json out.json]

Exit status: 0 when every repository was scanned (whatever the agreement), 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
# the project sits next to ../shared (a checkout) or two levels below it (a worktree)
_LABEL_CANDIDATES = (
    HERE.parent.parent / "shared" / "eval" / "labels",
    HERE.parent.parent.parent / "shared" / "eval" / "labels",
)
DEFAULT_LABELS = next((p for p in _LABEL_CANDIDATES if p.is_dir()), _LABEL_CANDIDATES[0])
DEFAULT_MAPPING = HERE / "eval_mapping.yaml"
UNDECIDED = {"unknown", "error"}


@dataclass
class Row:
    label: str
    expected: bool
    detail: str  # what mlaudit said, e.g. "data-vcs: pass, data-pinned: fail"
    verdict: str  # agree | DISAGREE | undecided | missing | unmapped
    confidence: str = ""
    note: str = ""


@dataclass
class RepoReport:
    repo: str
    commit: str
    head: str | None
    rows: list[Row] = field(default_factory=list)
    maturity_expected: int | None = None
    maturity_mlaudit: int | None = None
    artifact_levels: dict[str, int] = field(default_factory=dict)
    index: float | None = None
    artifact_index: dict[str, float] = field(default_factory=dict)
    progress: str = ""
    caps: str = ""
    profile: str = ""
    error: str = ""

    def count(self, verdict: str) -> int:
        return sum(1 for r in self.rows if r.verdict == verdict)


def run_scan(mlaudit: list[str], path: Path) -> dict[str, Any]:
    proc = subprocess.run(
        [*mlaudit, "scan", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode not in (0, 1):
        raise RuntimeError(
            f"mlaudit exited {proc.returncode}: {proc.stderr.strip().splitlines()[-1:]}"
        )
    data: dict[str, Any] = json.loads(proc.stdout)
    return data


def git_head(path: Path) -> str | None:
    proc = subprocess.run(
        ["git", "-C", str(path), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    )
    return proc.stdout.strip() if proc.returncode == 0 else None


def judge(label: str, truth: dict[str, Any], spec: dict[str, Any], scan: dict[str, Any]) -> Row:
    expected = bool(truth.get("value"))
    confidence = str(truth.get("confidence", ""))
    note = str(spec.get("approx", ""))
    if "unmapped" in spec:
        return Row(label, expected, "—", "unmapped", confidence, str(spec["unmapped"]))
    if "profile" in spec:
        profile = scan["profile"]["name"]
        said = profile in spec["profile"]
        verdict = "agree" if said == expected else "DISAGREE"
        return Row(label, expected, f"profile: {profile}", verdict, confidence, note)
    true_when = set(spec.get("true_when", ["pass", "partial"]))
    by_name: dict[str, list[str]] = {}
    for result in scan["results"]:
        by_name.setdefault(result["name"], []).append(result["outcome"])
    parts, outcomes = [], []
    for name in spec["checks"]:
        found = by_name.get(name)
        if not found:
            parts.append(f"{name}: (no check)")
            continue
        for outcome in found:
            parts.append(f"{name}: {outcome}")
            outcomes.append(outcome)
    detail = ", ".join(parts)
    if not outcomes:
        return Row(label, expected, detail, "missing", confidence, note)
    said_true = any(o in true_when for o in outcomes)
    decided = [o for o in outcomes if o not in UNDECIDED]
    if not said_true and not decided:
        return Row(label, expected, detail, "undecided", confidence, note)
    verdict = "agree" if said_true == expected else "DISAGREE"
    return Row(label, expected, detail, verdict, confidence, note)


def compare(
    label_file: Path, repos_dir: Path, mapping: dict[str, Any], mlaudit: list[str]
) -> RepoReport:
    labels = yaml.safe_load(label_file.read_text(encoding="utf-8"))
    name = label_file.stem
    path = repos_dir / name
    report = RepoReport(repo=labels["repo"], commit=labels["commit"], head=git_head(path))
    report.maturity_expected = labels.get("maturity_overall")
    if not path.is_dir():
        report.error = f"no checkout at {path}"
        return report
    try:
        scan = run_scan(mlaudit, path)
    except (RuntimeError, json.JSONDecodeError) as exc:
        report.error = str(exc)
        return report
    report.maturity_mlaudit = scan["overall_level"]
    report.artifact_levels = scan["artifact_levels"]
    report.index = scan.get("maturity_index")
    report.artifact_index = {
        a: m["index"] for a, m in (scan.get("artifact_maturity") or {}).items()
    }
    report.progress = _progress(scan.get("maturity") or {})
    report.caps = ", ".join(
        f"{c['name']} → {c['cap']}" for c in (scan.get("maturity") or {}).get("caps", [])
    )
    report.profile = scan["profile"]["name"]
    for label, truth in labels["signals"].items():
        spec = mapping.get(label)
        if spec is None:
            report.rows.append(
                Row(label, bool(truth.get("value")), "—", "unmapped", "", "not in mapping")
            )
            continue
        report.rows.append(judge(label, truth, spec, scan))
    return report


def _progress(maturity: dict[str, Any]) -> str:
    nl = maturity.get("next_level")
    if not nl:
        return "—"
    top = ", ".join(f"{m['name']} +{m['gain']:.2f}" for m in nl.get("missing", [])[:3])
    return f"L{nl['level']}: {nl['met']}/{nl['total']} met; {top}"


def _ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1  # ties share the mean rank
        i = j + 1
    return ranks


def spearman(xs: list[float], ys: list[float]) -> float | None:
    """Spearman's rank correlation (Pearson on mean ranks, so ties are handled)."""
    if len(xs) < 2:
        return None
    rx, ry = _ranks(xs), _ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx) ** 0.5
    vy = sum((b - my) ** 2 for b in ry) ** 0.5
    return None if vx == 0 or vy == 0 else cov / (vx * vy)


def render_maturity(reports: list[RepoReport]) -> list[str]:
    """Label vs index and level, per-artifact levels, next-level progress; agreement and
    Spearman's rho between the labels and the index."""
    out = [
        "",
        "## Maturity: label vs index",
        "",
        "| repository | label | index | level | data | model | code | caps | next level |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    done = [r for r in reports if r.index is not None and r.maturity_expected is not None]
    for r in done:
        arts = [
            f"L{r.artifact_levels.get(a, 0)} ({r.artifact_index.get(a, 0):.1f})"
            for a in ("data", "model", "code")
        ]
        out.append(
            f"| {r.repo} | {r.maturity_expected} | {r.index:.1f} | {r.maturity_mlaudit} | "
            + " | ".join(arts)
            + f" | {r.caps or '—'} | {r.progress} |"
        )
    if done:
        exact = sum(1 for r in done if r.maturity_mlaudit == r.maturity_expected)
        within = sum(
            1
            for r in done
            if r.maturity_mlaudit is not None
            and r.maturity_expected is not None
            and abs(r.maturity_mlaudit - r.maturity_expected) <= 1
        )
        rho = spearman(
            [float(r.maturity_expected or 0) for r in done], [float(r.index or 0) for r in done]
        )
        shown = "n/a" if rho is None else f"{rho:.2f}"
        out += [
            "",
            f"level exact {exact}/{len(done)}, within one {within}/{len(done)}; "
            f"Spearman (label, index) = {shown}",
        ]
    return out


def _yn(value: bool) -> str:
    return "true" if value else "false"


def render_markdown(reports: list[RepoReport]) -> str:
    out = ["# mlaudit vs hand labels (../shared/eval)", ""]
    out.append(
        "| repository | agree | disagree | undecided | no check | unmapped | maturity label → mlaudit |"
    )
    out.append("|---|---|---|---|---|---|---|")
    totals = dict.fromkeys(("agree", "DISAGREE", "undecided", "missing", "unmapped"), 0)
    for rep in reports:
        for key in totals:
            totals[key] += rep.count(key)
        maturity = f"{rep.maturity_expected} → {rep.maturity_mlaudit}"
        if rep.error:
            maturity += f" (error: {rep.error})"
        out.append(
            f"| {rep.repo} | {rep.count('agree')} | {rep.count('DISAGREE')} | {rep.count('undecided')}"
            f" | {rep.count('missing')} | {rep.count('unmapped')} | {maturity} |"
        )
    decided = totals["agree"] + totals["DISAGREE"] + totals["undecided"]
    rate = f"{100.0 * totals['agree'] / decided:.1f} %" if decided else "n/a"
    out.append(
        f"| **total** | {totals['agree']} | {totals['DISAGREE']} | {totals['undecided']}"
        f" | {totals['missing']} | {totals['unmapped']} | agreement {rate} of mapped labels with a check |"
    )
    out += render_maturity(reports)
    for rep in reports:
        head = rep.head or "?"
        warn = "" if head == rep.commit else f" — WARNING: checkout is at {head[:12]}"
        levels = ", ".join(f"{k} {v}" for k, v in rep.artifact_levels.items())
        out += [
            "",
            f"## {rep.repo} @ {rep.commit[:12]}{warn}",
            "",
            f"maturity: label {rep.maturity_expected}, mlaudit {rep.maturity_mlaudit}"
            f" ({levels}); profile {rep.profile or '?'}",
            "",
            "| label | expected | mlaudit | agree? |",
            "|---|---|---|---|",
        ]
        if rep.error:
            out.append(f"| (scan failed) | | {rep.error} | |")
        for row in rep.rows:
            if row.verdict == "unmapped":
                continue
            expected = _yn(row.expected) + (f" ({row.confidence})" if row.confidence else "")
            mark = {
                "agree": "yes",
                "DISAGREE": "**NO**",
                "undecided": "undecided",
                "missing": "no check",
            }[row.verdict]
            out.append(f"| {row.label} | {expected} | {row.detail} | {mark} |")
        unmapped = [r.label for r in rep.rows if r.verdict == "unmapped"]
        if unmapped:
            out += ["", f"unmapped labels: {', '.join(unmapped)}"]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--repos-dir", type=Path, required=True, help="DIR/<owner>__<name> checkouts"
    )
    parser.add_argument("--labels-dir", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--mapping", type=Path, default=DEFAULT_MAPPING)
    parser.add_argument("--repo", action="append", default=[], help="only these <owner>__<name>")
    parser.add_argument(
        "--mlaudit",
        default=f"{sys.executable} -m mlaudit",
        help="command that runs mlaudit (default: this interpreter's `-m mlaudit`)",
    )
    parser.add_argument("--markdown", type=Path, help="also write the tables to this file")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON")
    args = parser.parse_args(argv)

    if not args.labels_dir.is_dir():
        print(f"eval_compare: no labels directory {args.labels_dir}", file=sys.stderr)
        return 2
    mapping = yaml.safe_load(args.mapping.read_text(encoding="utf-8"))
    label_files = sorted(args.labels_dir.glob("*.yaml"))
    if args.repo:
        label_files = [f for f in label_files if f.stem in args.repo]
    reports = [compare(f, args.repos_dir, mapping, args.mlaudit.split()) for f in label_files]
    text = render_markdown(reports)
    sys.stdout.write(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    if args.json:
        payload = [
            {
                "repo": r.repo,
                "commit": r.commit,
                "maturity_label": r.maturity_expected,
                "maturity_mlaudit": r.maturity_mlaudit,
                "maturity_index": r.index,
                "artifact_levels": r.artifact_levels,
                "artifact_index": r.artifact_index,
                "error": r.error,
                "rows": [row.__dict__ for row in r.rows],
            }
            for r in reports
        ]
        args.json.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return 0 if all(not r.error for r in reports) else 2


if __name__ == "__main__":
    raise SystemExit(main())
