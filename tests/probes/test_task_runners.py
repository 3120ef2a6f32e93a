"""Task runners and git-hook managers are followed by every "does CI run X" check
(issue #10 class 3): a CI step `just test` runs what the justfile's `test` recipe runs.

Each runner: a positive case (CI → task → pytest), the same runner whose task does not run
the tests (negative), and a trap (a task of that name that CI never calls, or a runner
file that CI does not run). The evidence cites the task's line, and its note the CI line.
"""

from __future__ import annotations

import pytest
from helpers import run_check, snapshot

from mlaudit.probes import _ci_reach, _task_runners
from mlaudit.results import Outcome

P, F, H, U = Outcome.PASS, Outcome.FAIL, Outcome.PARTIAL, Outcome.UNKNOWN

TEST_OK = "import math\n\n\ndef test_ok():\n    assert math.sqrt(4) == 2\n"


def wf(run: str) -> str:
    body = "\n".join(f"          {line}" for line in run.splitlines())
    return (
        "name: ci\non: [push, pull_request]\njobs:\n  build:\n    runs-on: ubuntu-latest\n"
        f"    steps:\n      - uses: actions/checkout@v4\n      - run: |\n{body}\n"
    )


JUSTFILE = "set shell := ['bash', '-c']\n\ndefault: lint\n\nlint:\n    ruff check .\n\ntest: lint\n    @pytest -q\n"
JUST_IMPORTS = (
    "set dotenv-load := true\n\ndefault:\n    @just --list\n\nimport 'tasks/check.just'\n"
)
JUST_CHECK = (
    '[group(\'check\')]\ncheck-coverage numprocesses="auto" cov_fail_under="80":\n'
    "    @echo coverage\n    uv run pytest --numprocesses={{numprocesses}} --cov=src tests\n\n"
    "check-code:\n    uv run ruff check src\n"
)
TASKFILE = (
    "version: '3'\ntasks:\n  lint:\n    cmds:\n      - ruff check .\n"
    "  test:\n    deps: [lint]\n    cmds:\n      - task: unit\n  unit:\n    cmds:\n      - pytest tests\n"
)
MISE = '[tasks.lint]\nrun = "ruff check ."\n\n[tasks.ci]\ndepends = ["lint"]\nrun = "pytest -q"\n'
INVOKE = (
    "from invoke import task\n\n\n@task\ndef lint(c):\n    c.run('ruff check .')\n\n\n"
    "@task\ndef test(c):\n    lint(c)\n    c.run('pytest -q')\n"
)
NOX = (
    "import nox\n\n\n@nox.session\ndef lint(session):\n    session.run('ruff', 'check', '.')\n\n\n"
    "@nox.session(python=['3.11'])\ndef tests(session):\n    session.install('.')\n"
    "    session.run('pytest', '-q')\n"
)
POE = (
    '[project]\nname = "x"\n\n[tool.poe.tasks]\nlint = "ruff check ."\nunit = "pytest -q"\n'
    'check.sequence = ["lint", "unit"]\n'
)
HATCH = (
    '[project]\nname = "x"\n\n[tool.hatch.envs.default.scripts]\nunit = "pytest {args}"\n'
    'all = ["unit", "ruff check ."]\n'
)
PDM = '[project]\nname = "x"\n\n[tool.pdm.scripts]\nunit = "pytest -q"\nci = {composite = ["lint", "unit"]}\nlint = "ruff check ."\n'
UV_ENTRY = '[project]\nname = "x"\n\n[project.scripts]\nselfcheck = "tests.run_checks:main"\n'
PACKAGE_JSON = (
    '{\n  "scripts": {\n    "lint": "eslint .",\n    "test": "npm run lint && pytest -q"\n  }\n}\n'
)
TOX_PYPROJECT = (
    '[project]\nname = "x"\n\n[tool.tox]\nlegacy_tox_ini = """\n[tox]\nenvlist = py311\n\n'
    '[testenv]\ndeps = pytest\ncommands =\n    pytest {posargs}\n"""\n'
)
TOX_TOML = (
    'env_list = ["py311"]\n\n[env_run_base]\ndeps = ["pytest"]\ncommands = [["pytest", "-q"]]\n'
)
PRECOMMIT = (
    "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.5.0\n"
    "    hooks:\n      - id: ruff\n  - repo: local\n    hooks:\n      - id: unit\n"
    "        name: unit tests\n        entry: pytest -q\n        language: system\n"
)
LEFTHOOK = "pre-push:\n  commands:\n    tests:\n      run: pytest -q\npre-commit:\n  commands:\n    lint:\n      run: ruff check {staged_files}\n"

