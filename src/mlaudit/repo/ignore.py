"""`.gitignore` rules for folders that are not git work trees (walked by hand)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pathspec

from mlaudit.repo.globs import MAX_STARS
from mlaudit.repo.wildmatch import GitignoreRule, star_count

MAX_IGNORE_BYTES = 256 * 1024


@dataclass(frozen=True)
class _Verdict:
    include: bool | None


class _LinearSpec:
    """A .gitignore file matched with repo.wildmatch (linear time); last matching line wins."""

    def __init__(self, lines: list[str]) -> None:
        self.rules = [
            GitignoreRule(line.strip())
            for line in lines
            if line.strip() and not line.lstrip().startswith("#")
        ]

    def check_file(self, path: str) -> _Verdict:
        is_dir = path.endswith("/")
        verdict: bool | None = None
        for rule in self.rules:
            if rule.matches(path, is_dir=is_dir):
                verdict = not rule.negate
        return _Verdict(verdict)


class IgnoreRules:
    """Nested .gitignore files, each applying to paths under its own folder."""

    def __init__(self) -> None:
        self._specs: list[tuple[str, pathspec.PathSpec | _LinearSpec]] = []

    def add_file(self, rel_dir: str, path: Path) -> None:
        try:
            with open(path, "rb") as handle:
                text = handle.read(MAX_IGNORE_BYTES).decode("utf-8", "replace")
        except OSError:
            return
        self.add_lines(rel_dir, text.splitlines())

    def add_lines(self, rel_dir: str, lines: list[str]) -> None:
        """The lines of the .gitignore in `rel_dir`; add a folder's before its subfolders'
        (a deeper file's verdict wins)."""
        if any(star_count(line.strip()) > MAX_STARS for line in lines):
            # a regex would backtrack exponentially on this file: match it linearly
            self._specs.append((rel_dir, _LinearSpec(lines)))
        else:
            self._specs.append((rel_dir, pathspec.GitIgnoreSpec.from_lines(lines)))

    def ignored(self, rel_path: str, *, is_dir: bool) -> bool:
        verdict = False
        for base, spec in self._specs:
            if base and not rel_path.startswith(base + "/"):
                continue
            sub = rel_path[len(base) + 1 :] if base else rel_path
            if is_dir:
                sub += "/"
            result = spec.check_file(sub)
            if result.include is not None:
                verdict = bool(result.include)
        return verdict
