"""Notebook image outputs in the secret scan: their base64 payloads are blanked, line for line,
in HEAD files and in the history; everything else on or around them is still scanned.

Fake credentials are assembled at run time so that this file holds no string a secret
scanner would flag."""

from __future__ import annotations

import base64
import json
import random

import pytest
from helpers import commit, make_repo

from mlaudit.repo.parsers.secrets import blank_image_payloads, find_secrets
from mlaudit.repo.secrets_history import scan_history_secrets

RNG = random.Random(11)
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + RNG.randbytes(3000)).decode()
JPEG = base64.b64encode(b"\xff\xd8\xff" + RNG.randbytes(900)).decode()
GH_TOKEN = (
    "gh" + "p_" + "".join(RNG.choice("abcdefghijkLMNOPQRSTUVWXyz0123456789") for _ in range(36))
)


def _notebook(png: str, code: str = "x = 1") -> str:
    cell = {
        "cell_type": "code",
        "execution_count": 1,
        "metadata": {},
        "outputs": [
            {
                "data": {"image/png": png + "\n", "text/plain": ["<Figure>"]},
                "metadata": {},
                "output_type": "display_data",
            }
        ],
        "source": [code],
    }
    return json.dumps(
        {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1
    )


@pytest.mark.parametrize(
    ("line", "blanked"),
    [
        (f'   "image/png": "{PNG}\\n",', '   "image/png": "",'),
        (f'+   "image/png": "{PNG}\\n",', '+   "image/png": "",'),  # an added line of a patch
        (f'-\t"image/jpeg":"{JPEG}"', '-\t"image/jpeg":""'),
        (f'    "png": "{PNG}"', '    "png": ""'),  # nbformat 3
    ],
)
def test_image_payloads_are_blanked_line_for_line(line, blanked):
    text = f"before\n{line}\nafter\n"
    assert blank_image_payloads(text) == f"before\n{blanked}\nafter\n"
    assert blank_image_payloads(text.encode()) == f"before\n{blanked}\nafter\n".encode()


@pytest.mark.parametrize(
    "line",
    [
        f'   "text/plain": "{PNG}"',  # not an image key
        f'   "image/svg+xml": "{PNG}"',  # not a base64 image type
        f'   "image/png": "{PNG[:40]} {GH_TOKEN}"',  # not only base64
        f'   "image/png": "{PNG[:40]}',  # the string goes on past the line
        f'   x = "image/png": "{PNG}"',  # not a JSON key at the start of the line
        f'   "image/png": "AAAA{PNG}"',  # no image signature where the string starts
        f'+++ "b/image/png": "{PNG}"',  # a patch's file header
    ],
)
def test_other_lines_are_left_as_they_are(line):
    text = f"{line}\n"
    assert blank_image_payloads(text) == text
    assert blank_image_payloads(text.encode()) == text.encode()


def test_what_is_around_an_image_is_still_scanned():
    notebook = _notebook(PNG, code=f'token = "{GH_TOKEN}"')
    found = find_secrets("analysis.ipynb", notebook)
    assert [(f.kind, f.line) for f in found] == [("github-token", _line_of(notebook, "token ="))]
    # another token as a text output beside the image: text outputs are read
    other = GH_TOKEN[:4] + GH_TOKEN[4:][::-1]
    beside = notebook.replace('"<Figure>"', json.dumps(other))
    assert [(f.kind, f.line) for f in find_secrets("analysis.ipynb", beside)] == [
        ("github-token", _line_of(beside, other)),
        ("github-token", _line_of(beside, "token =")),
    ]


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_history_blanks_images_and_keeps_line_numbers(tmp_path):
    root = make_repo(tmp_path / "r", {"README.md": "# r\n"})
    notebook = _notebook(PNG, code=f'token = "{GH_TOKEN}"')
    commit(root, {"nb/analysis.ipynb": notebook}, "notebook")
    scan = scan_history_secrets(root)
    assert [(h.path, h.finding.line, h.finding.kind) for h in scan.findings] == [
        ("nb/analysis.ipynb", _line_of(notebook, "token ="), "github-token")
    ]
    assert scan.bytes_scanned > len(PNG)  # counted as read, payloads included


def test_an_image_payload_is_not_read_a_text_payload_is():
    """The trade-off, stated: whatever hides inside an image payload is not read. Here a
    base64-wrapped token after a backslash (a blob the wrapped-key detector decodes)."""
    wrapped = base64.b64encode(GH_TOKEN.encode()).decode()
    payload = PNG[:64] + "\\\\" + wrapped
    as_text = f'   "text/plain": "{payload}"\n'
    assert [f.kind for f in find_secrets("analysis.ipynb", as_text)] == ["github-token (base64)"]
    assert find_secrets("analysis.ipynb", as_text.replace("text/plain", "image/png")) == []
