"""Probes for #4 Testing: real tests (not a `tests/` folder), what they test, and whether
CI runs them.

A test file counts only when the AST shows tests: a `test*` function or a
`unittest.TestCase` subclass. The cookiecutter `test_environment.py` (a Python-version
check) and hardware/manual testers without test functions do not.
"""

from __future__ import annotations

import fnmatch
import keyword
import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from pydantic import Field, field_validator

from mlaudit.probes import _ci_reach, base, words
from mlaudit.probes._task_runners import console_scripts
from mlaudit.probes.base import ev
from mlaudit.probes.generic import (
    _check_regex,
    marked_spans,
    name_matches_any,
    names_matcher,
    skipped_lines,
    within,
)
from mlaudit.probes.registry import Params, probe
from mlaudit.probes.tracking import NoParams
from mlaudit.repo.globs import matches_any
from mlaudit.repo.parsers.ci import idle_reason
from mlaudit.repo.parsers.python_src import Import, PythonFacts
from mlaudit.repo.parsers.yaml_docs import as_list, key_line
from mlaudit.repo.snapshot import Snapshot, derivation_key
from mlaudit.results import Evidence, Observation, Outcome

TEST_FILE_GLOBS: tuple[str, ...] = ("test_*.py", "*_test.py", "tests.py")
NOT_TESTS: tuple[str, ...] = ("test_environment.py",)  # cookiecutter-data-science template
ASSERT_CALLS = re.compile(
    r"(^|\.)(assert\w*|fail\w*|raises|approx|warns|deprecated_call)$|^(numpy|torch)\.testing\."
)
TEST_RUN = re.compile(
    r"(?<![\w./-])(?:pytest|py\.test)(?![\w.-])|\bpython[\d.]*\s+-m\s+(?:pytest|unittest|nose2?)\b"
    r"|\bmanage\.py\s+test\b"
    r"|\bhatch\s+test\b|\bcoverage\s+run\b|\bnose2(?![\w.-])|(?<![\w./-])behave(?![\w.-])"
)
PUSH_TRIGGERS = ("push", "pull_request", "pull_request_target", "merge_request", "merge_group")


@dataclass(frozen=True)
class TestFile:
    path: str
    first_test: int
    asserts: bool
    facts: PythonFacts
    by_content: bool = False  # found by what it defines, not by its file name


def _is_test_function(name: str, patterns: tuple[str, ...] = ("test",)) -> bool:
    """pytest's `python_functions`: a name prefix, or a glob when it holds one."""
    return any(
        fnmatch.fnmatchcase(name, pattern) if _GLOB.search(pattern) else name.startswith(pattern)
        for pattern in patterns
    )


_GLOB = re.compile(r"[*?\[]")
_INI_FILES = ("pytest.ini", "tox.ini", "setup.cfg")
_INI_SECTIONS = ("pytest", "tool:pytest")


def pytest_functions(snap: Snapshot) -> tuple[str, ...]:
    """The names pytest collects as test functions: `test` (its default) and what a
    project's configuration adds in `python_functions` (`it_*`, `should_*` for
    Describe-style tests: William-Fernandes252/loan-default-prediction experimentos/
    pyproject.toml:69-70; reviewed). The default stays, so that a file of `test_*`
    functions beside such a configuration is still a test file."""

    def build() -> tuple[str, ...]:
        import configparser

        found = {"test"}
        for path in base.select_files(snap, ["pyproject.toml"]):
            data = snap.toml(path) or {}
            options = base.table(base.table(base.table(data, "tool"), "pytest"), "ini_options")
            found.update(_patterns(options.get("python_functions")))
        for path in base.select_files(snap, list(_INI_FILES)):
            parser = configparser.ConfigParser(interpolation=None, strict=False)
            try:
                parser.read_string(snap.text(path) or "")
            except configparser.Error:
                continue
            for section in _INI_SECTIONS:
                if parser.has_option(section, "python_functions"):
                    found.update(_patterns(parser.get(section, "python_functions")))
        return tuple(sorted(found))

    return snap.memo(("testing.pytest_functions",), build)


def _patterns(value: Any) -> list[str]:
    words = value.split() if isinstance(value, str) else value if isinstance(value, list) else []
    return [w for w in words if isinstance(w, str) and re.fullmatch(r"[\w*?\[\]-]{1,40}", w)]


def _assertion_lines(facts: PythonFacts) -> list[int]:
    return sorted(set(facts.asserts) | {c.line for c in facts.calls if ASSERT_CALLS.search(c.name)})


def _testcase_spans(facts: PythonFacts) -> list[tuple[int, int]]:
    starts = {b.line for b in facts.bases if b.name.split(".")[-1].endswith("TestCase")}
    return [(s, e) for _n, s, e, kind in facts.spans if kind == "class" and s in starts]


def asserting_tests(facts: PythonFacts) -> list[int]:
    """First lines of the test functions (`test_*`, `testFoo`, or `test*` methods of a
    `TestCase`) that hold an assertion in their own body and are not skipped outright."""
    asserts = _assertion_lines(facts)
    cases = _testcase_spans(facts)
    skipped = skipped_lines(facts)
    out = []
    for name, start, end, kind in facts.spans:
        if kind != "def" or within(start, skipped):
            continue
        in_case = any(s < start <= e for s, e in cases)
        # `test`, `test_x`, `testFoo`; not any name whose fifth letter is a capital
        # (OpenBMB/MiniCPM-V vlmeval/tools.py:129 `def CIRCULAR(inp): assert …`; reviewed)
        pytest_like = (
            name == "test"
            or name.startswith("test_")
            or (name.startswith("test") and name[4:5].isupper())
        )
        if not (pytest_like if not in_case else name.startswith("test")):
            continue
        if any(start <= line <= end for line in asserts):
            out.append(start)
    return out


BDD_STEPS = re.compile(r"^(?:behave|pytest_bdd|radish)\.(?:given|when|then|step)$")


def asserting_bdd_steps(facts: PythonFacts) -> list[int]:
    """First lines of behave / pytest-bdd step definitions (`@given`, `@when`, `@then`)
    that assert in their own body: acceptance tests, whatever the function is called."""
    decorated = [d.line for d in facts.decorators if BDD_STEPS.match(d.name)]
    if not decorated:
        return []
    asserts = _assertion_lines(facts)
    return [
        start
        for _name, start, end, kind in facts.spans
        if kind == "def"
        and any(start - 4 <= line < start for line in decorated)
        and any(start <= line <= end for line in asserts)
    ]


def _test_by_content(facts: PythonFacts) -> int | None:
    """First test line of a file that is a test file by what it defines, whatever its name.

    Each test must assert in its own body (a `def test(model, loader)` evaluation loop of a
    training script has none); a bare `test()` also needs pytest or unittest imported.
    BDD step definitions that assert count as tests.
    """
    steps = asserting_bdd_steps(facts)
    if steps:
        return min(steps)
    lines = asserting_tests(facts)
    if not lines:
        return None
    names = {start: name for name, start, _e, _k in facts.spans}
    frameworks = any(i.module.split(".")[0] in ("pytest", "unittest") for i in facts.imports)
    strong = [line for line in lines if names.get(line) != "test" or frameworks]
    return min(strong) if strong else None


def _named_test_key(patterns: tuple[str, ...]) -> str:
    return derivation_key("test_files.named", patterns)


_BY_CONTENT = derivation_key("test_files.by_content")


def _named_tests(snap: Snapshot, globs: tuple[str, ...]) -> list[str]:
    """The .py files whose name makes them candidate test files."""
    found = base.select_files(snap, list(globs), exclude=list(NOT_TESTS))
    return [path for path in found if path.endswith(".py")]


def _other_files(snap: Snapshot, named: set[str]) -> list[str]:
    found = base.select_files(snap, ["*.py"], exclude=list(NOT_TESTS))
    return [path for path in found if path not in named]


def _named_test(
    _path: str, facts: PythonFacts, patterns: tuple[str, ...] = ("test",)
) -> tuple[int, bool] | None:
    """(first test line, asserts anywhere) of a candidate test file that defines tests that
    are not skipped outright."""
    skipped = skipped_lines(facts)
    # pytest collects functions named test*, and classes only when named Test* (then by
    # their test* methods): a lowercase `class test_run_checkpoint_test_class` is a helper
    # (EleutherAI/gpt-neox tests/model/test_model_checkpoint.py:80, called only by a skipped
    # test)
    classes = {start for _name, start, _end, kind in facts.spans if kind == "class"}
    lines = [
        line
        for name, line in facts.functions
        if _is_test_function(name, patterns) and line not in classes and not within(line, skipped)
    ]
    testcase = [
        b.line
        for b in facts.bases
        if b.name.split(".")[-1].endswith("TestCase") and not within(b.line, skipped)
    ]
    if not lines and not testcase:
        return None
    return min(lines + testcase), bool(_assertion_lines(facts))


def _test_by_content_of(_path: str, facts: PythonFacts) -> int | None:
    if not facts.asserts and not facts.calls:
        return None
    return _test_by_content(facts)


def test_files(snap: Snapshot, globs: Iterable[str] = TEST_FILE_GLOBS) -> list[TestFile]:
    """Python files outside examples/docs that define tests (AST), with their first test line.

    With the default globs, any other `.py` file whose test functions assert in their own
    body counts too (`test.py`, `checks_and_tests.py`, `tests/model_checks.py`): what
    makes a test file is what it defines, not its name.
    """
    globs = tuple(globs)

    def build() -> list[TestFile]:
        out: list[TestFile] = []
        named = snap.tree_memo(("test_files.named", globs), lambda: _named_tests(snap, globs))
        patterns = pytest_functions(snap)
        derive = partial(_named_test, patterns=patterns)
        for path, found in snap.python_per_file(_named_test_key(patterns), named, derive):
            facts = snap.python(path)
            if found and facts:  # (values are never empty)
                out.append(TestFile(path, found[0], found[1], facts))
        if globs == TEST_FILE_GLOBS:
            others = snap.tree_memo(
                ("test_files.others", globs), lambda: _other_files(snap, set(named))
            )
            for path, first in snap.python_per_file(_BY_CONTENT, others, _test_by_content_of):
                facts = snap.python(path)
                if first and facts:
                    out.append(TestFile(path, first, True, facts, by_content=True))
        return sorted(out, key=lambda f: f.path)

    return list(snap.memo(("test_files", globs), build))


# unit tests -------------------------------------------------------------------------------
class UnitTestsParams(Params):
    globs: list[str] = Field(
        default_factory=lambda: list(TEST_FILE_GLOBS),
        description="candidate test files; each must define test functions to count",
    )
    exclude: list[str] = Field(
        default_factory=list, description="globs of files that match `globs` but do not count"
    )


# what a test file may import and still exercise nothing of the project
_TEST_FRAMEWORKS = frozenset({"pytest", "unittest", "__future__"})


# ... and the in-memory data it may build for itself, asserting on nothing but that
_FIXTURE_MODULES = frozenset({"pandas", "numpy"})
_FIXTURE_CALL = re.compile(
    r"^(?:pandas|numpy)\.(?:DataFrame|Series|array|asarray|zeros|ones|arange)$|^self\.[A-Za-z_]\w*$"
)


def _placeholder(facts: PythonFacts) -> bool:
    """A test file that imports nothing but the test framework and calls nothing but
    assertions cannot exercise the project (kaziamaan47/end-to-end-mlops-pipeline
    tests/test_smoke.py: `assert 1 + 1 == 2`; the SageMaker project template's
    tests/test_pipelines.py: `@pytest.mark.xfail` … `assert False, "No tests written"`,
    aws-samples/mlops-sagemaker-github-actions seedcode/tests/test_pipelines.py:4-6), nor
    one that builds a DataFrame in memory and asserts it exists (mlrun/demo-fraud
    tests/test_data_prep.py:7-9: `data = self.get_data(); assert data is not None`)."""
    allowed = _TEST_FRAMEWORKS | _FIXTURE_MODULES
    return all(imp.module.split(".")[0] in allowed for imp in facts.imports) and all(
        ASSERT_CALLS.search(c.name) or _FIXTURE_CALL.match(c.name) for c in facts.calls
    )


_XFAIL = frozenset({"pytest.mark.xfail"})
_ASSERT_METHOD = re.compile(r"(?:^|\.)assert\w*$")