# (id, files, CI command, outcome of tests-in-ci, (evidence path, line) or None)
RUNNERS = [
    ("just", {"justfile": JUSTFILE}, "just test", P, ("justfile", 9)),
    ("just-negative", {"justfile": JUSTFILE}, "just lint", F, None),
    ("just-trap-default-recipe-lints", {"justfile": JUSTFILE}, "just", F, None),
    # a recipe with parameters defaulted, in a file the justfile imports (fmind/mlops-python-
    # package's template: irod973/bentoml-demo tasks/check.just:13; reviewed) ...
    (
        "just-imported-recipe-with-parameters",
        {"justfile": JUST_IMPORTS, "tasks/check.just": JUST_CHECK},
        "uv run just check-coverage",
        P,
        ("tasks/check.just", 4),
    ),
    # ... its sibling recipe lints; an import that is not there brings in nothing
    (
        "just-imported-negative",
        {"justfile": JUST_IMPORTS, "tasks/check.just": JUST_CHECK},
        "just check-code",
        F,
        None,
    ),
    ("just-trap-import-missing", {"justfile": JUST_IMPORTS}, "just check-coverage", F, None),
    ("taskfile", {"Taskfile.yml": TASKFILE}, "task test", P, ("Taskfile.yml", 12)),
    ("taskfile-negative", {"Taskfile.yml": TASKFILE}, "task lint", F, None),
    ("mise", {"mise.toml": MISE}, "mise run ci", P, ("mise.toml", 6)),
    ("mise-negative", {"mise.toml": MISE}, "mise run lint", F, None),
    ("invoke", {"tasks.py": INVOKE}, "invoke test", P, ("tasks.py", 12)),
    ("invoke-negative", {"tasks.py": INVOKE}, "inv lint", F, None),
    ("nox-session", {"noxfile.py": NOX}, "nox -s tests", P, ("noxfile.py", 12)),
    ("nox-negative-other-session", {"noxfile.py": NOX}, "nox -s lint", F, None),
    ("nox-all-sessions", {"noxfile.py": NOX}, "nox", P, ("noxfile.py", 12)),
    # a session that runs its tool through a helper of the noxfile (r-kowalczyk/model-
    # serving-platform noxfile.py:75 `_run(session, "bandit", …)`; reviewed)
    (
        "nox-helper",
        {
            "noxfile.py": "import nox\n\n\n@nox.session\ndef tests(session):\n"
            "    _run(session, 'pytest', 'tests')\n\n\ndef _run(session, *args):\n"
            "    session.run(*args, silent=True)\n"
        },
        "nox",
        P,
        ("noxfile.py", 6),
    ),
    ("poe-sequence", {"pyproject.toml": POE}, "poetry run poe check", P, ("pyproject.toml", 6)),
    ("poe-negative", {"pyproject.toml": POE}, "poe lint", F, None),
    ("hatch", {"pyproject.toml": HATCH}, "hatch run all", P, ("pyproject.toml", 5)),
    ("pdm-composite", {"pyproject.toml": PDM}, "pdm run ci", P, ("pyproject.toml", 5)),
    ("pdm-negative", {"pyproject.toml": PDM}, "pdm run lint", F, None),
    (
        "uv-entry-point",
        {"pyproject.toml": UV_ENTRY, "tests/run_checks.py": "def main():\n    pass\n"},
        "uv run selfcheck",
        F,  # runs a module that defines no tests: not a test run
        None,
    ),
    ("npm-test", {"package.json": PACKAGE_JSON}, "npm test", P, ("package.json", 4)),
    ("npm-negative", {"package.json": PACKAGE_JSON}, "npm run lint", F, None),
    ("tox-legacy-pyproject", {"pyproject.toml": TOX_PYPROJECT}, "tox", P, ("pyproject.toml", 12)),
    ("tox-toml", {"tox.toml": TOX_TOML}, "python -m tox -e py311", P, ("tox.toml", 5)),
    (
        "pre-commit",
        {".pre-commit-config.yaml": PRECOMMIT},
        "pre-commit run --all-files",
        P,
        (".pre-commit-config.yaml", 8),
    ),
    (
        "pre-commit-one-hook",
        {".pre-commit-config.yaml": PRECOMMIT},
        "pre-commit run ruff --all-files",
        F,
        None,
    ),
    ("lefthook", {"lefthook.yml": LEFTHOOK}, "lefthook run pre-push", P, ("lefthook.yml", 4)),
    ("lefthook-negative", {"lefthook.yml": LEFTHOOK}, "lefthook run pre-commit", F, None),
    # trap: the runner file exists and its task runs pytest, but CI never calls the runner
    ("trap-runner-not-called", {"justfile": JUSTFILE}, "echo test", F, None),
    # trap: installing the runner is not running it
    ("trap-install-only", {"justfile": JUSTFILE}, "pip install rust-just", F, None),
]


