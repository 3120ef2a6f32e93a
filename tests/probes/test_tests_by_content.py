"""Tests are recognised by what a file defines, not only by its name (issue #10 class 1),
and a CI step that runs such a file as a script runs the tests.

Traps: cookiecutter's `test_environment.py`, files without tests, the `def test(model,
loader)` evaluation loop of a training script, hardware testers and manual scripts."""

from __future__ import annotations

import pytest
from helpers import run_check, snapshot

from mlaudit.probes import testing as testing_probes
from mlaudit.results import Outcome

P, F, H = Outcome.PASS, Outcome.FAIL, Outcome.PARTIAL

PYTEST_STYLE = (
    "from model import predict\n\n\ndef test_shapes():\n    assert predict([1, 2]).shape == (2,)\n"
)
UNITTEST_STYLE = (
    "import unittest\n\n\nclass ModelChecks(unittest.TestCase):\n"
    "    def test_output(self):\n        self.assertEqual(1 + 1, 2)\n\n\n"
    "if __name__ == '__main__':\n    unittest.main()\n"
)
SCRIPT_STYLE = (
    "from model import forward\n\n\ndef test_forward():\n    assert forward(2) == 4\n\n\n"
    "if __name__ == '__main__':\n    test_forward()\n    print('ok')\n"
)
EVAL_LOOP = (
    "import torch\n\n\ndef test(model, loader):\n    correct = 0\n    for x, y in loader:\n"
    "        assert x.ndim == 4\n        correct += (model(x).argmax(1) == y).sum()\n"
    "    return correct\n"
)
HARDWARE_TESTER = (
    "import cv2\n\n\ndef main():\n    cam = cv2.VideoCapture(0)\n"
    "    print('camera ok' if cam.isOpened() else 'no camera')\n\n\nmain()\n"
)
COOKIECUTTER_ENV = (
    "import sys\n\nREQUIRED_PYTHON = 'python3'\n\n\ndef main():\n"
    "    system_major = sys.version_info.major\n    assert system_major == 3\n\n\n"
    "if __name__ == '__main__':\n    main()\n"
)
BEHAVE_STEPS = (
    "from behave import given, then\n\n\n@given('a trained model')\ndef step_impl(context):\n"
    "    context.model = object()\n\n\n@then('it predicts')\ndef step_impl(context):\n"
    "    assert context.model is not None\n"
)
HYPOTHESIS_HELPER = (
    "from hypothesis import given, strategies as st\n\n\n@given(st.integers())\n"
    "def check_roundtrip(x):\n    assert int(str(x)) == x\n"
)
HELPERS_ONLY = "def make_frame():\n    return {'a': [1, 2]}\n\n\ndef check(df):\n    assert df\n"

# (id, files, outcome of unit-tests)
CASES = [
    ("test.py", {"test.py": PYTEST_STYLE}, P),
    ("suffix-_tests.py", {"src/model_tests.py": PYTEST_STYLE}, P),
    ("suffix-_and_tests.py", {"checks_and_tests.py": PYTEST_STYLE}, P),
    ("tests-folder-without-prefix", {"tests/shapes.py": PYTEST_STYLE}, P),
    ("unittest-any-name", {"check_model.py": UNITTEST_STYLE}, P),
    (
        "script-style-calls-its-tests",
        {"test.py": SCRIPT_STYLE, "model.py": "def forward(x):\n    return 2 * x\n"},
        P,
    ),
    ("negative-no-tests", {"train.py": "import torch\nprint(torch.zeros(1))\n"}, F),
    ("negative-helpers-without-tests", {"tests/helpers.py": HELPERS_ONLY}, F),
    ("fp-eval-loop-named-test", {"train.py": EVAL_LOOP}, F),
    ("fp-eval-loop-in-test.py", {"test.py": EVAL_LOOP}, F),
    ("fp-hardware-tester", {"camera_tester.py": HARDWARE_TESTER}, F),
    ("fp-cookiecutter-test_environment", {"test_environment.py": COOKIECUTTER_ENV}, F),
    # a test function whose only assertion lives elsewhere in the file is not a test
    (
        "fp-assert-outside-the-test",
        {"util.py": "def test_mode():\n    return 'fast'\n\n\nassert test_mode()\n"},
        F,
    ),
    # a capital fifth letter makes `testFoo` a test, not `CIRCULAR` nor `DATASET_TYPE`
    # (OpenBMB/MiniCPM-V vlmeval/tools.py:129; reviewed)
    (
        "camel-case-test",
        {
            "check_shapes.py": "from model import forward\n\n\ndef testShapes():\n"
            "    assert forward(1) == 2\n",
            "model.py": "def forward(x):\n    return 2 * x\n",
        },
        P,
    ),
    (
        "fp-capitalised-helper",
        {"tools.py": "def CIRCULAR(inp):\n    assert inp.endswith('.tsv')\n    return inp\n"},
        F,
    ),
    # BDD acceptance tests: behave step definitions that assert
    ("behave-steps", {"features/steps/model_steps.py": BEHAVE_STEPS}, P),
    (
        "negative-behave-steps-without-asserts",
        {
            "features/steps/s.py": BEHAVE_STEPS.replace(
                "assert context.model is not None", "print(1)"
            )
        },
        F,
    ),
    # trap: hypothesis' @given on a helper is not a BDD step nor a test function
    ("fp-hypothesis-given-helper", {"props.py": HYPOTHESIS_HELPER}, F),
    # examples/docs are not the project's tests
    ("fp-example-folder", {"examples/test.py": PYTEST_STYLE}, F),
]