def _vacuous_assertions_only(facts: PythonFacts) -> bool:
    """Every assertion of the file holds whatever the project does: `assert…` calls on
    literals only (`self.assertTrue(True)`: deaneeth/telco-churn-mlops-pipeline
    notebooks/tests/test_api_endpoints.py:14-18, five tests of one such line), and `assert`
    statements on constants or on imported names said to exist (`assert geo_mlops is not
    None`: elaminemouhamadali/geospatial-mlops-pipeline tests/test_imports_base.py; both
    reviewed)."""
    if set(facts.asserts) - set(facts.vacuous_asserts):
        return False
    checks = [c for c in facts.calls if ASSERT_CALLS.search(c.name)]
    return bool(checks or facts.asserts) and all(
        _ASSERT_METHOD.search(c.name)
        and c.args
        and not c.kwargs
        and all(a != "<expr>" for a in c.args)
        for c in checks
    )


def _only_expected_failures(facts: PythonFacts) -> bool:
    """Every assertion of the file lies in a test marked to fail: the SageMaker project
    template's `@pytest.mark.xfail … assert False, "No tests written"` beside a test that
    only imports the package (YangLIN1997/AWS-MLOps-CI tests/test_pipelines.py:4-10;
    reviewed) asserts nothing that must hold."""
    expected = marked_spans(facts, _XFAIL)
    return bool(expected) and all(within(line, expected) for line in _assertion_lines(facts))


def _fixtures_exercise(snap: Snapshot) -> bool:
    """Does a conftest.py build fixtures from the project? Then tests that only take those
    fixtures as arguments exercise it, though they import nothing themselves
    (`def test_invariance(model): assert …`)."""
    for path in snap.files:
        if path.rsplit("/", 1)[-1] != "conftest.py" or base.is_excluded(path):
            continue
        facts = snap.python(path)
        if facts is not None and not _placeholder(facts):
            return True
    return False


def _folders_without_tests(snap: Snapshot) -> list[str]:
    """tests/ and test/ folders (outside examples and docs) that hold no real test file."""
    real = [f.path for f in test_files(snap, TEST_FILE_GLOBS)]
    return sorted(
        d
        for d in snap.dirs
        if d.rsplit("/", 1)[-1] in ("tests", "test")
        and not base.is_excluded(d + "/")
        and not any(path.startswith(d + "/") for path in real)
    )


@probe("unit_tests", UnitTestsParams)
def unit_tests(snap: Snapshot, p: UnitTestsParams) -> Observation:
    """The repository has real tests: test functions or `unittest.TestCase` classes.

    Looks for: `test_*.py` / `*_test.py` files (outside examples/docs) whose AST defines a
    `test*` function or a `TestCase` subclass, with assertions. A `tests/` folder with no
    test functions, the cookiecutter `test_environment.py` and hardware/manual test scripts
    do not count; test functions without any assertion, or files that import and call
    nothing (`assert 1 + 1 == 2`), give partial credit, as do tests that import a module of
    the project that does not exist (they fail when collected). In a repository whose main
    language is not Python (probes._languages), that language's tests count: `*_test.go`
    with `func Test…`, Rust's `#[test]`, `*.test.ts` …
    Why: unit tests are the first line of defence for ML code (ML Test Score Infra 2;
    Azure level 1).
    Fix: add pytest tests (`tests/test_*.py` with `def test_…(): assert …`).
    """
    files = test_files(snap, p.globs)
    if p.exclude:
        files = [f for f in files if not matches_any(f.path, p.exclude)]
    # the main language's tests, when it is not Python: a Rust server's `#[test]`s are its
    # suite, not the one Python script of its integration tests (huggingface/
    # text-embeddings-inference; reviewed)
    other = _other_language_tests(snap, p)
    if other is not None:
        return other
    asserting = [f for f in files if f.asserts and not _only_expected_failures(f.facts)]
    exercised = [
        f for f in asserting if not _placeholder(f.facts) and not _vacuous_assertions_only(f.facts)
    ]
    # a file importing a module of the project that no longer exists fails when collected:
    # it tests nothing (dagster-io/hooli-data-eng-pipelines hooli_data_eng_tests/test_assets.py:1
    # `from hooli_data_eng.assets.raw_data import …`, no assets/ package; reviewed)
    broken = [f for f in exercised if missing_local_import(snap, f.facts, f.path) is not None]
    exercised = [f for f in exercised if f not in broken]
    if exercised:
        return base.passed(
            f"{len(exercised)} test file(s) with assertions",
            [ev(f.path, f.first_test, "def test…") for f in exercised],
        )
    if broken:
        return base.partial(
            "the tests import modules of the project that do not exist: they fail when collected",
            [
                ev(f.path, imp.line, f"import {imp.module}")
                for f in broken
                if (imp := missing_local_import(snap, f.facts, f.path)) is not None
            ],
        )
    if asserting:
        return base.partial(
            "the tests exercise nothing of the project (they import only the test framework, "
            "build their own data and assert it exists, or assert only constants or that "
            "imports exist): placeholders",
            [ev(f.path, f.first_test, "def test…") for f in asserting],
        )
    if files:
        return base.partial(
            "test functions found, but none asserts anything",
            [ev(f.path, f.first_test) for f in files],
        )
    candidates = base.select_files(snap, p.globs)
    problems = base.problem_evidence(snap, candidates)
    if problems:
        return base.unknown("test files could not be parsed", problems)
    # a tests/ folder is only "empty of tests" if it holds no real test file at all; with
    # narrower globs (integration or privacy tests) a tests/ folder, empty or not, says
    # nothing of them (SeldonIO/alibi-detect pipeline-integration-test had cited an empty
    # unit-test folder, alibi_detect/models/pytorch/tests/)
    narrow = tuple(p.globs) != TEST_FILE_GLOBS
    folders = [] if narrow else _folders_without_tests(snap)
    if folders or candidates:
        return base.failed(
            "test files or folders exist but define no test functions",
            [ev(d + "/") for d in folders] + [ev(c) for c in candidates],
        )
    if narrow:
        return base.failed(f"no tests: {words.files_phrase(p.globs)}")
    return base.failed("no tests")


# tests in CI ------------------------------------------------------------------------------
class TestsInCiParams(Params):
    triggers: list[str] = Field(default_factory=lambda: list(PUSH_TRIGGERS))
    follow: int = Field(default=2, ge=0, le=3, description="levels of indirection to follow")
    pattern: str = Field(default=TEST_RUN.pattern, description="regex of a test-running command")
    covers: list[str] = Field(
        default_factory=list,
        description="globs of test files the run must reach: a command naming test paths "
        "(`pytest tests/unit`) reaches only the files under them; none named: every file",
    )

    @field_validator("pattern")
    @classmethod
    def _regex(cls, value: str) -> str:
        re.compile(value)
        return value


_PY_SCRIPT = re.compile(
    r"(?:^|[\s;&|(])(?:python[\d.]*|py|(?:uv|poetry|pdm|hatch|pipenv)\s+run(?:\s+python[\d.]*)?)"
    r"((?:\s+-[A-Za-z]+)*)\s+(?:-m\s+([\w.]+)|([^\s;&|<>]+\.py))(?![\w.-])"
)
_DIRECT_SCRIPT = re.compile(r"(?:^|[\s;&|(])\./([^\s;&|<>]+\.py)(?![\w.-])")


def scripts_run(text: str) -> list[tuple[str, str]]:
    """("path", p) or ("module", m) for each Python file a command line runs as a script
    (`python tests/check.py`, `python -m tests.check`, `uv run test.py`, `./test.py`)."""
    out: list[tuple[str, str]] = []
    for part in _ci_reach.split_commands(text):
        for match in _PY_SCRIPT.finditer(part):
            if match.group(2):
                out.append(("module", match.group(2)))
            else:
                out.append(("path", match.group(3).strip("'\"").removeprefix("./")))
        out.extend(("path", m.group(1)) for m in _DIRECT_SCRIPT.finditer(part))
    return out


def _test_file_run(text: str, files: list[TestFile]) -> TestFile | None:
    """The test file a command runs as a script, if any (run from the root or, through
    `cd`/`working-directory`, from a folder above it)."""
    for kind, target in scripts_run(text):
        for tf in files:
            if kind == "module":
                if target in _module_of(tf.path):
                    return tf
            elif tf.path == target or tf.path.endswith("/" + target):
                return tf
    return None


def _other_language_ci(snap: Snapshot, p: TestsInCiParams) -> Observation | None:
    """CI running the tests of the repository's main language, when it is not Python and the
    repository has no Python tests (`go test ./...` on every push: gorse-io/gorse
    .github/workflows/build_test.yml; reviewed)."""
    from mlaudit.probes import _languages

    language = _languages.main_language(snap)
    if language is None or not _languages.test_files(snap, language):
        return None
    hits = [
        item
        for item in _ci_reach.reached(snap, p.follow)
        if language.test_command.search(item.text) and not _ci_reach.is_install(item.text)
    ]
    on_change = [h for h in hits if h.job.triggers & set(p.triggers)]
    if on_change:
        return base.passed(
            f"CI runs the {language.name} tests on every change",
            [h.evidence() for h in on_change],
        )
    if hits:
        return base.partial(
            f"CI runs the {language.name} tests only by hand or on a schedule",
            [h.evidence() for h in hits],
        )
    return None


def _other_language_tests(snap: Snapshot, p: UnitTestsParams) -> Observation | None:
    """Tests by the conventions of the repository's main language, when it is not Python
    (probes._languages): `*_test.go` with `func Test…`, Rust's `#[test]` … Only for the
    whole suite (the default globs): integration or privacy tests are asked of Python."""
    from mlaudit.probes import _languages

    language = _languages.main_language(snap)
    if language is None or tuple(p.globs) != TEST_FILE_GLOBS:
        return None
    found = _languages.test_files(snap, language)
    if not found:
        return None
    if all(_languages.placeholder_test(snap, e.path) for e in found):
        return base.partial(
            f"{len(found)} {language.name} test file(s), whose assertions only compare "
            "constants (`assertTrue(true)`): placeholders",
            found,
        )
    return base.passed(
        f"{len(found)} {language.name} test file(s) (the repository's main language)", found
    )


# a step that installs from a requirements or constraints file
_REQUIREMENTS_ARG = re.compile(
    r"(?:^|\s)(?:-r|--requirement|-c|--constraint)(?:[ \t]+|=)([^\s;&|]+)"
)
# a step that runs a script of the repository: `python scripts/prepare.py`
_SCRIPT_ARG = re.compile(
    r"(?:^|[\s;&|(])python[\d.]*(?:[ \t]+-[a-zA-Z]+)*[ \t]+([^\s;&|-][^\s;&|]*\.py)\b"
)


def _gone(snap: Snapshot, text: str, cwd: str) -> str | None:
    """The first path `text` reads (a requirements file it installs from, a script it runs)
    that the repository had and no longer has there, or the folder it runs in (`cwd`: the
    CI parser applies `cd` and `working-directory`) when that is gone: the command fails on
    every run. A path it never had may come from an earlier step (a generated file, another
    checkout) and is not decided."""
    from mlaudit.probes._delivery import _ever_tracked

    if cwd and not snap.has_dir(cwd) and cwd in _ever_tracked(snap):
        return cwd
    for pattern in (_REQUIREMENTS_ARG, _SCRIPT_ARG):
        for match in pattern.finditer(text):
            raw = match.group(1).strip("'\"")
            if not raw or "$" in raw or "{" in raw or "~" in raw or raw.startswith("/"):
                continue
            path = posixpath.normpath(posixpath.join(cwd, raw))
            if path.startswith("..") or path == "." or snap.exists(path):
                continue
            if path in _ever_tracked(snap):
                return raw
    return None


def _stops_before(snap: Snapshot, hit: Any, pattern: re.Pattern[str]) -> Any:
    """A command of the hit's job, before its tests, that reads a path the repository had and
    no longer has there — a requirements file it installs from (KSandke/mlops-pipeline-
    recommender .github/workflows/ci.yml:21 `pip install -r Recommender/requirements.txt`,
    moved to the root in 4f7c206; reviewed), a script it runs, a folder it enters, or the
    step's own working directory: the job fails there on every run, and its tests never run.
    Returns (command, what it misses)."""
    if not hit.direct or hit.line is None:
        return None
    for command in hit.job.commands:
        if command.line is None or command.line >= hit.line:
            continue
        missing = _gone(snap, command.text, command.cwd)
        if missing is not None:
            return command, missing
    found = pattern.search(hit.text)
    missing = _gone(snap, hit.text[: found.start()] if found else "", hit.cwd)
    return (hit, missing) if missing is not None else None


