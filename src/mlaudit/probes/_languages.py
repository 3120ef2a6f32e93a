"""The main language of a repository whose code is not Python, and its conventions for
tests, test commands and lockfiles.

mlaudit reads Python, notebooks and configuration. A repository written mostly in Go or Rust
(a recommender engine, an inference server) still has tests, runs them in CI and locks its
dependencies, by its language's conventions: reporting "no tests" there is false
(gorse-io/gorse: 90 `*_test.go` files, `go test ./...` on every push; reviewed). These facts
are read the same way as Python's: from file names, their content and CI commands, never by
running anything. They count only where the language has more source files than Python, so
an ML project's Python stays what its test and lock checks judge (a web UI's JavaScript tests
do not stand in for the model code's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mlaudit.probes import base
from mlaudit.probes.base import ev
from mlaudit.repo.snapshot import Snapshot
from mlaudit.results import Evidence


@dataclass(frozen=True)
class Language:
    name: str
    sources: tuple[str, ...]  # globs of its source files
    tests: tuple[str, ...]  # globs of its test files (a subset of sources)
    test_marker: re.Pattern[str]  # a line that declares a test in such a file
    test_command: re.Pattern[str]  # a CI command that runs the tests
    lockfiles: tuple[str, ...]


LANGUAGES = (
    Language(
        "Go",
        ("*.go",),
        ("*_test.go",),
        re.compile(r"^func\s+(?:Test|Benchmark|Fuzz)\w*\s*\("),
        re.compile(r"\bgo\s+test\b|\bgotestsum\b|\bginkgo\b"),
        ("go.sum",),
    ),
    Language(
        "Rust",
        ("*.rs",),
        ("*.rs",),
        re.compile(r"^\s*#\[(?:tokio::)?test\b"),
        re.compile(r"\bcargo\s+(?:test|nextest)\b"),
        ("Cargo.lock",),
    ),
    Language(
        "TypeScript/JavaScript",
        ("*.ts", "*.tsx", "*.js", "*.jsx", "*.mjs"),
        ("*.test.ts", "*.test.tsx", "*.spec.ts", "*.test.js", "*.spec.js", "*.test.jsx"),
        re.compile(r"^\s*(?:it|test|describe)\s*\("),
        re.compile(
            r"\b(?:npm|yarn|pnpm)\s+(?:run\s+)?test\b|\bnpx\s+(?:jest|vitest)\b|\b(?:jest|vitest)\b"
        ),
        ("package-lock.json", "yarn.lock", "pnpm-lock.yaml"),
    ),
    Language(
        "Java/Kotlin",
        ("*.java", "*.kt"),
        ("*Test.java", "*Tests.java", "*Test.kt"),
        re.compile(r"^\s*@(?:Test|ParameterizedTest)\b"),
        re.compile(
            r"\bmvnw?\s+(?:\S+\s+)*(?:test|verify|install)\b|\bgradlew?\s+(?:\S+\s+)*test\b"
        ),
        ("gradle.lockfile",),
    ),
)
# fewer source files than this say nothing about the repository's language
MIN_SOURCES = 20
# test files read for a test declaration, at most
MAX_TEST_FILES_READ = 200


def main_language(snap: Snapshot) -> Language | None:
    """The language with the most source files, when it is not Python: more files than the
    Python files and notebooks, and at least MIN_SOURCES (vendored, generated, example and
    documentation folders aside)."""

    def build() -> str | None:
        python = len(base.select_files(snap, ("*.py", "*.ipynb"), include_excluded_dirs=False))
        best: tuple[int, str] | None = None
        for language in LANGUAGES:
            count = len(base.select_files(snap, language.sources, include_excluded_dirs=False))
            if count >= MIN_SOURCES and count > python and (best is None or count > best[0]):
                best = (count, language.name)
        return best[1] if best else None

    name = snap.tree_memo(("languages.main",), build)
    return next((lang for lang in LANGUAGES if lang.name == name), None)


def test_files(snap: Snapshot, language: Language) -> list[Evidence]:
    """Files of `language` that declare tests (the first declaration of each), read once
    per Snapshot (unit-tests and tests-in-ci both ask)."""

    def build() -> list[Evidence]:
        found: list[Evidence] = []
        candidates = base.select_files(snap, language.tests, include_excluded_dirs=False)
        for path in candidates[:MAX_TEST_FILES_READ]:
            for number, line in enumerate(snap.lines(path), start=1):
                if language.test_marker.match(line):
                    found.append(ev(path, number, line.strip()[:80]))
                    break
        return found

    return snap.memo(("languages.tests", language.name), build)


def lockfiles(snap: Snapshot, language: Language) -> list[Evidence]:
    return [ev(path) for path in base.select_files(snap, language.lockfiles)]
