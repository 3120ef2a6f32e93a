"""Jupyter notebooks → code cells → the same Python facts as a .py file.

IPython magics (`%`, `!`, `?`) are blanked and a cell's leading indentation removed, as
IPython does, so that cells parse; line numbers are made global across the notebook's code
cells so a fact can be traced back to its cell.
"""

from __future__ import annotations

import ast
import json
import os
from dataclasses import dataclass, field

from mlaudit.repo.parsers.python_src import PythonFacts, parse_python


@dataclass
class NotebookFacts:
    cells: int = 0
    code_cells: int = 0
    facts: PythonFacts = field(default_factory=PythonFacts)
    cell_of_line: list[int] = field(default_factory=list)  # global line → cell index (0-based)
    error: str | None = None

    def cell_for(self, line: int) -> int | None:
        if 1 <= line <= len(self.cell_of_line):
            return self.cell_of_line[line - 1] + 1
        return None


def _clean(line: str) -> str:
    stripped = line.lstrip()
    if stripped.startswith(("%", "!", "?")) or stripped.endswith("?"):
        indent = line[: len(line) - len(stripped)]
        return indent + "pass"
    return line


def _parses(source: str) -> bool:
    try:
        # os.devnull, never a repository path: see parse_python
        ast.parse(source, filename=os.devnull)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _dedent(lines: list[str]) -> list[str]:
    """IPython's `leading_indent`: a cell whose first line is indented runs with that
    indentation removed from every line that has it (aws-samples/mlops-amazon-sagemaker
    2-training-registry.ipynb, a cell starting with ` tuner_parameters = {…}`)."""
    first = next((line for line in lines if line.strip()), "")
    indent = first[: len(first) - len(first.lstrip())]
    if not indent:
        return lines
    return [line[len(indent) :] if line.startswith(indent) else line for line in lines]


def parse_notebook(text: str) -> NotebookFacts:
    result = NotebookFacts()
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as exc:
        result.error = f"not valid notebook JSON: {str(exc)[:120]}"
        return result
    cells = doc.get("cells") if isinstance(doc, dict) else None
    if not isinstance(cells, list):
        # nbformat 3 kept cells in worksheets
        sheets = doc.get("worksheets") if isinstance(doc, dict) else None
        if isinstance(sheets, list) and sheets and isinstance(sheets[0], dict):
            cells = sheets[0].get("cells")
    if not isinstance(cells, list):
        result.error = "notebook has no cells list"
        return result
    result.cells = len(cells)
    chunks: list[str] = []
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", cell.get("input", ""))
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        if not isinstance(source, str):
            continue
        result.code_cells += 1
        lines = _dedent([_clean(line) for line in source.splitlines()])
        # each cell parses on its own: one bad cell must not hide the others (a syntax check
        # only; the facts are read once, from the whole notebook)
        if not _parses("\n".join(lines)):
            lines = ["pass"] * len(lines)
        chunks.extend(lines)
        result.cell_of_line.extend([index] * len(lines))
    result.facts = parse_python("\n".join(chunks))
    return result
