"""Text helpers shared by renderers: make repository-controlled strings safe to show."""

from __future__ import annotations

from mlaudit.report.escape import md_code, md_prose, md_text, scalar, terminal

__all__ = ["clean", "evidence_url", "md", "md_code", "md_prose", "normalise_repo_url"]

# One escaping function per output context lives in report/escape.py; these names are the
# ones renderers have always used for the terminal and Markdown contexts.
clean = terminal
md = md_text


OUTCOME_SYMBOL = {
    "pass": "✔",
    "partial": "◐",
    "fail": "✘",
    "not_applicable": "–",
    "unknown": "?",
    "error": "!",
}


# Links to evidence -----------------------------------------------------------------------------
def _quote_path(path: str) -> str:
    from urllib.parse import quote

    return quote(scalar(path), safe="/-_.~")


def normalise_repo_url(url: str) -> str:
    """`https://host/owner/repo(.git)(/)` → `https://host/owner/repo`, percent-encoded.

    Only http(s), a host, and a path: no credentials (a CI job token in `user:token@` would
    be copied into every link of every report), no query or fragment, no character that can
    end a Markdown link or an HTML attribute. Raises ValueError with a redacted message."""
    from urllib.parse import quote, urlsplit

    from mlaudit.repo.parsers.secrets import redact_text

    url = url.strip()
    shown = redact_text(url, max_chars=200)
    try:
        parts = urlsplit(url)
        port = parts.port  # raises on a non-numeric port
    except ValueError:
        raise ValueError(f"--repo-url is not a valid URL: {shown!r}") from None
    if any(c in url for c in "<>\"'`\\") or any(c.isspace() or not c.isprintable() for c in url):
        raise ValueError(f"--repo-url holds characters a repository URL never has: {shown!r}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"--repo-url must be an http(s) URL of the repository, got {shown!r}")
    if "@" in parts.netloc:
        raise ValueError(
            "--repo-url must not contain credentials (user:token@): they would be copied "
            f"into every link of the report; got {shown!r}"
        )
    if parts.query or parts.fragment or "#" in url or "?" in url:
        raise ValueError(
            f"--repo-url must be the repository URL, without ?query or #fragment, got {shown!r}"
        )
    host = (
        parts.hostname.encode("idna").decode("ascii")
        if not parts.hostname.isascii()
        else parts.hostname
    )
    if not all(c.isalnum() or c in "-." for c in host):
        raise ValueError(f"--repo-url has an invalid host name, got {shown!r}")
    path = quote(parts.path, safe="/-._~!$&'*+,;=:@%")
    path = path.rstrip("/")
    if path.endswith(".git"):
        path = path[: -len(".git")]
    netloc = host + (f":{port}" if port is not None else "")
    return f"{parts.scheme}://{netloc}{path}"


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
