"""How a scan keeps its per-file facts: compact, shared, immutable — same answers.

The memory target itself (≤ 300 MiB at 100k files) is checked with
benchmarks/bench_scale.py, not here; these tests pin the layouts that make it hold."""

from __future__ import annotations

import pickle
import random
from pathlib import Path

import pytest

from mlaudit import cache
from mlaudit.inventory import _add_place, _places
from mlaudit.probes.code_roles import _module_index, _provided, _resolve
from mlaudit.repo.globs import PathIndex, path_keys
from mlaudit.repo.history import parse_log
from mlaudit.repo.parsers import python_src
from mlaudit.repo.parsers.python_src import parse_python
from mlaudit.repo.parsers.yaml_docs import LineDict, LineList, parse_yaml
from tests.helpers import commit, make_repo, run_probe, snapshot

_NAMES = ["Dockerfile", "train.py", "a.py", "b.txt", "README.md", "x.tar.gz", "noext", "e."]
_DIRS = ["", "src/", "src/pkg/", "docs/", "tests/", "a/b/c/"]


def _random_paths(rng: random.Random, n: int) -> list[str]:
    return sorted({rng.choice(_DIRS) + rng.choice(_NAMES) for _ in range(n)})


def test_path_index_buckets_hold_every_path_of_their_key_in_order() -> None:
    rng = random.Random(12)
    for _ in range(200):
        paths = _random_paths(rng, rng.randint(0, 30))
        index = PathIndex(paths)
        keys = {k for p in paths for k in path_keys(p)} | {("name", "missing"), ("ext", "zz")}
        for key in keys:
            expected = [p for p in paths if key in path_keys(p)]
            bucket = index.bucket(key)
            if key[0] == "name":  # keyed by hash: may hold other names, never miss one
                assert [p for p in bucket if key in path_keys(p)] == expected
                assert bucket == [p for p in paths if p in bucket]  # listing order
            else:
                assert bucket == expected


def test_commit_file_names_are_the_listed_strings() -> None:
    nonce = "N0NCE"
    sha1, sha2 = "a" * 40, "b" * 40
    first = [nonce, sha1, "100", "A", "a@x", sha2, "two", "\nsrc/m.py", "README.md", ""]
    second = [nonce, sha2, "90", "A", "a@x", "", "one", "\nsrc/m.py", ""]
    raw = "".join(field + "\0" for field in first + second).encode()
    listed = ["README.md", "src/" + "m.py"]  # built at run time: not a shared constant
    commits = parse_log(raw, nonce, "", known=listed)
    assert [c.files for c in commits] == [("src/m.py", "README.md"), ("src/m.py",)]
    assert commits[0].files[0] is listed[1] and commits[1].files[0] is listed[1]
    assert commits[0].files[1] is listed[0]
    # without a listing, one commit's name is still shared with the next commit's
    again = parse_log(raw, nonce, "")
    assert again[0].files[0] is again[1].files[0]


def test_history_of_a_worktree_shares_the_listing(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"src/app.py": "x = 1\n", "README.md": "# r\n"})
    commit(repo, {"src/app.py": "x = 2\n"}, "change")
    snap = snapshot(repo)
    listed = {p: p for p in snap.files}
    touched = [f for c in snap.history.commits for f in c.files]
    assert touched and all(f is listed[f] for f in touched)


def test_python_facts_are_tuples_with_interned_qualified_names() -> None:
    source = "import numpy as np\nfrom a.b import c\nnp.random.seed(1)\nc.d(x=np.e)\n"
    first, second = parse_python(source), parse_python(source)
    assert first == second
    for name in ("imports", "calls", "bases", "decorators", "assignments", "functions"):
        assert isinstance(getattr(first, name), tuple), name
    for name in ("spans", "strings", "asserts", "handlers"):
        assert isinstance(getattr(first, name), tuple), name
    assert [c.name for c in first.calls] == ["numpy.random.seed", "a.b.c.d"]
    assert first.calls[0].name is second.calls[0].name  # one string for every file
    assert first.imports[1].module is second.imports[1].module
    assert parse_python("def f(:\n").syntax_error  # a syntax error still says so


def test_equal_imports_are_one_object_and_short_strings_one_string() -> None:
    one = parse_python("import os.path\nx = 'utf-8'\ny = '" + "q" * 65 + "'\n")
    two = parse_python("import os.path\nz = 'utf-8'\nw = '" + "q" * 65 + "'\n")
    assert one.imports == two.imports and one.imports[0] is two.imports[0]
    assert one.strings[0][0] is two.strings[0][0]  # 'utf-8': interned
    assert one.strings[1][0] == two.strings[1][0]  # a long literal: kept as parsed
    # another line is another fact
    assert parse_python("\nimport os.path\n").imports[0].line == 2


def test_equal_call_arguments_are_one_tuple_and_the_table_is_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = "import os\nos.path.join(a, b)\nos.path.join(a, b)\nf(k=1)\nf(k=1)\ng()\n"
    facts = parse_python(source)
    join1, join2, f1, f2, g = facts.calls
    assert join1.args == ("<expr>", "<expr>") and join1.args is join2.args
    assert join1.names == (("0", "a"), ("1", "b")) and join1.names is join2.names
    assert f1.kwargs == (("k", "1"),) and f1.kwargs is f2.kwargs
    assert g.args == () and g.kwargs == () and g.names == ()
    # full: new values are still recorded, only no longer shared
    monkeypatch.setattr(python_src, "_SHARED_TUPLES", {})
    monkeypatch.setattr(python_src, "_SHARED_TUPLES_MAX", 1)
    calls = parse_python("h(1, 2)\nh(1, 2)\nh(3)\n").calls
    assert [c.args for c in calls] == [("1", "2"), ("1", "2"), ("3",)]
    assert calls[0].args is calls[1].args and len(python_src._SHARED_TUPLES) == 1


