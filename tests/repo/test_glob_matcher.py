"""glob_matcher: the string tests that replace a regex for the common glob shapes answer
exactly as compile_glob's regex, for every path (line breaks and trailing newlines too)."""

from __future__ import annotations

import random

import pytest

from mlaudit.repo.globs import compile_glob, glob_matcher, matches_any

PATTERNS = [
    "Dockerfile",
    "*.py",
    "requirements*.txt",
    "*",
    "",
    "dvc.yaml",
    ".github/dependabot.yml",
    "/Dockerfile",
    "docs/",
    "a.b",
    "x*",
    "*x",
    "**/tests/**",
    ".github/workflows/*.yml",
    "*.{yml,yaml}",
    "test_?.py",
    "[Mm]akefile",
]
PATHS = [
    "Dockerfile",
    "src/Dockerfile",
    "Dockerfile.dev",
    "a/b/c.py",
    "c.py",
    ".py",
    "requirements.txt",
    "requirements-dev.txt",
    "env/requirements/base.txt",
    "dvc.yaml",
    "sub/dvc.yaml",
    ".github/dependabot.yml",
    "x/.github/dependabot.yml",
    "docs/",
    "docs/index.md",
    "a.b",
    "aXb",
    "x",
    "xx",
    "",
    "a/x",
    "Dockerfile\n",
    "a\nb/Dockerfile",
    "c.py\n",
    "x\n",
    "dvc.yaml\n",
    "tests/a.py",
    "Makefile",
]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_same_answer_as_the_regex(pattern):
    regex = compile_glob(pattern)
    test = glob_matcher(pattern)
    for path in PATHS:
        assert test(path) == (regex.match(path) is not None), (pattern, path)


@pytest.mark.parametrize("seed", range(10))
def test_random_names(seed):
    rng = random.Random(seed)
    alphabet = ["a", "b", ".", "/", "\n", "py", "x"]
    for _ in range(200):
        pattern = "".join(rng.choice(alphabet[:-2] + ["*"]) for _ in range(rng.randint(0, 5)))
        path = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 7)))
        if pattern.count("*") > 1:
            continue
        assert glob_matcher(pattern)(path) == (compile_glob(pattern).match(path) is not None), (
            pattern,
            path,
        )


def test_refused_globs_still_refused():
    with pytest.raises(ValueError):
        glob_matcher("{a,b}" * 20)
    with pytest.raises(ValueError):
        matches_any("x", ["a*b*c*d*e*f"])