@pytest.mark.parametrize(
    ("files", "command", "expected", "where"),
    [pytest.param(f, c, e, w, id=i) for i, f, c, e, w in RUNNERS],
)
def test_tests_in_ci_follows_task_runners(tmp_path, files, command, expected, where):
    snap = snapshot(
        tmp_path,
        {"tests/test_a.py": TEST_OK, ".github/workflows/ci.yml": wf(command), **files},
    )
    obs = run_check(snap, "tests-in-ci")
    assert obs.outcome == expected, obs.message
    if where:
        assert (obs.evidence[0].path, obs.evidence[0].line) == where
        # the note names the CI line that starts the chain
        assert ".github/workflows/ci.yml:" in (obs.evidence[0].note or "")


def test_uv_run_of_an_entry_point_runs_that_module(tmp_path):
    snap = snapshot(
        tmp_path,
        {
            "pyproject.toml": UV_ENTRY,
            "tests/run_checks.py": "def test_sum():\n    assert sum([1]) == 1\n\n\ndef main():\n    test_sum()\n",
            ".github/workflows/ci.yml": wf("uv run selfcheck"),
        },
    )
    obs = run_check(snap, "tests-in-ci")
    assert obs.outcome == P, obs.message
    assert obs.evidence[0].path == "pyproject.toml"


@pytest.mark.parametrize(
    ("check", "files", "command"),
    [
        ("pre-commit-quality", {"justfile": JUSTFILE}, "just lint"),
        ("pre-commit-quality", {"Taskfile.yml": TASKFILE}, "task lint"),
        (
            "pre-commit-quality",
            {"package.json": PACKAGE_JSON.replace("eslint", "ruff")},
            "npm test",
        ),
        (
            "sast",
            {
                "tasks.py": "from invoke import task\n\n@task\ndef sec(c):\n    c.run('bandit -r src')\n"
            },
            "invoke sec",
        ),
        (
            "sast",
            {
                ".pre-commit-config.yaml": "repos:\n  - repo: https://github.com/PyCQA/bandit\n    rev: 1.7.9\n    hooks:\n      - id: bandit\n"
            },
            "pre-commit run --all-files",
        ),
        (
            "pipeline-integration-test",
            {"justfile": "train:\n    python src/train.py --smoke\n", "src/train.py": "print(1)\n"},
            "just train",
        ),
    ],
)
def test_every_does_ci_run_x_check_follows_runners(tmp_path, check, files, command):
    direct = run_check(snapshot(tmp_path / "no-ci", files), check)
    wired = run_check(
        snapshot(tmp_path / "ci", {**files, ".github/workflows/ci.yml": wf(command)}), check
    )
    assert wired.outcome == P, wired.message
    assert direct.outcome != P or direct.evidence != wired.evidence


