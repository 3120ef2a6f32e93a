"""Reading a target file with plain os.read calls: whole, capped, and a file whose size
changed between its stat and its read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mlaudit.repo.sources import WorktreeSource, _read_fd


@pytest.mark.parametrize(
    ("content", "limit", "size_hint", "expected"),
    [
        (b"", 11, 0, b""),  # empty
        (b"0123456789", 11, 10, b"0123456789"),  # whole file: one read
        (b"0123456789", 5, 10, b"01234"),  # capped at the limit
        (b"0123456789", 11, 3, b"0123456789"),  # grew after the stat: read to the end
        (b"0123456789", 11, 20, b"0123456789"),  # shrank after the stat
        (b"x" * 3_000_000, 2_500_001, 100, b"x" * 2_500_001),  # grew, read in chunks
    ],
)
def test_read_fd(
    tmp_path: Path, content: bytes, limit: int, size_hint: int, expected: bytes
) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(content)
    fd = os.open(path, os.O_RDONLY)
    try:
        assert _read_fd(fd, limit, size_hint) == expected
    finally:
        os.close(fd)


def test_source_read_marks_truncation(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_bytes(b"a" * 100)
    (tmp_path / "small.txt").write_bytes(b"b" * 10)
    source = WorktreeSource(tmp_path)
    big = source.read("big.txt", max_bytes=40)
    assert big.truncated and big.data == b"a" * 40
    small = source.read("small.txt", max_bytes=40)
    assert not small.truncated and small.data == b"b" * 10
