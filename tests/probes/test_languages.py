"""A repository whose main language is not Python: its tests, test commands and lockfiles
count by that language's conventions (gorse-io/gorse, a recommender engine in Go; reviewed),
never where Python is the main language."""

from __future__ import annotations

import re

import pytest
from helpers import run_check, snapshot

from mlaudit.results import Outcome

P, F, H = Outcome.PASS, Outcome.FAIL, Outcome.PARTIAL

GO_SOURCES = {
    f"server/handler_{i}.go": f"package server\n\nfunc H{i}() int {{ return {i} }}\n"
    for i in range(24)
}
GO_TEST = {
    "server/handler_test.go": 'package server\n\nimport "testing"\n\n'
    'func TestH0(t *testing.T) {\n\tif H0() != 0 {\n\t\tt.Fatal("x")\n\t}\n}\n'
}
GO_CI = {
    ".github/workflows/build_test.yml": "on: [push, pull_request]\njobs:\n  test:\n"
    "    runs-on: ubuntu-latest\n    steps:\n      - run: go test ./...\n"
}
GO_LOCK = {"go.mod": "module example.com/engine\n", "go.sum": "github.com/x/y v1.0.0 h1:abc=\n"}
TRAIN = {"scripts/train.py": "def fit(model, X, y):\n    model.fit(X, y)\n"}
PY_SCRIPT_TEST = {"integration_tests/test_embed.py": "def test_embed():\n    print('ok')\n"}


@pytest.mark.parametrize(
    ("check", "files", "expected"),
    [
        # positive: a Go repository's tests, run by CI on every change, and its go.sum
        ("unit-tests", {**GO_SOURCES, **GO_TEST, **TRAIN}, P),
        ("tests-in-ci", {**GO_SOURCES, **GO_TEST, **GO_CI, **TRAIN}, P),
        ("deps-locked", {**GO_SOURCES, **GO_LOCK, **TRAIN}, P),
        # negative: a Go repository without them
        ("unit-tests", {**GO_SOURCES, **TRAIN}, F),
        ("tests-in-ci", {**GO_SOURCES, **GO_TEST, **TRAIN}, F),
        # trap: `go test` in CI with no Go test declared runs nothing
        ("tests-in-ci", {**GO_SOURCES, **GO_CI, **TRAIN}, F),
        # a Python script among the tests (an integration check run by hand) does not hide
        # the main language's suite (huggingface/text-embeddings-inference, Rust; reviewed)
        ("unit-tests", {**GO_SOURCES, **GO_TEST, **TRAIN, **PY_SCRIPT_TEST}, P),
        ("tests-in-ci", {**GO_SOURCES, **GO_TEST, **GO_CI, **TRAIN, **PY_SCRIPT_TEST}, P),
        # trap: where Python is the main language, another language's tests and lock do not
        # stand in for the Python code's (a web UI's Jest tests, its package-lock.json)
        (
            "unit-tests",
            {
                **{f"pkg/m{i}.py": "x = 1\n" for i in range(30)},
                **{f"ui/src/c{i}.ts": "export const c = 1\n" for i in range(21)},
                "ui/src/c.test.ts": "test('c', () => { expect(1).toBe(1) })\n",
            },
            F,
        ),
        (
            "deps-locked",
            {
                **{f"pkg/m{i}.py": "x = 1\n" for i in range(30)},
                **{f"ui/src/c{i}.ts": "export const c = 1\n" for i in range(21)},
                "ui/package-lock.json": "{}\n",
                "pyproject.toml": '[project]\nname = "app"\ndependencies = ["numpy"]\n',
            },
            F,
        ),
    ],
    ids=[
        "go-tests",
        "go-tests-in-ci",
        "go-sum",
        "go-no-tests",
        "go-tests-not-in-ci",
        "fp-go-test-command-without-tests",
        "go-tests-beside-a-python-script",
        "go-tests-in-ci-beside-a-python-script",
        "fp-python-main-language-js-tests",
        "fp-python-main-language-js-lock",
    ],
)
def test_the_main_languages_conventions(tmp_path, check, files, expected):
    obs = run_check(snapshot(tmp_path, files), check)
    assert obs.outcome == expected, obs


RUST_SOURCES = {f"router/src/m{i}.rs": f"pub fn m{i}() -> u32 {{ {i} }}\n" for i in range(24)}
RUST_LOCK = {"Cargo.toml": '[package]\nname = "router"\n', "Cargo.lock": "version = 3\n"}
TS_SOURCES = {f"ui/src/c{i}.ts": "export const c = 1\n" for i in range(40)}
NOTEBOOK_SKLEARN = (
    '{"cells": [{"cell_type": "code", "source": ["from sklearn.linear_model import '
    'LogisticRegression\\n", "LogisticRegression().fit(X, y)\\n"]}], "nbformat": 4}'
)
PY_PACKAGE = {f"pkg/m{i}.py": "x = 1\n" for i in range(30)}


