"""`mlaudit init`: start using mlaudit in a repository in one command.

Writes a commented configuration whose gate is the level the repository has today (so CI
passes now and fails on a regression), in `.mlaudit.yaml` or, with `--pyproject`, as a
`[tool.mlaudit]` table appended to pyproject.toml; with `--ci github|gitlab`, also the CI
job of examples/ci/ (its `--fail-under-level` flag dropped: the configuration holds the
gate). It never overwrites: an existing file (or an existing `[tool.mlaudit]` table) is an
error naming it, exit 2, and nothing is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from mlaudit.errors import UsageError
from mlaudit.results import Assessment

CI_TARGETS = {
    "github": ("github-workflow.yml", ".github/workflows/mlaudit.yml"),
    "gitlab": ("gitlab-ci.yml", ".gitlab-ci.yml"),
}


def ci_templates_dir() -> Path:
    """The CI templates: inside the installed package, or the source tree's examples/ci/."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "ci_templates", here.parent.parent / "examples" / "ci"):
        if (candidate / "github-workflow.yml").is_file():
            return candidate
    raise UsageError("the CI templates are missing from this installation")


def _settings(a: Assessment, comment: str) -> list[str]:
    level = a.overall_level
    name = a.level_name(level)
    index = getattr(a, "maturity_index", None)
    now = f"level {level} ({name})" + (f", index {index:.1f}" if isinstance(index, float) else "")
    c = comment
    return [
        f"{c} mlaudit configuration, written by `mlaudit init`.",
        f"{c} The repository is at maturity {now} today; the gate below keeps it there.",
        f"{c} Raise it as the project matures. Flags on the command line win over this file.",
        f"{c} Every setting: https://github.com/mlaudit/mlaudit/blob/main/docs/ci.md",
        "",
        f"{c} Fail (exit 1) when the maturity level falls below this.",
        f"fail-under-level: {level}",
        "",
        f"{c} Deployment profile: auto, research, batch or online-serving "
        f"(detected today: {a.profile.detected}).",
        "profile: auto",
        "",
        f"{c} Also fail on a failing check of this severity or higher.",
        f"{c} fail-on: high",
        "",
        f"{c} Gate only new failures: record today's with",
        f"{c} `mlaudit scan --write-baseline .mlaudit-baseline.json`, then:",
        f"{c} baseline: .mlaudit-baseline.json",
        "",
        f"{c} Checks to run (ids, prefixes such as SEC, or ALL) and to skip.",
        f"{c} select: [ALL]",
        f"{c} ignore: []",
    ]


def yaml_config(a: Assessment) -> str:
    return "\n".join(_settings(a, "#")) + "\n"


def pyproject_table(a: Assessment) -> str:
    lines = []
    for line in _settings(a, "#"):
        key = re.match(r"^(#\s)?([a-z-]+): (.*)$", line)
        if key and not line.startswith("# mlaudit") and not line.startswith("# The"):
            prefix, name, value = key.groups()
            if value.startswith("["):
                value = (
                    "["
                    + ", ".join(f'"{v.strip()}"' for v in value[1:-1].split(",") if v.strip())
                    + "]"
                )
            elif not value.isdigit():
                value = f'"{value}"'
            line = f"{prefix or ''}{name} = {value}"
        lines.append(line)
    return "\n[tool.mlaudit]\n" + "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Planned:
    path: Path
    text: str
    append: bool = False


def plan(root: Path, a: Assessment, *, pyproject: bool, ci: str | None) -> list[Planned]:
    """What init would write; UsageError (nothing written) if anything already exists."""
    out: list[Planned] = []
    if pyproject:
        target = root / "pyproject.toml"
        if not target.is_file():
            raise UsageError(f"--pyproject: {target} does not exist; use .mlaudit.yaml instead")
        text = target.read_text(encoding="utf-8", errors="replace")
        if re.search(r"(?m)^\s*\[tool\.mlaudit\]", text):
            raise UsageError(f"{target} already has a [tool.mlaudit] table; not overwriting it")
        out.append(Planned(target, pyproject_table(a), append=True))
    else:
        target = root / ".mlaudit.yaml"
        if target.exists() or (root / ".mlaudit.yml").exists():
            raise UsageError(f"{target} already exists; not overwriting it")
        manifest = root / "pyproject.toml"
        if manifest.is_file() and re.search(
            r"(?m)^\s*\[tool\.mlaudit\]", manifest.read_text(encoding="utf-8", errors="replace")
        ):
            raise UsageError(f"{manifest} already configures mlaudit ([tool.mlaudit])")
        out.append(Planned(target, yaml_config(a)))
    if ci is not None:
        source, dest = CI_TARGETS[ci]
        target = root / dest
        if target.exists():
            raise UsageError(f"{target} already exists; not overwriting it")
        text = (ci_templates_dir() / source).read_text(encoding="utf-8")
        text = re.sub(r" --fail-under-level \d", "", text)  # the configuration holds the gate
        out.append(Planned(target, text))
    return out


def write(planned: list[Planned]) -> None:
    for item in planned:
        if item.path.is_symlink():
            raise UsageError(f"{item.path} is a symbolic link; not writing through it")
    for item in planned:
        item.path.parent.mkdir(parents=True, exist_ok=True)
        if item.append:
            with item.path.open("a", encoding="utf-8") as handle:
                handle.write(item.text)
        else:
            with item.path.open("x", encoding="utf-8") as handle:  # never overwrite
                handle.write(item.text)