@pytest.mark.parametrize(("files", "expected"), [pytest.param(f, e, id=i) for i, f, e in CASES])
def test_unit_tests_by_content(tmp_path, files, expected):
    obs = run_check(snapshot(tmp_path, files), "unit-tests")
    assert obs.outcome == expected, obs.message


def test_content_test_file_evidence_points_at_the_test(tmp_path):
    snap = snapshot(tmp_path, {"checks_and_tests.py": PYTEST_STYLE})
    (found,) = testing_probes.test_files(snap)
    assert (found.path, found.first_test, found.by_content) == ("checks_and_tests.py", 4, True)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("python test.py", [("path", "test.py")]),
        ("python3 -u tests/shapes.py --fast", [("path", "tests/shapes.py")]),
        ("python -m tests.shapes", [("module", "tests.shapes")]),
        ("cd src && uv run python model_tests.py", [("path", "model_tests.py")]),
        ("./test.py", [("path", "test.py")]),
        ("pip install -r requirements.txt", []),
        ("cat test.py", []),
    ],
)
def test_scripts_run(command, expected):
    assert testing_probes.scripts_run(command) == expected


RUN_CASES = [
    ("python-test.py", {"test.py": PYTEST_STYLE}, "python test.py", P),
    (
        "python-m-module",
        {"tests/shapes.py": PYTEST_STYLE, "tests/__init__.py": ""},
        "python -m tests.shapes",
        P,
    ),
    ("unittest-script", {"check_model.py": UNITTEST_STYLE}, "python check_model.py", P),
    ("through-a-folder", {"src/model_tests.py": PYTEST_STYLE}, "cd src\npython model_tests.py", P),
    ("behave", {"features/steps/model_steps.py": BEHAVE_STEPS}, "behave features/", P),
    (
        "fp-install-behave-only",
        {"features/steps/model_steps.py": BEHAVE_STEPS},
        "pip install behave",
        F,
    ),
    # negative: CI runs a script that holds no tests (a training script run on every change
    # is a smoke run of the pipeline: partial credit, see test_testing.py)
    (
        "negative-report-script",
        {"test.py": PYTEST_STYLE, "report.py": "print(1)\n"},
        "python report.py",
        F,
    ),
    # trap: CI runs an evaluation script named test.py, not a test file
    (
        "fp-eval-script-test.py",
        {"test.py": EVAL_LOOP, "tests/test_a.py": PYTEST_STYLE},
        "python test.py",
        F,
    ),
    # trap: a linter over the test file does not run it
    ("fp-lint-the-test-file", {"test.py": PYTEST_STYLE}, "flake8 test.py", F),
]


@pytest.mark.parametrize(
    ("files", "command", "expected"), [pytest.param(f, c, e, id=i) for i, f, c, e in RUN_CASES]
)
def test_ci_running_a_test_file_as_a_script_runs_tests(tmp_path, files, command, expected):
    body = "\n".join(f"          {line}" for line in command.splitlines())
    workflow = (
        "name: ci\non: [push, pull_request]\njobs:\n  t:\n    runs-on: ubuntu-latest\n"
        f"    steps:\n      - run: |\n{body}\n"
    )
    obs = run_check(
        snapshot(tmp_path, {**files, ".github/workflows/ci.yml": workflow}), "tests-in-ci"
    )
    assert obs.outcome == expected, obs.message
