"""Committed-secret detectors: text of one file → findings that never hold the secret.

Detects private keys (PEM headers, GCP service-account JSON), AWS access key ids with a
secret access key nearby, Azure storage / service-bus connection strings, well-known token
formats (GitHub, GitLab, Slack, Hugging Face, OpenAI, Stripe, Google API keys, PyPI, npm,
JWTs, W&B API keys next to `wandb`/`WANDB_API_KEY`), credentials in URLs
(`https://user:pass@host`, `https://<token>@host`) and on command lines (`--password x`,
`--db-password=x`, `docker login -p x`, `mysql -px`), keys split across adjacent string
literals or wrapped in base64, tokens in `.env` files, and credentials given literal values
in Dockerfile `ARG`/`ENV`.

`redact_text` is the one redaction function of mlaudit: every string that reaches an output
goes through it (see docs/security.md, "Redaction and output escaping").

A finding carries the kind, the 1-based line and a *redacted* form (`AKIA…XYZ1`); the raw
value is never stored, so nothing downstream (evidence, reports) can print it. Dummy values
(`AKIAIOSFODNN7EXAMPLE`, `xxxx`, `<your-key>`, `changeme`, `${VAR}` …) are not findings.

Pure functions: the Snapshot calls them on HEAD files and on the added lines of the git
history (repo/secrets_history.py); probes only read the results.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from mlaudit.patterns import Anchors, literal_anchors, may_match
from mlaudit.repo.lines import split_lines

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
    # fastapi/full-stack-fastapi-template .env `SECRET_KEY=changethis` (its config refuses to
    # start with it outside development); `changeit` is the JDK keystore's default
    "changethis",
    "change_this",
    "change-this",
    "changeit",
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
    # LocalStack, the AWS emulator, takes any credentials: a value named for it is a stand-in
    # (Pocket/recommendation-api .docker/local.env:5 `AWS_SECRET_ACCESS_KEY=localstack-…`)
    "localstack",
    "not-a-real",
    "test",
    "1234",
    "abcd",
)
# keys published as defaults of local emulators: every installation has the same one, so
# committing it leaks nothing (split so that this file holds no key a scanner would flag)
_PUBLISHED_KEYS = frozenset(
    {
        # Azurite / Azure Storage Emulator, account devstoreaccount1 (Microsoft's docs)
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq"
        + "/K1SZFPTOtr/KBHBeksoGMGw==",
        # MinIO's default root password and its docker-compose examples' (minio/minio123):
        # the login of a throwaway local object store (ThoughtWorksInc/CD4ML-Scenarios .env)
        "minioadmin",
        "minio123",
    }
)
# keys made to be published in client code: they identify a project to a service and grant
# no access to anything (PostHog project keys `phc_…`, write-only analytics: ploomber/ploomber
# src/ploomber/telemetry.py:4 in history; reviewed; Stripe publishable keys, Mapbox public
# tokens)
_PUBLIC_BY_DESIGN = re.compile(
    r"^(?:phc_[A-Za-z0-9]{20,}|pk_(?:live|test)_[A-Za-z0-9]{10,}|pk\.eyJ)"
)
_TEMPLATE = re.compile(r"[<>]|\$\{|\$\(|\{\{|\}\}|%\(|\*\*\*|\.\.\.|…|^\$[A-Za-z_]")
_PLACEHOLDER_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?:=[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)?")
# a bracketed stand-in (`https://[user]:[token]@[netloc]`: mage-ai/mage-ai
# mage_ai/data_preparation/git/__init__.py:668, a comment; reviewed)
_BRACKETED = re.compile(r"\[[^\[\]]*\]|\{[^{}]*\}")
# a dotted name is no secret: a syntax theme's scope in minified JS (`"token":
# "support.function.C99.c"`, mage-ai/mage-ai frontend_dist chunks; reviewed), a module path
_DOTTED_NAME = re.compile(r"[a-z][a-z0-9_-]*(?:\.[A-Za-z][A-Za-z0-9_-]*){2,}")


def shannon_entropy(value: str) -> float:
    if not value:
        return 0.0
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def is_dummy(value: str) -> bool:
    """Obvious placeholders, templates, documentation values and published emulator keys."""
    v = value.strip().strip("'\"")
    low = v.lower()
    if not v or _TEMPLATE.search(v) or v in _PUBLISHED_KEYS or _PUBLIC_BY_DESIGN.match(v):
        return True
    if any(word in low for word in _DUMMY_WORDS):
        return True
    if low in {"none", "null", "true", "false", "nil", "undefined", "empty"}:
        return True
    # a name standing in for the value (`API_KEY=MY_API_KEY`: roboflow/inference
    # tests/inference_cli/integration_tests/assets/example.env:2): capitals, digits and
    # underscores; also a mapping of one name to another (a Beaker/gantry
    # `--env-secret R2_ACCESS_KEY_ID=R2_ACCESS_KEY_ID` names the secret the cluster stores:
    # allenai/OLMo scripts/beaker/annealing/launch_annealing.sh:39)
    if _PLACEHOLDER_NAME.fullmatch(v) or _BRACKETED.fullmatch(v) or _DOTTED_NAME.fullmatch(v):
        return True
    # a provider's prefix on a value too short or wrongly shaped for that provider's tokens
    # is an example written to look like one (HovhannesHovakimyan/mlops-end-to-end-pipeline
    # docs/GITLAB_RUNNER_PROVISIONING_GUIDE.md:108 `--admin-token glpat-ABC123xyz`, nine
    # characters where GitLab issues twenty; reviewed)
    if _PROVIDER_PREFIX.match(v) and not any(
        (m := token.search(v)) is not None and m.group(1) == v for _kind, token in _TOKENS
    ):
        return True
    # (a value of a provider's exact token shape is judged by that shape alone)
    return len(set(v)) < 5 or (_alphabet_run(v) and not _PROVIDER_PREFIX.match(v))


def _alphabet_run(value: str) -> bool:
    """Letters that spell the alphabet in order, whatever their case and the digits between
    them: a value made up to look random (TechITFactory/churn-mlops-prod-v2
    tutorials/module-07-gitops/section-24-argocd-setup.md:266 `--password A7bC9dEfGhI3`, a
    tutorial's login to a local Argo CD; reviewed)."""
    letters = [c for c in value.lower() if c.isalpha()]
    return len(letters) >= 6 and all(ord(b) - ord(a) == 1 for a, b in itertools.pairwise(letters))


_PROVIDER_PREFIX = re.compile(r"gh[pousr]_|github_pat_|glpat-|xox[baprs]-|hf_|npm_|pypi-|sk-|AIza")


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
    ("pypi-token", re.compile(r"(?<![A-Za-z0-9_-])(pypi-AgE[A-Za-z0-9_-]{50,})")),
    ("npm-token", re.compile(r"(?<![A-Za-z0-9_])(npm_[A-Za-z0-9]{36})(?![A-Za-z0-9])")),
    (
        "jwt",
        re.compile(
            r"(?<![A-Za-z0-9_.-])(eyJ[A-Za-z0-9_-]{8,2048}\.eyJ[A-Za-z0-9_-]{8,8192}"
            r"\.[A-Za-z0-9_-]{16,2048})(?![A-Za-z0-9_.-])"
        ),
    ),
)
_SECRET_NAME = re.compile(
    r"(?i)(token|secret|passw(?:or)?d|pwd|api_?key|access_?key|private_?key|credential|auth_?key"
    r"|fernet_?key)"
)


