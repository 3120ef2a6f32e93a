"""What CI runs through a Python driver script (`python binaries/upload.py`, `python
torchserve_sanity.py`): the commands its string literals hold, and those of the repository
modules it imports (pytorch/serve; reviewed). Also how a package released from such a script,
from an invoke task, or named by an indented assignment in setup.py is recognised."""

from __future__ import annotations

import pytest
from helpers import run_check, snapshot

from mlaudit.results import Outcome

P, F, NA, PART = Outcome.PASS, Outcome.FAIL, Outcome.NOT_APPLICABLE, Outcome.PARTIAL


def _ci(step: str, on: str = "[push, pull_request]") -> dict[str, str]:
    return {
        ".github/workflows/ci.yml": f"on: {on}\njobs:\n  build:\n    runs-on: ubuntu-latest\n"
        f"    steps:\n      - run: {step}\n"
    }


PACKAGE = {
    "setup.py": "from setuptools import setup, find_packages\n\nif __name__ == '__main__':\n"
    "    name = 'servekit'\n    setup(name=name, packages=find_packages(exclude=['tools']))\n",
    "servekit/__init__.py": "",
    "servekit/server.py": "def handle(x):\n    return x\n",
    "tools/__init__.py": "",
    "tests/test_server.py": "from servekit.server import handle\n\ndef test_handle():\n"
    "    assert handle(1) == 1\n",
}
UPLOAD = {
    "binaries/upload.py": "import os\n\ndef upload(dist, dry):\n"
    '    os.system(f"twine upload --repository-url https://test.pypi.org/legacy/ {dist}/*")\n'
    '    os.system(f"twine upload --username __token__ {dist}/*")\n'
}
TEST_UPLOAD_ONLY = {
    "binaries/upload.py": "import os\n\ndef upload(dist):\n"
    '    os.system(f"twine upload --repository-url https://test.pypi.org/legacy/ {dist}/*")\n'
}
COVERAGE_DRIVER = {
    "ci_sanity.py": "from tools.backend import run_tests\n\nrun_tests()\n",
    "tools/backend.py": "import os\n\ndef run_tests():\n"
    '    os.system(f"python -m pytest --cov=servekit --cov-report xml tests")\n',
}


@pytest.mark.parametrize(
    ("check", "files", "expected"),
    [
        # positive: a nightly job runs a Python script whose command publishes to PyPI; the
        # distribution is named in setup.py's __main__ block and find_packages() leaves the
        # excluded tools/ out (pytorch/serve setup.py:147, binaries/upload.py:28)
        (
            "package-delivery",
            {
                **PACKAGE,
                **UPLOAD,
                **_ci("python binaries/upload.py", "{schedule: [{cron: '0 1 * * *'}]}"),
            },
            P,
        ),
        # trap: a script that only rehearses on TestPyPI publishes nothing
        (
            "package-delivery",
            {**PACKAGE, **TEST_UPLOAD_ONLY, **_ci("python binaries/upload.py")},
            NA,
        ),
        # negative: the same script, never run by CI, releases nothing automatically
        ("package-delivery", {**PACKAGE, **UPLOAD}, NA),
        # positive: coverage measured by a command in a module the driver script imports
        ("coverage", {**PACKAGE, **COVERAGE_DRIVER, **_ci("python ci_sanity.py")}, P),
        # trap: a string that merely mentions the tool mid-sentence is no command
        (
            "coverage",
            {
                **PACKAGE,
                "ci_sanity.py": 'print("run python -m pytest --cov to measure coverage")\n',
                **_ci("python ci_sanity.py"),
            },
            F,
        ),
    ],
    ids=[
        "python-driver-publishes",
        "fp-testpypi-only",
        "driver-not-in-ci",
        "coverage-through-imported-module",
        "fp-prose-string",
    ],
)
def test_commands_of_python_driver_scripts(tmp_path, check, files, expected):
    obs = run_check(snapshot(tmp_path, files), check)
    assert obs.outcome == expected, obs


