"""Text helpers shared by renderers: make repository-controlled strings safe to show."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str, *, max_chars: int = 300) -> str:
    """No control characters (ANSI escapes, bidi overrides), no newlines, bounded length."""
    text = _CONTROL.sub("\ufffd", text.replace("\r", " ").replace("\n", " ").replace("\t", " "))
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"


OUTCOME_SYMBOL = {
    "pass": "✔",
    "partial": "◐",
    "fail": "✘",
    "not_applicable": "–",
    "unknown": "?",
    "error": "!",
}


# Markdown (GitHub-flavoured) -----------------------------------------------------------------
# Every ASCII punctuation character that can start inline markup, a link, raw HTML, an
# entity or a table cell is backslash-escaped (CommonMark: any ASCII punctuation may be).
# Line-start markup (`-`, `1.`, `=`) cannot occur: repository text never starts a line.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#!|~&@$])")


def md(text: str | None, *, max_chars: int = 300) -> str:
    """Repository text made inert in Markdown: one line, no HTML, no links, safe in tables."""
    if not text:
        return ""
    return _MD_SPECIAL.sub(r"\\\1", clean(text, max_chars=max_chars))


def md_code(text: str | None, *, max_chars: int = 300) -> str:
    """An inline code span that no content can break out of (not for table cells: `|`)."""
    if not text:
        return ""
    body = clean(text, max_chars=max_chars)
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if body.startswith("`") or body.endswith("`") or longest else ""
    return f"{fence}{pad}{body}{pad}{fence}"


# Links to evidence -----------------------------------------------------------------------------
def _quote_path(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/-_.~")


def normalise_repo_url(url: str) -> str:
    """`https://host/owner/repo(.git)(/)` → `https://host/owner/repo`; raises on other schemes."""
    from urllib.parse import urlsplit

    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c in url for c in " <>\"'"):
        raise ValueError(f"--repo-url must be an http(s) URL of the repository, got {url!r}")
    url = url.rstrip("/")
    return url[: -len(".git")] if url.endswith(".git") else url


def evidence_url(
    path: str,
    line: int | None,
    *,
    repo_url: str | None = None,
    commit: str | None = None,
    subdir: str = "",
) -> str:
    """Where a piece of evidence can be opened.

    Without `repo_url`: a relative link `./path#Lline` (works for a report committed at the
    scanned root and in GitHub's file view). With it: the file at the commit on GitHub
    (`/blob/<commit>/path#L12`), GitLab (`/-/blob/…#L12`) or Bitbucket (`/src/…#lines-12`).
    """
    if not repo_url:
        return "./" + _quote_path(path) + (f"#L{line}" if line else "")
    base = normalise_repo_url(repo_url)
    ref = _quote_path(commit or "HEAD")
    full = _quote_path(subdir.strip("/") + "/" + path if subdir.strip("/") else path)
    host = base.split("/")[2].lower()
    if "gitlab" in host:
        return f"{base}/-/blob/{ref}/{full}" + (f"#L{line}" if line else "")
    if "bitbucket" in host:
        return f"{base}/src/{ref}/{full}" + (f"#lines-{line}" if line else "")
    return f"{base}/blob/{ref}/{full}" + (f"#L{line}" if line else "")


_MD_PROSE_SPECIAL = re.compile(r"([\\\[\]<>|&@$~#])")


def md_prose(text: str | None, *, max_chars: int = 1200) -> str:
    """Rubric prose (remediation, descriptions): keeps `code`, *emphasis*; no HTML, no links."""
    if not text:
        return ""
    return _MD_PROSE_SPECIAL.sub(r"\\\1", clean(text, max_chars=max_chars))
