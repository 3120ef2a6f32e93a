"""Compiled regular expressions kept between runs, as Python keeps compiled modules.

mlaudit's probes, parsers and rubric compile about 1,100 regular expressions on every run.
Python's `re` parses each pattern and builds its matching program in pure Python: 0.15 s of
a small repository's one-second scan, spent again on every start, although the programs
only depend on the pattern and on the Python running it. This module keeps each program
(the list of opcodes `re` hands to its C engine) in the cache folder, keyed by the pattern,
its flags and the exact Python build, and hands the stored program to the engine on the
next start. The pattern objects are the ones `re` would build: same program, same groups.

How: `re` calls its compiler module's `compile(pattern, flags)` on every cache miss of its
own per-process cache; `install` wraps that one function for the CLI's process (never on
import: a program that imports mlaudit as a library keeps its `re` untouched). Anything
unexpected — another Python's layout, a debug flag, a pattern object instead of a string,
a stored program the engine refuses — falls back to `re`'s own compiler.

Trust: the file is read with the cache's unpickler (plain data only, no code), every entry
is type-checked, and the C engine validates every program it is given (CPython rejects a
malformed one instead of running it). Like the other caches it is used only when the cache
is on and outside the scanned repository (`use`, called by run.prepare for each target):
a repository cannot plant the programs mlaudit matches its files with. `--no-cache` neither
reads nor writes it.
"""

from __future__ import annotations

import contextlib
import hashlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

TABLE_FORMAT = 1
# A table past this many programs keeps only those the last run compiled: patterns built
# from a repository's own globs must not grow it run after run.
MAX_ENTRIES = 6_000

_Program = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]


class _State:
    def __init__(self) -> None:
        self.original: Callable[..., Any] | None = None
        self.compiler: Any = None
        self.engine: Any = None
        self.table: dict[tuple[str | bytes, int], _Program] | None = None
        self.used: set[tuple[str | bytes, int]] = set()
        self.new: dict[tuple[str | bytes, int], _Program] = {}
        self.file: Path | None = None
        self.refused = False


_state = _State()


def _compiler_modules() -> tuple[Any, Any, Any] | None:
    """(compiler, parser, engine) of this Python's `re`, or None when its layout is not the
    one this module knows (3.10: sre_compile; 3.11 and later: re._compiler)."""
    import _sre  # type: ignore[import-not-found,unused-ignore]

    try:
        import re._compiler as compiler  # type: ignore[import-not-found,unused-ignore]
        import re._parser as parser  # type: ignore[import-not-found,unused-ignore]
    except ImportError:  # Python 3.10
        import sre_compile as compiler  # type: ignore[import-not-found,unused-ignore]
        import sre_parse as parser  # type: ignore[import-not-found,unused-ignore]
    if not all(
        callable(getattr(module, name, None))
        for module, name in ((compiler, "compile"), (compiler, "_code"), (parser, "parse"))
    ):
        return None
    if not callable(getattr(_sre, "compile", None)):
        return None
    return compiler, parser, _sre


def table_file(root: Path) -> Path:
    """One table per Python build (the programs are the engine's opcodes)."""
    import _sre  # type: ignore[import-not-found,unused-ignore]

    build = repr((sys.version, sys.implementation.cache_tag, getattr(_sre, "MAGIC", None)))
    digest = hashlib.sha256(build.encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return root / f"regex-v{TABLE_FORMAT}" / f"{digest}.pickle"


def install() -> None:
    """Route `re`'s compiler through the table (empty until `use` names the cache folder)."""
    if _state.original is not None:
        return
    modules = _compiler_modules()
    if modules is None:
        return
    compiler, parser, engine = modules
    original = compiler.compile
    code = compiler._code
    parse = parser.parse
    debug = getattr(compiler, "SRE_FLAG_DEBUG", 128)
    state = _state

    def compile_cached(p: Any, flags: Any = 0) -> Any:
        table = state.table
        if table is None or not isinstance(p, (str, bytes)) or flags & debug:
            return original(p, flags)
        key = (p, int(flags))
        program = table.get(key) or state.new.get(key)
        if program is not None:
            try:
                compiled = engine.compile(p, *program)
            except Exception:  # refused by the engine: compiled afresh and stored again
                table.pop(key, None)
            else:
                state.used.add(key)
                return compiled
        parsed = parse(p, flags)
        opcodes = code(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        program = (
            int(flags | parsed.state.flags),
            [int(op) for op in opcodes],  # re's named opcodes are ints that do not pickle
            parsed.state.groups - 1,
            groupindex,
            tuple(indexgroup),
        )
        state.new[key] = program
        return engine.compile(p, *program)

    _state.original, _state.compiler, _state.engine = original, compiler, engine
    compiler.compile = compile_cached


def uninstall() -> None:
    """Give `re` its own compiler back (tests; a process that installed it at start)."""
    global _state
    if _state.original is not None:
        _state.compiler.compile = _state.original
    _state = _State()


def use(root: Path | None) -> None:
    """Read the table from the cache folder `root` of this run's first target; None (the
    cache is off, or lies inside a target) stops the table for the rest of the process."""
    if _state.original is None or _state.refused:
        return
    if root is None:
        _state.refused = True
        _state.table = None
        _state.new.clear()
        return
    if _state.table is not None:
        return
    file = table_file(root)
    _state.table = _read(file)
    _state.file = file
    import atexit

    atexit.register(save)


def _read(file: Path) -> dict[tuple[str | bytes, int], _Program]:
    from mlaudit.cache import load_file

    value = load_file(file)
    if not isinstance(value, dict):
        return {}
    return {key: program for key, program in value.items() if _well_formed(key, program)}


def _well_formed(key: Any, program: Any) -> bool:
    """A (pattern, flags) key and a program of the shape the engine takes; the engine
    itself validates the opcodes."""
    return (
        isinstance(key, tuple)
        and len(key) == 2
        and isinstance(key[0], (str, bytes))
        and type(key[1]) is int
        and isinstance(program, tuple)
        and len(program) == 5
        and type(program[0]) is int
        and type(program[1]) is list
        and type(program[2]) is int
        and type(program[3]) is dict
        and type(program[4]) is tuple
    )


def save() -> None:
    """Store the programs compiled in this run, when there are new ones."""
    if _state.refused or _state.file is None or _state.table is None or not _state.new:
        return
    from mlaudit.cache import store_file

    table = _state.table
    if len(table) + len(_state.new) > MAX_ENTRIES:
        table = {key: table[key] for key in _state.used if key in table}
    table.update(_state.new)
    _state.new = {}
    with contextlib.suppress(Exception):  # a full disk or a read-only home: next run compiles
        store_file(_state.file, table)
