"""`.gitignore` rules for folders that are not git work trees (walked by hand)."""

from __future__ import annotations

from pathlib import Path

import pathspec

MAX_IGNORE_BYTES = 256 * 1024


class IgnoreRules:
    """Nested .gitignore files, each applying to paths under its own folder."""

    def __init__(self) -> None:
        self._specs: list[tuple[str, pathspec.PathSpec]] = []

    def add_file(self, rel_dir: str, path: Path) -> None:
        try:
            with open(path, "rb") as handle:
                text = handle.read(MAX_IGNORE_BYTES).decode("utf-8", "replace")
        except OSError:
            return
        spec = pathspec.GitIgnoreSpec.from_lines(text.splitlines())
        self._specs.append((rel_dir, spec))

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
