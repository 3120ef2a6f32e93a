"""Committed secrets, at HEAD and in the whole git history (SEC committed-secrets).

The detectors live in the Snapshot layer (repo/parsers/secrets.py) and the history pass is
one streaming, bounded `git log -p` run by the Snapshot (repo/secrets_history.py); this
probe only decides. Evidence shows the path, the commit, the line and a redacted form
(`AKIA…XYZ1`): a secret is never printed.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import Field

from mlaudit.probes import base, words
from mlaudit.probes.base import ev
from mlaudit.probes.registry import Params, probe
from mlaudit.repo.globs import matches_any
from mlaudit.repo.parsers.secrets import SecretFinding
from mlaudit.repo.secrets_history import INSTALLED_FOLDERS
from mlaudit.repo.snapshot import Snapshot, derivation_key
from mlaudit.results import Evidence, Observation


def _unread_in_history(snap: Snapshot, skipped: Iterable[str], skip: tuple[str, ...]) -> list[str]:
    """The paths the history scan left out (their objects are missing from this copy) whose
    content could still hold a secret: not a format never read for secrets, and not a file
    the scan at HEAD cannot read either (then both scans skip it alike: zvarrog/sentiment-
    mlops-pipeline artefacts/best_model.joblib, kollie/mlops-project-ci data/raw/
    diabetic_readmission_data.csv; reviewed)."""
    missing_at_head = set(snap.missing_files)
    return sorted(
        path for path in skipped if path not in missing_at_head and not matches_any(path, skip)
    )


# Files never worth reading for secrets (binary or bulk data formats).
SKIP_GLOBS: tuple[str, ...] = (
    "*.png",
    "*.jpg",
    "*.jpeg",
    "*.gif",
    "*.ico",
    "*.pdf",
    "*.zip",
    "*.gz",
    "*.tar",
    "*.tgz",
    "*.whl",
    "*.pt",
    "*.pth",
    "*.pkl",
    "*.joblib",
    "*.h5",
    "*.onnx",
    "*.bin",
    "*.safetensors",
    "*.parquet",
    "*.npy",
    "*.npz",
    "*.so",
    "*.dylib",
    "*.woff*",
    "*.ttf",
)
# Private keys in test fixtures / docs are sample keys, not leaks (catalogue FP "dummy fixtures").
FIXTURE_GLOBS: tuple[str, ...] = (
    "tests/**",
    "test/**",
    "**/tests/**",
    "**/test/**",
    "**/fixtures/**",
    "fixtures/**",
    "**/testdata/**",
    "testdata/**",
    "examples/**",
    "docs/**",
    # third-party packages committed with the project: their samples and API examples
    # (Azure/mlops-templates read_yaml_action/node_modules/@octokit/openapi-types/types.d.ts:6683,
    # a `@example` RSA key in a JSDoc comment; reviewed)
    "**/node_modules/**",
    "**/vendor/**",
    "**/third_party/**",
    "**/site-packages/**",
)
FIXTURE_KINDS = {"private-key"}
# third-party packages committed with the project (a virtual environment, node_modules): their
# code names its own tokens and passwords, their samples and API examples; a credential found
# there by its name alone is the package's, not the project's (surajm20061998/driftAwareMLOPS
# training/.venv/…/mlflow/deployments/server/app.py:183, an example page token; reviewed).
# A provider's key format (AKIA…, ghp_…) still counts there.
VENDORED_GLOBS: tuple[str, ...] = (
    "**/node_modules/**",
    "**/vendor/**",
    "**/third_party/**",
    "**/site-packages/**",
    ".venv/**",
    "**/.venv/**",
    "venv/**",
    "**/venv/**",
)
# installed packages committed with the project (a virtual environment's site-packages,
# node_modules): not read at all, here or in the history (the same folders: INSTALLED_FOLDERS),
# as a secret scanner skips vendored code; the environment's own files (bin/activate,
# pip.conf) are read
INSTALLED_GLOBS: tuple[str, ...] = tuple(f"**/{folder}/**" for folder in INSTALLED_FOLDERS)
NAMED_KINDS = {
    "private-key",
    "code-credential",
    "config-credential",
    "env-secret",
    "url-credential",
    "command-line-password",
    "dockerfile-credential",
}
MAX_FILE_BYTES = 2 * 1024 * 1024


class CommittedSecretsParams(Params):
    history: bool = Field(default=True, description="also scan every commit of the history")
    skip: list[str] = Field(default_factory=lambda: list(SKIP_GLOBS))
    fixtures: list[str] = Field(default_factory=lambda: list(FIXTURE_GLOBS))


def _counts(path: str, finding: SecretFinding, p: CommittedSecretsParams) -> bool:
    if finding.kind in FIXTURE_KINDS and matches_any(path, p.fixtures):
        return False
    return not (finding.kind in NAMED_KINDS and matches_any(path, VENDORED_GLOBS))


_FINDINGS = derivation_key("committed_secrets.findings", MAX_FILE_BYTES)


def _start_history_scan(snap: Snapshot, p: CommittedSecretsParams) -> None:
    if p.history:
        snap.prefetch_history_secrets()


@probe("committed_secrets", CommittedSecretsParams, prefetch=_start_history_scan)
def committed_secrets(snap: Snapshot, p: CommittedSecretsParams) -> Observation:
    """No secret is committed — in the files at HEAD or anywhere in the git history.

    Looks for: private keys (PEM headers, GCP service-account JSON with `private_key`), AWS
    access key ids with a secret access key nearby, Azure connection strings
    (`AccountKey=`/`SharedAccessKey=`), GitHub/GitLab/Slack/Hugging Face/OpenAI/Stripe
    tokens, secret-named variables with real values in `.env` files, and credentials
    given literal values in Dockerfile `ARG`/`ENV`. The history is read in one streaming
    `git log -p --all` pass, bounded in bytes and time (the bound is in the message):
    a key deleted in a later commit is still leaked. The base64 payloads of notebook image
    outputs (`"image/png": "iVBORw0KGg…"`) are not read, in HEAD files or the history: they
    hold pixels, and most of a notebook history's bytes. Dummy values (`AKIAIOSFODNN7EXAMPLE`,
    `xxxx`, `<your-key>`, `changeme`, `${VAR}`), published emulator keys (Azurite's
    `devstoreaccount1` key) and private keys in test fixtures or docs do not count. A history
    git cannot read to the end (objects missing from an incomplete copy) is unknown beyond
    what was read. In a shallow clone the history part is unknown (HEAD is still decided).
    Evidence is redacted (`AKIA…XYZ1`); the secret is never printed.
    Why: a leaked credential gives anyone with a clone access to data, models or cloud
    accounts; removing it in a later commit does not help (hard cap at level 0).
    Fix: revoke and rotate the credential first, then purge it from history
    (`git filter-repo`), load secrets from the environment or a secrets manager, and add
    gitleaks/detect-secrets to pre-commit and CI.
    """
    found: list[Evidence] = []
    ignored = 0
    at_head: set[tuple[str, str]] = set()
    skip = tuple(p.skip) + INSTALLED_GLOBS
    kept = snap.tree_memo(
        ("committed_secrets.kept", skip),
        lambda: [f for f in snap.files if not matches_any(f, skip)],
    )

    def readable(path: str) -> bool:
        return (snap.size(path) or 0) <= MAX_FILE_BYTES and snap.kind(path) == "file"

    def each(path: str) -> tuple[SecretFinding, ...]:
        return tuple(snap.secrets(path)) if readable(path) else ()

    # only the files with findings are listed: a pair per clean file held 16 MiB at 100,000
    # files, while the history scan ran
    with_findings = snap.per_file_loop(_FINDINGS, kept, each)
    scanned = sum(1 for path in kept if readable(path))
    for path, findings in with_findings:
        for finding in findings:
            at_head.add((finding.kind, finding.fingerprint))
            if not _counts(path, finding, p):
                ignored += 1
                continue
            found.append(ev(path, finding.line, finding.redacted, f"{finding.kind} at HEAD"))
    history_note = ""
    history_unknown = ""
    if p.history:
        if snap.git is None:
            history_note = "not a git repository: files only"
        else:
            scan = snap.history_secrets
            if not scan.available:
                history_unknown = scan.reason or "history unavailable"
            else:
                history_note = "history: " + scan.summary()
                removed = 0
                for item in scan.findings:
                    f = item.finding
                    if (f.kind, f.fingerprint) in at_head:
                        continue  # already reported at HEAD
                    if not _counts(item.path, f, p):
                        ignored += 1
                        continue
                    removed += 1
                    note = f"{f.kind} in commit {item.commit[:10]} (no longer at HEAD)"
                    found.append(ev(item.path, f.line, f.redacted, note))
                unread = _unread_in_history(snap, scan.skipped, skip)
                if unread and not found:
                    history_unknown = (
                        f"this copy lacks old versions of {words.listing(unread)}, which the "
                        "files at HEAD do not show"
                    )
                elif scan.failed and not found:
                    history_unknown = (
                        f"git could not read the whole history ({scan.failed}; objects "
                        f"missing from this copy?) after {scan.commits_scanned} commit(s)"
                    )
                elif scan.truncated and not found:
                    history_unknown = (
                        f"history scan stopped at its bound ({scan.bound}) after "
                        f"{scan.commits_scanned} commit(s)"
                    )
    tail = f"; {ignored} sample key(s) in test fixtures/docs ignored" if ignored else ""
    if found:
        head = sum(1 for e in found if e.note and e.note.endswith("at HEAD"))
        parts = [f"{head} at HEAD"] if head else []
        if len(found) > head:
            parts.append(f"{len(found) - head} only in history")
        where = ", ".join(parts)
        message = f"{len(found)} committed secret(s) ({where}) — rotate them"
        if history_note:
            message += f"; {history_note}"
        return base.failed(message + tail, found)
    if history_unknown:
        return base.unknown(
            f"no secret in {scanned} file(s) at HEAD; history not fully scanned: "
            f"{history_unknown}{tail}"
        )
    message = f"no secret in {scanned} file(s) at HEAD"
    if history_note:
        message += f" nor in the history ({history_note.removeprefix('history: ')})"
    return base.passed(message + tail)