# words that contain a credential word and are no credential: OpenAI's tokenizer library
# (zylon-ai/private-gpt Dockerfile:128-130 `TIKTOKEN_CACHE_DIR`, `TIKTOKEN_ENCODINGS_BASE`)
_NOT_CREDENTIAL_WORDS = re.compile(r"(?i)tiktoken")


def _credential_name(name: str) -> bool:
    """Does a variable's name say it holds a credential? Not when it names where or what
    something is (`…_CACHE_DIR`, `AWS_ACCESS_KEY_ID`, an identifier), nor when the credential
    word is part of a longer word that means something else (`TIKTOKEN_…`)."""
    name = _NOT_CREDENTIAL_WORDS.sub("", name)
    return _SECRET_NAME.search(name) is not None and _CODE_NOT_SECRET.search(name) is None


_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*[=:]\s*(.*?)\s*$")
_DOCKER_LINE = re.compile(r"^\s*(ARG|ENV)\s+(.*)$", re.IGNORECASE)
_DOCKER_PAIR = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:=|\s+)(\"[^\"]*\"|'[^']*'|\S+)")

# Cheap candidate filter: a file (or a stretch of history) with no match is skipped. It runs
# over the whole `git log -p` stream: alternatives start with literals (a leading class such
# as `[ \t]` makes the engine try every position: twice the time).
# a key split across adjacent literals: its first literal ends right after the known prefix
_SPLIT = r"[\w-]{0,80}[\"'](?:[ \t]+|[ \t]*\+[ \t]*)[\"']"
CANDIDATE = re.compile(
    r"-----BEGIN[A-Z ]{0,20}PRIVATE KEY|(?:AKIA|ASIA|ABIA|ACCA)(?:[0-9A-Z]{16}|" + _SPLIT + ")"
    r"|(?i:aws_?secret)|AccountKey\s*=|SharedAccessKey\s*=|gh[pousr]_(?:[A-Za-z0-9]{30}|"
    + _SPLIT
    + r")|github_pat|glpat-|xox[baprs]-|hooks\.slack\.com/services/|hf_(?:[A-Za-z]{30}|"
    + _SPLIT
    + r")|sk-(?:[A-Za-z0-9_-]{30}|"
    + _SPLIT
    + r")|_live_[0-9A-Za-z]{20}|AIza(?:[0-9A-Za-z_-]{30}|"
    + _SPLIT
    + r")|pypi-AgE|npm_(?:[A-Za-z0-9]{30}|"
    + _SPLIT
    + r")|eyJ(?:[A-Za-z0-9_-]{8,64}\.eyJ|"
    + _SPLIT
    + r")"
    r"|://[^\s/@:\"'<>]{0,64}:[^\s/@\"'<>]{6,128}@|://[A-Za-z0-9_.~-]{20,128}@"
    r"|--[\w-]{0,30}(?:passw|pwd|token|secret|api[-_]?key|access[-_]?key)|login[ \t]"
    r"|sshpass|redis-cli|mysql|mariadb|wandb[\w.]{0,30}(?:key|login)"
    r"|WANDB_API_KEY|(?m:^[ \t]*(?:password|secret_access_key)[ \t]*=)"
    # base64 of a key (at the start of the blob); only prefixes that start with an uncommon
    # letter (Z, Q, L): a common first letter would make every position a candidate
    r"|Z2hw[XY]|Z2l0aHViX3BhdF|Z2xwYXQt|QUtJQ|QVNJQ|LS0tLS1CRUdJT|ZXlK"
    r"|(?m:^[+ \t]*(?:export[ \t]+|ENV[ \t]+|ARG[ \t]+|env[ \t]+|arg[ \t]+)?[A-Z0-9_]*"
    r"(?:TOKEN|SECRET|PASSW|PWD|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH_?KEY|FERNET_KEY)"
    r"[A-Z0-9_]*[ \t]*[=:])"
    r"|(?im:^[+ \t]*(?:ENV|ARG)[ \t]+\w*(?:token|secret|passw|api_?key|access_?key)\w*[ \t=])"
    # a quoted literal assigned to a credential name in code (code_credential_findings)
    r"|(?i:passw|secret|token|apikey|api_key|access_key|auth_key)\w{0,30}[\\\"']{0,2}\]?[ \t]*:?=[ \t]*\\?[\"']"
    r"|(?i:passw|secret|token|apikey|api_key|access_key|auth_key)\w{0,30}[\\]?[\"'][ \t]*:[ \t]*\\?[\"']"
    # ... in YAML, unquoted (`password: …`), or as a `- name: …` / `value: …` pair
    r"|(?i:passw|secret|token|apikey|api_key|access_key|auth_key|fernet_key|private_key|pwd)"
    r"[\w.-]{0,30}[\"']?[ \t]*:[ \t]+[\"']?[A-Za-z0-9!@#$%^&*+=?~_./-]{10}"
    r"|(?i:passw|secret|token|apikey|api_key|access_key|auth_key|fernet_key|private_key|pwd)"
    r"[\w.-]{0,30}[\"']?[ \t]*\r?\n[+ \t]*value:"
    r"|(?:TOKEN|SECRET|PASSW|PWD|API_?KEY|ACCESS_?KEY|AUTH_?KEY|FERNET_KEY|PRIVATE_?KEY)[A-Z0-9_]*="
    r"[\"']?[A-Za-z0-9!@#%^&*+?~_./-]{10}"
)
CANDIDATE_BYTES = re.compile(CANDIDATE.pattern.encode())


# A quoted literal assigned to a credential name in code: `password = "…"`, `api_key="…"`
# (a keyword argument), `"token": "…"` (a dict or JSON), the same with a notebook's escaped
# quotes (datarevenue-berlin/OpenMLOps tutorials/wine-quality.ipynb: `password = \"…\"`).
# Only literals that look generated count: 10+ characters with upper and lower case letters and
# digits, no space or path separator, not a placeholder (names, paths, model ids are words).
_CODE_ASSIGNMENT = re.compile(
    r"(?<![\w.])([A-Za-z_][A-Za-z0-9_]{0,60})\\?[\"']?\]?[ \t]*(?::=|=|:)[ \t]*\\?([\"'])"
    r"([^\s\"'\\/]{10,128})\\?\2"
)
# ... or a long lower-case hex token, as DagsHub and many services issue them (Arupreza/
# MLOps-End-to-End-Credit-Card-Fraud-Detection src/train.py:34 `os.environ[
# 'MLFLOW_TRACKING_PASSWORD'] = "0531…f3e1"`, 40 hex; reviewed); a digest is named as one
_HEX_TOKEN = re.compile(r"[0-9a-f]{32,128}")
_CODE_SECRET_NAME = re.compile(
    r"(?i)(?:^|_)(?:passw(?:or)?d|pwd|secret|token|api_?key|apikey|access_?key|auth_?key"
    r"|secret_?key|private_?key|fernet_?key)(?:$|_)|(?:password|passwd|secret|token|apikey|apiKey)$"
)
# a name that holds something about a credential, not the credential itself
_CODE_NOT_SECRET = re.compile(
    r"(?i)(?:_|^)(?:name|names|path|file|dir|env|var|id|ids|type|url|uri|field|len|length|size"
    r"|count|header|prefix|suffix|key_name|pattern|regex|format|template|label|arn|ref"
    r"|hash|digest|checksum|sha\d*|md5)$"
)
# a pagination cursor is a token of a listing, not of an account (mlflow's
# `next_page_token = "eyJpbmRleCI6IDExfQ=="`, base64 of `{"index": 11}`)
_PAGE_TOKEN = re.compile(r"(?i)(?:page|next|continuation|pagination|cursor|sync)_?token")
_PASSWORD_SYMBOLS = frozenset("!@#$%^&*+=?~")
CODE_SUFFIXES = (".py", ".ipynb", ".pyw", ".js", ".ts", ".java", ".go", ".rb", ".scala", ".r")
# settings files whose `name = "value"` lines are read as code's (tovantrang/mlops-end-to-end-2025
# settings.toml:1 `api_token = "…"` in d54f49d, a 40-hex Picsellia token; reviewed)
SETTINGS_SUFFIXES = (".toml", ".cfg", ".ini")


