"""Reading mlaudit's own inputs (configuration, rubrics, baselines, attestations) safely.

These files are often found inside the repository under audit, so they are hostile input like
any other file there: one function reads them all, and it
- opens regular files only (a FIFO, a device such as /dev/zero or a folder is refused without
  blocking: the file is opened non-blocking and checked with fstat before any read);
- reads at most `limit` bytes (a larger file is refused, never read whole);
- given `inside`, refuses a path that resolves outside that folder (a committed symlink
  `.mlaudit.yaml -> /etc/shadow`, or `rubric: /etc/passwd` in a repository's config), before
  opening it, so nothing of an outside file can reach an error message.
Every refusal raises `error` (the caller's exit-2 error class) with the path and the reason,
never with the file's contents.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from mlaudit.errors import MlauditError


def is_inside(path: Path, root: Path) -> bool:
    """`path`, with every symlink resolved, lies in `root` (also resolved)."""
    try:
        real = Path(os.path.realpath(path))
        base = Path(os.path.realpath(root))
    except (OSError, ValueError):
        return False
    return real == base or base in real.parents


def read_input(
    path: Path,
    *,
    what: str,
    limit: int,
    error: type[MlauditError],
    inside: Path | None = None,
) -> str:
    """The text (UTF-8, undecodable bytes replaced) of one input file, bounded as above."""
    if inside is not None and not is_inside(path, inside):
        raise error(
            f"{path}: refused: the {what} resolves outside the repository {inside} "
            "(a symlink or a path leaving it); a repository's own settings may only name "
            "files inside it"
        )
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise error(f"{what} not found: {path}") from None
    except OSError as exc:
        raise error(f"{path}: cannot read {what}: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise error(f"{path}: refused: the {what} is not a regular file")
        if info.st_size > limit:
            raise error(f"{path}: {what} larger than {limit:,} bytes")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise error(f"{path}: cannot read {what}: {exc.strerror}") from None
    finally:
        os.close(fd)
    if size > limit:  # grew after fstat
        raise error(f"{path}: {what} larger than {limit:,} bytes")
    return b"".join(chunks).decode("utf-8", "replace")