# a task-runner script: `python3 tasks.py test` runs `def task_test`, which starts pytest as
# `[sys.executable, "-m", "pytest"]` (aakash1552005/telco-churn-mlops Jenkinsfile:65,
# tasks.py:83-86; reviewed)
TASKS = (
    "import subprocess\nimport sys\n\n\ndef task_test():\n"
    '    subprocess.run([sys.executable, "-m", "pytest"])\n\n\n'
    "def task_lint():\n"
    '    subprocess.run([sys.executable, "-m", "flake8", "src"])\n\n\n'
    "def task_ci():\n    task_lint()\n    task_test()\n\n\n"
    "if __name__ == '__main__':\n    {'test': task_test, 'lint': task_lint}[sys.argv[1]]()\n"
)


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        ("python3 tasks.py test", P),
        # ... the script's other subcommand runs only its own function: no tests
        ("python3 tasks.py lint", F),
        # ... an aggregate subcommand runs what its function calls
        ("python3 tasks.py ci", P),
        # ... and without a subcommand the whole script may run
        ("python3 tasks.py", P),
    ],
    ids=["subcommand-runs-tests", "fp-other-subcommand", "aggregate-subcommand", "no-subcommand"],
)
def test_subcommands_of_task_scripts(tmp_path, step, expected):
    files = {**PACKAGE, "tasks.py": TASKS, **_ci(step)}
    obs = run_check(snapshot(tmp_path, files), "tests-in-ci")
    assert obs.outcome == expected, obs


INVOKE = (
    "from invoke import task\n\n\n@task\ndef docs(c):\n    c.run('make html')\n\n\n"
    '@task(aliases=[\'r\'])\ndef release(c, tag):\n    """Upload to PyPI"""\n'
    "    from pkgmt import versioneer\n\n    versioneer.upload(tag)\n"
)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # a release task of invoke's tasks.py that uploads: released by hand (ploomber/
        # ploomber tasks.py:110-115; reviewed)
        ({**PACKAGE, "tasks.py": INVOKE}, PART),
        # trap: a task of another name that uploads documentation is no release
        ({**PACKAGE, "tasks.py": INVOKE.replace("def release", "def docs_site")}, NA),
        # trap: a function named release that is not a task
        ({**PACKAGE, "tasks.py": INVOKE.replace("@task(aliases=['r'])\n", "")}, NA),
    ],
    ids=["invoke-release-task", "fp-other-task", "fp-not-a-task"],
)
def test_release_tasks(tmp_path, files, expected):
    obs = run_check(snapshot(tmp_path, files), "package-delivery")
    assert obs.outcome == expected, obs


ADO_PIPELINE = (
    "trigger: [main]\npr: [main]\njobs:\n"
    "- template: job_templates/test-template.yaml\n  parameters:\n    name: Linux_CI\n"
)
ADO_TEMPLATE = (
    "parameters:\n  name: ''\njobs:\n- job: ${{parameters.name}}\n  steps:\n"
    "  - script: coverage run --source=servekit -m pytest tests\n"
    "    displayName: Upload pipeline run test results\n"
)


@pytest.mark.parametrize(
    ("check", "files", "expected"),
    [
        # an Azure pipeline's job template runs with the pipeline's triggers (microsoft/Olive
        # .azure_pipelines/olive-ci.yaml:39; reviewed): its coverage run is CI's
        (
            "coverage",
            {
                **PACKAGE,
                ".azure_pipelines/ci.yaml": ADO_PIPELINE,
                ".azure_pipelines/job_templates/test-template.yaml": ADO_TEMPLATE,
            },
            P,
        ),
        # negative: the template alone, included by no pipeline, runs nowhere here
        (
            "coverage",
            {**PACKAGE, ".azure_pipelines/job_templates/test-template.yaml": ADO_TEMPLATE},
            F,
        ),
        # trap: a step's display name is no command ("pipeline run" is no training run)
        (
            "ct-trigger",
            {
                **PACKAGE,
                "train.py": "model.fit(X, y)\n",
                ".azure_pipelines/nightly.yaml": ADO_PIPELINE.replace(
                    "trigger: [main]\npr: [main]", "trigger: none\nschedules:\n- cron: '0 1 * * *'"
                ),
                ".azure_pipelines/job_templates/test-template.yaml": ADO_TEMPLATE,
            },
            F,
        ),
    ],
    ids=["ado-job-template", "ado-template-uncalled", "fp-display-name"],
)
def test_azure_job_templates(tmp_path, check, files, expected):
    obs = run_check(snapshot(tmp_path, files), check)
    assert obs.outcome == expected, obs