def code_credential_findings(line: str) -> list[tuple[str, str, str]]:
    """(kind, value, shown) for a generated-looking literal assigned to a credential name."""
    out: list[tuple[str, str, str]] = []
    for m in _CODE_ASSIGNMENT.finditer(line):
        name, value = m.group(1), m.group(3)
        if not _CODE_SECRET_NAME.search(name) or _CODE_NOT_SECRET.search(name):
            continue
        if _PAGE_TOKEN.search(name) or not _strong_literal(value):
            continue
        out.append(("code-credential", value, f"{name} = {redact(value)}"))
    return out


# a YAML mapping entry: `password: …`, `- POSTGRES_PASSWORD: …`
_YAML_ENTRY = re.compile(
    r"""^[+ \t]*(?:-[ \t]+)?["']?([A-Za-z_][\w.-]{0,63})["']?[ \t]*:[ \t]+(\S.*?)[ \t]*$"""
)
# the name of a `- name: … / value: …` pair (Kubernetes env, Azure Container Apps secrets)
_YAML_NAME = re.compile(r"""^([+ \t]*)-[ \t]+name:[ \t]+["']?([\w.-]{1,64})["']?[ \t]*$""")
_YAML_VALUE = re.compile(r"""^[+ \t]*value:[ \t]+(\S.*?)[ \t]*$""")
# a Compose `environment:` list item: `- POSTGRES_PASSWORD=…`
_YAML_ENV_ITEM = re.compile(
    r"""^[+ \t]*-[ \t]+["']?([A-Za-z_][\w.]{0,63})=([^"'\s]+)["']?[ \t]*$"""
)


def _strong_literal(value: str) -> bool:
    """A value a generator or a person made to be hard to guess: 10+ characters, digits with
    letters of both cases, or a long hex token, or letters and digits with symbols — a
    password a person chose (choikwangil95/HKToss-MLOps-Project-Final modelapi/services/
    model.py:295 `password="q1w2…"` for a Redis on a public address; reviewed); not a path,
    URL, reference or placeholder."""
    if not 10 <= len(value) <= 256 or value.startswith(("/", "./", "~", "$", "{", "[", "&", "*")):
        return False
    if any(c.isspace() for c in value) or "://" in value or "\\" in value:
        return False
    hex_token = _HEX_TOKEN.fullmatch(value) is not None and not value.isdigit()
    mixed_case = any(c.islower() for c in value) and any(c.isupper() for c in value)
    symbolic = any(c in _PASSWORD_SYMBOLS for c in value) and any(c.isalpha() for c in value)
    if not (mixed_case or hex_token or symbolic):
        return False
    # a Kubernetes Secret's `data:` holds base64: what it wraps decides (`WyJSRVBMQUNFX1dJVEhf
    # UkVBTF9LRVkiXQ==` is `["REPLACE_WITH_REAL_KEY"]`: aakash1552005/telco-churn-mlops
    # infra/k8s/secret.yaml:40; reviewed)
    decoded = _decoded(value)
    if decoded is not None and is_dummy(decoded):
        return False
    return any(c.isdigit() for c in value) and is_real_value(value, min_entropy=3.0)


def _yaml_value(raw: str) -> str | None:
    """The literal of a YAML scalar, None for a block, an anchor or a flow collection."""
    raw = raw.strip()
    if raw[:1] in ("'", '"'):
        end = raw.find(raw[0], 1)
        return raw[1:end] if end > 0 else None
    if raw[:1] in ("|", ">", "&", "*", "{", "[", "!"):
        return None
    return raw.split(" #", 1)[0].strip()


def _yaml_credential_name(name: str) -> bool:
    """A YAML key or `name:` that names a credential as a whole word (`password`,
    `DB_PASSWORD`, `acr-password`), not a word that contains one (`tokenizer: google/bert…`
    in MLOps-Basics configs/model/default.yaml:2)."""
    words = re.sub(r"[-.]", "_", name)
    return _CODE_SECRET_NAME.search(words) is not None and _credential_name(words)


# a Mage pipeline's trigger file: its `token` is the trigger's key in the scheduler's API URL,
# which Mage writes for every trigger (online-gaming-mlops-project machine_learning/pipelines/
# batch_inference/triggers.yaml:13, a daily schedule)
_MAGE_TRIGGERS = re.compile(r"(?:^|/)pipelines/[^/]+/triggers\.ya?ml$")


def yaml_credential_findings(lines: Sequence[str], index: int) -> list[tuple[str, str, str]]:
    """(kind, value, shown) for a hard-to-guess literal given to a credential name in YAML:
    `password: …`, `- POSTGRES_PASSWORD=…`, and the value of a `- name: …password` item
    (a Kubernetes env entry; an Azure Container Apps secret: r-kowalczyk/model-serving-
    platform app.yaml:14-15 in 80a75d1, a registry's admin password; reviewed). A word such
    as `postgres` or `mlflow123` is a development default, not reported."""
    line = lines[index]
    out: list[tuple[str, str, str]] = []
    entry = _YAML_ENTRY.match(line)
    if entry and entry.group(1) != "value" and _yaml_credential_name(entry.group(1)):
        value = _yaml_value(entry.group(2))
        if value is not None and _strong_literal(value):
            out.append(("config-credential", value, f"{entry.group(1)}: {redact(value)}"))
    item = _YAML_ENV_ITEM.match(line)
    if item and _yaml_credential_name(item.group(1)) and _strong_literal(item.group(2)):
        out.append(("config-credential", item.group(2), f"{item.group(1)}={redact(item.group(2))}"))
    pair = _YAML_VALUE.match(line)
    if pair and index > 0:
        for back in range(index - 1, max(-1, index - 4), -1):
            named = _YAML_NAME.match(lines[back])
            if named is None:
                continue
            if _yaml_credential_name(named.group(2)):
                value = _yaml_value(pair.group(1))
                if value is not None and _strong_literal(value):
                    out.append(("config-credential", value, f"{named.group(2)}: {redact(value)}"))
            break
    return out


def is_yaml(path: str) -> bool:
    return path.lower().endswith((".yml", ".yaml"))