def test_the_pre_commit_action_runs_every_hook(tmp_path):
    workflow = (
        "name: ci\non: [pull_request]\njobs:\n  hooks:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n      - uses: pre-commit/action@v3.0.1\n"
    )
    snap = snapshot(
        tmp_path,
        {
            "tests/test_a.py": TEST_OK,
            ".pre-commit-config.yaml": PRECOMMIT,
            ".github/workflows/ci.yml": workflow,
        },
    )
    obs = run_check(snap, "tests-in-ci")
    assert obs.outcome == P, obs.message
    assert obs.evidence[0].path == ".pre-commit-config.yaml"


def test_recursive_tasks_are_guarded_and_bounded(tmp_path):
    # a task cycle (a → b → a) and a self-reference terminate, each task once
    snap = snapshot(
        tmp_path,
        {
            "justfile": "a: b\n    pytest -q\n\nb: a\n    ruff check .\n",
            "package.json": '{"scripts": {"x": "npm run x && npm run y", "y": "npm run x"}}',
            "Taskfile.yml": "version: '3'\ntasks:\n  a:\n    cmds:\n      - task: a\n      - pytest\n",
        },
    )
    assert [c for c, *_ in _task_runners.just(snap, "just a")] == ["ruff check .", "pytest -q"]
    assert len(_task_runners.npm(snap, "npm run x")) == 2
    assert [c for c, *_ in _task_runners.taskfile(snap, "task a")] == ["pytest"]


def test_runner_files_are_read_never_executed(tmp_path):
    marker = tmp_path / "executed"
    snap = snapshot(
        tmp_path / "repo",
        {
            "tasks.py": f"open({str(marker)!r}, 'w').write('x')\nfrom invoke import task\n\n@task\ndef test(c):\n    c.run('pytest')\n",
            "noxfile.py": f"open({str(marker)!r}, 'w').write('x')\nimport nox\n\n@nox.session\ndef t(s):\n    s.run('pytest')\n",
        },
    )
    assert _task_runners.invoke(snap, "invoke test")
    assert _task_runners.nox(snap, "nox")
    assert not marker.exists()


def test_reach_cites_ci_line_and_task_line(tmp_path):
    snap = snapshot(tmp_path, {"justfile": JUSTFILE, ".github/workflows/ci.yml": wf("just test")})
    hits = [r for r in _ci_reach.reached(snap) if "pytest" in r.text]
    assert hits and hits[0].path == "justfile" and hits[0].line == 9
    assert hits[0].via == (".github/workflows/ci.yml:9",)


@pytest.mark.parametrize(
    ("uses", "expected"),
    [
        ("astral-sh/ruff-action@v3", P),
        ("ultralytics/actions@main", P),
        ("reviewdog/action-flake8@v3", P),
        # trap: an action that only sets up Python lints nothing
        ("actions/setup-python@v5", F),
    ],
)
def test_lint_actions_in_ci_run_code_quality_tools(tmp_path, uses, expected):
    workflow = (
        "name: lint\non: [pull_request]\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - uses: actions/checkout@v4\n      - uses: {uses}\n"
    )
    obs = run_check(
        snapshot(tmp_path, {".github/workflows/lint.yml": workflow}), "pre-commit-quality"
    )
    assert obs.outcome == expected, obs.message


def test_a_broken_file_outside_ci_does_not_make_a_ci_check_unknown(tmp_path):
    # a Python file that cannot be parsed, under a folder whose name contains "ci"
    # ("data_science"), is no CI file: the CI check decides
    files = {
        "src/data_science/broken.py": "def f(:\n",
        "src/train.py": "def run(model, X, y):\n    model.fit(X, y)\n",
        ".github/workflows/ci.yml": wf("echo hello"),
    }
    obs = run_check(snapshot(tmp_path, files), "pipeline-integration-test")
    assert obs.outcome == F, obs.message


