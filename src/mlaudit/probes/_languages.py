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
    # a build command that installs exactly the lockfile's versions, and one that may update
    # the lockfile before it installs (None: the language has no such command)
    locked_build: re.Pattern[str] | None = None
    loose_build: re.Pattern[str] | None = None
    # the language of web front ends: where it is the main language, the system's logic is
    # still the Python behind the UI (aimhubio/aim: 1,336 TypeScript files of a dashboard,
    # 313 Python files of the tracker itself)
    front_end: bool = False


LANGUAGES = (
    Language(
        "Go",
        ("*.go",),
        ("*_test.go",),
        re.compile(r"^func\s+(?:Test|Benchmark|Fuzz)\w*\s*\("),
        re.compile(r"\bgo\s+test\b|\bgotestsum\b|\bginkgo\b"),
        ("go.sum",),
        # go.sum is always verified: since Go 1.16 a build refuses a module whose checksum it
        # lacks or that does not match (-mod=readonly)
        locked_build=re.compile(r"\bgo\s+(?:build|mod\s+download|install\s+\.|run\s+\.)"),
    ),
    Language(
        "Rust",
        ("*.rs",),
        ("*.rs",),
        re.compile(r"^\s*#\[(?:tokio::)?test\b"),
        re.compile(r"\bcargo\s+(?:test|nextest)\b"),
        ("Cargo.lock",),
        # cargo follows Cargo.lock, but rewrites it when a manifest changed unless told
        # --locked or --frozen
        locked_build=re.compile(
            r"\bcargo\s+(?:build|install|chef\s+cook)\b[^\n;&|]*\s--(?:locked|frozen)\b"
        ),
        loose_build=re.compile(r"\bcargo\s+(?:build|chef\s+cook)\b"),
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
        front_end=True,
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
    python, counts = _counts(snap)
    best = max(counts, key=lambda name: counts[name], default=None)
    if best is None or counts[best] < MIN_SOURCES or counts[best] <= python:
        return None
    return _by_name(best)


def unread_code(snap: Snapshot) -> str | None:
    """Why the repository's code cannot be judged by reading its Python alone: a language
    that carries a system's logic (Go, Rust, Java; not a web front end) holds at least
    MIN_SOURCES files and half as many as Python, e.g. "most of the code is Go (232 files
    against 1 in Python)", or pytorch/serve's Java frontend, whose handlers serve the
    Prometheus metrics and check the API tokens (191 Java files against 270 Python;
    reviewed). None where mlaudit reads the code."""
    python, counts = _counts(snap)
    system = [
        (count, name)
        for name, count in counts.items()
        if not _by_name(name).front_end and count >= MIN_SOURCES and 2 * count >= python
    ]
    if not system:
        return None
    count, name = max(system)
    share = "most of the code" if count > python else "much of the code"
    return f"{share} is {name} ({count} files against {python} in Python)"


def _by_name(name: str) -> Language:
    return next(lang for lang in LANGUAGES if lang.name == name)


def _counts(snap: Snapshot) -> tuple[int, dict[str, int]]:
    """(Python files and notebooks, {language: its source files}), generated, vendored,
    example and documentation folders aside."""

    def build() -> tuple[int, dict[str, int]]:
        python = len(base.select_files(snap, ("*.py", "*.ipynb"), include_excluded_dirs=False))
        counts = {
            language.name: len(
                base.select_files(snap, language.sources, include_excluded_dirs=False)
            )
            for language in LANGUAGES
        }
        return python, {name: count for name, count in counts.items() if count}

    return snap.tree_memo(("languages.counts",), build)


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


# an assertion call and its arguments, when they hold no nested call; Jest's `expect(a)` with
# its matcher's argument (`.toBe(b)`), both of which must be constants
_ASSERTION_CALL = re.compile(
    r"\bassert\w*\s*\(([^()]*)\)|\bexpect\s*\(([^()]*)\)\s*\.\s*\w+\s*\(([^()]*)\)"
)
_LITERAL = re.compile(r"""^\s*(?:true|false|null|-?\d+(?:\.\d+)?[lLfFdD]?|"[^"]*"|'[^']*')\s*$""")
_ANY_ASSERTION = re.compile(r"\b(?:assert\w*|expect)\s*\(")


def placeholder_test(snap: Snapshot, path: str) -> bool:
    """Does every assertion of a test file compare constants? `assertTrue( true )` is the test
    Maven's quickstart archetype generates ("Rigorous Test :-)": sthobbs/fraud-model-serving
    src/test/java/com/example/AppTest.java:18, the project's only test; reviewed);
    `expect(1).toBe(1)` the same in Jest. A file without assertion calls (Go's `t.Fatal`
    under a condition) is not decided here: False."""
    text = snap.text(path) or ""
    calls = _ANY_ASSERTION.findall(text)
    if not calls:
        return False
    vacuous = [
        m
        for m in _ASSERTION_CALL.finditer(text)
        if all(
            _LITERAL.match(arg)
            for group in m.groups()
            if group is not None
            for arg in group.split(",")
        )
    ]
    return len(vacuous) == len(calls)


def lockfiles(snap: Snapshot, language: Language) -> list[Evidence]:
    return [ev(path) for path in base.select_files(snap, language.lockfiles)]


_XML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_POM_ENTRY = re.compile(r"<(dependency|parent)>(.*?)</\1>", re.S)
_POM_PROPERTIES = re.compile(r"<properties>(.*?)</properties>", re.S)
_POM_PROPERTY = re.compile(r"<([\w.\-]+)>\s*([^<]*?)\s*</\1>")
_POM_VERSION = re.compile(r"<version>\s*([^<]*?)\s*</version>")
_POM_ARTIFACT = re.compile(r"<artifactId>\s*([^<]*?)\s*</artifactId>")
_POM_REFERENCE = re.compile(r"\$\{([^}]+)\}")
# a version Maven resolves anew on each build: a range, a snapshot, the newest release
_POM_FLOATING = re.compile(r"[\[\](),]|SNAPSHOT|^(?:LATEST|RELEASE)$")


@dataclass(frozen=True)
class PomPins:
    """The dependencies (and parent) of a pom.xml, by how their version is given: `exact`
    ones (a fixed version, written or through a property the same pom defines), `floating`
    ones (a range, -SNAPSHOT, LATEST or RELEASE), as (line, artifact, version)."""

    exact: list[tuple[int, str, str]]
    floating: list[tuple[int, str, str]]


def pom_pins(text: str) -> PomPins:
    """Read from the text, without an XML parser: a pom.xml is data of the target, and the
    few tags needed are flat. A dependency without a version is managed by a parent or an
    imported BOM, whose own version is read; one given by a property defined elsewhere (a
    parent pom) or the project's own version is not decided and left out of both lists."""
    # blank out comments, keeping their line breaks for line numbers
    text = _XML_COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    properties: dict[str, str] = {}
    for block in _POM_PROPERTIES.findall(text):
        properties.update(_POM_PROPERTY.findall(block))
    exact: list[tuple[int, str, str]] = []
    floating: list[tuple[int, str, str]] = []
    for match in _POM_ENTRY.finditer(text):
        body = match.group(2)
        version_match = _POM_VERSION.search(body)
        if version_match is None:
            continue
        artifact = _POM_ARTIFACT.search(body)
        name = artifact.group(1) if artifact else match.group(1)
        version = _POM_REFERENCE.sub(
            lambda ref: properties.get(ref.group(1), ref.group(0)), version_match.group(1)
        )
        if "${" in version:
            continue
        line = text.count("\n", 0, match.start(2) + version_match.start()) + 1
        target = floating if _POM_FLOATING.search(version) else exact
        target.append((line, name, version))
    return PomPins(exact, floating)


def lock_install(language: Language, command: str) -> tuple[str, str] | None:
    """("pass" | "partial", why) where a build command of the main language installs from its
    committed lockfile (gorse-io/gorse cmd/gorse-in-one/Dockerfile:12 `go mod download`
    against go.sum; reviewed); None otherwise."""
    lock = language.lockfiles[0]
    if language.locked_build is not None and language.locked_build.search(command):
        return "pass", f"{language.name} build installs the versions of {lock}"
    if language.loose_build is not None and language.loose_build.search(command):
        return "partial", f"{language.name} build follows {lock} but may update it first"
    return None