# an environment template: what its values hold is for the reader to replace
_ENV_TEMPLATE = re.compile(
    r"(?i)(?:^|/)(?:\.env\.(?:example|sample|template|dist|tpl)|(?:example|sample|template)\.env)$"
)
# a phrase of lower-case words: an instruction in the reader's language, not a generated value
# (PhucBao1/ecommerce-mlops-platform .env.example:40 `ADMIN_API_KEY=doi-key-nay-truoc-khi-
# deploy`, Vietnamese for "change this key before deploying"; reviewed); or a word and a
# number, the template's development default (boubnacer/AirQuality-MLOps-Platform
# .env.example:3, the project's name and three digits; reviewed)
_WORD_PHRASE = re.compile(r"[a-z]+(?:[-_.][a-z]+){2,}|[a-z]{3,20}[-_]?\d{1,6}")


def is_env_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    return name == ".env" or name.startswith(".env.") or name.endswith(".env")


def is_credential_config(path: str) -> bool:
    """INI-like files whose `password = …` / `secret_access_key = …` lines hold credentials:
    DVC's config (remote passwords, S3 keys) and pip's `.pypirc`."""
    name = path.rsplit("/", 1)[-1].lower()
    return path.lower().endswith((".dvc/config", ".dvc/config.local")) or name == ".pypirc"


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


# notebook images -----------------------------------------------------------------------------------
# A notebook keeps each figure it drew as one base64 string (`"image/png": "iVBORw0KGgo…"`):
# pixels, not text anyone typed. In a data-science repository they are most of the bytes (80 %
# of jakevdp/PythonDataScienceHandbook's 216 MB of history patches) and every literal search
# of the secret scan reads them. Their payloads are blanked before the scan: only a run of base64
# characters (and `\n` escapes) that starts with an image signature, is a JSON string under an
# image key (`"image/png"`, nbformat 3's `"png"`), and ends on the same line. The line stays,
# so every line number is unchanged; a line that is anything else is left as it is.
_IMAGE_SIGNATURES = ("iVBORw0KGg", "/9j/", "R0lGOD")  # PNG, JPEG, GIF in base64
_IMAGE_KEY = r'[+-]?[ \t]*"(?:image/)?(?:png|jpeg|gif)"[ \t]*:[ \t]*"'
_IMAGE_KEY_STR = re.compile(_IMAGE_KEY)
_IMAGE_KEY_BYTES = re.compile(_IMAGE_KEY.encode())
_BASE64_JSON = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\\"


def blank_image_payloads(text: Any) -> Any:
    """`text` (str or bytes: a file, or `git log -p` output whose content lines start with
    `+`/`-`) with the base64 payload of each notebook image output removed, line for line."""
    binary = isinstance(text, bytes)
    quote: Any = b'"' if binary else '"'
    newline: Any = b"\n" if binary else "\n"
    key = _IMAGE_KEY_BYTES if binary else _IMAGE_KEY_STR
    cuts: list[tuple[int, int]] = []
    for signature in _IMAGE_SIGNATURES:
        needle: Any = (quote + signature.encode()) if binary else quote + signature
        at = text.find(needle)
        while at >= 0:
            start = at + 1
            end = text.find(quote, start)
            line_end = text.find(newline, start)
            if end >= 0 and (line_end < 0 or end < line_end):
                line_start = text.rfind(newline, 0, at) + 1
                if key.fullmatch(text, line_start, start) and _base64_run(text[start:end]):
                    cuts.append((start, end))
                at = text.find(needle, end + 1)
            else:
                at = text.find(needle, start)
    if not cuts:
        return text
    cuts.sort()
    pieces = []
    kept = 0
    for start, end in cuts:
        pieces.append(text[kept:start])
        kept = end
    pieces.append(text[kept:])
    return (b"" if binary else "").join(pieces)


def _base64_run(payload: str | bytes) -> bool:
    if isinstance(payload, str):
        try:
            payload = payload.encode("ascii")
        except UnicodeEncodeError:
            return False
    return not payload.translate(None, _BASE64_JSON)


# detection -----------------------------------------------------------------------------------------
def find_secrets(path: str, text: str, *, first_line: int = 1) -> list[SecretFinding]:
    """Secrets in `text` (the content of `path`, or a stretch of it starting at line
    `first_line`), dummy values excluded, each at most once per (kind, value). The payloads
    of notebook images are not read (blank_image_payloads)."""
    text = blank_image_payloads(text)
    candidates = _candidate_rows(text)
    if not candidates:
        return []
    lines = split_lines(text)
    env_file = is_env_file(path)
    config_file = is_credential_config(path)
    docker = is_dockerfile(path)
    yaml_file = is_yaml(path) and not _MAGE_TRIGGERS.search(path)
    code = path.lower().endswith(CODE_SUFFIXES + SETTINGS_SUFFIXES)
    # every line of a file whose whole format is settings; elsewhere only the lines around a
    # candidate (the history scan's windows): the detectors cost ~2 MB/s, and a repository of
    # LLM responses held 30 MB of JSON with a candidate here and there (ray-project/
    # llm-applications experiments/: 14 s)
    rows: Iterable[int] = range(len(lines)) if env_file or config_file or docker else candidates
    out: list[SecretFinding] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: str, index: int, value: str, shown: str | None = None) -> None:
        fp = _fingerprint(value)
        if (kind, fp) in seen:
            return
        seen.add((kind, fp))
        out.append(SecretFinding(kind, first_line + index, shown or redact(value), fp))

    aws_ids: list[tuple[int, str]] = []
    aws_secrets: list[tuple[int, str]] = []
    for index in rows:
        if index >= len(lines):
            break
        line = lines[index]
        if len(line) > 100_000:
            line = line[:100_000]
        pem = _PEM.search(line)
        if pem:
            body = _pem_body(lines, index, pem.end())
            if body is not None:
                gcp = '"private_key"' in line or "'private_key'" in line
                kind = "gcp-service-account" if gcp else "private-key"
                add(kind, index, body, f"{pem.group(1).strip()} {redact(body)}")
        # may_match: a cheap `in` test that skips a regex which cannot match the line
        if may_match(_AWS_ID, line):
            for m in _AWS_ID.finditer(line):
                if not is_dummy(m.group(1)):
                    aws_ids.append((index, m.group(1)))
        named = may_match(_AWS_SECRET_NAMED, line) and _AWS_SECRET_NAMED.search(line)
        if named:
            for m in _AWS_SECRET_NAMED.finditer(line):
                if _looks_like_aws_secret(m.group(1)):
                    aws_secrets.append((index, m.group(1)))
        elif may_match(_AWS_SECRET_BARE, line):
            for m in _AWS_SECRET_BARE.finditer(line):
                if _looks_like_aws_secret(m.group(1)):
                    aws_secrets.append((index, m.group(1)))
        if may_match(_AZURE, line):
            for m in _AZURE.finditer(line):
                if not is_dummy(m.group(1)) and shannon_entropy(m.group(1)) >= 3.5:
                    add("azure-connection-string", index, m.group(1))
        for kind, value in _token_findings(line):
            add(kind, index, value)
        for kind, value, shown in _url_findings(line) + _cli_findings(line) + _wandb_findings(line):
            add(kind, index, value, shown)
        for kind, value, shown in _wrapped_findings(line):
            add(kind, index, value, shown)
        if code and may_match(_CODE_ASSIGNMENT, line):
            for kind, value, shown in code_credential_findings(line):
                # a value a specific detector named (a GitHub token …) is reported once
                if not any(fp == _fingerprint(value) for _, fp in seen):
                    add(kind, index, value, shown)
        if yaml_file and (":" in line or "=" in line):
            for kind, value, shown in yaml_credential_findings(lines, index):
                # a value a specific detector named (a GitHub token …) is reported once
                if not any(fp == _fingerprint(value) for _, fp in seen):
                    add(kind, index, value, shown)
        if env_file or config_file:
            env = _ENV_LINE.match(line)
            comment = line.lstrip().startswith(("#", ";"))
            if env and not comment and _credential_name(env.group(1)):
                value = _unquote(env.group(2))
                phrase = _WORD_PHRASE.fullmatch(value) is not None and _ENV_TEMPLATE.search(path)
                if is_real_value(value) and not phrase:
                    kind = "env-secret" if env_file else "config-credential"
                    add(kind, index, value, f"{env.group(1)}={redact(value)}")
        if docker:
            d = _DOCKER_LINE.match(line)
            if d:
                for name, raw in _DOCKER_PAIR.findall(d.group(2)):
                    value = _unquote(raw)
                    if _credential_name(name) and is_real_value(value):
                        add(
                            "dockerfile-credential",
                            index,
                            value,
                            f"{d.group(1).upper()} {name}={redact(value)}",
                        )
    # an AWS key id is only a leak together with its secret (nearby: within 5 lines)
    named_values = {value for _, value in aws_secrets}
    for index, key_id in aws_ids:
        if any(abs(index - j) <= 5 for j, _ in aws_secrets):
            add("aws-access-key", index, key_id)
    for index, secret in aws_secrets:
        near_id = any(abs(index - j) <= 5 for j, _ in aws_ids)
        explicit = _AWS_SECRET_NAMED.search(lines[index]) is not None and secret in named_values
        if near_id or explicit:
            add("aws-secret-key", index, secret)
    out.sort(key=lambda f: (f.line, f.kind))
    return out


