"""Every outcome message of the examples is a sentence, not a matcher's pattern: no regular
expression syntax, no brace glob, no `**` (issue #11 item 1). The patterns live in
`mlaudit explain` and docs/rubric.md."""

from __future__ import annotations

import re

import pytest
from helpers import EXAMPLES_DIR

EXAMPLES = sorted(p.name for p in EXAMPLES_DIR.iterdir() if (p / "expected.yaml").is_file())
PATTERN_SYNTAX = re.compile(
    r"\\[bdswBDSW.()\[\]|]"  # regex escapes: \b \s \d \. …
    r"|\(\?"  # (?i) (?:
    r"|\.\*|\*\.|\*\*|\w\*|\*\w"  # .* *. ** glob wildcards
    r"|\[\^"  # negated class
    r"|\{[^{}$]*,[^{}]*\}"  # brace glob {a,b}
    r"|(?:^|\s)/\^"  # /^…/ regex literal
    r"|\|"  # alternation
)


def pattern_syntax(message: str) -> list[str]:
    return PATTERN_SYNTAX.findall(message)


@pytest.mark.parametrize(
    ("message", "bad"),
    [
        ("no line matching /\\bdbt\\s+run\\b/", True),
        ("no files matching {CHANGELOG,CHANGES}*", True),
        ("no use of mlflow.log_*, wandb.init", True),
        ("no files matching docs/**/*deploy*", True),
        ("no line matching /(?i)foo|bar/", True),
        ('no line such as "dbt run" or "feast materialize"', False),
        ("none of the files CHANGELOG, CHANGES and 3 more", False),
        ('CI runs docker push "$IMAGE:${GITHUB_REF_NAME}" in ci.yml:3', False),
    ],
)
def test_detector(message: str, bad: bool) -> None:
    assert bool(pattern_syntax(message)) is bad


@pytest.mark.parametrize("name", EXAMPLES)
def test_messages_are_words(name: str, scanned) -> None:
    offenders = [
        f"{r.check} {r.outcome.value}: {r.message}"
        for r in scanned(name).results
        if pattern_syntax(r.message)
    ]
    assert offenders == []