def _dockerfile(*runs: str) -> dict[str, str]:
    return {"Dockerfile": "FROM golang:1.22\n" + "".join(f"RUN {r}\n" for r in runs)}


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # positive: go.sum is verified by every Go build (gorse cmd/gorse-in-one/Dockerfile)
        ({**GO_SOURCES, **GO_LOCK, **_dockerfile("go mod download", "go build ./...")}, P),
        # cargo follows Cargo.lock exactly only when told --locked
        ({**RUST_SOURCES, **RUST_LOCK, **_dockerfile("cargo build --release --locked")}, P),
        ({**RUST_SOURCES, **RUST_LOCK, **_dockerfile("cargo build --release")}, H),
        # negative: no lockfile committed, the build resolves afresh
        ({**GO_SOURCES, "go.mod": "module x\n", **_dockerfile("go build ./...")}, F),
        # trap: a Go tool built in a Python project's image installs nothing of the project's
        (
            {
                **PY_PACKAGE,
                **GO_LOCK,
                "requirements.txt": "numpy\n",
                **_dockerfile("go build ./tools/...", "pip install -r requirements.txt"),
            },
            F,
        ),
    ],
    ids=["go-build-go-sum", "cargo-locked", "cargo-unlocked", "go-no-sum", "fp-python-project"],
)
def test_the_main_languages_build_installs_its_lock(tmp_path, files, expected):
    obs = run_check(snapshot(tmp_path, files), "lock-used-in-build")
    assert obs.outcome == expected, obs


@pytest.mark.parametrize(
    ("check", "files", "expected"),
    [
        # positive: where the code is Go, "no seed / no tracker / no metrics endpoint in the
        # Python code" decides nothing (gorse's training loop and /metrics are Go; reviewed)
        ("seeds-set", {**GO_SOURCES, **TRAIN}, Outcome.UNKNOWN),
        ("metrics-endpoint", {**GO_SOURCES, **TRAIN}, Outcome.UNKNOWN),
        # negative: the same missing practice in a Python project is a fail
        ("seeds-set", {**PY_PACKAGE, **TRAIN}, F),
        ("metrics-endpoint", {**PY_PACKAGE, **TRAIN}, F),
        # trap: a web front end's TypeScript outnumbering the Python does not hide the Python,
        # where the system's logic is (aimhubio/aim: a dashboard beside the tracker)
        ("seeds-set", {**TS_SOURCES, **PY_PACKAGE, **TRAIN}, F),
        # a system language holding half as many files as Python leaves them undecided too
        # (pytorch/serve: its Java frontend serves the metrics and checks the tokens; reviewed)
        (
            "metrics-endpoint",
            {
                **{f"frontend/src/H{i}.java": "class H {}\n" for i in range(24)},
                **PY_PACKAGE,
                **TRAIN,
            },
            Outcome.UNKNOWN,
        ),
        # the Python of a Go system living only in notebooks (its demos) says nothing of
        # where the system's code is (featureform/featureform; reviewed)
        (
            "notebook-only",
            {**GO_SOURCES, "notebooks/demo.ipynb": NOTEBOOK_SKLEARN},
            Outcome.UNKNOWN,
        ),
        # a check that reads the folder layout, not the code, decides as before
        ("data-raw-processed", {**GO_SOURCES, **TRAIN, "data/x.csv": "a\n1\n"}, F),
    ],
    ids=[
        "go-seeds-undecided",
        "go-metrics-undecided",
        "python-seeds",
        "python-metrics",
        "fp-typescript-ui",
        "java-half-undecided",
        "go-notebook-only-undecided",
        "go-layout-decided",
    ],
)
def test_code_in_an_unread_language_leaves_code_checks_undecided(tmp_path, check, files, expected):
    obs = run_check(snapshot(tmp_path, files), check)
    assert obs.outcome == expected, obs
    if expected == Outcome.UNKNOWN:
        shown = (
            r"(?:most|much) of the code is (?:Go|Java/Kotlin) \(24 files against \d+ in Python\)"
        )
        assert re.search(shown, obs.message), obs.message
        assert obs.message.count("which mlaudit does not read") == 1


def test_a_python_only_api_is_decided_beside_an_unread_language(tmp_path):
    """A BentoML decorator cannot be written in Go: its absence decides the serving-spec part
    it stands for, and the check fails as it did before the part was added (gorse-io/gorse,
    huggingface/text-embeddings-inference kept their serving-spec fail)."""
    from mlaudit.probes.generic import CallsParams, python_calls
    from mlaudit.probes.registry import get_probe

    snap = snapshot(tmp_path, {**GO_SOURCES, **TRAIN})
    spec = get_probe("python_calls")
    assert spec is not None
    plain = CallsParams(calls=["bentoml.service"], kinds=["decorator"])
    only = CallsParams(calls=["bentoml.service"], kinds=["decorator"], python_only=True)
    assert spec.fn(snap, plain).outcome == Outcome.UNKNOWN
    assert spec.fn(snap, only).outcome == F
    assert python_calls(snap, plain).outcome == F
    assert run_check(snap, "serving-spec").outcome in (F, Outcome.NOT_APPLICABLE)