# lines each side of a candidate that the detectors read, in the tree and in the history's
# patches alike: an AWS key id pairs with a secret up to 5 lines away (find_secrets)
CANDIDATE_WINDOW = 8


def _candidate_rows(text: str) -> list[int]:
    """Indices of the lines within CANDIDATE_WINDOW of a line where a candidate match
    starts, in order (a PEM body is read from its BEGIN line on, whatever the window)."""
    anchors = literal_anchors(CANDIDATE.pattern)
    if anchors is None:
        starts = [m.start() for m in CANDIDATE.finditer(text)]
    else:
        starts = _candidate_starts(text, anchors)
    rows: set[int] = set()
    line, last = 0, 0
    for at in starts:
        line += text.count("\n", last, at)
        last = at
        rows.update(range(max(0, line - CANDIDATE_WINDOW), line + CANDIDATE_WINDOW + 1))
    return sorted(rows)


def _candidate_starts(text: str, anchors: Anchors) -> list[int]:
    """Where a candidate match starts, the first one of each line: the rows are all the
    caller needs, and a JSON line holding a literal a thousand times is tried once."""
    match = CANDIDATE.match
    starts: list[int] = []
    decided = -1  # no place up to here needs trying
    for first, last in anchors.spans(text):
        place = max(first, decided + 1)
        while place <= last:
            if match(text, place):
                starts.append(place)
                end = text.find("\n", place)
                decided = len(text) if end < 0 else end
                place = decided + 1
            else:
                place += 1
    return starts


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


# credentials in URLs and command lines ----------------------------------------------------------
# Every pattern below starts where a run of the characters it consumes starts (a look-behind on
# that same class) and uses bounded repetitions, so each run is examined once: linear time.
_URL_CREDENTIAL = re.compile(
    r"(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]{0,20}://)"
    r"([^\s/?#@:\"'<>]{0,128}):([^\s/?#@\"'<>]{1,256})@([A-Za-z0-9.\[\]:_-]{1,255})"
)
# the host of a Sentry DSN (`https://<public key>@o123.ingest.sentry.io/456`: lancedb/lancedb
# python/lancedb/utils/sentry_log.py:97 in history; reviewed): Sentry documents the key as
# safe to publish, it only submits events
_SENTRY_HOST = re.compile(r"(?:[\w-]+\.)*(?:ingest\.(?:[\w-]+\.)?sentry\.io|sentry\.io)\b")
_URL_USER_TOKEN = re.compile(
    r"(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]{0,20}://)([A-Za-z0-9_.~-]{20,256})@"
)
_FLAG = (
    r"[\w-]{0,30}?(?:password|passwd|passwrd|pwd|token|secret|api[-_]?key|access[-_]?key"
    r"|auth[-_]?key)(?:[-_][\w-]{0,20})?"
)
_CLI_LONG = re.compile(
    r"(?i)(?<![\w-])(--" + _FLAG + r")(?:=|[ \t]+)([\"']?)([^\s\"'`;|&),]{1,256})"
)
# short flags that take a password for one well-known tool: found per shell command segment
# (split on `|;&`), so every character is looked at a bounded number of times
_SEGMENT = re.compile(r"[^|;&\n]+")
_SHORT_TOOLS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (
        re.compile(
            r"(?i)(?<![\w-])(?:docker|podman|nerdctl|helm|buildah|skopeo|oras)[ \t]+"
            r"(?:registry[ \t]+)?login(?![\w-])"
        ),
        re.compile(r"(?<![\w-])(-p[ \t]+|--password[= \t]+)([\"']?)([^\s\"'`)]{1,256})"),
    ),
    (
        re.compile(r"(?i)(?<![\w-])sshpass(?![\w-])"),
        re.compile(r"(?<![\w-])(-p[ \t]*)([\"']?)([^\s\"'`)]{1,256})"),
    ),
    (
        re.compile(r"(?i)(?<![\w-])redis-cli(?![\w-])"),
        re.compile(r"(?<![\w-])(-a[ \t]+)([\"']?)([^\s\"'`)]{1,256})"),
    ),
    (  # mysql -pSECRET (attached); `-p` alone prompts, `-p name` names a database
        re.compile(r"(?i)(?<![\w-])(?:mysql(?:dump|admin|import|sh)?|mariadb)(?![\w-])"),
        re.compile(r"(?<![\w-])(-p)([\"']?)([^\s\"'`)-][^\s\"'`)]{0,255})"),
    ),
)


def _short_flag_values(line: str) -> list[tuple[str, str, int]]:
    """(flag, value, offset of value) for `docker login -p x`, `sshpass -p x`,
    `redis-cli -a x`, `mysql -px` in `line`."""
    out: list[tuple[str, str, int]] = []
    if not any(may_match(tool, line) for tool, _ in _SHORT_TOOLS):
        return out
    for seg in _SEGMENT.finditer(line):
        text = seg.group(0)
        for tool, flag in _SHORT_TOOLS:
            found = tool.search(text)
            if not found:
                continue
            m = flag.search(text, found.end())
            if m:
                out.append((m.group(1).strip(" \t="), m.group(3), seg.start() + m.start(3)))
            break
    return out


