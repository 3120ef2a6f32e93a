"""Literal anchors of a regex (patterns.literal_anchors) and the history secret scan that
uses them to run its candidate regex only where a match can start: the same lines as a
plain `finditer` over the chunk, found at `bytes.find` speed."""

from __future__ import annotations

import random
import re

import pytest

from mlaudit import patterns
from mlaudit.patterns import Anchors, literal_anchors, may_match, search_anchored
from mlaudit.repo import secrets_history
from mlaudit.repo.parsers.secrets import CANDIDATE_BYTES


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (rb"foo|bar", Anchors((("bar", 0), ("foo", 0)), (), False)),
        # a common prefix factored out by the parser is put back: one literal per alternative
        (rb"AKIA|ASIA", Anchors((("AKIA", 0), ("ASIA", 0)), (), False)),
        (rb"(?i:aws_?key)", Anchors((), (("aws_key", 0), ("awskey", 0)), False)),
        (rb"--\w{0,5}(?:token|pwd)", Anchors((("pwd", 7), ("token", 7)), (), False)),
        (r"(?m:^[ \t]*(?:password|pwd)=)", Anchors((("password=", 0), ("pwd=", 0)), (), True)),
        # a line break may come before the literal: not a line anchor, and no bounded reach
        (r"(?m:^\s*foo)", None),
        (r"(?m:^\s{0,3}foo)", Anchors((("foo", 3),), (), False)),
        # the shorter literal is found wherever the longer one is
        (rb"pass|password\d", Anchors((("pass", 0),), (), False)),
        (rb"tok|(?i:TOKEN)", Anchors((("tok", 0),), (("token", 0),), False)),
        # `re` factors the shared `"` out of alternatives that are not exact: their own
        # prefixes anchor, not `"` (every line of a notebook; Made-With-ML, 0.18 s)
        (
            r'"output_type"\s*:|"execution_count"\s*:\s*\d',
            Anchors((('"execution_count"', 0), ('"output_type"', 0)), (), False),
        ),
        (r"ab(?:c\d|d\s)", Anchors((("abc", 0), ("abd", 0)), (), False)),
        # a group folding case inside a branch that does not: its letters cannot be searched
        # as they are written (`aBx` holds no `abx`)
        (r"a(?:(?i:B)|c)x", Anchors((("a", 0),), (), False)),
        (r"a(?:(?i:B)\s|c\s)x", Anchors((("a", 0),), (), False)),
        # rare enough at 8 characters: one literal rather than one per key type
        (
            r"-----BEGIN (?:RSA |EC )?PRIVATE KEY",
            Anchors((("-----BEG", 0),), (), False),
        ),
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
        rb"(",  # not a regex
        r"(?i:straße)",  # case folding beyond ASCII
    ],
)
def test_no_anchors(pattern):
    assert literal_anchors(pattern) is None


@pytest.mark.parametrize(
    ("pattern", "flags", "text"),
    [
        (r"ab+c|(?i:TOKEN)\d", 0, "xx abbbc yy"),
        (r"ab+c|(?i:TOKEN)\d", 0, "xx Token9"),
        (r"ab+c|(?i:TOKEN)\d", 0, "xx ac tokens"),
        (r"(?i:secret)=", 0, "ſecret="),  # re folds ſ to s: the literals cannot tell
        (r"(?i:fix)", 0, "f\u0131x"),  # dotless ı is i to re
        (r"(?i:fix)", 0, "F\u0130X"),  # so is İ, which .lower() makes two characters
        (r"(?i:kelvin)", 0, "\u212aelvin"),  # the Kelvin sign lowers to k
        (r"(?i:token)\d", 0, "ça ✓ TOKEN1"),  # non-ASCII text, no trap: literals decide
        (r"(?i:token)\d", 0, "ça ✓ TOKENS"),
        (r"token", re.IGNORECASE, "a TOKEN"),
        (r"(?m:^[ \t]*key=\d)", 0, "a\n  key=1"),
        (r"(?m:^[ \t]*key=\d)", 0, "a key=1"),
        (r"--\w{0,3}pwd", 0, "--dbpwd"),
        (r"--\w{0,3}pwd", 0, "--longpwd"),
        (r"a(?:(?i:B)|c)x", 0, "xx aBx"),
        (r"a(?:(?i:B)\s|c\s)x", 0, "xx aB x"),
        (r'"output_type"\s*:|"execution_count"\s*:\s*\d', 0, '  "execution_count" : 3'),
    ],
)
def test_search_anchored_is_search(pattern, flags, text):
    regex = re.compile(pattern, flags)
    assert search_anchored(regex, text) == (regex.search(text) is not None)


