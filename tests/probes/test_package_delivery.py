"""package-delivery (AUT012): a library's releases published by CI; and how a release made
by hand is recognised (rule lib)."""

from __future__ import annotations

import pytest
from helpers import run_check, run_probe, snapshot

from mlaudit.results import Outcome

P, F, NA, PART = Outcome.PASS, Outcome.FAIL, Outcome.NOT_APPLICABLE, Outcome.PARTIAL

LIBRARY = {
    "pyproject.toml": '[project]\nname = "forecastlib"\nversion = "1.0"\n',
    "src/forecastlib/__init__.py": "",
    "src/forecastlib/models.py": "def fit(y):\n    return sum(y) / len(y)\n",
    "tests/test_models.py": "from forecastlib.models import fit\n\ndef test_fit():\n"
    "    assert fit([1, 3]) == 2\n",
}


def _workflow(on: str, step: str) -> str:
    return (
        f"on:\n{on}jobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - uses: actions/checkout@v4\n{step}"
    )


ON_RELEASE = "  release:\n    types: [published]\n"
ON_DISPATCH = "  workflow_dispatch:\n"
ACTION = "      - uses: pypa/gh-action-pypi-publish@release/v1\n"
TWINE = "      - run: python -m build && twine upload dist/*\n"
TEST_PYPI = (
    "      - uses: pypa/gh-action-pypi-publish@release/v1\n        with:\n"
    "          repository-url: https://test.pypi.org/legacy/\n"
)
MAKE_RELEASE = "      - run: make release\n"
MATURIN = (
    "      - uses: PyO3/maturin-action@v1\n        with:\n          command: upload\n"
    "          args: --non-interactive wheels-*/*\n"
)
MAKEFILE = {"Makefile": "release:\n\tpython -m build\n\ttwine upload dist/*\n"}
BADGE = "# forecastlib\n\n[![PyPI](https://img.shields.io/pypi/v/forecastlib.svg)](https://pypi.org/project/forecastlib/)\n"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # positive: a job on each published release runs the PyPA action
        ({**LIBRARY, ".github/workflows/publish.yml": _workflow(ON_RELEASE, ACTION)}, P),
        # ... or twine, directly or through a Makefile target (Nixtla/statsforecast,
        # huggingface/trl publish.yml:43 `python -m twine upload dist/*`; reviewed)
        ({**LIBRARY, ".github/workflows/publish.yml": _workflow(ON_RELEASE, TWINE)}, P),
        (
            {
                **LIBRARY,
                **MAKEFILE,
                ".github/workflows/publish.yml": _workflow(ON_RELEASE, MAKE_RELEASE),
            },
            P,
        ),
        # ... or maturin's action told to upload the wheels it built (mosecorg/mosec
        # package.yml:136-139; reviewed); building them only publishes nothing
        ({**LIBRARY, ".github/workflows/publish.yml": _workflow(ON_RELEASE, MATURIN)}, P),
        (
            {
                **LIBRARY,
                **MAKEFILE,
                ".github/workflows/publish.yml": _workflow(
                    ON_RELEASE, MATURIN.replace("upload", "build")
                ),
            },
            PART,
        ),
        # partial: the same job, started only by hand
        ({**LIBRARY, ".github/workflows/publish.yml": _workflow(ON_DISPATCH, ACTION)}, PART),
        # partial: released by hand from a Makefile (SeldonIO/alibi-detect Makefile:51-52)
        ({**LIBRARY, **MAKEFILE}, PART),
        # trap: a TestPyPI rehearsal is no release (the Makefile releases by hand)
        (
            {
                **LIBRARY,
                **MAKEFILE,
                ".github/workflows/publish.yml": _workflow(ON_RELEASE, TEST_PYPI),
            },
            PART,
        ),
        # negative: a package nobody publishes: not applicable, as for a project
        (LIBRARY, NA),
        # fail: released by hand from someone's machine, shown by its version badge
        # (bigscience-workshop/petals README.md:6; reviewed): nothing here publishes it
        ({**LIBRARY, "README.md": BADGE}, F),
        # ... or by its downloads badge, drawn from the same index (fuzzylabs/matcha
        # README.md:15 `img.shields.io/pypi/dm/matcha-ml`; reviewed), or pepy.tech's
        ({**LIBRARY, "README.md": BADGE.replace("pypi/v/", "pypi/dm/")}, F),
        ({**LIBRARY, "README.md": "![d](https://static.pepy.tech/badge/forecastlib/month)\n"}, F),
        # trap: a dependency's badge is not this package's release
        ({**LIBRARY, "README.md": BADGE.replace("pypi/v/forecastlib", "pypi/v/numpy")}, NA),
        ({**LIBRARY, "README.md": BADGE.replace("pypi/v/forecastlib", "pypi/dm/numpy")}, NA),
        # trap: a link to the page alone is prose, not the index's own badge
        ({**LIBRARY, "README.md": "Install it from https://pypi.org/project/forecastlib/\n"}, NA),
    ],
    ids=[
        "action-on-release",
        "twine-on-release",
        "make-release-in-ci",
        "maturin-upload",
        "fp-maturin-build",
        "only-by-hand",
        "makefile-by-hand",
        "fp-test-pypi",
        "unpublished",
        "readme-badge",
        "readme-downloads-badge",
        "readme-pepy-badge",
        "fp-dependency-badge",
        "fp-dependency-downloads-badge",
        "fp-link-prose",
    ],
)
def test_package_delivery(tmp_path, files, expected):
    obs = run_check(snapshot(tmp_path, files), "package-delivery")
    assert obs.outcome == expected, obs
    if expected != NA:
        assert obs.evidence and obs.evidence[0].path