_WANDB = re.compile(
    r"(?i)(?<![A-Za-z0-9_])((?:wandb[\w.]{0,30}?(?:api[-_]?key|key|login)|wandb_api_key)"
    r"[\s\"'=:(,]{0,12}(?:key[\s\"'=:]{0,6})?|wandb[ \t]+login(?:[ \t]+--[\w-]{1,20})*[ \t]+)"
    r"([0-9a-f]{40})(?![0-9A-Za-z])"
)
_BEARER = re.compile(r"(?i)(?<![A-Za-z0-9_])(bearer[ \t]+)([A-Za-z0-9._~+/-]{16,2048}=*)")
_ASSIGN = re.compile(
    r"(?i)(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]{0,40}?(?:token|secret|passw(?:or)?d|pwd|api_?key"
    r"|access_?key|private_?key|auth_?key|credential)s?[A-Za-z0-9_.-]{0,20}[\"']?[ \t]{0,3}"
    r"[=:][ \t]{0,3}[\"']?)([A-Za-z0-9_\-+/=.~!@#%^*]{6,256})(?![(\[\w])"
)
_VALUE_LINE = re.compile(r"""(\bvalue:[ \t]*["']?)([A-Za-z0-9_\-+/=.~!@#%^*]{20,256})""")
_LOCAL_HOSTS = ("localhost", "127.", "0.0.0.0", "[::1]", "::1", "host.docker.internal")
# multicast DNS names answer on the local network only (RFC 6762): `cam.local`
_LOCAL_SUFFIXES = (".local",)
_BASE64 = re.compile(r"(?<![A-Za-z0-9+/=_-])([A-Za-z0-9+/_-]{20,}={0,2})(?![A-Za-z0-9+/=_-])")
_STRING_LITERAL = re.compile(r"\"([^\"\\\n]{0,512})\"|'([^'\\\n]{0,512})'")
_LITERAL_GLUE = re.compile(r"[ \t]*\+?[ \t]*(?:\\[ \t]*)?")
MAX_BASE64_CHARS = 4096  # a wrapped key is short; longer blobs (images) are not decoded


def is_reference(value: str) -> bool:
    """An environment or template reference, not a value (`$X`, `${X}`, `%(x)s`, `<token>`,
    `{{ secrets.X }}`, `$(cat file)`)."""
    v = value.strip().strip("'\"")
    return not v or _TEMPLATE.search(v) is not None or v.startswith(("$", "%", "{"))


def _local_host(host: str) -> bool:
    host = host.lower()
    name = host.split(":", 1)[0].rstrip(".")
    return any(host == h or host.startswith(h) for h in _LOCAL_HOSTS) or name.endswith(
        _LOCAL_SUFFIXES
    )


_DOCUMENTATION_DOMAINS = ("example.com", "example.org", "example.net")
_DOCUMENTATION_TLDS = (".example", ".test", ".invalid")


# Go's MySQL DSN names the address after the credentials: `user:pass@tcp(mysql:3306)/db`
_DSN_ADDRESS = re.compile(r"\((?:\[[^\]]*\]|[A-Za-z0-9._-]+)(?::\d+)?\)")


def _service_host(host: str, rest: str) -> bool:
    """A host name of one label (`mysql`, `db`, `redis`, or Go's `tcp(mysql:3306)`): a
    service of a Docker Compose or Kubernetes network, reachable only from inside it
    (gorse-io/gorse config/config.toml:26 `mysql://gorse:gorse_pass@tcp(mysql:3306)/gorse`,
    the Compose file's database; reviewed)."""
    name = host.split(":", 1)[0].lower()
    if name in ("tcp", "unix") and rest.startswith("("):
        match = _DSN_ADDRESS.match(rest)
        if match is None:
            return False
        name = match.group().strip("()").split(":", 1)[0].lower()
        if name.startswith("["):
            return False
    return bool(name) and "." not in name and not name.startswith("[")


def _documentation_host(host: str) -> bool:
    """A name reserved for documentation (RFC 2606): no credential for it can be live
    (`https://1234abcd:5678ef@sentry.example.com/30` in a README's "E.g.")."""
    name = host.split(":", 1)[0].lower().rstrip(".")
    return name.endswith(_DOCUMENTATION_TLDS) or any(
        name == d or name.endswith("." + d) for d in _DOCUMENTATION_DOMAINS
    )


# a local service's password made of lower-case words (`deepface_pass` for a test database
# on localhost:5433: serengil/deepface tests/integration/test_postgres_register.py:23;
# reviewed) is a development default, as `postgres:postgres@localhost` is
_WORDS_ONLY = re.compile(r"[a-z]+(?:[_-][a-z]+)*\d{0,4}")
# ... and so is one that says what it is, as a container's password policy asks (SQL
# Server's image wants capitals, digits and a symbol: zilliztech/GPTCache
# gptcache/manager/scalar_data/manager.py:10 `mssql+pyodbc://sa:Strongpsw_123@127.0.0.1:1434`;
# reviewed)
_DEFAULT_LIKE = re.compile(
    r"(?i)(?=[a-z]*(?:strong|pass|psw|pwd|secret|admin|test|dev|demo|example))[a-z]+[_!@#.-]?\d{0,6}[!@#.]?"
)


# Azure storage URLs name the container (file system) before the `@`, never a credential
# (microsoft/FLAML lowcode/…/autoMLMock_forecasting.json `abfss://4be2…500a@dxt-onelake…`, a
# OneLake workspace id; reviewed)
_CONTAINER_SCHEMES = frozenset({"abfs://", "abfss://", "wasb://", "wasbs://"})


def _url_findings(line: str) -> list[tuple[str, str, str]]:
    """(kind, value, shown) for credentials in URLs: `scheme://user:password@host` and
    `scheme://<token>@host`. Placeholders, references and local services with default
    passwords (`postgres:postgres@localhost`) are not leaks."""
    out: list[tuple[str, str, str]] = []
    if not may_match(_URL_CREDENTIAL, line) and not may_match(_URL_USER_TOKEN, line):
        return out
    for m in _URL_CREDENTIAL.finditer(line):
        user, password, host = m.group(2), m.group(3), m.group(4)
        if is_reference(password) or is_dummy(password) or password == user:
            continue
        if (_local_host(host) or _service_host(host, line[m.end() :])) and (
            not is_real_value(password, min_len=12)
            or _WORDS_ONLY.fullmatch(password)
            or _DEFAULT_LIKE.fullmatch(password)
        ):
            continue
        if _documentation_host(host):
            continue
        if len(password) < 6:
            continue
        out.append(("url-credential", password, f"{m.group(1)}{user}:{redact(password)}@{host}"))
    for m in _URL_USER_TOKEN.finditer(line):
        token = m.group(2)
        if m.group(1).lower() in _CONTAINER_SCHEMES:
            continue
        if _SENTRY_HOST.match(line, m.end()):
            continue  # a Sentry DSN's key is public by design: it only lets clients report
        if is_real_value(token, min_len=20, min_entropy=3.5) and re.search(r"\d", token):
            out.append(("url-credential", token, f"{m.group(1)}{redact(token)}@"))
    return out


# `NAME=VALUE` given to a flag (Beaker/gantry `--secret S2_API_KEY=…`, docker `-e X=…`)
_ENV_MAPPING = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}=(.+)")
# an identifier of underscore-joined words: with a credential word among them it names a
# secret stored elsewhere (allenai/open-instruct scripts/train/dr-tulu/dr_tulu_qwen35.sh:35
# `--secret S2_API_KEY=hamishivi_S2_API_KEY`, a Beaker workspace secret; reviewed)
_SECRET_NAMED = re.compile(r"[A-Za-z][A-Za-z0-9]{0,20}(?:_[A-Za-z0-9]{1,20}){1,8}")


