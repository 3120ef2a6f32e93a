"""The compiled-pattern table: the same pattern objects as `re`'s, read back on the next
start, and never trusted beyond what the regular-expression engine validates."""

from __future__ import annotations

import pickle
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlaudit import regex_cache
from mlaudit.cache import usable_root

PATTERNS: list[tuple[str | bytes, int]] = [
    (r"(?P<key>[A-Z_]+)\s*=\s*(?P<value>.+)", 0),
    (r"^\s*(?:pip3?\s+install|uv\s+sync)\b", re.MULTILINE),
    (r"colou?r", re.IGNORECASE),
    (r"(?i)torch\.save\(", 0),
    (
        r"""
        (?:ghp|gho)_[A-Za-z0-9]{36}   # a GitHub token
        """,
        re.VERBOSE,
    ),
    (rb"-----BEGIN [A-Z ]+ PRIVATE KEY", 0),
    (r"[^\x00-\x7f]+", 0),
]
SAMPLES: list[str] = [
    "API_KEY = abc",
    "  pip install -r requirements.txt\nuv sync",
    "COLOR colour Colr",
    "x = TORCH.SAVE(model)",
    "token ghp_" + "a" * 36,
    "näive café",
]


@pytest.fixture
def installed(tmp_path: Path) -> Iterator[Path]:
    regex_cache.uninstall()
    regex_cache.install()
    re.purge()  # re's own per-process cache would answer without asking the compiler
    try:
        yield tmp_path / "cache"
    finally:
        regex_cache.uninstall()
        re.purge()


def restart(root: Path | None) -> None:
    """What the next run does: a fresh process installs, then a scan names the cache."""
    regex_cache.uninstall()
    re.purge()
    regex_cache.install()
    regex_cache.use(root)


def same_pattern(
    a: re.Pattern[str] | re.Pattern[bytes], b: re.Pattern[str] | re.Pattern[bytes]
) -> None:
    assert (a.pattern, a.flags, a.groups, a.groupindex) == (
        b.pattern,
        b.flags,
        b.groups,
        b.groupindex,
    )
    for sample in SAMPLES:
        text: str | bytes = sample.encode() if isinstance(a.pattern, bytes) else sample
        assert [m.span() for m in a.finditer(text)] == [m.span() for m in b.finditer(text)]  # type: ignore[arg-type]
        assert [m.groups() for m in a.finditer(text)] == [m.groups() for m in b.finditer(text)]  # type: ignore[arg-type]


def reference(pattern: str | bytes, flags: int) -> re.Pattern[str] | re.Pattern[bytes]:
    regex_cache.uninstall()
    re.purge()
    try:
        return re.compile(pattern, flags)
    finally:
        re.purge()


def test_programs_are_stored_and_read_back_as_the_same_patterns(installed: Path) -> None:
    expected = [reference(p, f) for p, f in PATTERNS]
    restart(installed)
    first = [re.compile(p, f) for p, f in PATTERNS]
    regex_cache.save()
    table = regex_cache.table_file(installed)
    assert table.is_file()

    restart(installed)  # the next run: every program comes from the table
    second = [re.compile(p, f) for p, f in PATTERNS]
    assert len(regex_cache._state.used) == len(PATTERNS)
    assert not regex_cache._state.new
    for want, got_first, got_second in zip(expected, first, second, strict=True):
        same_pattern(want, got_first)
        same_pattern(want, got_second)


def test_nothing_is_read_or_written_when_the_cache_is_off_or_inside_the_target(
    installed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    restart(None)  # --no-cache, or a cache folder inside the repository
    re.compile(r"off(?P<n>\d+)")
    regex_cache.save()
    assert not installed.exists()
    assert regex_cache._state.table is None

    repo = tmp_path / "repo"
    repo.mkdir()
    monkeypatch.setenv("MLAUDIT_CACHE_DIR", str(repo / ".cache"))
    monkeypatch.delenv("MLAUDIT_NO_CACHE", raising=False)
    assert usable_root(repo) is None  # what run.prepare hands to use()


def test_a_refusal_holds_for_the_rest_of_the_process(installed: Path) -> None:
    restart(installed)
    re.compile(r"first(\d)")
    regex_cache.use(None)  # a later target of the same run holds the cache folder
    regex_cache.use(installed)
    re.compile(r"second(\d)")
    regex_cache.save()
    assert not regex_cache.table_file(installed).exists()


@pytest.mark.parametrize(
    "planted",
    [
        b"not a pickle",
        pickle.dumps(["a", "list"]),
        pickle.dumps({("abc", 0): "not a program"}),
        # a program the engine must refuse: an opcode that does not exist
        pickle.dumps({("abc", 0): (32, [999_999, 1, 2], 0, {}, (None,))}),
        # a well-formed program of ANOTHER pattern: the engine validates code, not meaning;
        # the table is the user's own, never one inside a scanned repository (test above)
    ],
)
def test_a_damaged_table_is_ignored_and_rewritten(installed: Path, planted: bytes) -> None:
    file = regex_cache.table_file(installed)
    file.parent.mkdir(parents=True)
    file.write_bytes(planted)
    restart(installed)
    compiled = re.compile("abc")
    assert compiled.match("abcd") and not compiled.match("xbc")
    assert compiled.pattern == "abc" and compiled.groups == 0
    regex_cache.save()
    restart(installed)
    again = re.compile("abc")
    assert ("abc", 0) in regex_cache._state.used
    assert again.match("abc")


def test_the_table_keeps_only_what_a_run_used_once_past_its_bound(
    installed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(regex_cache, "MAX_ENTRIES", 5)
    restart(installed)
    for i in range(4):
        re.compile(rf"old{i}\d")
    regex_cache.save()
    restart(installed)
    re.compile(r"old0\d")  # used again
    re.compile(r"new\d")
    re.compile(r"newer\d")
    regex_cache.save()
    restart(installed)
    table = regex_cache._state.table
    assert table is not None
    assert set(table) == {(r"old0\d", 0), (r"new\d", 0), (r"newer\d", 0)}


def test_importing_mlaudit_leaves_re_untouched() -> None:
    regex_cache.uninstall()
    import mlaudit.run
    import mlaudit.scoring  # noqa: F401

    compiler = regex_cache._compiler_modules()
    assert compiler is not None
    assert compiler[0].compile.__module__ in ("re._compiler", "sre_compile")
