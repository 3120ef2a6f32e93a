"""Which paths are copies, examples or generated output, not the project's own content."""

from __future__ import annotations

import pytest

from mlaudit.probes.base import is_excluded


@pytest.mark.parametrize(
    ("path", "excluded"),
    [
        ("src/train.py", False),
        ("vendor/lib/x.py", True),
        ("examples/demo/train.py", True),
        ("{{cookiecutter.slug}}/train.py", True),
        # build/ holds source in Cloud Build projects
        # (GoogleCloudPlatform/mlops-with-vertex-ai build/utils.py)
        ("build/utils.py", False),
        ("build/pipeline-deployment.yaml", False),
        ("ci/build/Dockerfile", False),
        # the trap: a build tool's output committed by mistake is a copy of the package
        ("build/lib/demo/train.py", True),
        ("build/lib.linux-x86_64-cpython-311/demo/model.py", True),
        ("build/bdist.linux-x86_64/demo/train.py", True),
        ("docs/build/html/index.html", True),
        ("native/build/CMakeFiles/x.cmake", True),
        # a second documentation tree (SeldonIO/alibi-detect docs-gb/, a GitBook copy)
        ("docs-gb/examples/cd_ks_cifar10.ipynb", True),
        ("docs_src/tutorial.py", True),
        # the trap: a module about documents, not documentation
        ("doc_parser/parse.py", False),
        ("src/docstore/index.py", False),
        # a static analyser's rule fixtures (open-edge-platform/anomalib .semgrep/)
        (".semgrep/path-traversal.py", True),
        # the trap: a project's own module about semgrep
        ("src/semgrep_rules/loader.py", False),
        # an MLflow store committed with the project: what its runs logged
        # (JJ-C/ml-deployment mlflow_data/artifacts/1/<run id>/artifacts/model/conda.yaml)
        (
            "mlflow_data/artifacts/1/a7af0c8e6bd54b6b8d3b2b6c0c6a2f11/artifacts/model/conda.yaml",
            True,
        ),
        ("mlruns/0/meta.yaml", True),
        ("mlartifacts/3/model/MLmodel", True),
        # the trap: the project's own module about runs, or a models/artifacts folder
        ("src/mlruns_utils.py", False),
        ("models/artifacts/model.pkl", False),
        # a JVM package named com.example is the program, Maven's archetype package
        # (sthobbs/fraud-model-serving src/main/java/com/example/; reviewed) …
        ("src/main/java/com/example/App.java", False),
        ("src/test/java/com/example/AppTest.java", False),
        ("service/src/main/kotlin/org/example/Api.kt", False),
        # … while an examples folder above the source root still holds examples
        ("examples/src/main/java/com/acme/Demo.java", True),
    ],
)
def test_is_excluded(path, excluded):
    assert is_excluded(path) is excluded


@pytest.mark.parametrize(
    ("path", "test"),
    [
        ("tests/test_a.py", True),
        # a plugin's own test folder (SeldonIO/MLServer runtimes/alibi-explain/tests_alibi_explain/)
        ("runtimes/alibi-explain/tests_alibi_explain/helpers/tf_model.py", True),
        # the trap: a module whose name starts with "tests" is not a folder of tests
        ("pkg/tests_utils.py", False),
        ("tests_utils.py", False),
        # a suite's folder by its kind (microsoft/presidio e2e-tests/common/methods.py)
        ("e2e-tests/common/methods.py", True),
        ("services/integration_tests/test_flow.py", True),
        # ... but not a module named like one
        ("pkg/unit_tests.py", False),
    ],
)
def test_is_test_path(path, test):
    from mlaudit.probes.base import is_test_path

    assert is_test_path(path) is test