# the login a tool's quick start creates, a word and a few digits: `airflow users create
# --password admin123` for a local Airflow (ameytrainer/sales-forecasting-mlops
# airflow/scripts/setup_airflow.sh:63; reviewed), `minioadmin`; a default, not a credential
# (in lower case, as the quick starts write them; a login to a named host is a credential
# whatever its value: `mysql -h prod-db.acme.com -proot2024`)
_DEFAULT_LOGIN = re.compile(
    r"(?:admin|administrator|password|passw(?:or)?d|pass|airflow|mlflow|postgres|root|user|"
    r"guest|demo|test|secret|minio|minioadmin|grafana|superset|jupyter|default|changeit)\d{0,4}"
)
_REMOTE_HOST = re.compile(
    r"\b(?!localhost\b)[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|ai|cloud|dev|app|co|"
    r"internal|amazonaws\.com|azure\.com|[a-z]{2})\b",
    re.IGNORECASE,
)


def _default_login(value: str) -> bool:
    return _DEFAULT_LOGIN.fullmatch(value) is not None


def _cli_findings(line: str) -> list[tuple[str, str, str]]:
    """(kind, value, shown) for passwords given on a command line: `--password x`,
    `--db-password=x`, `docker login -p x`, `mysql -px`, `sshpass -p x`, `redis-cli -a x`."""
    candidates = (
        [(m.group(1), m.group(3)) for m in _CLI_LONG.finditer(line)]
        if may_match(_CLI_LONG, line)
        else []
    )
    candidates += [(flag, value) for flag, value, _ in _short_flag_values(line)]
    out = []
    for flag, given in candidates:
        if flag.lower().endswith(("-stdin", "-file", "-env", "-path", "-var", "-command")):
            continue
        # `--secret NAME=VALUE` sets a variable: VALUE is what may be a secret
        mapping = _ENV_MAPPING.fullmatch(given)
        value = mapping.group(1) if mapping else given
        if _SECRET_NAMED.fullmatch(value) and _SECRET_NAME.search(value):
            continue  # the name of a secret the platform stores, not its value
        if value.startswith("-") or is_reference(value) or is_dummy(value):
            continue
        if len(value) < 6 or not _credential_like(value, min_len=6):
            continue
        if _default_login(value) and not _REMOTE_HOST.search(line):
            continue
        # `--secret NAME` / `--token-name x` often name a secret rather than hold it: only a
        # password flag takes a short value, the others need a long, random-looking one
        if not re.search(r"(?i)pass|pwd|^-p$|^-a$", flag) and not is_real_value(
            value, min_len=12, min_entropy=3.2
        ):
            continue
        out.append(("command-line-password", value, f"{flag} {redact(value)}"))
    return out


def _wandb_findings(line: str) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    if not may_match(_WANDB, line):
        return out
    for m in _WANDB.finditer(line):
        key = m.group(2)
        if not is_dummy(key) and shannon_entropy(key) >= 3.0:
            out.append(("wandb-api-key", key, f"W&B key {redact(key)}"))
    return out


def _jwt_is_real(token: str) -> bool:
    """A JWT whose header decodes to JSON with an `alg`, and not the jwt.io example."""
    import base64
    import json

    header = token.split(".", 1)[0]
    try:
        decoded = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    except (ValueError, TypeError):
        return False
    if not isinstance(decoded, dict) or "alg" not in decoded:
        return False
    return "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c" not in token and not is_dummy(
        token.rsplit(".", 1)[-1]
    )


_PUBLIC_LINK = re.compile(r"/(?:embed|share|shared|public)/\Z")


# a token padded with one character repeated eight times or more is written by hand: in a
# random token of 36 characters that run has a chance of about one in 10^11
# (`ghp_PersonalAccessToken01245678900000000`, @octokit/auth-token README.md:61, committed
# under Azure/mlops-templates read_yaml_action/node_modules/; reviewed)
_PADDED = re.compile(r"(.)\1{7,}")


def _token_findings(text: str) -> list[tuple[str, str]]:
    """(kind, value) of well-known token formats in `text`."""
    out: list[tuple[str, str]] = []
    for kind, regex in _TOKENS:
        if not may_match(regex, text):
            continue
        for m in regex.finditer(text):
            value = m.group(1)
            if kind == "jwt":
                # a share or embed link is meant to be public: its token names what is shown
                # (roboflow/inference README.md:158 app.roboflow.com/workflows/embed/eyJ…)
                public = _PUBLIC_LINK.search(text, max(0, m.start() - 16), m.start())
                if _jwt_is_real(value) and public is None:
                    out.append((kind, value))
                continue
            tail = value.split("_", 1)[-1] if kind != "slack-webhook" else value
            if not is_dummy(tail) and shannon_entropy(tail) >= 3.0 and not _PADDED.search(tail):
                out.append((kind, value))
    return out


def _decoded(blob: str) -> str | None:
    """The text a base64 (or base64url) blob wraps, when it is printable ASCII."""
    import base64
    import binascii

    if len(blob) > MAX_BASE64_CHARS or len(blob) % 4 == 1:
        return None
    padded = blob + "=" * (-len(blob) % 4)
    try:
        raw = (
            base64.urlsafe_b64decode(padded)
            if "-" in blob or "_" in blob
            else base64.b64decode(padded, validate=True)
        )
    except (binascii.Error, ValueError):
        return None
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        return None
    return (
        text if text.isprintable() or all(c.isprintable() or c in "\n\r\t" for c in text) else None
    )


def _wrapped_findings(line: str) -> list[tuple[str, str, str]]:
    """(kind, value, shown) for a key wrapped in base64 (`echo -n $TOKEN | base64`, a
    Kubernetes Secret's `data:`), or split across adjacent string literals
    (`"ghp_" "abc…"`, `'sk-' + '…'`) so that no single literal looks like a key."""
    out: list[tuple[str, str, str]] = []
    blobs = _BASE64.finditer(line) if may_match(_BASE64, line) else ()
    for m in blobs:
        blob = m.group(1)
        text = _decoded(blob)
        if text is None:
            continue
        inner = [(k, v) for k, v in _token_findings(text)]
        inner += [(k, v) for k, v, _ in _url_findings(text)]
        if _PEM.search(text):
            inner.append(("private-key", blob))
        for kind, _value in inner[:1]:
            out.append((f"{kind} (base64)", blob, f"base64 {redact(blob)}"))
    for group in _literal_groups(line):
        joined = "".join(part for _, _, part in group)
        pieces = [part for _, _, part in group]
        for kind, value in _token_findings(joined):
            if any(value in piece for piece in pieces):
                continue  # one literal holds it: found by the plain detectors
            out.append((f"{kind} (split)", value, redact(value)))
    return out


def _literal_groups(line: str) -> list[list[tuple[int, int, str]]]:
    """Runs of two or more string literals joined by nothing, spaces or `+` (Python's
    implicit concatenation, JavaScript's `+`): (start, end, content) of each."""
    groups: list[list[tuple[int, int, str]]] = []
    current: list[tuple[int, int, str]] = []
    if not may_match(_STRING_LITERAL, line):
        return groups
    for m in _STRING_LITERAL.finditer(line):
        content = m.group(1) if m.group(1) is not None else m.group(2) or ""
        item = (m.start(), m.end(), content)
        if current and _LITERAL_GLUE.fullmatch(line, current[-1][1], m.start()):
            current.append(item)
            continue
        if len(current) > 1:
            groups.append(current)
        current = [item]
    if len(current) > 1:
        groups.append(current)
    return groups


