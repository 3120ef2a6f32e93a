"""local_modules: the project's modules by dotted name, suffixes matched when asked."""

from __future__ import annotations

import pytest

from mlaudit.probes.testing import LocalModules, _exact_names, _module_parts

PATHS = [
    "src/shop/__init__.py",
    "src/shop/models.py",
    "scripts/transformers/utils.py",
    "tools/utils.py",
    "shop/models.py",  # a second `shop.models`: the first path keeps the name
    "lib/feature/build.py",
    "train.py",
    "tools/v1.0/model.py",  # a dot inside a folder's name: the name does not spell the path
    "a.b.py",
    "src/other/utils.py",  # a later `utils`: the first file keeps the name
]


def _table(paths: list[str]) -> dict[str, str]:
    """Every name a path answers to, as one table: full names first, then suffixes."""
    out: dict[str, str] = {}
    suffixes: dict[str, str] = {}
    for path in paths:
        parts = _module_parts(path)
        for name in _exact_names(parts):
            out.setdefault(name, path)
        for cut in range(1, len(parts)):
            suffixes.setdefault(".".join(parts[cut:]), path)
    for name, path in suffixes.items():
        out.setdefault(name, path)
    return out


def _modules(paths: list[str]) -> LocalModules:
    modules = LocalModules()
    for path in paths:
        modules.add(path)
    return modules


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("src.shop.models", "src/shop/models.py"),  # its full name
        ("shop.models", "src/shop/models.py"),  # without src/, before shop/models.py
        ("shop", "src/shop/__init__.py"),  # a package
        ("utils", "scripts/transformers/utils.py"),  # a suffix: the first file that ends so
        ("transformers.utils", "scripts/transformers/utils.py"),
        ("feature.build", "lib/feature/build.py"),
        ("train", "train.py"),
        ("tools.v1.0.model", "tools/v1.0/model.py"),
        ("v1.0.model", "tools/v1.0/model.py"),
        ("model", "tools/v1.0/model.py"),
        ("a.b", "a.b.py"),
        ("other.utils", "src/other/utils.py"),
        # traps: a name no file ends with, a part of a name, a longer name than any path
        ("numpy", None),
        ("odels", None),
        ("x.src.shop.models", None),
    ],
)
def test_a_module_name_names_the_file_the_full_table_did(name, expected):
    modules = _modules(PATHS)
    assert modules.get(name) == expected
    assert (name in modules) is (expected is not None)
    assert _table(PATHS).get(name) == expected


def test_the_names_are_the_full_tables():
    modules = _modules(PATHS)
    assert dict(modules.items()) == _table(PATHS)
    assert len(modules) == len(_table(PATHS))