@probe("tests_in_ci", TestsInCiParams)
def tests_in_ci(snap: Snapshot, p: TestsInCiParams) -> Observation:
    """A CI job triggered on pushes or pull requests runs the tests.

    Looks for: pytest, `python -m pytest|unittest`, `hatch test`, `manage.py test` or `behave` run
    by a CI job, or a test file run as a script (`python test.py`, `python -m
    tests.check`) — directly or through one or two links inside the repository: a task
    runner's task (`make test`, `just`, `task`, `mise run`, `poe`, `invoke`, a nox session,
    a tox env, `hatch|pdm|uv run`, `npm run`, pre-commit or lefthook hooks), a script or a
    job spec the step submits; `nox -s lint` runs no tests. Install lines
    (`pip install pytest`) never count. Jobs that only run manually or on a schedule, or
    that swallow the tests' failure (`pytest || true`), or tests that are all placeholders
    (`assert 1 + 1 == 2`, importing nothing), or a job that stops before its tests on every
    run (it installs from, runs or enters a path the repository moved away), give partial
    credit; CI running a test
    command while the repository has no test functions fails. In a repository whose main
    language is not Python (probes._languages), its test command (`go test`, `cargo test`,
    `npm test` …) run on the tests of that language counts the same.
    Why: tests that are not run on every change do not protect anything (mm#33).
    Fix: add a CI job on `pull_request` and `push` that runs `pytest`.
    """
    pattern = re.compile(p.pattern)
    files = test_files(snap)
    hits = []
    for item in _ci_reach.reached(snap, p.follow):
        if _ci_reach.runs(item.text, pattern) or (
            files and not _ci_reach.is_install(item.text) and _test_file_run(item.text, files)
        ):
            hits.append(item)
    if not p.covers:
        other = _other_language_ci(snap, p)
        if other is not None and other.outcome == Outcome.PASS:
            return other
    if not hits:
        jobs = [j for j in snap.ci_jobs if not j.disabled]
        elsewhere = _ci_reach.only_elsewhere(snap.ci_jobs)
        if elsewhere is not None:
            return elsewhere
        if not jobs:
            return base.failed("no CI jobs")
        return base.failed(f"none of {len(jobs)} CI job(s) runs the tests")
    evidence = [h.evidence() for h in hits]
    if not files:
        return base.failed("CI runs a test command, but the repository has no tests", evidence)
    if p.covers:
        # a run of `pytest tests/unit` runs no test of tests/integration (microsoft/nlp-recipes
        # tests/ci/cpu_unit_tests_linux.yml:46; its integration jobs have `pr: none`, reviewed)
        wanted = [f.path for f in files if matches_any(f.path, tuple(p.covers))]
        hits = [h for h in hits if _reaches(h.text, wanted, pattern, h.cwd)]
        if not hits:
            return base.failed(
                "no CI job runs these tests: the jobs that run tests name other paths"
            )
    on_change = [h for h in hits if h.job.triggers & set(p.triggers)]
    gating = [
        h
        for h in on_change
        if not _ci_reach.cannot_fail(h.text, pattern) and not _ci_reach.lost_in_script(snap, h)
    ]
    stopped = [
        (h, broken) for h in gating if (broken := _stops_before(snap, h, pattern)) is not None
    ]
    if stopped and len(stopped) == len(gating):
        hit, (step, missing) = stopped[0]
        return base.partial(
            "CI runs the tests on every change, but the job stops before them: "
            f"`{step.text[:80]}` needs `{missing}`, which the repository moved away or deleted",
            [ev(hit.job.path, step.line, step.text, "fails every run"), hit.evidence()],
        )
    halted = {id(h) for h, _step in stopped}
    gating = [h for h in gating if id(h) not in halted]
    if gating and all(_placeholder(f.facts) for f in files) and not _fixtures_exercise(snap):
        # running `assert 1 + 1 == 2` on every change protects nothing (huggingface/
        # autotrain-advanced src/autotrain/tests/test_dummy.py, its only test)
        return base.partial(
            "CI runs the tests on every change, but the tests are placeholders that exercise "
            "nothing of the project",
            [h.evidence() for h in gating] + [ev(f.path, f.first_test) for f in files[:3]],
        )
    if gating and not p.covers:
        narrowed = _only_sub_project_tests(snap, gating, hits, files, pattern)
        if narrowed is not None:
            return narrowed
    if gating:
        return base.passed("CI runs the tests on every change", [h.evidence() for h in gating])
    if on_change:
        return base.partial(
            "CI runs the tests on every change, but their failure never fails the build "
            "(`|| true`, `--exit-zero`, a script without `set -e` that goes on after them)",
            [h.evidence() for h in on_change],
        )
    why = idle_reason((h.job for h in hits), "only manually or on a schedule")
    return base.partial(f"CI runs the tests, but {why}", evidence)


_PATH_ARG = re.compile(r"^[\w.][\w./-]*$")


def _reaches(text: str, paths: list[str], pattern: re.Pattern[str], cwd: str = "") -> bool:
    """Does a test command reach one of `paths`? The path arguments after the runner
    (`pytest tests/unit -m "not gpu"`), read from the folder the command runs in (`cwd`,
    a step's working directory); none means the runner's own discovery: every test under
    that folder (trainindata/deploying-machine-learning-models: CircleCI runs `tox` in
    section-07-ci-and-publishing/house-prices-api, which reaches no test of
    assignment-section-05/; reviewed)."""
    folder = cwd.strip("/")
    match = pattern.search(text)
    if match is None:
        return True  # a test file run as a script, through a task: not narrowed here
    args: list[str] = []
    words = text[match.end() :].split()
    skip = False
    for word in words:
        if word in ("&&", "||", ";", "|"):
            break
        if skip:
            skip = False
            continue
        if word.startswith("-"):
            skip = word in ("-m", "-k", "-c", "-p", "--rootdir", "--junitxml", "-o")
            continue
        if _PATH_ARG.match(word) and ("/" in word or word.endswith(".py") or word == "tests"):
            args.append(word.removeprefix("./").split("::", 1)[0].rstrip("/"))
    if folder:
        args = [posixpath.normpath(f"{folder}/{arg}") for arg in args] or [folder]
    if not args:
        return True
    return any(path == arg or path.startswith(arg + "/") for arg in args for path in paths)


def _only_sub_project_tests(
    snap: Snapshot,
    gating: list[_ci_reach.Reached],
    hits: list[_ci_reach.Reached],
    files: list[TestFile],
    pattern: re.Pattern[str],
) -> Observation | None:
    """Partial when what CI runs on every change are only the tests of sub-projects (a
    folder declaring a package of its own), while the project has tests of its own that
    no such run reaches (recommenders-team/recommenders: on push, sarplus.yml:101-102 runs
    `cd "${PYTHON_ROOT}"; pytest ./tests` in contrib/sarplus/python; the main suite runs
    by hand or on a release; reviewed)."""
    folders = sorted(base.sub_projects(snap, depth=3))
    if not folders:
        return None
    own = [f.path for f in files if not f.path.startswith(tuple(folders))]
    if not own or any(_reaches(h.text, own, pattern, h.cwd) for h in gating):
        return None
    reached = [
        folder
        for folder in folders
        if any(
            _reaches(h.text, [f.path for f in files if f.path.startswith(folder)], pattern, h.cwd)
            for h in gating
        )
    ]
    if not reached:
        return None
    idle = [h for h in hits if h not in gating and _reaches(h.text, own, pattern, h.cwd)]
    why = (
        f"run {idle_reason((h.job for h in idle), 'only manually or on a schedule')}"
        if idle
        else "run in no CI job on a change"
    )
    names = ", ".join(f.rstrip("/") + "/" for f in reached)
    return base.partial(
        f"CI runs on every change only the tests of {names} (a package of its own); the "
        f"project's other {len(own)} test file(s) {why}",
        [h.evidence() for h in gating] + [h.evidence() for h in idle][:3],
    )


# tests importing project code -----------------------------------------------------------------
def local_modules(snap: Snapshot) -> LocalModules:
    """Dotted module name → path for the project's own Python modules (not tests)."""

    def build() -> LocalModules:
        modules = LocalModules()
        for path in base.select_files(snap, ["*.py"]):
            if not base.is_test_path(path):
                modules.add(path)
        return modules

    return snap.tree_memo(("local_modules",), build)  # the paths alone decide it


class LocalModules(Mapping[str, str]):
    """The project's modules by dotted name: a module's full name (and the name without a
    leading `src.`/`lib.`/`python.`) names its first file; failing that, a name that ends
    the module path of a file (`import module` after `sys.path.append("scripts")`) names
    the first such file. Names are turned into the paths they can name when asked, not
    stored: at 100,000 files the table of every name held 171,000 of them (15 MiB) for a
    scan that asks a few."""

    def __init__(self) -> None:
        self._order: dict[str, int] = {}  # path → its position: the first path wins a name
        # the last part of each module path with a folder → its file, or its files in order
        self._by_last: dict[str, str | list[str]] = {}
        # paths with a dot inside a part (`v1.0/model.py`): their names do not spell their
        # path, so they are kept as names (few)
        self._odd_exact: dict[str, str] = {}
        self._odd_suffix: dict[str, str] = {}

    def add(self, path: str) -> None:
        parts = _module_parts(path)
        if not parts or path in self._order:
            return
        self._order[path] = len(self._order)
        if any("." in part for part in parts):
            for name in _exact_names(parts):
                self._odd_exact.setdefault(name, path)
            for cut in range(1, len(parts)):
                self._odd_suffix.setdefault(".".join(parts[cut:]), path)
            return
        if len(parts) > 1:
            have = self._by_last.get(parts[-1])
            if have is None:
                self._by_last[parts[-1]] = path
            elif isinstance(have, str):
                self._by_last[parts[-1]] = [have, path]
            else:
                have.append(path)

    def _first(self, *paths: str | None) -> str | None:
        order = self._order
        found = [p for p in paths if p is not None and p in order]
        return min(found, key=order.__getitem__) if found else None

    def _find(self, name: str) -> str | None:
        parts = name.split(".")
        stem = "/".join(parts)
        exact = self._first(
            self._odd_exact.get(name),
            *(
                f"{prefix}{stem}{end}"
                for prefix in ("", *(f"{top}/" for top in _SOURCE_ROOTS))
                for end in (".py", "/__init__.py")
            ),
        )
        if exact is not None:
            return exact
        suffix: str | None = None
        have = self._by_last.get(parts[-1])
        for path in (have,) if isinstance(have, str) else have or ():
            module = _module_parts(path)
            if len(module) > len(parts) and module[-len(parts) :] == parts:
                suffix = path
                break
        return self._first(suffix, self._odd_suffix.get(name))

    def __getitem__(self, name: str) -> str:
        found = self._find(name)
        if found is None:
            raise KeyError(name)
        return found

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._find(name) is not None

    def _names(self) -> dict[str, str]:
        exact: dict[str, str] = {}
        suffixes: dict[str, str] = {}
        for path in self._order:  # in order: the first path keeps a name
            parts = _module_parts(path)
            for name in _exact_names(parts):
                exact.setdefault(name, path)
            for cut in range(1, len(parts)):
                suffixes.setdefault(".".join(parts[cut:]), path)
        for name, path in suffixes.items():
            exact.setdefault(name, path)
        return exact

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())


def _module_parts(path: str) -> list[str]:
    parts = path[:-3].split("/")
    return parts[:-1] if parts[-1] == "__init__" else parts


_SOURCE_ROOTS = ("src", "lib", "python")


def _exact_names(parts: list[str]) -> set[str]:
    names = {".".join(parts)}
    if parts[0] in _SOURCE_ROOTS and len(parts) > 1:
        names.add(".".join(parts[1:]))
    return names


def _guessed(module: str, path: str) -> bool:
    """`module` names `path` only through a path suffix (`scripts/transformers/utils.py` as
    `transformers.utils`, for a `sys.path.append("scripts")`): a guess, which a third-party
    package of the same name (🤗 `transformers.utils`) must not be taken for. Decided from
    the path, not kept in a set: at 100k files that set weighed megabytes."""
    return module not in _exact_names(_module_parts(path))


def _defines(snap: Snapshot, path: str, name: str) -> bool:
    """`path` (a module file) defines or imports `name` at some level, or may: a star import
    or a module `__getattr__` can bring in any name."""
    facts = snap.python(path)
    if facts is None:
        return False
    return (
        any(span[0] == name for span in facts.spans)
        or any(a.target == name for a in facts.assignments)
        or any(imp.module.rsplit(".", 1)[-1] == name for imp in facts.imports)
        # a module-level `__getattr__` answers any name (PEP 562 lazy imports)
        or any(span[0] == "__getattr__" for span in facts.spans)
        or any(_STAR_IMPORT.match(line) for line in snap.lines(path))
    )