@pytest.mark.parametrize(
    ("source", "calls"),
    [
        ("x += f(1)\n", ["f"]),  # AugAssign: the operator field is skipped, not the value
        ("if a == g() < h():\n    pass\n", ["g", "h"]),  # Compare: ops skipped, operands not
        ("y = p() and not q() or -r()\n", ["p", "q", "r"]),  # BoolOp, UnaryOp
        ("z[k()] = v()\n", ["k", "v"]),  # a Store context holds no child, its subscript does
        ("del d[m()]\n", ["m"]),
        ("lambda: (yield w())\n", ["w"]),
    ],
)
def test_the_walk_skips_operator_and_context_fields_only(source: str, calls: list[str]) -> None:
    assert [c.name for c in parse_python(source).calls] == calls


def test_yaml_nodes_have_no_instance_dict_and_read_back_from_the_cache() -> None:
    doc = parse_yaml("a: 1\nb:\n  - x\n  - y\n").documents[0]
    assert isinstance(doc, LineDict) and not hasattr(doc, "__dict__")
    assert (doc.line, doc.key_lines, doc["b"].line, doc["b"].item_lines) == (
        1,
        {"a": 1, "b": 2},
        3,
        [3, 4],
    )
    back = cache.loads(pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == doc and back.line == 1 and back.key_lines == doc.key_lines
    assert back["b"].item_lines == [3, 4]
    made = LineDict(a=1)  # built by hand (rubric merging): line 0, no key lines
    assert made.line == 0 and getattr(made, "key_lines", None) is None
    assert LineList([1]).line == 0
    made.origin = "rubric.yaml"
    assert made.origin == "rubric.yaml"


def test_inventory_places_keep_every_place_in_order() -> None:
    grouped: dict[str, list[str | int]] = {}
    for path, name, line in (("a.py", "os", 1), ("a.py", "numpy", 2), ("a.py", "os", 9)):
        _add_place(grouped, name, path, line)
    _add_place(grouped, "numpy", "b.py", 3)
    assert list(grouped) == ["os", "numpy"]
    assert list(_places(grouped["os"])) == [("a.py", 1), ("a.py", 9)]
    assert list(_places(grouped["numpy"])) == [("a.py", 2), ("b.py", 3)]


def test_a_module_no_path_provides_resolves_nowhere_from_any_importer() -> None:
    rng = random.Random(3)
    parts = ["pkg", "sub", "util", "main", "models", "__init__"]
    for _ in range(100):
        paths = sorted(
            {
                "/".join(rng.choice(parts) for _ in range(rng.randint(1, 3))) + ".py"
                for _ in range(rng.randint(1, 8))
            }
        )
        index = _module_index(paths)
        files = set(paths)
        modules = {".".join(rng.choice(parts + ["numpy"]) for _ in range(rng.randint(1, 3)))}
        modules |= {p[:-3].replace("/", ".") for p in paths}
        for module in modules:
            if not _provided(module, index):
                assert all(_resolve(p, module, index, files) is None for p in paths), module


def test_a_large_tree_keeps_no_config_tails_and_decides_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """params_externalized shares its config-path tails between snapshots of the same paths
    (history points) only in trees up to MAX_SHARED_CONFIG_PATHS paths: past it they would
    be held for the whole scan (~20 MB at 100,000 paths)."""
    from mlaudit.probes import reproducibility

    root = make_repo(
        tmp_path / "r",
        {
            "configs/train.yaml": "lr: 0.1\n",
            "src/train.py": "import yaml\nCFG = yaml.safe_load(open('configs/train.yaml'))\n",
        },
    )
    key = ("params_externalized.config_paths",)
    small = snapshot(root)
    shared = run_probe(small, "params_externalized")
    assert key in small._tree_memo
    monkeypatch.setattr(reproducibility, "MAX_SHARED_CONFIG_PATHS", 1)
    large = snapshot(root)
    assert run_probe(large, "params_externalized") == shared
    assert key not in large._tree_memo


def test_a_large_tree_reads_its_history_secrets_without_read_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read-ahead buffer of the history secret scan (up to 16 MiB) would add to the peak
    memory of a large tree's scan: past READ_AHEAD_MAX_FILES files, git starts when asked."""
    from mlaudit.repo import secrets_history
    from mlaudit.repo.worktree import open_worktree

    root = make_repo(tmp_path / "r", {"a.py": "A = 1\n", "b.py": "B = 2\n"})
    assert open_worktree(root).history_secrets_loader.read_ahead  # type: ignore[union-attr]
    monkeypatch.setattr(secrets_history, "READ_AHEAD_MAX_FILES", 1)
    snap = open_worktree(root)
    loader = snap.history_secrets_loader
    assert not loader.read_ahead  # type: ignore[union-attr]
    loader.start()  # type: ignore[union-attr]
    assert loader._started is None  # type: ignore[union-attr]
    assert snap.history_secrets.available
