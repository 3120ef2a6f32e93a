"""Bounded patterns and expansions (issue #13, class 6): a rubric, a waiver or a .gitignore
from the scanned repository cannot make the scan take exponential (or quadratic) time.

Each case would take minutes on the unbounded code; here every one must finish within a
small timeout, and still give the right answer where there is one.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from helpers import make_repo

from hardening.util import run_isolated
from mlaudit import budget
from mlaudit.errors import RubricError
from mlaudit.patterns import MAX_MATCH_LINE, unsafe_reason
from mlaudit.repo.globs import MAX_BRACE_ALTERNATIVES, compile_glob
from mlaudit.repo.ignore import IgnoreRules
from mlaudit.repo.worktree import open_worktree
from mlaudit.results import Outcome
from mlaudit.rubric.load import load_rubric
from mlaudit.scoring import assess

TIMEOUT = 60


def _rubric(pattern: str) -> str:
    return f"""\
id: t
version: "1"
title: t
levels:
  - level: 0
    name: Manual
qualities:
  - id: documentation
    prefix: DOC
    title: Docs
    description: d
    checks:
      - id: DOC001
        name: slow
        title: slow
        artifact: code
        level: 1
        strength: strong
        probe: content
        with:
          globs: ["*.txt"]
          pattern: '{pattern}'
"""


@pytest.mark.parametrize(
    ("pattern", "unsafe"),
    [
        (r"(a+)+$", True),
        (r"(\w+\s?)*$", True),
        (r"^(([a-z])+.)+[A-Z]([a-z])+$", True),
        (r"\bmetaflow\b.*\brun\b", False),
        (r"(?:foo|bar)+\d{2,}", False),
        (r"\bdvc\s+(repro|exp\s+run)\b", False),
    ],
)
def test_nested_quantifiers_are_recognised(pattern: str, unsafe: bool) -> None:
    assert (unsafe_reason(pattern) is not None) == unsafe


def test_the_default_rubric_has_no_unsafe_pattern() -> None:
    load_rubric()  # patterns are validated at load: this would raise


def test_a_rubric_with_a_catastrophic_pattern_is_refused_at_load(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(_rubric(r"(\\w+\\s?)*$"))
    with pytest.raises(RubricError, match="nested unbounded quantifiers"):
        load_rubric(path)


def test_a_slow_pattern_the_checker_misses_hits_the_check_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`(a|aa)+$` has no nested repeat but backtracks exponentially on 'aaa…b'."""
    monkeypatch.setattr(budget, "CHECK_SECONDS", 1.0)
    path = tmp_path / "r.yaml"
    path.write_text(_rubric("(a|aa)+$"))
    root = make_repo(tmp_path / "repo", {"notes.txt": "a" * 60 + "b\n"}, git_init=False)
    start = time.monotonic()
    [result] = assess(open_worktree(root), load_rubric(path)).results
    assert time.monotonic() - start < TIMEOUT / 2
    assert result.outcome == Outcome.UNKNOWN
    assert "time budget" in result.message


def test_quadratic_pattern_on_a_huge_ci_line(tmp_path: Path) -> None:
    """The default rubric's `\\bmetaflow\\b.*\\brun\\b` over a 400,000-character CI line."""
    line = "metaflow " * 45_000
    workflow = f"on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: {line}\n"
    root = make_repo(tmp_path / "repo", {".github/workflows/ci.yml": workflow, "a.txt": line})
    result = run_isolated("scan", ".", "--format", "json", cwd=root)
    assert result.returncode in (0, 1), result.stderr


def test_lines_are_cut_before_matching() -> None:
    assert MAX_MATCH_LINE <= 10_000


def test_brace_expansion_is_capped() -> None:
    with pytest.raises(ValueError, match="alternatives"):
        compile_glob("{a,b}" * 20)
    assert compile_glob("{a,b}" * 5).match("ababa")  # 32 alternatives: fine
    assert MAX_BRACE_ALTERNATIVES >= 32


def test_waiver_brace_bomb_is_a_usage_error(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "repo",
        {
            "requirements.txt": "numpy\n",
            ".mlaudit.yaml": (
                f"waivers:\n  - check: deps-locked\n    reason: x\n    paths: ['{'{a,b}' * 24}']\n"
            ),
        },
    )
    result = run_isolated("scan", ".", cwd=root)
    assert result.returncode == 2, result.stderr
    assert "alternatives" in result.stderr


def test_gitignore_star_bomb_in_a_plain_folder(tmp_path: Path) -> None:
    bomb = "*a" * 12 + "*b"
    files = {".gitignore": bomb + "\n", "a" * 200 + ".txt": "x\n", "xaab": "y\n", "keep.py": ""}
    root = make_repo(tmp_path / "plain", files, git_init=False)
    start = time.monotonic()
    paths = set(open_worktree(root).files)
    assert time.monotonic() - start < TIMEOUT / 2
    assert "keep.py" in paths and "a" * 200 + ".txt" in paths
    rules = IgnoreRules()
    rules.add_file("", root / ".gitignore")
    assert rules.ignored("x" + "a" * 12 + "b", is_dir=False)  # the rule still works
    assert not rules.ignored("a" * 200, is_dir=False)


def test_the_budget_handler_is_installed_once_and_restored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """evaluate() installs the alarm handler once around every check's limit, restores the
    previous one afterwards, and a limit inside it still stops a slow check."""
    import signal

    monkeypatch.setattr(budget, "CHECK_SECONDS", 0.2)
    before = signal.getsignal(signal.SIGALRM)
    calls: list[object] = []
    real = signal.signal
    monkeypatch.setattr(signal, "signal", lambda *a: calls.append(a) or real(*a))
    with budget.handler():
        for _ in range(3):
            with budget.limit(5):
                pass
        with pytest.raises(budget.BudgetExceeded), budget.limit(0.05):
            time.sleep(2)
        assert signal.getitimer(signal.ITIMER_REAL)[0] == 0
    assert len(calls) == 2  # installed once, restored once: none per limit
    assert signal.getsignal(signal.SIGALRM) == before
    with pytest.raises(budget.BudgetExceeded), budget.limit(0.05):  # alone: its own handler
        time.sleep(2)
    assert signal.getsignal(signal.SIGALRM) == before