NOX_PARAMETRISED = (
    "import nox\n\nTEST_ARGS = ['pytest', '--cov=pkg', '-vv']\n\n\n"
    "@nox.session(python=['3.11', '3.12'], name='unit')\ndef run_unittest(session):\n"
    "    session.run('pdm', 'sync', external=True)\n    session.run(*TEST_ARGS, 'tests/unit')\n\n\n"
    "@nox.session(name='docs')\n@nox.parametrize('builder', ['html'])\ndef docs(session, builder):\n"
    "    session.run('sphinx-build', '-b', builder)\n"
)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("nox --session unit-${{ matrix.python-version }}", P),
        ("nox -s unit-3.11", P),
        ("nox -s \"docs(builder='html')\"", F),
    ],
)
def test_nox_parametrised_sessions_and_module_constants(tmp_path, command, expected):
    files = {
        "noxfile.py": NOX_PARAMETRISED,
        "tests/unit/test_a.py": TEST_OK,
        ".github/workflows/ci.yml": wf(command),
    }
    obs = run_check(snapshot(tmp_path, files), "tests-in-ci")
    assert obs.outcome == expected, obs.message
    if expected == P:
        assert obs.evidence[0].path == "noxfile.py" and obs.evidence[0].line == 9
        assert obs.evidence[0].snippet.startswith("pytest --cov=pkg -vv tests/unit")


# an exercise to fill in cannot parse by design: it hides nothing (GoogleCloudPlatform/
# mlops-on-gcp immersion/kubeflow_pipelines/cicd/labs/cloudbuild.yaml:22-32, reviewed)
LAB_STUB = "steps:\n- name: # TODO\n  args:\n  - 'BASE_IMAGE= # TODO\n  - build\n"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("labs/cicd/cloudbuild.yaml", F),
        ("lab-03-kfp-cicd/exercises/cloudbuild.yaml", F),
        # the same broken file outside an exercise folder is no exercise: Cloud Build runs
        # none of its steps, so it hides no tests either (the check is decided)
        ("pipelines/cloudbuild.yaml", F),
    ],
    ids=["labs", "exercises", "not-an-exercise"],
)
def test_an_exercise_stub_does_not_make_a_ci_check_unknown(tmp_path, path, expected):
    files = {path: LAB_STUB, ".github/workflows/ci.yml": wf("echo hello")}
    obs = run_check(snapshot(tmp_path, files), "tests-in-ci")
    assert obs.outcome == expected, obs.message


def test_a_broken_file_in_an_exercise_folder_without_todo_still_counts(tmp_path):
    """... as a CI file that is not YAML (said by ci-present); an exercise stub is not."""
    files = {
        "labs/cloudbuild.yaml": LAB_STUB.replace("# TODO", ""),
        ".github/workflows/ci.yml": wf("echo hello"),
    }
    snap = snapshot(tmp_path, files)
    assert run_check(snap, "tests-in-ci").outcome == F
    message = run_check(snap, "ci-present").message
    assert "labs/cloudbuild.yaml: rejected by the CI system (not valid YAML" in message
    stub = snapshot(tmp_path / "stub", {**files, "labs/cloudbuild.yaml": LAB_STUB})
    assert "rejected by the CI system" not in run_check(stub, "ci-present").message


def test_literal_words_reads_strings_lists_and_tuples():
    """One reader of literal command words for task runners and orchestrator command tasks
    (an Airflow `KubernetesPodOperator(cmds=("python", "train.py"))` gives a tuple)."""
    from mlaudit.probes._task_runners import literal_words

    given = ("'pytest -q'", "['python', 'train.py']", "('--epochs', 3)", "<expr>")
    assert literal_words(given) == ["pytest -q", "python", "train.py", "--epochs", "3"]
    assert literal_words(("*ARGS",), {"ARGS": "('a', 'b')"}) == ["a", "b"]