_STAR_IMPORT = re.compile(r"^\s*from\s+\S+\s+import\s+\*")


def _resolve(name: str, modules: Mapping[str, str]) -> tuple[str, str, str] | None:
    """(module, path, rest) for the longest local module prefix of a dotted name."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        module = ".".join(parts[:cut])
        if module in modules:
            return module, modules[module], ".".join(parts[cut:])
    return None


def missing_local_import(
    snap: Snapshot, facts: PythonFacts, path: str | None = None
) -> Import | None:
    """The first import of a module of one of the repository's own packages that does not
    exist: `from src.comm import datasource_utils` where `src/` is a package with no `comm`
    (GoogleCloudPlatform/mlops-with-vertex-ai src/tests/etl_tests.py:24; it is
    `src/common/`). A file with one fails when imported: its tests never run. A name the
    package's `__init__.py` defines or imports (`comm = common`, `from .x import comm`) is
    there. With the importer's `path`, a module beside it shadows the root's of the same name
    (a script run from its folder: hmsai pipeline/prefect/pipeline.py:24 `from fetch_data
    import get_week_data`, defined in pipeline/prefect/fetch_data.py, not in the root's
    fetch_data.py): such an import is not judged."""
    folder = posixpath.dirname(path) if path else ""
    # what the paths alone decide, per imported name: shared by every Snapshot of these
    # paths (history points); whether the package defines the name is read at each one
    suspects: dict[str, tuple[str, str] | None] = snap.tree_memo(
        ("missing_local_import.suspects",), dict
    )
    modules: Mapping[str, str] | None = None
    for imp in facts.imports:
        if imp.module.startswith("."):
            continue
        if folder:
            top = imp.module.split(".", 1)[0]
            if snap.exists(f"{folder}/{top}.py") or snap.exists(f"{folder}/{top}/__init__.py"):
                continue
        suspect = suspects.get(imp.module, _UNKNOWN)
        if suspect is _UNKNOWN:
            if modules is None:
                modules = local_modules(snap)
            if len(suspects) > MAX_KNOWN_NAMES:
                suspects.clear()
            suspect = suspects[imp.module] = _missing_submodule(imp.module, modules)
        if suspect is not None and not _defines(snap, *suspect):
            if suspect[0].endswith("/__init__.py") or not _written(snap, *suspect):
                return imp
    return None


def _written(snap: Snapshot, path: str, name: str) -> bool:
    """Does `name` appear in a line of `path` that is not a comment? A module may define a
    name in ways its facts do not list (`a, b = …`, a loop variable, `globals()`): only a
    name written nowhere but in comments is surely missing."""
    word = re.compile(rf"\b{re.escape(name)}\b")
    return any(word.search(line) and not line.lstrip().startswith("#") for line in snap.lines(path))


def _missing_submodule(name: str, modules: Mapping[str, str]) -> tuple[str, str] | None:
    """(the package's `__init__.py`, the first name after it) when `name` imports a submodule
    of one of the repository's packages that has no module of that name; None otherwise."""
    resolved = _resolve(name, modules)
    if resolved is None:
        return None
    module, path, rest = resolved
    if not rest:
        return None  # the module itself
    if not path.endswith("/__init__.py") and "." in rest:
        return None  # an attribute of a name inside a module
    # a package's missing submodule, or a name its `__init__.py` does not define (`from
    # bentoml_demo import scripts`, neither a module nor a name of the package: irod973/
    # bentoml-demo tests/test_scripts.py:3, left by the project template; reviewed); or a
    # name a module does not define (`from src.pipeline_components import extract_data`,
    # commented out there: ayan-create/mlops-kubeflow-assignment pipeline.py:6; reviewed)
    if _guessed(module, path):
        return None
    return path, rest.split(".")[0]


# pydantic's (and SQLModel's) base classes, by the names projects re-export them under
_SCHEMA_BASES = ("BaseModel", "RootModel", "BaseSettings", "SQLModel")
# a record of values: a dataclass or an attrs class, an enumeration, a typed dict or tuple
# (vllm-project/production-stack src/vllm_router/external_providers/models.py:11
# `@dataclass class ExternalModelConfig`, a provider's settings; reviewed)
_DATA_DECORATORS = (
    "dataclasses.dataclass",
    "pydantic.dataclasses.dataclass",
    "attr.s",
    "attr.attrs",
    "attr.define",
    "attr.frozen",
    "attrs.define",
    "attrs.frozen",
)
_VALUE_BASES = (
    "enum.Enum",
    "enum.IntEnum",
    "enum.StrEnum",
    "enum.Flag",
    "str",
    "int",
    "typing.NamedTuple",
    "typing.TypedDict",
    "typing_extensions.TypedDict",
)
# an ORM's model base: Django `models.Model`, Flask-SQLAlchemy `db.Model`
_ORM_BASES = ("models.Model", "db.Model", "django.db.models.Model", "sqlmodel.SQLModel")
_SCHEMAS = derivation_key("testing.schemas.v3")  # v2: dataclasses, enums; v3: SQLAlchemy
_ORM_MODULES = ("sqlalchemy", "sqlmodel")


def _schemas(snap: Snapshot, path: str) -> tuple[frozenset[str], bool]:
    """(the data-schema classes of module `path`, whether it holds nothing else), derived
    once per file content. A schema class is pydantic's BaseModel re-exported, a dataclass
    or attrs class, or a class whose every base is pydantic's, an ORM's model, an enumeration,
    a typed dict or named tuple, or an earlier schema class of the module
    (evidentlyai/evidently pydantic_utils.PolymorphicModel(BaseModel), sdk/models.py
    `class DashboardModel(BaseModel)` …). A module of schemas only has classes, all of them
    schemas, and no function outside them."""
    facts = snap.python(path)  # read first: per_file derives from this view only
    if facts is None:
        return frozenset(), False

    def derive() -> tuple[frozenset[str], bool]:
        assert facts is not None
        schema = {
            imp.module.rsplit(".", 1)[-1]
            for imp in facts.imports
            if imp.module.split(".")[0] == "pydantic"
        }
        # a SQLAlchemy table: a class of the project's declarative Base, in a module of
        # columns (deepak360/document-rag-app app/models/document.py `class Document(Base)`,
        # `Column(…)`: database tables, no model code; reviewed)
        orm = any(imp.module.split(".")[0] in _ORM_MODULES for imp in facts.imports)
        bases: dict[int, list[str]] = {}
        for base_call in facts.bases:
            bases.setdefault(base_call.line, []).append(base_call.name)
        data_decorated = {
            d.line for d in facts.decorators if name_matches_any(d.name, _DATA_DECORATORS)
        }
        classes = [(n, s, e) for n, s, e, kind in facts.spans if kind == "class"]
        for name, start, _end in classes:  # in order: built on an earlier schema class
            names = bases.get(start, [])
            decorated = any(start - 4 <= line < start for line in data_decorated)
            if (names or decorated) and all(
                b.split(".")[0] == "pydantic"
                or b.endswith(_SCHEMA_BASES)
                or b in _ORM_BASES
                or (orm and (b == "Base" or b.endswith((".Base", "DeclarativeBase"))))
                or b in schema
                or name_matches_any(b, _VALUE_BASES)
                for b in names
            ):
                schema.add(name)
        functions = [
            s
            for _n, s, _e, kind in facts.spans
            if kind == "def" and not any(c_start < s <= c_end for _c, c_start, c_end in classes)
        ]
        only = bool(classes) and not functions and all(n in schema for n, _s, _e in classes)
        return frozenset(schema), only

    return snap.per_file(_SCHEMAS, path, derive)


def schema_module(snap: Snapshot, path: str) -> bool:
    """Does the module `path` only declare data records (see _schemas): request and response
    models, settings, enumerations, no code of its own?"""
    return path.endswith(".py") and _schemas(snap, path)[1]


_UNKNOWN: Any = object()
MAX_KNOWN_NAMES = 100_000


class TestsImportParams(Params):
    components: str = Field(
        description="regex a component of the imported project module's path must match"
    )
    symbols: str | None = Field(
        default=None,
        description="regex an imported or called name inside the project module may match",
    )
    strong_calls: list[str] = Field(
        default_factory=list,
        description="fnmatch patterns of calls that make a test more convincing (e.g. *isfinite)",
    )
    data_classes: str | None = Field(
        default=None,
        description="regex of class names whose methods are not this code: an object of such a "
        "class the test makes is read by its class, not by the method it calls",
    )
    what: str = "project code"

    @field_validator("components", "symbols", "data_classes")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        if value is not None:
            re.compile(value)
        return value


def _conftest_refs(
    snap: Snapshot, data_classes: re.Pattern[str] | None = None
) -> dict[str, list[tuple[str, int]]]:
    """Folder → names imported by the conftest.py files at or above it."""
    out: dict[str, list[tuple[str, int]]] = {}
    for path in base.select_files(snap, ["conftest.py"]):
        facts = snap.python(path)
        if facts is None:
            continue
        folder = path.rsplit("/", 1)[0] if "/" in path else ""
        out[folder] = _refs(facts, data_classes)
    return out


def _refs(facts: PythonFacts, data_classes: re.Pattern[str] | None) -> list[tuple[str, int]]:
    """The names a test file (or a conftest) reaches: its imports, its calls, and the
    methods of the objects it makes. A call on a variable of the file is read through the
    object it holds, not as a module of that name (`preprocessor = FraudPreprocessor()` then
    `preprocessor.fit(X)` is no call into a module `preprocessor`: aswithabukka/
    mlops-fraud-detection tests/conftest.py:78-79; reviewed)."""
    local = {a.target for a in facts.assignments if "." not in a.target}
    return [
        *((i.module, i.line) for i in facts.imports),
        *((c.name, c.line) for c in facts.calls if c.name.split(".", 1)[0] not in local),
        *_instance_calls(facts, data_classes),
    ]


def _reexported(snap: Snapshot, resolved: tuple[str, str, str]) -> str | None:
    """Where a package's `__init__.py` takes a name from, for a name resolved into it
    (module, path, rest): `from .data import get_dataset` in package `alignment` gives
    `alignment.data.get_dataset` (huggingface/alignment-handbook src/alignment/__init__.py:4),
    so that `from alignment import get_dataset` in a test tests the `data` module. None when
    the name is not inside a package's __init__, or the package defines it or imports it from
    elsewhere."""
    package, init_path, rest = resolved
    if not rest or not init_path.endswith("/__init__.py"):
        return None
    name = rest.split(".")[0]
    facts = snap.python(init_path)
    for imp in facts.imports if facts is not None else ():
        module = imp.module
        if module.startswith(".") and not module.startswith("..") and module.endswith("." + name):
            return f"{package}{module}"
        if module.startswith(package + ".") and module.endswith("." + name):
            return module
    return None


def _instance_calls(
    facts: PythonFacts, data_classes: re.Pattern[str] | None = None
) -> list[tuple[str, int]]:
    """Methods called on an object the file made: `svc = model.ModelService(m)` then
    `svc.prepare_features(ride)` reads as `model.prepare_features`, a name inside the
    module the object's class comes from (DataTalksClub/mlops-zoomcamp
    06-best-practices/code/tests/model_test.py:29-45). One step: an object made from
    another object is not followed. An object of one of `data_classes` is read by its class
    (`DataPreprocessor().fit(df)` is the preprocessor's fit, no model's: aswithabukka/
    mlops-fraud-detection tests/conftest.py:79; reviewed)."""
    first_call: dict[int, str] = {}
    for call in facts.calls:
        first_call.setdefault(call.line, call.name)
    made = {
        a.target: first_call[a.line]
        for a in facts.assignments
        if "." not in a.target and a.line in first_call
    }
    out: list[tuple[str, int]] = []
    for call in facts.calls:
        receiver, _, method = call.name.rpartition(".")
        origin, _, cls = made.get(receiver, "").rpartition(".")
        if origin and data_classes is not None and data_classes.search(cls):
            out.append((f"{origin}.{cls}", call.line))
        elif origin:
            out.append((f"{origin}.{method}", call.line))
    return out


@probe("tests_import", TestsImportParams, reads_code=True)
def tests_import(snap: Snapshot, p: TestsImportParams) -> Observation:
    """Tests import (and assert on) a particular part of the project's own code.

    Looks for: test files with assertions whose imports or calls — or those of a
    `conftest.py` above them, which provides their fixtures — resolve to a module of this
    repository whose path has a component matching `components` (e.g. `models`, `train`),
    or to a name inside a project module matching `symbols` (e.g. `preprocess…`).
    Tests of other parts (utils, the API) do not count, nor does a test file that imports a
    module of the repository's own packages that does not exist (it fails when imported).
    Why: the ML Test Score asks for unit tests of the model code (Infra 2) and of the
    feature code (Data 7), not merely for some tests.
    Fix: add tests that import that code and assert on its behaviour.
    """
    modules = local_modules(snap)
    comp_re = re.compile(p.components)
    sym_re = re.compile(p.symbols) if p.symbols else None
    data_re = re.compile(p.data_classes) if p.data_classes else None
    conftests = _conftest_refs(snap, data_re)

    # a pure function of the name, the paths (modules) and the parameters: shared by every
    # Snapshot of these paths (history points); a name into a guessed module also depends on
    # that module's content (_defines), so it is decided again at each Snapshot
    known: dict[str, str | None] = snap.tree_memo(
        ("tests_import.matching", p.components, p.symbols), dict
    )

    def matching(name: str) -> str | None:
        hit = known.get(name, _UNKNOWN)
        if hit is _UNKNOWN:
            if len(known) > MAX_KNOWN_NAMES:
                known.clear()
            hit, pure = _matching(name)
            if pure:
                known[name] = hit
        return hit

    def _matching(name: str) -> tuple[str | None, bool]:
        """(the project module `name` tests, whether the paths alone decided it)."""
        resolved = _resolve(name, modules)
        if resolved is None:
            return None, True
        module, path, rest = resolved
        pure = not (rest and not path.endswith("/__init__.py") and _guessed(module, path))
        if not pure and not _defines(snap, path, rest.split(".")[0]):
            return None, False  # that module file holds no `rest`: another package's name
        hit, read = _component_or_symbol(module, path, rest)
        if hit is None:
            origin = _reexported(snap, resolved)
            if origin is not None and origin != name:
                return matching(origin), False  # decided by the package's __init__ too
        return hit, pure and not read

    def _component_or_symbol(module: str, path: str, rest: str) -> tuple[str | None, bool]:
        """(what `module`/`rest` tests, whether the module's content was read to decide)."""
        # the module's own components: a source folder above the import root says nothing
        # of the code (mozilla/DeepSpeech training/deepspeech_training/util/importers.py is
        # `deepspeech_training.util.importers`, a data helper)
        parts = module.split(".")
        if any(comp_re.search(part) for part in parts):
            return (None if _schemas(snap, path)[1] else module), True
        symbol = rest.split(".")[0]
        if sym_re and rest and sym_re.search(symbol):
            return (None if symbol in _schemas(snap, path)[0] else f"{module}.{symbol}"), True
        return None, False

    found: list[Evidence] = []
    strong: list[Evidence] = []
    for tf in test_files(snap):
        if not tf.asserts or missing_local_import(snap, tf.facts, tf.path) is not None:
            continue  # a file that cannot be imported runs no test
        refs = _refs(tf.facts, data_re)
        hit: tuple[str, int, str] | None = None
        for name, line in refs:
            target = matching(name)
            if target:
                hit = (tf.path, line, target)
                break
        if hit is None:
            folder = tf.path
            while "/" in folder and hit is None:
                folder = folder.rsplit("/", 1)[0]
                for name, line in conftests.get(folder, []):
                    target = matching(name)
                    if target:
                        hit = (f"{folder}/conftest.py", line, target)
                        break
        if hit is None:
            continue
        found.append(ev(tf.path, tf.first_test, f"tests {hit[2]}"))
        if hit[0] != tf.path:
            found.append(ev(hit[0], hit[1], f"fixture imports {hit[2]}"))
        if p.strong_calls and any(
            any(fnmatch.fnmatchcase(c.name, pat) for pat in p.strong_calls) for c in tf.facts.calls
        ):
            strong.append(ev(tf.path, tf.first_test))
    if not found:
        if not test_files(snap):
            return base.failed("no tests at all")
        return base.failed(f"no test imports {p.what}")
    message = f"{len({e.path for e in found})} test file(s) exercise {p.what}"
    if strong:
        message += " (with numeric sanity assertions)"
    return base.passed(message, strong + found)


# hand-written data checks ------------------------------------------------------------------
DATAFRAME_MODULES = ("pandas", "polars", "pyspark", "dask", "modin", "vaex", "cudf")
# An assertion about a table: its columns and types, nulls, value ranges or distributions.
DATA_ASSERT = re.compile(
    r"\.(?:columns|dtypes?|isnull|isna|notnull|notna|hasnans|between|value_counts|nunique|"
    r"is_unique|is_monotonic\w*|duplicated|null_count|is_null|is_not_null)\b"
    # one column of a frame (`df["age"].min()`), not a value nested in a dict of tensors
    # (`batch["image"]["patch_valid"].all()`: mlfoundations/open_clip tests/test_data_csv.py)
    r"|(?<!\])\[\s*[\"'][^\"']+[\"']\s*\]\s*\.\s*(?:str\.len\(\)\s*\.\s*)?"
    r"(?:min|max|mean|std|median|quantile|sum|all|any|unique|le|ge|lt|gt)\s*\("
    r"|\bks_2samp\b|\bchisquare\b|\bpd\.Interval\b"
    # NumPy over a frame's values: its nulls and its distribution (microsoft/MLOpsPython
    # data/data_test.py:111 `np.sum(np.isnan(dataset.values))`, :119 `np.mean(dataset.values…)`)
    r"|\b(?:isnan|isinf|isfinite|mean|std|median|percentile|quantile)\(\s*\w+\.values\b"
)
VALIDATION_SCRIPT = re.compile(r"valid|check|quality|sanity|expect|verify|schema", re.IGNORECASE)


class DataChecksParams(Params):
    scope: str = Field(
        default="any",
        pattern="^(tests|any)$",
        description="tests: only test files; any: tests and validation scripts",
    )


def _assert_text(snap: Snapshot, path: str, line: int) -> str:
    """The source of an assertion starting at `line` (up to 3 lines while brackets are
    open), its trailing comment dropped."""
    lines = snap.lines(path)
    text = ""
    for raw in lines[line - 1 : line + 2]:
        text += " " + raw.split("#", 1)[0].strip()
        if text.count("(") + text.count("[") <= text.count(")") + text.count("]"):
            break
    return text.strip()


_VALIDATION_SCRIPT = derivation_key("data_assertions.validation_script")
_DATA_ASSERTS = derivation_key("data_assertions.evidence")


def _is_validation_script(path: str, facts: PythonFacts) -> bool:
    return bool(
        VALIDATION_SCRIPT.search(path.rsplit("/", 1)[-1])
        or any(re.match(r"(validate|check|verify|expect)_", n) for n, _ in facts.functions)
    )


def _data_asserts(snap: Snapshot, path: str, facts: PythonFacts) -> tuple[Evidence, ...]:
    """The assertions on data of one file that uses a data-frame library."""
    if not any(i.module.split(".")[0] in DATAFRAME_MODULES for i in facts.imports):
        return ()
    out = []
    assignments: dict[str, list[tuple[int, str]]] | None = None  # read on first need
    for line in _assertion_lines(facts):
        text = _assert_text(snap, path, line)
        if assignments is None:
            assignments = _assignments(snap.lines(path))
        inspected = DATA_ASSERT.search(text)
        if inspected and _on_a_model_output(assignments, text, inspected.start()):
            continue
        if inspected and not _on_a_literal_frame(assignments, text, inspected.start()):
            out.append(ev(path, line, text[:120], "assertion on the data"))
            continue
        if _inspects_data_through_names(assignments, line, text):
            out.append(ev(path, line, text[:120], "assertion on the data, through a variable"))
    return tuple(out)


# the frame an inspection reads: `self.raw_data` in `self.raw_data.columns`, `df` in
# `df["age"].min()`
_SUBJECT = re.compile(r"((?:self\.)?[A-Za-z_]\w*)\s*(?:\[[^\]\n]{0,80}\])?\s*$")
_LITERAL_FRAME = re.compile(r"^(?:pd|pandas|pl|polars)\.DataFrame\s*\(")
_DOTTED_NAME = re.compile(r"\b(?:self\.)?[A-Za-z_]\w*")
FIXTURE_HOPS = 2


def _on_a_literal_frame(assignments: dict[str, list[tuple[int, str]]], text: str, at: int) -> bool:
    """Does the assertion inspect a frame the file only ever builds from literals, or
    computes from one? That is the test's own fixture, or what a unit under test made of it,
    not data (AI4Finance-Foundation/FinRL unit_tests/preprocessors/test_yahoodownloader.py:22
    `self.raw_data = pd.DataFrame({…})`, :41 `self.assertIn("adjcp", self.raw_data.columns)`,
    :90 `adjusted_df.columns` of `self.downloader._adjust_prices(self.raw_data.copy())`;
    reviewed)."""
    subject = _SUBJECT.search(text[:at])
    return subject is not None and _fixture_frame(assignments, subject[1], FIXTURE_HOPS)


# a model's predictions, not data (`forecast_df = model.forecast_on_df(…)`)
_MODEL_OUTPUT = re.compile(r"\.(?:predict\w*|forecast\w*|generate|infer\w*)\s*\(")


def _on_a_model_output(assignments: dict[str, list[tuple[int, str]]], text: str, at: int) -> bool:
    """Does the assertion inspect what a model returned (google-research/timesfm
    v1/tests/test_timesfm.py:78 `"timesfm" in forecast_df.columns`, the frame of
    `model.forecast_on_df(…)` on random input; reviewed)? That tests the model's output
    format, not a dataset's schema."""
    subject = _SUBJECT.search(text[:at])
    values = [value for _line, value in assignments.get(subject[1], ())] if subject else []
    return bool(values) and all(_MODEL_OUTPUT.search(value) for value in values)


def _fixture_frame(assignments: dict[str, list[tuple[int, str]]], name: str, hops: int) -> bool:
    values = [value for _line, value in assignments.get(name, ())]
    if not values:
        return False
    for value in values:
        if _LITERAL_FRAME.match(value):
            continue
        if hops == 0 or DATA_READ.search(value):
            return False
        mentioned = {n for n in _DOTTED_NAME.findall(value) if n != name}
        if not any(_fixture_frame(assignments, n, hops - 1) for n in sorted(mentioned)):
            return False
    return True


_NAME = re.compile(r"\b[A-Za-z_]\w*\b")
# the table is read from its source: a frame inspected through variables must come from one
# (a model's output frame and its columns are no data check: SeldonIO/MLServer
# runtimes/sklearn/tests/test_sklearn.py:160 `raw_response.columns` of a prediction)
DATA_READ = re.compile(
    r"\bread_(?:csv|parquet|json|excel|table|feather|sql\w*|orc|pickle)\s*\("
    r"|\.read\.(?:csv|parquet|json|table|format|load)\b|\bload_dataset\s*\("
)
ASSIGNMENT_LOOKBACK = 15  # lines: the statements of one test before its assertion
ASSIGNMENT_HOPS = 4


# `name = value` (or `name: Type = value`, or `self.name = value`) at the start of a line
_ASSIGNMENT = re.compile(r"^\s*((?:self\.)?[A-Za-z_]\w*)\s*(?::[^=]*)?=(?!=)\s*(.+)$")


def _assignments(lines: list[str]) -> dict[str, list[tuple[int, str]]]:
    """name → [(line, value)] of every line that assigns to one name, in line order (the
    file read once, for all its assertions)."""
    found: dict[str, list[tuple[int, str]]] = {}
    for number, raw in enumerate(lines, start=1):
        match = _ASSIGNMENT.match(raw.split("#", 1)[0])
        if match is not None:
            found.setdefault(match[1], []).append((number, match[2]))
    return found


def _assignments_above(
    assignments: dict[str, list[tuple[int, str]]], line: int, names: list[str]
) -> list[tuple[str, int]]:
    """(value, line) of the nearest assignment, within ASSIGNMENT_LOOKBACK lines above
    `line`, of each of `names`."""
    found = []
    for name in names:
        if keyword.iskeyword(name) or name == "self":
            continue
        for number, value in reversed(assignments.get(name, ())):
            if number < line:
                if number >= line - ASSIGNMENT_LOOKBACK:
                    found.append((value, number))
                break
    return found


def _inspects_data_through_names(
    assignments: dict[str, list[tuple[int, str]]], line: int, text: str
) -> bool:
    """Whether the assertion reads a name assigned, a few lines above it, from an expression
    that inspects a table read from its source, following at most ASSIGNMENT_HOPS
    assignments (microsoft/MLOpsPython data/data_test.py:89-92 `dataset =
    pd.read_csv(datafile)`, `header = dataset[dataset.columns[:-1]]`, `actual_columns =
    header.shape[1]`, `assert actual_columns == expected_columns`; reviewed)."""
    seen: set[tuple[str, int]] = set()
    pending = [(text, line, False)]
    for _hop in range(ASSIGNMENT_HOPS + 1):
        following: list[tuple[str, int, bool]] = []
        for value, at, inspected in pending:
            inspected = inspected or DATA_ASSERT.search(value) is not None
            if inspected and DATA_READ.search(value):
                return True
            for assigned in _assignments_above(assignments, at, _NAME.findall(value)):
                if assigned not in seen:
                    seen.add(assigned)
                    following.append((*assigned, inspected))
        pending = following
    return False


def data_assertions(snap: Snapshot, scope: str = "any") -> list[Evidence]:
    """Assertions on data frames (columns, nulls, ranges, distributions) in test files and,
    with scope "any", in validation scripts (`validate_data.py`, `check_*` functions)."""

    def build() -> list[Evidence]:
        candidates = [tf.path for tf in test_files(snap)]
        if scope == "any":
            tests = set(candidates)
            paths = base.select_files(snap, ["*.py"], scope="non_tests")
            found = snap.python_per_file(_VALIDATION_SCRIPT, paths, _is_validation_script)
            candidates += [path for path, _named in found if path not in tests]
        key = _DATA_ASSERTS
        found_ev = snap.python_per_file(key, sorted(candidates), partial(_data_asserts, snap))
        return [item for _path, items in found_ev for item in items]

    return list(snap.memo(("data_assertions", scope), build))


@probe("data_checks", DataChecksParams, reads_code=True)
def data_checks(snap: Snapshot, p: DataChecksParams) -> Observation:
    """Hand-written data checks: assertions on a table's columns, nulls, ranges or
    distributions.

    Looks for: `assert` statements (or `self.assert…` calls) in test files — and, with
    scope `any`, in validation scripts (`validate_*.py`, `check_*` functions) — of files
    that use a data-frame library, whose expression inspects the data: `col in
    df.columns`, `.dtype`, `.isnull()`/`.isna()`, `.between(…)`, `df["x"].min()/.mean()`,
    `.value_counts()`, `.nunique()`, `ks_2samp`. Shape checks of model outputs and asserts
    on tensors do not count.
    Why: checking the data's expectations by hand is the start of data validation (ML
    Test Score Data 1) even without a validation library.
    Fix: keep the checks, run them in CI or as a pipeline stage, and consider declaring
    them as a pandera/Great Expectations schema.
    """
    found = data_assertions(snap, p.scope)
    if found:
        files = len({e.path for e in found})
        return base.passed(f"hand-written data checks in {files} file(s)", found)
    return base.failed("no assertion on the data's columns, nulls, ranges or distributions")


# data schema wired ---------------------------------------------------------------------------
class SchemaRunParams(Params):
    calls: list[str] = Field(min_length=1, description="fnmatch patterns of schema-check calls")
    cli: str = Field(description="regex of a command that runs a schema check by itself")
    follow: int = Field(default=2, ge=0, le=3)

    @field_validator("cli")
    @classmethod
    def _regex(cls, value: str) -> str:
        re.compile(value)
        return value


def _schema_files(snap: Snapshot, calls: list[str]) -> set[str]:
    out = set()
    for path in base.select_files(snap, ["*.py"]):
        facts = snap.python(path)
        if facts is None:
            continue
        names = [c.name for c in facts.calls] + [b.name for b in facts.bases]
        names += [d.name for d in facts.decorators]
        if any(fnmatch.fnmatchcase(n, pat) for n in names for pat in calls):
            out.add(path)
    return out


def _module_of(path: str) -> set[str]:
    parts = path[:-3].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    names = {".".join(parts)}
    if parts and parts[0] in ("src", "lib") and len(parts) > 1:
        names.add(".".join(parts[1:]))
    return names


def _runs_file(text: str, path: str) -> bool:
    if re.search(r"(?<![\w/.-])(?:\./)?" + re.escape(path) + r"(?![\w.-])", text):
        return True
    return any(re.search(r"-m\s+" + re.escape(m) + r"\b", text) for m in _module_of(path))


def _pytest_covers(text: str, test_path: str) -> bool:
    if not TEST_RUN.search(text):
        return False
    args = [
        a.strip("'\"").removeprefix("./").rstrip("/")
        for a in text.split()
        if not a.startswith("-") and ("/" in a or a.endswith(".py") or a in ("tests", "test"))
    ]
    return not args or any(test_path == a or test_path.startswith(a + "/") for a in args)


@probe("schema_check_run", SchemaRunParams)
def schema_check_run(snap: Snapshot, p: SchemaRunParams) -> Observation:
    """A pipeline stage or a CI step runs the data-schema check.

    Looks for: a CI job (following Makefile targets, scripts and job specs) or a `dvc.yaml`
    stage `cmd` that runs a schema tool's CLI (`great_expectations checkpoint run`,
    `soda scan`, `dbt test`), runs the file holding the schema check (or a script importing
    it), or runs the tests holding it; or an orchestrator's pipeline file (Airflow, Dagster,
    Prefect, KFP, ZenML, Metaflow, Flyte, Luigi) that performs the check or imports the module
    that does.
    Why: a schema nobody runs catches nothing; MTS Data 1 asks for automated validation.
    Fix: call the validation from a pipeline stage before training, or run it in CI.
    """
    cli = re.compile(p.cli)
    files = _schema_files(snap, p.calls) | {e.path for e in data_assertions(snap)}
    # scripts that import a schema module also run the check
    modules = local_modules(snap)
    runners = set(files)
    for path in base.select_files(snap, ["*.py"]):
        facts = snap.python(path)
        if facts is None or path in files:
            continue
        for imp in facts.imports:
            resolved = _resolve(imp.module, modules)
            if resolved and resolved[1] in files:
                runners.add(path)
                break
    found: list[Evidence] = []
    for item in _ci_reach.reached(snap, p.follow):
        if _ci_reach.is_install(item.text) and not _ci_reach.runs(item.text, cli):
            continue
        if (
            _ci_reach.runs(item.text, cli)
            or any(_runs_file(item.text, f) for f in runners)
            or any(base.is_test_path(f) and _pytest_covers(item.text, f) for f in files)
        ):
            found.append(item.evidence())
    for path in base.select_files(snap, ["dvc.yaml"]):
        for doc in snap.yaml_docs(path):
            stages = doc.get("stages") if isinstance(doc, dict) else None
            if not isinstance(stages, dict):
                continue
            for name, stage in stages.items():
                cmds = stage.get("cmd") if isinstance(stage, dict) else None
                for cmd in cmds if isinstance(cmds, list) else [cmds]:
                    if isinstance(cmd, str) and (
                        cli.search(cmd) or any(_runs_file(cmd, f) for f in runners)
                    ):
                        found.append(ev(path, key_line(stage, "cmd"), cmd, f"dvc stage {name}"))
    for path in base.select_files(snap, ["*.py"]):
        if path not in runners:
            continue
        facts = snap.python(path)
        # the check in a pipeline's own file, or in a module a pipeline file imports (a
        # Metaflow step calling a Great Expectations checkpoint: you-dont-need-a-bigger-boat
        # local_flow/intent/src/cart_baseline_flow.py:85)
        if facts and any(i.module.startswith(_ORCHESTRATORS) for i in facts.imports):
            found.append(ev(path, None, None, "an orchestrator task runs the check"))
    if found:
        return base.passed("the data check runs automatically", found)
    return base.failed("no pipeline stage or CI step runs the data check")


_ORCHESTRATORS = ("airflow", "dagster", "prefect", "kfp", "zenml", "metaflow", "flytekit", "luigi")


# model quality gate in CI -------------------------------------------------------------------
class MetricsGateParams(Params):
    compare: str = Field(
        default=r"\bdvc\s+(metrics|exp)\s+diff\b|\bcml\s+(comment|send-comment)\b",
        description="regex of a command comparing metrics",
    )
    gate: str = Field(
        default=r"\bexit\s+1\b|--fail|\bassert\b|threshold|check_metric|compare_metric|"
        r"\bgate\b|validate_model|quality_gate",
        description="regex of a step that fails the job on worse metrics",
    )
    follow: int = Field(default=2, ge=0, le=3)


@probe("metrics_gate_ci", MetricsGateParams)
def metrics_gate_ci(snap: Snapshot, p: MetricsGateParams) -> Observation:
    """CI compares model metrics and fails the build when they get worse.

    Looks for: a CI job running `dvc metrics diff` (or `dvc exp diff`) together with a gating
    step in the same job — a command that exits non-zero on a threshold (`exit 1`, an assert,
    a `check_metrics` script). A metrics report without a gate (e.g. a CML comment) is
    partial: the comparison is automated, the decision is not.
    Why: ML Test Score Infra 4/Model 5 — a model is not pushed if it is worse than the
    baseline.
    Fix: add a CI step that fails when the new metrics are below a threshold or the baseline.
    """
    compare = re.compile(p.compare)
    gate = re.compile(p.gate)
    reached = _ci_reach.reached(snap, p.follow)
    compares = [r for r in reached if _ci_reach.runs(r.text, compare)]
    if not compares:
        return base.failed("CI does not compare model metrics")
    jobs = {id(r.job) for r in compares}
    gates = [r for r in reached if id(r.job) in jobs and _ci_reach.runs(r.text, gate)]
    if gates:
        return base.passed(
            "CI compares metrics and gates on them", [r.evidence() for r in compares + gates]
        )
    return base.partial(
        "CI reports metric differences but nothing fails on them",
        [r.evidence() for r in compares],
    )


# metric thresholds asserted in tests --------------------------------------------------------------
# what a test computes a model's quality with: a metric function, or an estimator's own score
# ... and rank correlations with human scores, the metric of a learned metric or regressor
# (Unbabel/COMET tests/integration/models/test_regression_metric.py:88 `pearsonr(y_hat, y)[0]
# > 0.85`, reviewed)
METRIC_CALLS = (
    "sklearn.metrics.*",
    "torchmetrics.*",
    "evaluate.load",
    "*.score",
    "*.evaluate",
    "scipy.stats.pearsonr",
    "scipy.stats.spearmanr",
    "scipy.stats.kendalltau",
)
# compared with a literal threshold (`> 0.82`, `0.9 <= auc`, `assertGreater(acc, 0.8)`), the
# number captured: a bar of zero (`accuracy > 0.0`) only says the metric was computed
# (huggingface/setfit tests/span/test_trainer.py:21, reviewed)
_THRESHOLD_VALUE = re.compile(
    r"[<>]=?\s*(-?[\d.]+)|(-?[\d.]*\d)\s*[<>]|assert(?:Greater|Less)\w*\(.*,\s*(-?[\d.]+)"
)


def _raises_a_bar(text: str) -> bool:
    """Is some number the assertion compares with other than zero?"""
    for match in _THRESHOLD_VALUE.finditer(text):
        value = next((g for g in match.groups() if g), "")
        try:
            if float(value.rstrip(".")) != 0:
                return True
        except ValueError:
            continue
    return False


@probe("metric_threshold_tests", NoParams, reads_code=True)
def metric_threshold_tests(snap: Snapshot, p: NoParams) -> Observation:
    """Tests assert a model's quality: a metric computed in a test compared with a literal
    threshold.

    Looks for: in a test function, a metric (a `sklearn.metrics` function, torchmetrics,
    `evaluate.load`, an estimator's `.score`/`.evaluate`) assigned to a name that a later
    assertion of the same function compares with a number (`assert acc_test > 0.82`,
    `assertGreater(auc, 0.9)`), or compared inside the assertion itself. An equality checks
    the metric code, not the model, and a bar of zero (`accuracy > 0.0`) only that it was
    computed; a loss compared with another computed value (training
    reduced the loss below the prior) is a training sanity test, not a quality bar. Skipped
    tests do not count.
    Why: run by CI, such a test blocks a model that got worse (ML Test Score Model 5;
    eugeneyan/testing-ml test_decision_tree_3eval.py:27-28).
    Fix: assert the held-out metrics of the trained model against thresholds in a test that
    CI runs.
    """
    found: list[Evidence] = []
    paths = base.python_sources(snap, ("*.py",), scope="tests")
    # the few candidate assertions of each file are derived once per file content (a history
    # of 200 points reads them once); only their text is read here
    for path, functions in snap.python_per_file(_METRIC_ASSERTS, paths, _metric_candidates):
        lines = snap.lines(path)
        for candidates in functions:
            for line, names, on_metric_line in candidates:
                text = lines[line - 1] if 0 < line <= len(lines) else ""
                if not _raises_a_bar(text):
                    continue
                pattern = "|".join(re.escape(n) for n in names)
                if on_metric_line or (pattern and re.search(rf"\b(?:{pattern})\b", text)):
                    found.append(ev(path, line, text.strip()[:120]))
                    break  # one per test function
    if found:
        return base.passed(f"tests assert model metrics in {len(found)} place(s)", found)
    return base.failed("no test compares a model metric with a threshold or baseline")


_METRIC_ASSERTS = derivation_key("metric_threshold_tests", *METRIC_CALLS)
_Candidate = tuple[int, tuple[str, ...], bool]  # assertion line, metric names, metric on it


def _metric_candidates(_path: str, facts: PythonFacts) -> tuple[tuple[_Candidate, ...], ...]:
    """Per test function that computes a metric and is not skipped: its assertions, with the
    names the metric results are bound to."""
    metric = names_matcher(METRIC_CALLS)
    if not any(metric(c.name) for c in facts.calls):
        return ()
    asserts = _assertion_lines(facts)
    skipped = skipped_lines(facts)
    out: list[tuple[_Candidate, ...]] = []
    for _name, start, end, kind in facts.spans:
        if kind != "def" or within(start, skipped):
            continue
        at = {c.line for c in facts.calls if start <= c.line <= end and metric(c.name)}
        if not at:
            continue
        names = tuple(
            sorted({a.target for a in facts.assignments if a.line in at and "." not in a.target})
        )
        here = tuple((line, names, line in at) for line in asserts if start <= line <= end)
        if here:
            out.append(here)
    return tuple(out)


# pre-commit -----------------------------------------------------------------------------------
# pyink and pytype: Google's formatter (a black fork) and type checker
# (google-deepmind/alphafold pyproject.toml:68 `[tool.pyink]`)
QUALITY_HOOKS = (
    r"ruff|black|mypy|flake8|pylint|isort|pyright|autopep8|yapf|pyupgrade|blue|pyink|pytype"
)


# GitHub actions that run a linter or formatter themselves.
LINT_ACTIONS = re.compile(
    r"^(?:astral-sh/ruff-action|chartboost/ruff-action|jpetrucciani/(?:ruff|black|mypy)-check|"
    r"psf/black|py-actions/flake8|ricardochaves/python-lint|reviewdog/action-(?:flake8|black|"
    r"ruff|mypy|pylint)|tsuyoshicho/action-mypy|wearerequired/lint-action|"
    r"(?:github|super-linter)/super-linter|ultralytics/actions)@",
    re.IGNORECASE,
)


# ... and any action named for one of the tools (TrueBrain/actions-flake8, a `*-ruff-action`):
# StatCan/aaw-kubeflow-mlops .github/workflows/ci.yml:42 `uses: TrueBrain/actions-flake8@master`
# on every push and pull request (reviewed)
_NAMED_LINT_ACTION = re.compile(
    r"^[\w.-]+/(?:[\w.]+-)*(?:flake8|ruff|black|pylint|mypy|isort|pyright)"
    # a problem matcher only annotates the output of a run made elsewhere
    r"(?!-(?:annotations?|problem-matchers?|matchers?)\b)(?:-[\w.]+)*@",
    re.IGNORECASE,
)


class PreCommitParams(Params):
    hooks: str = Field(default=QUALITY_HOOKS, description="regex of quality hook ids/repos/entries")
    config_globs: list[str] = Field(
        default_factory=lambda: [
            ".flake8",
            "mypy.ini",
            ".mypy.ini",
            ".pylintrc",
            "pylintrc",
            "ruff.toml",
            ".ruff.toml",
            ".isort.cfg",
        ]
    )


def _hook_texts(hook: dict[object, object]) -> list[str]:
    texts = [str(hook.get(k, "")) for k in ("id", "name", "entry")]
    args = hook.get("args")
    if isinstance(args, list):
        texts.append(" ".join(str(a) for a in args))
    return texts


@probe("precommit_quality", PreCommitParams)
def precommit_quality(snap: Snapshot, p: PreCommitParams) -> Observation:
    """Code quality tools (ruff, black, mypy, flake8 …) run automatically before commits.

    Looks for: `.pre-commit-config.yaml` hooks whose repo, id or entry names a quality tool
    — a local hook running `make style` counts when that Makefile target runs one. CI
    running the tools also passes, and so does CI running pytest where pytest's `addopts`
    turn on a linter plugin (`--ruff`, `--black`, `--mypy`); CI running them with
    `--exit-zero` or `|| true`, so
    that they never fail the build, is partial. A pre-commit file with only generic hooks
    (whitespace, YAML syntax), or linters configured but never run, give partial credit.
    Why: mm#31 — automatic formatting, linting and type checks keep ML code reviewable.
    Fix: add ruff/black/mypy hooks to `.pre-commit-config.yaml` and run pre-commit in CI.
    """
    hooks = re.compile(p.hooks, re.IGNORECASE)
    configs = base.select_files(snap, [".pre-commit-config.yaml", ".pre-commit-config.yml"])
    found: list[Evidence] = []
    generic: list[Evidence] = []
    for path in configs:
        for doc in snap.yaml_docs(path):
            repos = doc.get("repos") if isinstance(doc, dict) else None
            for repo in repos if isinstance(repos, list) else []:
                if not isinstance(repo, dict):
                    continue
                url = str(repo.get("repo", ""))
                for hook in as_list(repo.get("hooks")):
                    if not isinstance(hook, dict):
                        continue
                    texts = _hook_texts(hook)
                    line = getattr(hook, "line", None)
                    if url != "local" and hooks.search(url + " " + texts[0]):
                        found.append(ev(path, line, f"{url} {texts[0]}"))
                        continue
                    if any(hooks.search(t) for t in texts):
                        found.append(ev(path, line, " ".join(t for t in texts if t)))
                        continue
                    command = " ".join(t for t in texts[2:] if t)
                    via = [
                        (cmd, cpath, cline)
                        for cmd, cpath, cline, _ in _ci_reach._expand(
                            snap, command, 2, frozenset({path})
                        )
                        if hooks.search(cmd)
                    ]
                    if via:
                        found.append(ev(path, line, command, "local hook"))
                        found.extend(ev(cp, cl, c) for c, cp, cl in via[:3])
                    else:
                        generic.append(ev(path, line, texts[0]))
    if found:
        return base.passed("pre-commit runs code-quality hooks", found)
    tools = re.compile(r"\b(ruff|black|mypy|flake8|pylint|isort|pyright|pyink|pytype)\b")
    runs = [r for r in _ci_reach.reached(snap) if _ci_reach.runs(r.text, tools)]
    ci = [
        r.evidence()
        for r in runs
        if not _ci_reach.cannot_fail(r.text, tools) and not _syntax_errors_only(r.text)
    ]
    ci += [
        ev(job.path, u.line, u.text, f"{job.system} job {job.name}")
        for job in snap.ci_jobs
        if not job.disabled
        for u in job.uses
        if LINT_ACTIONS.match(u.text) or _NAMED_LINT_ACTION.search(u.text)
    ]
    if ci:
        return base.passed("CI runs code-quality tools", ci)
    plugins = _pytest_lint_plugins(snap)
    if plugins:
        pytest_runs = [r for r in _ci_reach.reached(snap) if _ci_reach.runs(r.text, _PYTEST)]
        if pytest_runs:
            return base.passed(
                "CI runs pytest, whose options run code-quality tools as plugins",
                [pytest_runs[0].evidence(), *plugins],
            )
    if runs:
        return base.partial(
            "CI runs code-quality tools, but they can never fail the build "
            "(`--exit-zero`, `|| true`) or fail it on syntax errors only",
            [r.evidence() for r in runs],
        )
    declared = base.select_files(snap, p.config_globs)
    evidence = [ev(c) for c in declared] + generic
    for path in base.select_files(snap, ["pyproject.toml", "setup.cfg", "tox.ini"]):
        for number, text in enumerate(snap.lines(path), start=1):
            if re.match(
                r"^\[(tool\.(ruff|black|mypy|isort|pylint|pyink|pyright|yapf|pytype)|flake8|mypy|isort"
                r"|yapf|pytype)\b",
                text,
            ):
                evidence.append(ev(path, number, text))
    if evidence:
        return base.partial(
            "quality tools configured or generic hooks only; nothing runs ruff/black/mypy",
            evidence,
        )
    if configs:
        return base.failed("pre-commit config has no hooks", [ev(c) for c in configs])
    return base.failed("no pre-commit config and no linters run in CI")


# flake8 held to syntax errors and undefined names only: GitHub's Python starter workflow
# (`flake8 . --select=E9,F63,F7,F82`, then the real lint with `--exit-zero`) stops the build
# for code that cannot run, never for its quality (shanojpillai/credit-risk-mlops-platform
# .github/workflows/mlflow-ci.yml:42-44; reviewed)
_FLAKE8_SELECT = re.compile(r"\bflake8\b.*?--select[= ]?([\w,]+)")
_SYNTAX_CODES = frozenset({"E9", "E999", "F63", "F7", "F82", "F821", "F822", "F823"})


def _syntax_errors_only(text: str) -> bool:
    found = _FLAKE8_SELECT.search(text)
    if found is None:
        return False
    codes = {code.strip().upper() for code in found.group(1).split(",") if code.strip()}
    return bool(codes) and codes <= _SYNTAX_CODES


# pytest's options running quality tools through its plugins (pytest-ruff, pytest-black,
# pytest-mypy …): every pytest run lints (flairNLP/flair pyproject.toml:17 `addopts =
# "--black --mypy --ruff"`, pytest run by .github/workflows/ci.yml; reviewed)
_PYTEST = re.compile(r"\bpytest\b")
_LINT_PLUGIN_FLAGS = re.compile(
    r"(?<![\w-])--(ruff(?:-format)?|black|mypy|flake8|pylint|isort|pycodestyle)(?![\w-])"
)
_ADDOPTS = re.compile(r"^\s*addopts\s*=\s*(.*)$")


def _pytest_lint_plugins(snap: Snapshot) -> list[Evidence]:
    """The addopts lines of the pytest configuration that turn on a linter plugin."""
    found = []
    for path in base.select_files(snap, ["pyproject.toml", "pytest.ini", "setup.cfg", "tox.ini"]):
        if base.is_excluded(path):
            continue
        for number, text in enumerate(snap.lines(path), start=1):
            options = _ADDOPTS.match(text)
            if options and _LINT_PLUGIN_FLAGS.search(options.group(1)):
                found.append(ev(path, number, text.strip()[:120], "pytest plugin options"))
    return found


# TST: tests that run the project's own command -----------------------------------------------


class EntryPointTestsParams(Params):
    words: str = Field(
        default=r"(?:re)?train|fine_?tune|pretrain|fit$|pipeline|repro|run_pipeline",
        description="regex that one word of the command (a string without spaces, matched "
        "from its start) must match when a test runs the command as a subprocess",
    )

    _v = field_validator("words")(_check_regex)


_SUBPROCESS_CALLS = (
    "subprocess.run",
    "subprocess.call",
    "subprocess.check_call",
    "subprocess.check_output",
    "subprocess.Popen",
    "os.system",
    "*.invoke",  # click / typer CliRunner
)


# a test that only asks for the usage or the version checks the parser, not the pipeline;
# `-h` itself is too short to be among a file's strings, the usage text it checks is not
_HELP_FLAG = re.compile(r"^(?:--help|--version|--schema)$|^usage:", re.IGNORECASE)


def _entry_point_run(
    facts: PythonFacts,
    start: int,
    end: int,
    functions: dict[str, str],
    scripts: dict[str, tuple[str, str]],
    step: re.Pattern[str],
) -> tuple[int, str, str | None] | None:
    """(line, shown, note) of the first run of the project's command in the test function
    spanning lines start..end, or None."""
    strings = [(text, line) for text, line in facts.strings if start <= line <= end]
    if any(_HELP_FLAG.match(text) for text, _ in strings):
        return None
    calls = [c for c in facts.calls if start <= c.line <= end]
    for call in calls:
        if call.name in functions:
            return call.line, f"{call.name}(…)", f"entry point {functions[call.name]}"
    named = [(text, line) for text, line in strings if text in scripts]
    steps = [(text, line) for text, line in strings if " " not in text and step.match(text)]
    if named and steps and any(name_matches_any(c.name, _SUBPROCESS_CALLS) for c in calls):
        return steps[0][1], f"{named[0][0]} {steps[0][0]} run in a subprocess", None
    # the command's app object run by click's or typer's test runner with a training step
    # (deezer/spleeter tests/test_train.py:109 `runner.invoke(spleeter, ["train", …])`, the app
    # of `spleeter = 'spleeter.__main__:entrypoint'`; reviewed)
    modules = {module for module, _func in scripts.values()}
    for call in calls:
        app = call.name_arg("0") if call.name.endswith(".invoke") else None
        if steps and app and app.rsplit(".", 1)[0] in modules:
            return call.line, f"{app} {steps[0][0]} run by a CLI test runner", None
    return None


# the function a project's training commands end in, by its name: `train`, `train_model`,
# `train_from_yaml`, `finetune`, `pretrain`, `run_training`, `run_pipeline`
# (mosaicml/llm-foundry tests/a_scripts/train/test_train.py:93 `trainer = train(test_cfg)`,
# the `train` that scripts/train/train.py and the `llmfoundry train` command run; reviewed)
OWN_TRAINING_FUNCTION = re.compile(
    r"(?:re|pre)?train(?:_model|_from_\w+)?|fine_?tune(?:_model)?|run_(?:training|pipeline)"
)


def _own_training_function_run(
    snap: Snapshot, facts: PythonFacts, start: int, end: int
) -> tuple[int, str, str | None] | None:
    """(line, shown, note) of the first call in lines start..end of a training function
    imported from the repository's own published package, or None. A method (`model.train()`)
    is no such call: its name does not start with an import."""
    imported = {i.module for i in facts.imports}
    for call in facts.calls:
        if not start <= call.line <= end or "." not in call.name:
            continue
        module, _, function = call.name.rpartition(".")
        if (
            OWN_TRAINING_FUNCTION.fullmatch(function)
            and (call.name in imported or module in imported)
            and base.is_own_module(snap, module)
        ):
            return call.line, f"{call.name}(…)", "the package's training function"
    return None


_RUNPY_CALLS = ("runpy.run_path", "runpy.run_module")
# `monkeypatch.setattr(sys, "argv", cmd)`, `mock.patch.object(sys, "argv", …)`, `sys.argv = …`
_ARGV_SET = re.compile(r"""\bsys\s*,\s*["']argv["']|["']sys\.argv["']|\bsys\.argv\s*=(?!=)""")


def _runpy_training_run(
    facts: PythonFacts, lines: list[str], start: int, end: int, step: re.Pattern[str]
) -> tuple[int, str, str | None] | None:
    """A test function that sets `sys.argv` to a command with a training step and runs a
    program in-process with runpy (pytorch/torchtune tests/recipes/
    test_full_finetune_single_device.py:110 `runpy.run_path(TUNE_PATH, run_name="__main__")`
    after `monkeypatch.setattr(sys, "argv", cmd)`, cmd `tune run full_finetune_single_device
    --config …`; reviewed), or None."""
    body = lines[start - 1 : end]
    if not any(_ARGV_SET.search(line) for line in body):
        return None
    words = {w for line in body for w in re.findall(r"[A-Za-z_][\w-]*", line)}
    if "--help" in " ".join(body) or not any(_step_word(w, step) for w in words):
        return None
    for call in facts.calls:
        if start <= call.line <= end and name_matches_any(call.name, _RUNPY_CALLS):
            return call.line, f"{call.name}(…) with a training command", None
    return None


def _step_word(word: str, step: re.Pattern[str]) -> bool:
    """A command word naming a training step, alone or as one part of a recipe's name
    (`full_finetune_single_device`, `lora_finetune_distributed`)."""
    return any(step.match(part) for part in re.split(r"[_-]", word) if part) or bool(
        step.match(word)
    )


@probe("entry_point_tests", EntryPointTestsParams, reads_code=True)
def entry_point_tests(snap: Snapshot, p: EntryPointTestsParams) -> Observation:
    """Tests run the project's own command end to end.

    Looks for: a test function that calls the function a `[project.scripts]` entry point
    names (`scripts.main(argv=[config])` for `bikes = "bikes.scripts:main"`), or runs the
    command in a subprocess with a training or pipeline step as one of its words
    (`subprocess.run(["litgpt", "finetune_lora", …])`), or runs the command's click/typer app
    with such a step through `CliRunner().invoke(app, ["train", …])`, or runs a script of the
    repository that trains (`subprocess.run("python cleanrl/ppo.py --total-timesteps 256")`),
    or calls, imported from the package the repository publishes, the function its training
    commands end in (`from llmfoundry.command_utils import train` … `train(test_cfg)`), or
    sets `sys.argv` to a training command and runs the program in-process with
    `runpy.run_path`/`run_module` (torchtune's recipe tests). Entry points are read from
    pyproject.toml, setup.py and setup.cfg.
    Known false positive: a test that runs the command only for `--help` or `--version`
    (or asserts on its `usage:` text) checks the command line parser, not the pipeline; a
    test file importing a module of the project that does not exist runs nothing.
    Why: the jobs wired together, on a small config, catch what unit tests of each part miss
    (ML Test Score Infra 3).
    Fix: add a test that runs the training command on a tiny dataset for one step.
    """
    scripts = console_scripts(snap)
    functions = {f"{module}.{func}": name for name, (module, func) in scripts.items() if func}
    step = re.compile(p.words, re.IGNORECASE)
    patterns = pytest_functions(snap)
    found: list[Evidence] = []
    for tf in test_files(snap):
        if missing_local_import(snap, tf.facts, tf.path) is not None:
            continue  # fails when collected: it runs nothing (irod973/bentoml-demo; reviewed)
        for name, start, end, kind in tf.facts.spans:
            if kind == "class" or not _is_test_function(name, patterns):
                continue
            run = (
                (
                    _entry_point_run(tf.facts, start, end, functions, scripts, step)
                    if scripts
                    else None
                )
                or _training_script_run(snap, tf.facts, snap.lines(tf.path), start, end)
                or _own_training_function_run(snap, tf.facts, start, end)
                or _runpy_training_run(tf.facts, snap.lines(tf.path), start, end, step)
            )
            if run is not None:
                found.append(ev(tf.path, run[0], run[1], run[2]))
                break
    if found:
        return base.passed("tests run the project's command or a script that trains", found)
    if not scripts:
        return base.failed(
            "no test runs a training script; no [project.scripts] entry point to run"
        )
    return base.failed("no test runs the project's command")


class CiTrainingScriptParams(Params):
    triggers: list[str] = Field(
        default_factory=lambda: ["push", "pull_request", "pull_request_target", "merge_request"],
        description="the job must have one of these triggers",
    )
    follow: int = Field(default=2, ge=0, le=3, description="levels of indirection to follow")


@probe("ci_training_script", CiTrainingScriptParams)
def ci_training_script(snap: Snapshot, p: CiTrainingScriptParams) -> Observation:
    """CI runs a script of the repository that trains, on pushes or pull requests.

    Looks for: a CI command (directly, or through a Makefile target or script it runs) of
    the form `python <path>.py …` whose script is a file of the repository with a training
    call in it (`fit`, an optimizer step, `Trainer.train` …: the same test as trains-models),
    whatever the script is called (optuna/optuna-examples pytorch.yml:45 `python
    pytorch/pytorch_simple.py` on pull requests); partial where the step may fail without
    failing the build. A script run only for its `--help`, or one
    that trains nothing (a version check, a lint helper), does not count; nor does a job that
    only runs on a schedule or by hand.
    Why: running the training code end to end on every change catches what unit tests of
    its parts miss (ML Test Score Infra 3).
    Fix: run the training script on a tiny config in a CI job triggered on pull requests.
    """
    wanted = set(p.triggers)
    runs = [
        item
        for item in _ci_reach.reached(snap, p.follow)
        if item.job.triggers & wanted and _runs_training_script(snap, item.text, item.cwd)
    ]
    # a step allowed to fail runs the script but never stops the change it tests
    # (MLOPS-IE7374-Fall2024-G9/mlops-project train-workflow.yaml:43 `continue-on-error:
    # true`; reviewed)
    found = [item.evidence() for item in runs if not _ci_reach.advisory(item)]
    if found:
        return base.passed("CI runs a script that trains", found)
    if runs:
        return base.partial(
            "CI runs a script that trains, but a failure never fails the build "
            "(`continue-on-error`, `allow_failure`, `|| true`)",
            [item.evidence() for item in runs],
        )
    return base.failed("no CI job on pushes or pull requests runs a script that trains")


_HELP_RUN = re.compile(r"\s(?:--help|-h)(?:\s|$)")


def _runs_training_script(snap: Snapshot, text: str, cwd: str) -> bool:
    """Does the command line run, other than for its --help, a repository script that
    trains?"""
    return any(
        _trained_script(snap, part, cwd) is not None
        for part in _ci_reach.split_commands(text)
        if not (_ci_reach.is_install(part) or _HELP_RUN.search(part))
    )


def _script_path(snap: Snapshot, written: str, cwd: str) -> str | None:
    """The repository file `python <written>` runs from the folder `cwd`, or None."""
    written = written.removeprefix("./")
    for candidate in (posixpath.normpath(posixpath.join(cwd, written)) if cwd else "", written):
        if candidate and not candidate.startswith("..") and snap.exists(candidate):
            return candidate
    return None


# `python cleanrl/ppo.py --total-timesteps 256` (vwxyzjn/cleanrl tests/test_classic_control.py:5,
# reviewed): a string command, or the words of a list one once its quotes and commas are gone
_PYTHON_SCRIPT = re.compile(r"\bpython[\d.]*\s+(?:-\S+\s+){0,4}([\w./-]+\.py)\b")


def _training_script_run(
    snap: Snapshot, facts: PythonFacts, lines: list[str], start: int, end: int
) -> tuple[int, str, str | None] | None:
    """A test function that runs, in a subprocess, a script of the repository that trains (a
    training call in it), other than for its --help."""
    strings = [text for text, line in facts.strings if start <= line <= end]
    if any(_HELP_FLAG.match(text) or text.rstrip().endswith(" --help") for text in strings):
        return None
    for call in facts.calls:
        if not (start <= call.line <= end and call.args):
            continue
        if not (name_matches_any(call.name, _SUBPROCESS_CALLS) or call.name == "os.system"):
            continue
        if call.args[0] == "<expr>":
            # a command built in the test (DLR-RM/rl-baselines3-zoo tests/test_train.py:34
            # `cmd = f"python train.py -n {N_STEPS} …"`, then `subprocess.call(shlex.split(cmd))`)
            # or a list (`[sys.executable, "-m", "pkg.models.run_lightgbm", …]`)
            words = re.sub(r"[\[\]'\",]", " ", " ".join(lines[start - 1 : end]))
        else:
            words = re.sub(r"[\[\]'\",]", " ", call.args[0])
        script = _trained_script(snap, words)
        if script is not None:
            return call.line, f"python {script} run in a subprocess", "a script that trains"
        module = _trained_module(snap, words)
        if module is not None:
            return call.line, f"python -m {module} run in a subprocess", "a module that trains"
    return None


# `python -m pkg.mod`, or the interpreter running the test (`sys.executable -m pkg.mod`):
# brunoramosmartins/customer-churn-mlops-pipeline tests/test_lightgbm.py:149-152; reviewed
_PYTHON_MODULE_RUN = re.compile(r"(?:\bpython[\d.]*|\bsys\.executable)\s+-m\s+([\w.]+)")


def _trained_module(snap: Snapshot, command: str) -> str | None:
    """The first module of the repository that `command` runs with `-m` and that fits a
    model itself (code roles: a module that only splits the data trains nothing)."""
    from mlaudit.probes.code_roles import code_roles
    from mlaudit.probes.coupling import feature_module

    modules = local_modules(snap)
    roles = code_roles(snap)
    for m in _PYTHON_MODULE_RUN.finditer(command):
        path = modules.get(m.group(1))
        if path is None:
            continue
        # ... or the command line of a module that does (run_lightgbm.py imports
        # train_lightgbm_tuned from lightgbm_tune.py, which fits)
        # (a feature module's fit is a transform's: features/run.py runs no training)
        trainers = [path, *(t for t, _ in roles.imports.get(path, []))]
        if any(t in roles.training and not feature_module(t) for t in trainers):
            return m.group(1)
    return None


def _trained_script(snap: Snapshot, command: str, cwd: str = "") -> str | None:
    """The first repository script that `command` runs with `python <path>.py` (from the
    folder `cwd`) and that trains (a training call in it: the test of trains-models)."""
    from mlaudit.probes.training import _training_call

    for m in _PYTHON_SCRIPT.finditer(command):
        script = _script_path(snap, m.group(1), cwd)
        facts = snap.python(script) if script else None
        if script and facts is not None and _training_call(script, facts):
            return script
    return None