def test_an_unread_language_leaves_the_probe_function_itself_as_it_was(tmp_path):
    """Other code calling a probe's function (profile detection) sees its own answer."""
    from mlaudit.probes.reproducibility import NoParams, seeds_set

    snap = snapshot(tmp_path, {**GO_SOURCES, **TRAIN})
    assert seeds_set(snap, NoParams()).outcome == F


JAVA_SOURCES = {
    f"src/main/java/com/example/T{i}.java": f"package com.example;\nclass T{i} {{}}\n"
    for i in range(24)
}


def _pom(*dependencies: str, properties: str = "") -> dict[str, str]:
    deps = "".join(
        f"    <dependency>\n      <groupId>g</groupId>\n      <artifactId>a{i}</artifactId>\n"
        f"      {version}\n    </dependency>\n"
        for i, version in enumerate(dependencies)
    )
    return {
        "pom.xml": "<project>\n  <properties>\n"
        f"{properties}  </properties>\n  <dependencies>\n{deps}  </dependencies>\n</project>\n"
    }


@pytest.mark.parametrize(
    ("pom", "expected", "line"),
    [
        # positive: every version exact, written or a property of the same pom (sthobbs/fraud-
        # model-serving pom.xml:104-181; reviewed); a managed dependency has no version
        (
            _pom(
                "<version>4.11</version>",
                "<version>${beam.version}</version>",
                "",
                properties="    <beam.version>2.42.0</beam.version>\n",
            ),
            P,
            None,
        ),
        # negative: a range, a snapshot, LATEST resolve anew on each build
        (_pom("<version>4.11</version>", "<version>[1.0,2.0)</version>"), F, 13),
        (_pom("<version>1.2-SNAPSHOT</version>"), F, 8),
        (_pom("<version>LATEST</version>"), F, 8),
        # trap: a floating version inside a comment is no dependency of the build
        (
            _pom("<version>4.11</version>")
            | {
                "pom.xml": _pom("<version>4.11</version>")["pom.xml"].replace(
                    "  </dependencies>",
                    "  <!--\n    <dependency><artifactId>x</artifactId>"
                    "<version>LATEST</version></dependency>\n  -->\n  </dependencies>",
                )
            },
            P,
            None,
        ),
    ],
    ids=["exact", "range", "snapshot", "latest", "fp-commented-out"],
)
def test_a_maven_project_whose_every_dependency_has_one_version_is_locked(
    tmp_path, pom, expected, line
):
    obs = run_check(snapshot(tmp_path, {**JAVA_SOURCES, **pom, **TRAIN}), "deps-locked")
    assert obs.outcome == expected, obs
    if line is not None:
        assert obs.evidence[0].line == line, obs.evidence


@pytest.mark.parametrize(
    ("test", "expected"),
    [
        # Maven's archetype test, the project's only one (sthobbs/fraud-model-serving; reviewed)
        (
            "@Test\n    public void shouldAnswerWithTrue() {\n        assertTrue( true );\n    }\n",
            H,
        ),
        # a test of the project's code
        (
            "@Test\n    public void scores() {\n        assertEquals(0.5, App.score(x), 1e-6);\n    }\n",
            P,
        ),
        # trap: constants compared beside a real assertion still test the code
        (
            "@Test\n    public void a() {\n        assertTrue(true);\n"
            "        assertNotNull(App.load());\n    }\n",
            P,
        ),
    ],
    ids=["archetype", "real", "fp-mixed"],
)
def test_java_tests_that_only_assert_constants_are_placeholders(tmp_path, test, expected):
    files = {
        **JAVA_SOURCES,
        **TRAIN,
        "src/test/java/com/example/AppTest.java": "package com.example;\n"
        f"public class AppTest {{\n    {test}}}\n",
    }
    obs = run_check(snapshot(tmp_path, files), "unit-tests")
    assert obs.outcome == expected, obs


def test_a_jest_expectation_on_a_computed_value_is_no_placeholder(tmp_path):
    """`expect(200).toBe(res.status)` tests the response; `expect(1).toBe(1)` tests nothing
    (the re-read of this session's change)."""
    from mlaudit.probes._languages import placeholder_test

    snap = snapshot(
        tmp_path,
        {
            "a.test.ts": "test('a', () => { expect(200).toBe(res.status) })\n",
            "b.test.ts": "test('b', () => { expect(1).toBe(1) })\n",
        },
    )
    assert not placeholder_test(snap, "a.test.ts")
    assert placeholder_test(snap, "b.test.ts")
