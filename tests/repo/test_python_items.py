"""Calls on an item of a collection (`dataset["train"].shuffle(seed=42)`) are facts too: the
receiver reads as `dataset[]`, as a call's result reads as `f()` (nogibjj/mlops-template
hugging-face/hf_fine_tune_hello_world.py:34 was invisible to every call-based check)."""

from __future__ import annotations

import pytest

from mlaudit.repo.parsers.python_src import parse_python


@pytest.mark.parametrize(
    ("source", "calls"),
    [
        ('ds["train"].shuffle(seed=42)\n', ["ds[].shuffle"]),
        ("models[0].fit(X, y)\n", ["models[].fit"]),
        ("a.b[0].c(1)\n", ["a.b[].c"]),
        ("x[0][1].m()\n", ["x[][].m"]),
        # the calls inside the chain are facts of their own
        ("get()[0].m()\n", ["get()[].m", "get"]),
        ("d[key()].m()\n", ["d[].m", "key"]),
        # an item called directly names no function: nothing is recorded for it
        ('handlers["k"](3)\n', []),
        ("np.r_[1, 2]\n", []),
    ],
)
def test_calls_through_items(source: str, calls: list[str]) -> None:
    assert [c.name for c in parse_python(source).calls] == calls


def test_an_item_receiver_keeps_the_imported_name() -> None:
    facts = parse_python("import numpy as np\nnp.random.default_rng(1)\nnp.arrays[0].sum()\n")
    assert [c.name for c in facts.calls] == ["numpy.random.default_rng", "numpy.arrays[].sum"]


@pytest.mark.parametrize(
    ("source", "calls"),
    [
        # PEP 695 (3.12): a type alias statement (huggingface/lerobot datasets/aggregate.py:56)
        ("import torch\ntype FeatureDict = dict[str, int]\nx = torch.zeros(1)\n", ["torch.zeros"]),
        # PEP 695: type parameters of a function and of a class
        (
            "import torch\ndef f[T: (int, str)](x: T) -> T:\n    return torch.tensor(x)\n"
            "class C[K, V]:\n    pass\n",
            ["torch.tensor"],
        ),
        # PEP 758 (3.14): `except A, B:` (fastapi/full-stack-fastapi-template deps.py:36)
        (
            "import jwt\ntry:\n    jwt.decode(t)\nexcept InvalidTokenError, ValidationError:\n"
            "    raise\n",
            ["jwt.decode"],
        ),
        # PEP 701 (3.12): an f-string reusing its own quote inside a replacement field
        # (indrabrata/simple-mlops src/train.py:109; reviewed), on one line and over several
        (
            'import mlflow\nname = f"{row["name"]}: {row[\'x\']:>{w}}"\n'
            "mlflow.log_param('a', 1)\n",
            ["mlflow.log_param"],
        ),
        (
            'import mlflow\nmsg = f"""\n{d["k"]}\n"""  # a "comment\nmlflow.log_metric("m", 1)\n',
            ["mlflow.log_metric"],
        ),
    ],
)
def test_newer_grammar_is_read_by_an_older_interpreter(source, calls):
    facts = parse_python(source)
    assert facts.syntax_error is None
    assert [c.name for c in facts.calls] == calls
    assert (
        facts.calls[0].line
        == source.splitlines().index(
            next(line for line in source.splitlines() if calls[0].split(".")[-1] + "(" in line)
        )
        + 1
    )


def test_a_real_syntax_error_stays_one():
    assert parse_python("def f(:\n    pass\n").syntax_error
    # an f-string in a file broken elsewhere: still an error, and an unclosed one too
    assert parse_python('x = f"{a["b"]}"\ndef g(:\n    pass\n').syntax_error
    assert parse_python('x = f"{a\ny = 1\n').syntax_error
    assert parse_python("x = f'" + "{" * 50_000 + "\n").syntax_error  # bounded, fast
    assert parse_python("except " + "a," * 100_000 + "\n").syntax_error  # bounded, fast


def test_the_targets_compiler_warnings_never_reach_the_scan():
    """An invalid escape in the target's code is the compiler's DeprecationWarning (a
    SyntaxWarning shown by default from Python 3.12): not printed, not an error under
    `-W error`, and the file's facts are read."""
    import warnings

    from mlaudit.repo.parsers.python_src import parse_python

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("error")
        facts = parse_python('import mlflow\npattern = "\\d+\\e"\nmlflow.log_metric("a", 1)\n')
    assert not caught
    assert facts.syntax_error is None
    assert [c.name for c in facts.calls] == ["mlflow.log_metric"]


def test_an_attribute_that_held_a_module_is_assigned_as_the_attribute():
    """`self._mlflow = None` after `self._mlflow = mlflow` assigns the attribute, not mlflow
    (the re-read of this session's change); calls through it are mlflow's while it holds it."""
    from mlaudit.repo.parsers.python_src import parse_python

    facts = parse_python(
        "import mlflow\n\n\nclass T:\n    def __init__(self):\n        self._mlflow = mlflow\n"
        "        self._mlflow.log_param('a', 1)\n        self._mlflow = None\n"
    )
    assert [a.target for a in facts.assignments] == ["self._mlflow", "self._mlflow"]
    assert "mlflow.log_param" in [c.name for c in facts.calls]