# under rule lib, CI running the package's benchmark trains nothing of the project's own
# (bigscience-workshop/petals .github/workflows/run-tests.yaml:113 `python
# benchmarks/benchmark_training.py`; reviewed)
BENCHMARK_RUN = {
    "benchmarks/benchmark_training.py": "def main(model):\n    model.train()\n",
    ".github/workflows/tests.yml": _workflow(
        "  push:\n", "      - run: python benchmarks/benchmark_training.py --steps 1\n"
    ),
}
OWN_TRAINING_RUN = {
    "scripts/train.py": "def main(model):\n    model.train()\n",
    ".github/workflows/tests.yml": _workflow("  push:\n", "      - run: python scripts/train.py\n"),
}


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # negative: a published library's CI runs its benchmark
        ({**LIBRARY, "README.md": BADGE, **BENCHMARK_RUN}, F),
        # positive: the same command in a repository that publishes nothing trains
        ({**LIBRARY, **BENCHMARK_RUN}, P),
        # trap: a library's CI that runs its own training script still trains
        ({**LIBRARY, "README.md": BADGE, **OWN_TRAINING_RUN}, P),
    ],
    ids=["library-benchmark-command", "unpublished-benchmark-command", "library-training-script"],
)
def test_a_librarys_benchmark_command_is_no_training(tmp_path, files, expected):
    obs = run_probe(snapshot(tmp_path, files), "trains_models")
    assert obs.outcome == expected, obs


# mosaicml/composer setup.py:235-256: the distribution named through an environment
# variable's default, `packages=setuptools.find_packages(exclude=[…])` shipping composer/ under
# another name, the release workflow deleted; README.md:25-28 shows its PyPI badges (reviewed)
COMPOSER_SETUP = (
    "import os\nimport setuptools\n\n"
    "package_name = os.environ.get('COMPOSER_PACKAGE_NAME', 'mosaicml')\n\n"
    "setuptools.setup(\n    name=package_name,\n"
    "    packages=setuptools.find_packages(exclude=['docker*', 'examples*', 'tests*']),\n)\n"
)
COMPOSER = {
    "setup.py": COMPOSER_SETUP,
    "composer/__init__.py": "",
    "composer/trainer.py": "def fit(model, data):\n    model.train()\n",
    "tests/__init__.py": "",
    "tests/test_trainer.py": "from composer.trainer import fit\n\ndef test_fit():\n    assert fit\n",
    "README.md": "![v](https://img.shields.io/pypi/v/mosaicml)\n",
}


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # the package found by find_packages is the distribution's: released by hand
        (COMPOSER, F),
        # trap: more than three top-level packages say nothing of which one ships
        (
            {**COMPOSER, **{f"tool{i}/__init__.py": "" for i in range(3)}},
            NA,
        ),
        # trap: a badge of another distribution
        ({**COMPOSER, "README.md": "![v](https://img.shields.io/pypi/v/torch)\n"}, NA),
    ],
    ids=["env-default-and-find-packages", "fp-many-packages", "fp-other-badge"],
)
def test_a_distribution_named_through_the_environment_ships_what_find_packages_finds(
    tmp_path, files, expected
):
    obs = run_check(snapshot(tmp_path, files), "package-delivery")
    assert obs.outcome == expected, obs