@pytest.mark.parametrize(
    ("pattern", "text", "may"),
    [
        (r"\b(ghp_[A-Za-z0-9]{36,})\b", "x = 1", False),
        (r"\b(ghp_[A-Za-z0-9]{36,})\b", "ghp_ but too short", False),
        (r"\b(ghp_[A-Za-z0-9]{36,})\b", "ghp_" + "a" * 36, True),
        (r"(?i)wandb", "import WandB", True),
        (r"(?i)wandb", "import mlflow", False),
        (r"(?i)secret", "ſecret", True),  # non-ASCII: the regex decides
        (r"[A-Za-z0-9]{40}", "short", False),  # no literal: only the length bound
        (r"[A-Za-z0-9]{40}", "x" * 40, True),
    ],
)
def test_may_match(pattern, text, may):
    regex = re.compile(pattern)
    assert may_match(regex, text) is may
    if not may:
        assert regex.search(text) is None


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
    monkeypatch.setattr(secrets_history, "literal_anchors", lambda pattern: None)
    assert list(secrets_history._added_candidate_lines(data)) == _plain(data)


@pytest.mark.parametrize(("seed", "piece"), [(s, p) for s in range(6) for p in (5, 13, 1 << 20)])
def test_one_automaton_pass_finds_what_each_find_finds(seed, piece, monkeypatch):
    """Anchors.starts (one Aho-Corasick pass) gives the places of one `find` per literal, on
    bytes and on text: overlapping literals, a literal inside another, folded and exact ones
    sharing a lowered key (PWD / pwd), non-ASCII text of the same length when lowered, and
    literals across the slices the automaton reads (`piece` characters at a time)."""
    monkeypatch.setattr(patterns, "_AUTOMATON_SLICE", piece)
    anchors = literal_anchors(CANDIDATE_BYTES.pattern)
    assert anchors is not None
    data = _random_patch(random.Random(seed), 300) + "PWD pwd Pwd ǅ ſ ça".encode()
    assert anchors.spans(data) == anchors._spans_by_find(data)
    assert anchors.starts(data) == _places_one_by_one(anchors, data)
    text = data.decode("utf-8")
    assert anchors.spans(text) == anchors._spans_by_find(text)
    assert anchors.starts(text) == _places_one_by_one(anchors, text)


def _places_one_by_one(anchors: Anchors, text: str | bytes) -> list[int]:
    """What Anchors.starts means, place by place: `reach` places before each literal and the
    start of its line."""
    binary = isinstance(text, bytes)
    lowered = text.lower() if binary else patterns._lowered(text)
    places: set[int] = set()
    for needles, haystack in ((anchors.literals, text), (anchors.folded, lowered)):
        for literal, reach in needles:
            needle = literal.encode("latin-1") if binary else literal
            at = haystack.find(needle)
            while at >= 0:
                places.update(range(max(0, at - reach), at + 1))
                if anchors.line_start:
                    places.add(text.rfind(b"\n" if binary else "\n", 0, at) + 1)
                at = haystack.find(needle, at + 1)
    return sorted(places)


def test_spans_are_disjoint_merged_ranges():
    anchors = Anchors(literals=(("ab", 2),), folded=(), line_start=True)
    text = "xxab ab\n\nzzzzzzab"
    assert anchors.spans(text) == [(0, 5), (9, 9), (13, 15)]
    assert anchors.starts(text) == [0, 1, 2, 3, 4, 5, 9, 13, 14, 15]


def test_an_empty_literal_is_found_everywhere():
    anchors = Anchors(literals=(("", 0),), folded=(), line_start=False)
    assert anchors.starts("abc") == [0, 1, 2, 3]
    assert Anchors(literals=(), folded=(), line_start=False).starts(b"abc") == []


@pytest.mark.parametrize("dense", [False, True])
def test_grep_finds_every_matching_line_of_a_large_file(tmp_path, dense):
    """Snapshot.grep reads a large file through its literals' places, or line by line where
    they are everywhere (a notebook's outputs): the lines a plain per-line search finds."""
    from tests.helpers import snapshot

    pattern = re.compile(r'"output_type"\s*:|"execution_count"\s*:\s*\d')
    rng = random.Random(7)
    lines = []
    for i in range(6000):
        roll = rng.random()
        if roll < (0.5 if dense else 0.002):
            lines.append(f'   "output_type": "stream", "n": {i}')
        elif roll < (0.9 if dense else 0.004):
            lines.append(f'   "execution_count": {i % 10},')
        else:
            lines.append(f'   "text": "line {i}",')
    text = "\n".join(lines) + "\n"
    snap = snapshot(tmp_path, {"big.ipynb": text})
    expected = [(n, line) for n, line in enumerate(lines, 1) if pattern.search(line)]
    assert len(text) > 1 << 16 and expected
    assert [(n, line) for _, n, line in snap.grep(["big.ipynb"], pattern)] == expected
