"""One escaping function per output context, applied by every renderer at its boundary.

Repository-controlled strings (file names, commit subjects, branch and tag names, snippets,
notes, rubric text from a repository's own rubric, `--repo-url`) reach eight output formats.
Each format has its own way of being broken out of, so each has exactly one function here:

| context                                  | function          | what cannot happen                     |
|------------------------------------------|-------------------|----------------------------------------|
| terminal, stderr, plain log lines        | `terminal`        | ESC/CSI/OSC sequences, C1, bidi, `\\n`  |
| error messages on stderr                 | `error_line`      | the same, and secrets (redacted)       |
| Markdown inline text (also table cells)  | `md_text`         | HTML, links, emphasis, `\\|` cell break |
| Markdown inline code span                | `md_code`         | leaving the span (fence > any run)     |
| Markdown rubric prose (keeps `code`)     | `md_prose`        | HTML, links, table break               |
| Markdown link destination                | `md_url`          | `)`/space/`<` closing the destination  |
| HTML text and attribute values           | `html`            | tags, attributes (markupsafe)          |
| XML (JUnit) text and attribute values    | `xml`             | characters XML 1.0 forbids (U+FFFF …)  |
| GitHub workflow command message          | `gh_data`         | a second command (`%`, CR, LF encoded) |
| GitHub workflow command property         | `gh_property`     | a property or message break (`:`, `,`) |
| GitHub log line outside a command        | `gh_log`          | a line read as a command (`::`, `##[`) |
| SARIF `artifactLocation.uri`             | `sarif_uri`       | a non-RFC 3986 or absolute reference   |
| JSON documents (json, SARIF, GitLab)     | `json_dumps`      | invalid UTF-8, raw C1/bidi/U+2028      |

Every function first replaces lone surrogates (undecodable bytes of a file name) with
U+FFFD: they cannot be encoded as UTF-8 and would crash the write. Secrets are not handled
here: the Assessment is redacted before any renderer sees it (report/__init__.py).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from markupsafe import Markup, escape

ELLIPSIS = "…"
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# C0 (but tab/newline handled first), DEL, C1 (CSI, OSC … as single code points), bidi
# overrides and isolates, line/paragraph separators, BOM/zero-width no-break space.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")
_LOG_COMMAND = re.compile(r"(?:(?<=\s)|^)(?:::|##\[)")
_XML_INVALID = re.compile(r"[\ufffe\uffff]")


def scalar(text: str) -> str:
    """`text` as Unicode scalar values only (lone surrogates → U+FFFD): always encodable."""
    return _SURROGATE.sub("\ufffd", text)


def _bounded(text: str, max_chars: int) -> str:
    return text if len(text) <= max_chars else text[: max_chars - 1] + ELLIPSIS


# terminal -------------------------------------------------------------------------------------
def terminal(text: str | None, *, max_chars: int = 300) -> str:
    """One inert line: no escape sequence (ESC, CSI, OSC 8 links, C1), no bidi override, no
    newline (a newline could start a forged line in a log), bounded length."""
    if not text:
        return ""
    text = text[: max_chars * 2]  # bound the work before any regex
    text = text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ").replace("\t", " ")
    text = _CONTROL.sub("\ufffd", scalar(text))
    # a CI runner reads `::cmd::` / `##[cmd]` at a line start; a wrapped terminal line can
    # start after any space, so a word-initial marker gets a zero-width space inside it
    text = _LOG_COMMAND.sub(lambda m: m.group(0)[0] + "\u200b" + m.group(0)[1:], text)
    return _bounded(text, max_chars)


def error_line(message: str, *, max_chars: int = 2000) -> str:
    """An error or status message for stderr that may quote the target or user input (a file
    name, a ref, a URL): redacted, then one inert `terminal` line."""
    from mlaudit.repo.parsers.secrets import redact_text

    return terminal(redact_text(message), max_chars=max_chars)


# Markdown (GitHub-flavoured) -------------------------------------------------------------------
# Every ASCII punctuation character that can start inline markup, a link, raw HTML, an entity
# or a table cell is backslash-escaped (CommonMark: any ASCII punctuation may be). Line-start
# markup cannot occur: `terminal` makes the value one line and it never starts a line.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#!|~&@$])")
_MD_PROSE_SPECIAL = re.compile(r"([\\\[\]<>|&@$~#])")


def md_text(text: str | None, *, max_chars: int = 300) -> str:
    """Repository text made inert in Markdown: one line, no HTML, no link, no autolink, no
    mention, no emphasis, safe inside a table cell."""
    if not text:
        return ""
    return _MD_SPECIAL.sub(r"\\\1", terminal(text, max_chars=max_chars))


def md_code(text: str | None, *, max_chars: int = 300, table: bool = False) -> str:
    """An inline code span no content can leave: the fence is one backtick longer than the
    longest run of backticks in the value (backslashes are literal inside a code span, so
    nothing is backslash-escaped). In a GFM table cell (`table=True`) `|` still ends the
    cell even inside a span, so it becomes `\\|`, which GFM turns back into `|`."""
    if not text:
        return ""
    body = terminal(text, max_chars=max_chars)
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if body.startswith("`") or body.endswith("`") or longest else ""
    if table:
        body = body.replace("|", "\\|")
    return f"{fence}{pad}{body}{pad}{fence}"


_MD_CODE_SPAN = re.compile(r"(`+)(.+?)\1")


def md_prose(text: str | None, *, max_chars: int = 1200) -> str:
    """Rubric prose (remediation, descriptions): keeps `code` and *emphasis*; no HTML, no
    link, no table break.

    Escaping applies to the prose between code spans only: inside a code span a backslash
    is shown as it is (`dvc init && dvc add` must not read `dvc init \\&\\& dvc add`), and
    nothing in a code span is markup anyway (CommonMark §6.1)."""
    if not text:
        return ""
    body = terminal(text, max_chars=max_chars)
    out, last = [], 0
    for match in _MD_CODE_SPAN.finditer(body):
        out.append(_MD_PROSE_SPECIAL.sub(r"\\\1", body[last : match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(_MD_PROSE_SPECIAL.sub(r"\\\1", body[last:]))
    return "".join(out)


def md_url(url: str) -> str:
    """A Markdown link destination: only http(s) or relative `./`/`#` targets, and every
    character that could end the destination or the link percent-encoded."""
    url = scalar(url)
    if not url.startswith(("https://", "http://", "./", "#")):
        return "#"
    return quote(url, safe="/:#?&=%@+-._~!$'*,;")


# HTML -----------------------------------------------------------------------------------------
def html(text: str | None, *, max_chars: int = 300) -> Markup:
    """HTML text or attribute value: one clean line, `<>&"'` escaped."""
    return escape(terminal(text, max_chars=max_chars))


# XML (JUnit) ------------------------------------------------------------------------------------
def xml(text: str | None, *, max_chars: int = 1000, multiline: bool = False) -> str:
    """Characters XML 1.0 allows only (no C0 but tab/LF, no U+FFFE/U+FFFF, no surrogate);
    markup characters are left to the XML serializer, which escapes them. `multiline` keeps
    line breaks (each line is cleaned and bounded on its own) for element text."""
    if not text:
        return ""
    if multiline:
        return "\n".join(xml(line, max_chars=max_chars) for line in text.splitlines())
    return _XML_INVALID.sub("\ufffd", terminal(text, max_chars=max_chars))


# GitHub workflow commands ---------------------------------------------------------------------
_GH_CONTROL = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def gh_data(text: str) -> str:
    """The message of `::error …::message`: `%`, CR and LF encoded (the runner decodes them),
    so no second command; other control characters (ESC, OSC, C1 — the log viewer renders
    ANSI sequences) become U+FFFD."""
    text = _GH_CONTROL.sub("\ufffd", scalar(text))
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def gh_property(text: str) -> str:
    """A property value (`file=`, `title=`): also `:` and `,`, which end a property."""
    return gh_data(text).replace(":", "%3A").replace(",", "%2C")


def gh_log(text: str, *, max_chars: int = 2000) -> str:
    """A plain line of the job log that the runner can never read as a workflow command
    (`::add-mask::`, `::stop-commands::`, legacy `##[set-output …]`): one `terminal` line,
    whose word-initial `::`/`##[` markers are broken by a zero-width space."""
    return terminal(text, max_chars=max_chars)


# SARIF ------------------------------------------------------------------------------------------
def sarif_uri(path: str) -> str:
    """A repository path as an RFC 3986 relative reference (resolved against %SRCROOT%):
    UTF-8 percent-encoded, never absolute or scheme-like (`:` in the first segment is
    encoded), never a network path (`//host`)."""
    path = scalar(path).lstrip("/")
    return quote(path, safe="/-._~!$&'()*+,;=@")


# JSON -----------------------------------------------------------------------------------------
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _scalars(value: Any) -> Any:
    if isinstance(value, str):
        return scalar(value)
    if isinstance(value, dict):
        return {scalar(str(k)): _scalars(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scalars(v) for v in value]
    return value


def json_dumps(value: Any, *, indent: int | None = 2) -> str:
    """Sorted, human-readable JSON (UTF-8, not ASCII-escaped) whose characters that can
    act on a terminal or reorder text (`cat report.json`) are `\\u` escapes instead, and
    that is always valid UTF-8. Parses back to the same data."""
    text = json.dumps(_scalars(value), indent=indent, sort_keys=True, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