def _credential_like(value: str, *, min_len: int = 8) -> bool:
    return (
        re.search(r"\d", value) is not None
        and re.search(r"[A-Za-z]", value) is not None
        and is_real_value(value, min_len=min_len)
    )


# the one redaction function ---------------------------------------------------------------------
REDACT_MAX_CHARS = 10_000
_HINT = re.compile(
    r"(?i)gh[pousr]_|github_pat_|glpat-|xox[baprs]-|hooks\.slack|hf_|sk-|_live_|aiza|akia|asia"
    r"|abia|acca|eyj|pypi-|npm_|://|-----begin|private key|accountkey|sharedaccesskey|token"
    r"|secret|passw|pwd|api.?key|access.?key|auth|credential|wandb|bearer|mysql|mariadb"
    r"|sshpass|redis-cli|login|[A-Za-z0-9+/_-]{20}|[\"'][ \t+]*[\"']"
)


def redact_text(text: str, *, max_chars: int = REDACT_MAX_CHARS) -> str:
    """`text` with every secret the detectors know replaced by its redacted form — the one
    function every string goes through before any output (evidence snippets at creation;
    the whole Assessment, Verdict and diff report at the renderer boundary; error messages
    that quote user input).

    Linear time: the text is cut to `max_chars` FIRST (at a word boundary, so the cut never
    leaves the start of a secret behind), then each pattern scans it once. Idempotent:
    a redacted form (`ghp_…x7Qz`) matches no pattern."""
    if len(text) > max_chars:
        head = text[: max(0, max_chars - 1)]
        cut = max(head.rfind(" "), head.rfind("\n"), head.rfind("\t"))
        text = (head[: cut + 1] if cut >= 0 else "") + ELLIPSIS
    if not _HINT.search(text):
        return text
    out = text
    for _kind, value in _token_findings(out):
        out = out.replace(value, redact(value))
    for regex in (_AWS_SECRET_NAMED, _AZURE):
        out = regex.sub(lambda m: m.group(0).replace(m.group(1), redact(m.group(1))), out)
    if _AWS_ID.search(out):
        out = _AWS_SECRET_BARE.sub(
            lambda m: redact(m.group(1)) if _looks_like_aws_secret(m.group(1)) else m.group(0),
            out,
        )
        out = _AWS_ID.sub(lambda m: redact(m.group(1)), out)
    out = _URL_CREDENTIAL.sub(
        lambda m: (
            m.group(0)
            if is_reference(m.group(3))
            else f"{m.group(1)}{m.group(2)}:{redact(m.group(3))}@{m.group(4)}"
        ),
        out,
    )
    out = _URL_USER_TOKEN.sub(
        lambda m: (
            f"{m.group(1)}{redact(m.group(2))}@"
            if is_real_value(m.group(2), min_len=20, min_entropy=3.5)
            else m.group(0)
        ),
        out,
    )
    out = _CLI_LONG.sub(
        lambda m: (
            m.group(0)
            if _not_a_password(m.group(3))
            else m.group(0)[: m.start(3) - m.start(0)] + redact(m.group(3))
        ),
        out,
    )
    spans = [
        (start, start + len(value))
        for _, value, start in _short_flag_values(out)
        if not _not_a_password(value)
    ]
    out = _replace_spans(out, spans)
    out = _WANDB.sub(lambda m: m.group(1) + redact(m.group(2)), out)
    out = _BEARER.sub(lambda m: m.group(1) + redact(m.group(2)), out)
    out = _ASSIGN.sub(
        lambda m: (
            m.group(1) + redact(m.group(2))
            if _credential_like(m.group(2), min_len=6) and not is_reference(m.group(2))
            else m.group(0)
        ),
        out,
    )
    # a `value:` line quoted alone, a hard-to-guess literal whatever its name: the name of a
    # `- name: …password` pair is on another line, which a snippet may not hold
    out = _VALUE_LINE.sub(
        lambda m: (
            m.group(1) + redact(m.group(2))
            if _strong_literal(m.group(2)) and shannon_entropy(m.group(2)) >= 3.5
            else m.group(0)
        ),
        out,
    )
    for kind, value, _shown in _wrapped_findings(out):
        if kind.endswith("(base64)"):
            out = out.replace(value, redact(value))
    out = _replace_spans(out, [(start, end) for _, _, start, end in _secret_literals(out)])
    if _PEM.search(out) or "PRIVATE KEY" in out:
        out = _PEM_BODY.sub(
            lambda m: redact(m.group(0)) if shannon_entropy(m.group(0)) >= 4.0 else m.group(0),
            out,
        )
    return out


def _not_a_password(value: str) -> bool:
    return is_reference(value) or value.startswith("-") or len(value) < 4


def _secret_literals(text: str) -> list[tuple[str, str, int, int]]:
    """(kind, literal, start, end) of each string-literal content that is part of a key split
    across adjacent literals."""
    out = []
    for group in _literal_groups(text):
        joined = "".join(part for _, _, part in group)
        kinds = [k for k, _ in _token_findings(joined)] + [k for k, _, _ in _url_findings(joined)]
        if kinds:
            out += [(kinds[0], part, s + 1, e - 1) for s, e, part in group if part]
    return out


def _replace_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each (start, end) span replaced by its redacted form, in one pass."""
    if not spans:
        return text
    pieces = []
    last = 0
    for start, end in sorted(set(spans)):
        if start < last:
            continue  # overlapping: already redacted
        pieces += [text[last:start], redact(text[start:end])]
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def redact_strings(value: Any, *, then: Callable[[str], str] | None = None) -> Any:
    """`value` (a pydantic model, tuple, list, dict or string) with `redact_text` (and then
    `then`, if given) applied to every string it holds; models are copied only where a
    string changed. Each distinct string is redacted once (an Assessment repeats its paths,
    ids and messages: about a third of its strings are distinct)."""
    from pydantic import BaseModel

    changed: dict[str, str | None] = {}  # string → its redacted form, None when unchanged

    def walk(value: Any) -> Any:
        if type(value) is str:  # not str enums (Outcome): their values are ours
            if value in changed:
                new = changed[value]
                return value if new is None else new
            redacted = redact_text(value)
            if then is not None:
                redacted = then(redacted)
            changed[value] = None if redacted == value else redacted
            return value if redacted == value else redacted
        if isinstance(value, BaseModel):
            changes = {}
            for name in type(value).model_fields:
                old = getattr(value, name)
                new = walk(old)
                if new is not old:
                    changes[name] = new
            return value.model_copy(update=changes) if changes else value
        if isinstance(value, (tuple, list)):
            items = [walk(v) for v in value]
            if all(a is b for a, b in zip(items, value, strict=True)):
                return value
            return type(value)(items)
        if isinstance(value, dict):
            pairs = {walk(k): walk(v) for k, v in value.items()}
            if all(k in value and value[k] is v for k, v in pairs.items()):
                return value
            return pairs
        return value

    return walk(value)