GO_SYSTEM = {f"server/h{i}.go": f"package server\n\nfunc H{i}() {{}}\n" for i in range(24)}
CLIENT = {
    "client/setup.cfg": "[metadata]\nname = featurekit\n\n[options]\npackage_dir =\n    = src\n"
    "packages = find:\n",
    "client/src/featurekit/__init__.py": "",
    "client/src/featurekit/api.py": "def register(x):\n    return x\n",
}
PUBLISH_CLIENT = {
    ".github/workflows/python.yml": _workflow(
        ON_RELEASE, "      - run: python -m build client && twine upload client/dist/*\n"
    )
}


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # the Python client of a system written in Go, declared in its own folder and
        # published by CI (featureform/featureform client/setup.cfg; reviewed)
        ({**GO_SYSTEM, **CLIENT, **PUBLISH_CLIENT}, P),
        # the same client, released by nobody: not a published package
        ({**GO_SYSTEM, **CLIENT}, NA),
        # trap: a Python repository of example projects, each with its own manifest, is no
        # library even where one example's package would be published
        (
            {
                **{f"pkg/m{i}.py": "x = 1\n" for i in range(30)},
                **CLIENT,
                **PUBLISH_CLIENT,
            },
            NA,
        ),
    ],
    ids=["go-system-python-client", "client-unpublished", "fp-python-repo-subproject"],
)
def test_a_client_package_in_a_folder_of_its_own(tmp_path, files, expected):
    obs = run_check(snapshot(tmp_path, files), "package-delivery")
    assert obs.outcome == expected, obs


def test_the_profile_says_a_published_package_is_a_library(tmp_path):
    """Reviewers read "profile research" as "not a library" (dspy, Olive, mlforecast): the
    profile carries rule lib, and the reports show it with the name."""
    from mlaudit.probes.profile import detect_profile

    published = {**LIBRARY, ".github/workflows/publish.yml": _workflow(ON_RELEASE, ACTION)}
    profile = detect_profile(snapshot(tmp_path / "lib", published))
    assert (profile.name, profile.library) == ("research", True)
    assert not detect_profile(snapshot(tmp_path / "project", LIBRARY)).library


def test_a_distribution_named_in_the_mapping_setup_is_given(tmp_path):
    """iterative/mlem setup.py:120-274: `setup_args = dict(name="mlem", …)`, then
    `setup(**setup_args)` (reviewed): the package is the repository's own."""
    spread = {
        "setup.py": "from setuptools import setup\n\nsetup_args = dict(  # noqa\n"
        '    name="forecastlib",\n    version="1.0",\n)\n\nif __name__ == "__main__":\n'
        "    setup(**setup_args)\n",
        "forecastlib/__init__.py": "",
        "forecastlib/models.py": "def fit(y):\n    return y\n",
        ".github/workflows/publish.yml": _workflow(ON_RELEASE, ACTION),
    }
    assert run_check(snapshot(tmp_path / "spread", spread), "package-delivery").outcome == P
    # another mapping's name is not the distribution's
    other = {**spread, "setup.py": spread["setup.py"].replace("setup(**setup_args)", "setup()")}
    assert run_check(snapshot(tmp_path / "other", other), "package-delivery").outcome == NA
