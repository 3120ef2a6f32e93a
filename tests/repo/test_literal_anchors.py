"""Literal anchors of a regex (patterns.literal_anchors) and the history secret scan that
uses them to run its candidate regex only where a match can start: the same lines as a
plain `finditer` over the chunk, found at `bytes.find` speed."""

from __future__ import annotations

import random

import pytest

from mlaudit.patterns import Anchors, literal_anchors
from mlaudit.repo import secrets_history
from mlaudit.repo.parsers.secrets import CANDIDATE_BYTES


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (rb"foo|bar", Anchors(((b"bar", 0), (b"foo", 0)), (), False)),
        # a common prefix factored out by the parser is put back: one literal per alternative
        (rb"AKIA|ASIA", Anchors(((b"AKIA", 0), (b"ASIA", 0)), (), False)),
        (rb"(?i:aws_?key)", Anchors((), ((b"aws_key", 0), (b"awskey", 0)), False)),
        (rb"--\w{0,5}(?:token|pwd)", Anchors(((b"pwd", 7), (b"token", 7)), (), False)),
        (rb"(?m:^[ \t]*(?:password|pwd)=)", Anchors(((b"password=", 0), (b"pwd=", 0)), (), True)),
        # the shorter literal is found wherever the longer one is
        (rb"pass|password\d", Anchors(((b"pass", 0),), (), False)),
        (rb"tok|(?i:TOKEN)", Anchors(((b"tok", 0),), ((b"token", 0),), False)),
    ],
)
def test_anchors(pattern, expected):
    assert literal_anchors(pattern) == expected


@pytest.mark.parametrize(
    "pattern",
    [
        rb"\d+",  # no literal at all
        rb"foo|\w+",  # one alternative without a literal
        rb"x+foo",  # the literal is an unbounded distance after the match start
        rb"a\nb",  # a match across lines
        rb"(",  # not a regex
    ],
)
def test_no_anchors(pattern):
    assert literal_anchors(pattern) is None


def test_candidate_regex_is_anchored():
    """The fast path is in force for the history scan's candidate regex."""
    anchors = literal_anchors(CANDIDATE_BYTES.pattern)
    assert anchors is not None and anchors.line_start
    assert all(reach <= 64 for _, reach in anchors.literals + anchors.folded)


def _plain(data: bytes) -> list[int]:
    """What the scan did before: one window per line of a finditer match, added lines only."""
    out: list[int] = []
    for m in CANDIDATE_BYTES.finditer(data):
        start = data.rfind(b"\n", 0, m.start()) + 1
        if (not out or out[-1] != start) and data.startswith(b"+", start):
            out.append(start)
    return out


_FRAGMENTS = [
    b"AKIA",
    b"ASIA",
    b"ABCDEFGHIJKLMNOP0123",
    b"aws_secret",
    b"AWS_SECRET",
    b"AccountKey = ",
    b"ghp_",
    b"github_pat",
    b"glpat-",
    b"xoxb-",
    b"hooks.slack.com/services/",
    b"hf_",
    b"sk-",
    b"sk_live_",
    b"AIza",
    b"pypi-AgE",
    b"npm_",
    b"eyJ",
    b"eyJhbGciOi.eyJ",
    b"https://",
    b"user:secretpw@",
    b"--db-password",
    b"--",
    b"login ",
    b"sshpass",
    b"redis-cli",
    b"mysql",
    b"wandb.login",
    b"WANDB_API_KEY",
    b"password=",
    b"secret_access_key =",
    b"Z2hwX",
    b"LS0tLS1CRUdJT",
    b"export ",
    b"ENV ",
    b"arg ",
    b"MY_TOKEN",
    b"API_KEY",
    b"Token",
    b"-----BEGIN RSA PRIVATE KEY",
    b"PRIVATE_KEY",
    b"'",
    b'"',
    b" + ",
    b"=",
    b":",
    b" ",
    b"\t",
    b"abc",
    b"XYZ9",
    b"_",
]


def _random_patch(rng: random.Random, lines: int) -> bytes:
    out = [b""]
    for _ in range(lines):
        head = rng.choice([b"+", b"+", b"+", b"-", b"@@ -1 +1 @@", b"diff --git a/x b/x", b""])
        body = b"".join(rng.choice(_FRAGMENTS) for _ in range(rng.randint(0, 8)))
        out.append(head + body)
    return b"\n".join(out) + b"\n"


@pytest.mark.parametrize("seed", range(20))
def test_same_lines_as_a_plain_scan(seed):
    data = _random_patch(random.Random(seed), 400)
    expected = _plain(data)
    assert list(secrets_history._added_candidate_lines(data)) == expected
    assert expected  # the fragments do make candidates


def test_plain_scan_without_anchors(monkeypatch):
    data = _random_patch(random.Random(99), 300)
    monkeypatch.setattr(secrets_history, "_anchors", lambda: None)
    assert list(secrets_history._added_candidate_lines(data)) == _plain(data)
