"""Name and module matchers without a regex per set: the same answers as the fnmatch and
module-prefix regexes they replace, on names and patterns drawn at random."""

from __future__ import annotations

import fnmatch
import random
import re

import pytest

from mlaudit.probes.generic import module_matches_any, name_matches_any

ATOMS = ["mlflow", "log", "_metric", ".", "*", "?", "[ab]", "a", "b", "fit", "\n", "()"]


def _old_names(name: str, patterns: tuple[str, ...]) -> bool:
    regex = re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns))
    return regex.match(name) is not None


def _old_modules(name: str, modules: tuple[str, ...]) -> bool:
    if not modules:
        return False
    regex = re.compile("(?:" + "|".join(re.escape(m) for m in modules) + r")(?:\.|$)")
    return regex.match(name) is not None


def _word(rng: random.Random, atoms: list[str], most: int) -> str:
    return "".join(rng.choice(atoms) for _ in range(rng.randint(0, most)))


@pytest.mark.parametrize("seed", range(10))
def test_names_as_fnmatch(seed):
    rng = random.Random(seed)
    for _ in range(300):
        patterns = tuple(_word(rng, ATOMS, 4) for _ in range(rng.randint(1, 4)))
        name = _word(rng, [a for a in ATOMS if a not in "*?[ab]"] + ["a", "b"], 5)
        assert name_matches_any(name, patterns) == _old_names(name, patterns), (name, patterns)


@pytest.mark.parametrize("seed", range(10))
def test_modules_as_prefix_regex(seed):
    rng = random.Random(seed)
    atoms = ["torch", "nn", ".", "a", "", "\n"]
    for _ in range(300):
        modules = tuple(_word(rng, atoms, 3) for _ in range(rng.randint(0, 3)))
        name = _word(rng, atoms, 4)
        assert module_matches_any(name, modules) == _old_modules(name, modules), (name, modules)


@pytest.mark.parametrize(
    ("name", "patterns", "expected"),
    [
        ("mlflow.log_metric", ("mlflow.log_*",), True),
        ("mlflow.log_metric", ("mlflow.log_metric",), True),
        ("mlflow.log", ("mlflow.log_*",), False),
        ("model.fit", ("*.fit",), True),
        ("fit", ("*.fit",), False),
        ("torch.manual_seed", ("numpy.random.seed", "torch.manual_seed"), True),
    ],
)
def test_names(name, patterns, expected):
    assert name_matches_any(name, patterns) is expected
