"""Committed-secret detectors: text of one file → findings that never hold the secret.

Detects private keys (PEM headers, GCP service-account JSON), AWS access key ids with a
secret access key nearby, Azure storage / service-bus connection strings, well-known token
formats (GitHub, GitLab, Slack, Hugging Face, OpenAI, Stripe, Google API keys), tokens in
`.env` files, and credentials given literal values in Dockerfile `ARG`/`ENV`.

A finding carries the kind, the 1-based line and a *redacted* form (`AKIA…XYZ1`); the raw
value is never stored, so nothing downstream (evidence, reports) can print it. Dummy values
(`AKIAIOSFODNN7EXAMPLE`, `xxxx`, `<your-key>`, `changeme`, `${VAR}` …) are not findings.

Pure functions: the Snapshot calls them on HEAD files and on the added lines of the git
history (repo/secrets_history.py); probes only read the results.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass

ELLIPSIS = "…"


@dataclass(frozen=True)
class SecretFinding:
    kind: str  # private-key, gcp-service-account, aws-access-key, aws-secret-key, azure-…
    line: int  # 1-based line in the scanned text
    redacted: str  # e.g. AKIA…XYZ1 — never the secret itself
    fingerprint: str  # sha256 prefix of the value, for de-duplication only (never shown)

    def describe(self) -> str:
        return f"{self.kind} {self.redacted}"


# redaction -----------------------------------------------------------------------------------
def redact(value: str) -> str:
    """A form safe to print: the first and last 4 characters of long values, less of short
    ones, never more than a third of the value. `AKIA1234567890ABXYZ1` → `AKIA…XYZ1`."""
    value = value.strip()
    n = len(value)
    if n >= 16:
        return f"{value[:4]}{ELLIPSIS}{value[-4:]}"
    if n >= 9:
        return f"{value[:2]}{ELLIPSIS}{value[-1:]}"
    if n >= 6:
        return f"{value[:1]}{ELLIPSIS}"
    return ELLIPSIS


def _fingerprint(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:16]


# dummy values ---------------------------------------------------------------------------------
_DUMMY_WORDS = (
    "example",
    "sample",
    "dummy",
    "fake",
    "placeholder",
    "changeme",
    "change_me",
    "change-me",
    "your",
    "xxxx",
    "redacted",
    "replace",
    "insert",
    "todo",
    "secret",
    "password",
    "passwd",
    "mytoken",
    "token_here",
    "notreal",
    "not_real",
    "not-a-real",
    "test",
    "1234",
    "abcd",
)
_TEMPLATE = re.compile(r"[<>]|\$\{|\$\(|\{\{|\}\}|%\(|\*\*\*|\.\.\.|…|^\$[A-Za-z_]")


def shannon_entropy(value: str) -> float:
    if not value:
        return 0.0
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def is_dummy(value: str) -> bool:
    """Obvious placeholders, templates and documentation values."""
    v = value.strip().strip("'\"")
    low = v.lower()
    if not v or _TEMPLATE.search(v):
        return True
    if any(word in low for word in _DUMMY_WORDS):
        return True
    if low in {"none", "null", "true", "false", "nil", "undefined", "empty"}:
        return True
    return len(set(v)) < 5


def is_real_value(value: str, *, min_len: int = 8, min_entropy: float = 2.5) -> bool:
    v = value.strip().strip("'\"")
    if len(v) < min_len or is_dummy(v):
        return False
    return shannon_entropy(v) >= min_entropy


# patterns -----------------------------------------------------------------------------------------
_PEM = re.compile(
    r"-----BEGIN ((?:RSA |DSA |EC |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY)( BLOCK)?-----"
)
_PEM_BODY = re.compile(r"[A-Za-z0-9+/=]{40,}")
_AWS_ID = re.compile(r"(?<![A-Z0-9])((?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16})(?![A-Z0-9])")
_AWS_SECRET_NAMED = re.compile(
    r"(?i)aws_?secret_?(?:access_?)?key[\"']?\s*[:=]\s*[\"']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])"
)
_AWS_SECRET_BARE = re.compile(r"(?<![A-Za-z0-9/+=])([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])")
_AZURE = re.compile(r"(?:AccountKey|SharedAccessKey)\s*=\s*([A-Za-z0-9+/]{30,}={0,2})")
_TOKENS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("github-token", re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{36,})\b")),
    ("github-token", re.compile(r"\b(github_pat_[A-Za-z0-9_]{60,})\b")),
    ("gitlab-token", re.compile(r"\b(glpat-[A-Za-z0-9_-]{20,})")),
    ("slack-token", re.compile(r"\b(xox[baprs]-[A-Za-z0-9-]{10,})")),
    (
        "slack-webhook",
        re.compile(r"(hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]+)"),
    ),
    ("huggingface-token", re.compile(r"\b(hf_[A-Za-z]{34,})\b")),
    ("openai-key", re.compile(r"\b(sk-(?:proj-)?[A-Za-z0-9_-]{32,})")),
    ("stripe-key", re.compile(r"\b((?:sk|rk)_live_[0-9A-Za-z]{24,})")),
    ("google-api-key", re.compile(r"\b(AIza[0-9A-Za-z_-]{35})")),
)
_SECRET_NAME = re.compile(
    r"(?i)(token|secret|passw(?:or)?d|pwd|api_?key|access_?key|private_?key|credential|auth_?key)"
)
_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*[=:]\s*(.*?)\s*$")
_DOCKER_LINE = re.compile(r"^\s*(ARG|ENV)\s+(.*)$", re.IGNORECASE)
_DOCKER_PAIR = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:=|\s+)(\"[^\"]*\"|'[^']*'|\S+)")

# Cheap candidate filter: a file (or a stretch of history) with no match is skipped.
CANDIDATE = re.compile(
    r"-----BEGIN[A-Z ]{0,20}PRIVATE KEY|(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}|(?i:aws_?secret)"
    r"|AccountKey\s*=|SharedAccessKey\s*=|gh[pousr]_[A-Za-z0-9]{30}|github_pat_|glpat-"
    r"|xox[baprs]-|hooks\.slack\.com/services/|hf_[A-Za-z]{30}|sk-[A-Za-z0-9_-]{30}"
    r"|_live_[0-9A-Za-z]{20}|AIza[0-9A-Za-z_-]{30}"
    r"|(?m:^[+ \t]*(?:export[ \t]+|ENV[ \t]+|ARG[ \t]+|env[ \t]+|arg[ \t]+)?[A-Z0-9_]*"
    r"(?:TOKEN|SECRET|PASSW|PWD|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH_?KEY)"
    r"[A-Z0-9_]*[ \t]*[=:])"
    r"|(?im:^[+ \t]*(?:ENV|ARG)[ \t]+\w*(?:token|secret|passw|api_?key|access_?key)\w*[ \t=])"
)
CANDIDATE_BYTES = re.compile(CANDIDATE.pattern.encode())


def is_env_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    return name == ".env" or name.startswith(".env.") or name.endswith(".env")


def is_dockerfile(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    return (
        name in {"dockerfile", "containerfile"}
        or name.startswith("dockerfile.")
        or name.endswith(".dockerfile")
    )


def _looks_like_aws_secret(value: str) -> bool:
    if not re.search(r"[a-z]", value) or not re.search(r"[A-Z]", value):
        return False  # hex digests, base32 ids
    if not re.search(r"[0-9/+]", value):
        return False
    return not is_dummy(value) and shannon_entropy(value) >= 3.5


# detection -----------------------------------------------------------------------------------------
def find_secrets(path: str, text: str, *, first_line: int = 1) -> list[SecretFinding]:
    """Secrets in `text` (the content of `path`, or a stretch of it starting at line
    `first_line`), dummy values excluded, each at most once per (kind, value)."""
    if not CANDIDATE.search(text):
        return []
    lines = text.splitlines()
    out: list[SecretFinding] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: str, index: int, value: str, shown: str | None = None) -> None:
        fp = _fingerprint(value)
        if (kind, fp) in seen:
            return
        seen.add((kind, fp))
        out.append(SecretFinding(kind, first_line + index, shown or redact(value), fp))

    env_file = is_env_file(path)
    docker = is_dockerfile(path)
    aws_ids: list[tuple[int, str]] = []
    aws_secrets: list[tuple[int, str]] = []
    for index, line in enumerate(lines):
        if len(line) > 100_000:
            line = line[:100_000]
        pem = _PEM.search(line)
        if pem:
            body = _pem_body(lines, index, pem.end())
            if body is not None:
                gcp = '"private_key"' in line or "'private_key'" in line
                kind = "gcp-service-account" if gcp else "private-key"
                add(kind, index, body, f"{pem.group(1).strip()} {redact(body)}")
        for m in _AWS_ID.finditer(line):
            if not is_dummy(m.group(1)):
                aws_ids.append((index, m.group(1)))
        for m in _AWS_SECRET_NAMED.finditer(line):
            if _looks_like_aws_secret(m.group(1)):
                aws_secrets.append((index, m.group(1)))
        if not _AWS_SECRET_NAMED.search(line):
            for m in _AWS_SECRET_BARE.finditer(line):
                if _looks_like_aws_secret(m.group(1)):
                    aws_secrets.append((index, m.group(1)))
        for m in _AZURE.finditer(line):
            if not is_dummy(m.group(1)) and shannon_entropy(m.group(1)) >= 3.5:
                add("azure-connection-string", index, m.group(1))
        for kind, regex in _TOKENS:
            for m in regex.finditer(line):
                value = m.group(1)
                tail = value.split("_", 1)[-1] if kind != "slack-webhook" else value
                if not is_dummy(tail) and shannon_entropy(tail) >= 3.0:
                    add(kind, index, value)
        if env_file:
            env = _ENV_LINE.match(line)
            if env and not line.lstrip().startswith("#") and _SECRET_NAME.search(env.group(1)):
                value = _unquote(env.group(2))
                if is_real_value(value):
                    add("env-secret", index, value, f"{env.group(1)}={redact(value)}")
        if docker:
            d = _DOCKER_LINE.match(line)
            if d:
                for name, raw in _DOCKER_PAIR.findall(d.group(2)):
                    value = _unquote(raw)
                    if _SECRET_NAME.search(name) and is_real_value(value):
                        add(
                            "dockerfile-credential",
                            index,
                            value,
                            f"{d.group(1).upper()} {name}={redact(value)}",
                        )
    # an AWS key id is only a leak together with its secret (nearby: within 5 lines)
    named = {value for _, value in aws_secrets}
    for index, key_id in aws_ids:
        if any(abs(index - j) <= 5 for j, _ in aws_secrets):
            add("aws-access-key", index, key_id)
    for index, secret in aws_secrets:
        near_id = any(abs(index - j) <= 5 for j, _ in aws_ids)
        explicit = _AWS_SECRET_NAMED.search(lines[index]) is not None and secret in named
        if near_id or explicit:
            add("aws-secret-key", index, secret)
    out.sort(key=lambda f: (f.line, f.kind))
    return out


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    if " #" in value:  # trailing comment in .env
        value = value.split(" #", 1)[0].strip()
    return value


def _pem_body(lines: list[str], index: int, start: int) -> str | None:
    """The first base64 stretch after a PEM header (same line for JSON-escaped keys, else
    the next lines); None when the 'key' is a placeholder such as `...`."""
    rest = lines[index][start:].replace("\\n", "\n")
    candidates = [rest, *lines[index + 1 : index + 4]]
    for chunk in candidates:
        for part in chunk.split("\n"):
            if "-----END" in part:
                return None
            m = _PEM_BODY.search(part)
            if m and not is_dummy(m.group(0)) and shannon_entropy(m.group(0)) >= 4.0:
                return m.group(0)
    return None


_ASSIGN = re.compile(
    r"(?i)([A-Za-z0-9_]*(?:token|secret|passw\w*|api_?key|access_?key|private_?key)"
    r"[A-Za-z0-9_]*[\"']?\s*[=:]\s*[\"']?)([A-Za-z0-9_\-+/=.~]{8,})(?![(\w])"
)


def _credential_like(value: str) -> bool:
    return (
        re.search(r"\d", value) is not None
        and re.search(r"[A-Za-z]", value) is not None
        and is_real_value(value)
    )


def scrub(text: str) -> str:
    """`text` with every detected secret replaced by its redacted form (for snippets)."""
    if not CANDIDATE.search(text) and not _ASSIGN.search(text):
        return text
    out = text
    for regex in [_AWS_SECRET_NAMED, _AZURE, *(r for _, r in _TOKENS)]:
        out = regex.sub(lambda m: m.group(0).replace(m.group(1), redact(m.group(1))), out)
    if _AWS_ID.search(out):
        out = _AWS_SECRET_BARE.sub(
            lambda m: redact(m.group(1)) if _looks_like_aws_secret(m.group(1)) else m.group(0),
            out,
        )
        out = _AWS_ID.sub(lambda m: redact(m.group(1)), out)
    out = _ASSIGN.sub(
        lambda m: m.group(1) + redact(m.group(2)) if _credential_like(m.group(2)) else m.group(0),
        out,
    )
    if _PEM.search(out) or "PRIVATE KEY" in out:
        out = _PEM_BODY.sub(
            lambda m: redact(m.group(0)) if shannon_entropy(m.group(0)) >= 4.0 else m.group(0),
            out,
        )
    return out
