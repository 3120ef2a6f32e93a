"""Lines of a text as git and editors number them.

`str.splitlines()` also breaks at \\v, \\f, \\x1c-\\x1e, \\x85, U+2028 and U+2029: one of
those bytes in a file would shift every later line number (and a \\x1e in content would
move a secret away from the line git reports for it). Lines end at \\n only; a \\r before
it belongs to the line ending.
"""

from __future__ import annotations


def split_lines(text: str) -> list[str]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if "\r" in text:
        lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    return lines
