"""Policy: the effective configuration of a run, from one precedence chain.

flags > `MLAUDIT_*` environment > config file > defaults.

The config file is `.mlaudit.yaml` (or `.mlaudit.yml`) or the `[tool.mlaudit]` table of
`pyproject.toml`, found in the scanned folder or the nearest parent up to the git root
(`.mlaudit.yaml` wins over `pyproject.toml` in the same folder), or given with `--config`.
Keys are the long flag names (`fail-under`, `extend-ignore` …; `fail_under` is accepted too).
An unknown key is an error naming the key, where it is and the nearest valid key.
Paths of inputs (`rubric`, `baseline`) are relative to the config file's folder. `output`
is a flag or `MLAUDIT_OUTPUT` only: a scanned repository never chooses where files are written.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mlaudit.errors import UsageError

MAX_CONFIG_BYTES = 1024 * 1024
ENV_PREFIX = "MLAUDIT_"
CONFIG_FILES = (".mlaudit.yaml", ".mlaudit.yml")
PROFILES = ("auto", "research", "batch", "online-serving")
SeverityName = Literal["info", "low", "medium", "high", "critical"]


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=True,
        alias_generator=lambda name: name.replace("_", "-"),
        defer_build=True,
    )


class Waiver(_Model):
    """An accepted risk: `check` is waived, for `reason`, until `until` (inclusive)."""

    check: str = Field(description="check id (SEC004) or name (committed-secrets)")
    reason: str = Field(min_length=1, description="why the risk is accepted; shown in reports")
    until: dt.date | str | None = Field(
        default=None,
        description="last day the waiver holds (YYYY-MM-DD, inclusive); a past or malformed "
        "date means expired: the check counts again",
    )
    paths: list[str] = Field(
        default_factory=list,
        description="optional globs (scan-root relative): the waiver only covers findings "
        "whose evidence lies entirely in these paths",
    )

    @field_validator("until", mode="before")
    @classmethod
    def _until(cls, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return value.date()
        if value is None or isinstance(value, dt.date):
            return value
        return str(value)  # kept as text; a malformed date makes the waiver expired

    def expiry(self) -> dt.date | None:
        if isinstance(self.until, dt.date):
            return self.until
        return None


class Minimum(_Model):
    level: int | None = Field(default=None, ge=0, le=4)
    score: float | None = Field(default=None, ge=0, le=100)


class Policy(_Model):
    """Every configurable value. JSON Schema: `mlaudit rubric schema --kind config`."""

    rubric: str = Field(default="default", description="'default' or a rubric YAML file")
    profile: Literal["auto", "research", "batch", "online-serving"] = Field(
        default="auto", description="which qualities apply; auto detects it"
    )
    select: list[str] | None = Field(
        default=None, description="check ids, prefixes (SEC) or ALL to run (default: ALL)"
    )
    ignore: list[str] = Field(default_factory=list, description="check ids/prefixes not to run")
    extend_select: list[str] = Field(default_factory=list, description="added to select")
    extend_ignore: list[str] = Field(default_factory=list, description="added to ignore")
    fail_under: float | None = Field(
        default=None, ge=0, le=100, description="fail when the overall score is below this"
    )
    fail_under_level: int | None = Field(
        default=None, ge=0, le=4, description="fail when the overall maturity level is below"
    )
    fail_under_index: float | None = Field(
        default=None, ge=0, le=4, description="fail when the maturity index (0.0–4.0) is below"
    )
    fail_on: SeverityName | None = Field(
        default=None, description="fail on any failing check of this severity or higher"
    )
    fail_on_regression: bool = Field(
        default=False, description="diff: fail when a check or a level regressed"
    )
    exit_zero: bool = Field(default=False, description="report only: exit 0 even if a gate fails")
    minimums: dict[str, int | Minimum] = Field(
        default_factory=dict,
        description="minimum level (or {level, score}) per quality (TST, testing), per "
        "artifact (data, model, code) or per cell (TST/code)",
    )
    format: list[str] = Field(default_factory=list, description="output formats (repeatable)")
    output: list[str] = Field(
        default_factory=list, description="FORMAT=FILE: write that format to a file"
    )
    baseline: str | None = Field(
        default=None, description="report and gate only failures not in this baseline file"
    )
    include_untracked: bool = Field(default=False, description="also read untracked files")
    commit_limit: int = Field(default=10_000, ge=1, description="read at most N commits")
    verbose: bool = Field(default=False, description="show every check with its evidence")
    timestamp: bool = Field(
        default=False, description="record the wall-clock time of the scan (breaks byte-identity)"
    )
    repo_url: str | None = Field(default=None, description="repository URL for links")
    waivers: list[Waiver] = Field(default_factory=list, description="accepted risks")

    @field_validator("fail_on", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value


# keys of the file (kebab-case) → field names
KEYS: dict[str, str] = {name.replace("_", "-"): name for name in Policy.model_fields}
# keys that only make sense in a file (no flag, no environment variable)
FILE_ONLY = {"waivers", "minimums"}
# keys a config file may not set: the scanned repository must not choose where files are
# written (scanning an untrusted repository must never overwrite the user's files)
NOT_IN_FILE = {"output"}
# keys only the person running the scan may set (flags, environment, --config): from the
# scanned repository's own config they would silence the operator's gate (`exit-zero`) or
# shorten the history that the secrets check reads (`commit-limit`). See docs/security.md.
OPERATOR_ONLY = {"exit-zero", "commit-limit"}
_LIST_KEYS = {
    k for k, f in Policy.model_fields.items() if "list" in str(f.annotation) and k != "waivers"
}
_BOOL_KEYS = {k for k, f in Policy.model_fields.items() if f.annotation in (bool, "bool")}


@dataclass
class Settings:
    """The effective Policy plus where each value came from."""

    policy: Policy
    sources: dict[str, str] = field(default_factory=dict)
    config_path: Path | None = None
    # who chose the config file: "operator" (--config, MLAUDIT_CONFIG) or "repository" (found
    # in the scanned repository, which then may only name files inside `repo_root`)
    origin: Literal["operator", "repository"] | None = None
    repo_root: Path | None = None

    @property
    def base_dir(self) -> Path:
        return self.config_path.parent if self.config_path else Path.cwd()

    def resolve_input(self, key: str, value: str) -> str:
        """A path-valued input from the config file is relative to the file's folder."""
        if value == "default" or not self.sources.get(key, "").startswith("file"):
            return value
        path = Path(value)
        return str(path if path.is_absolute() else self.base_dir / path)

    def confinement(self, key: str) -> Path | None:
        """The folder a path-valued input must stay in: the repository root when the value
        comes from the repository's own config file, else None (the operator's choice)."""
        if self.origin == "repository" and self.sources.get(key, "").startswith("file"):
            return self.repo_root
        return None

    def show(self) -> str:
        """TOML-like listing of every key with its value and source."""
        lines = [f"# config file: {self.config_path or 'none found'}"]
        data = self.policy.model_dump(mode="json", by_alias=True)
        for key in sorted(data):
            value = data[key]
            shown = json.dumps(value, sort_keys=True, ensure_ascii=False)
            lines.append(f"{key} = {shown}  # {self.sources.get(KEYS[key], 'default')}")
        return "\n".join(lines) + "\n"


def config_json_schema() -> dict[str, Any]:
    schema = Policy.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "mlaudit configuration ([tool.mlaudit] or .mlaudit.yaml)"
    return schema


# --- finding and reading the config file -------------------------------------------------
def find_repo_root(start: Path) -> Path:
    """The folder whose settings the scanned repository controls: the nearest folder up from
    `start` holding `.git`, or `start` itself (its folder, for a file) outside any repository."""
    try:
        folder = start.resolve()
    except OSError:
        return start
    if folder.is_file():
        folder = folder.parent
    probe = folder
    while True:
        if (probe / ".git").exists():
            return probe
        if probe.parent == probe:
            return folder
        probe = probe.parent


def find_config(start: Path) -> Path | None:
    """The nearest `.mlaudit.yaml` or pyproject.toml with [tool.mlaudit], from `start` up to
    the repository root (find_repo_root): never above it, and never a file that resolves out
    of it (a committed symlink to /etc/shadow is refused before it is read)."""
    root = find_repo_root(start)
    try:
        folder = start.resolve()
    except OSError:
        return None
    if folder.is_file():
        folder = folder.parent
    while True:
        for name in CONFIG_FILES:
            if os.path.lexists(folder / name):
                return folder / name  # read (and refused if it escapes) by load_settings
        pyproject = folder / "pyproject.toml"
        if os.path.lexists(pyproject) and re.search(
            r"^\s*\[\s*tool\.mlaudit[\].]", _read(pyproject, inside=root), re.MULTILINE
        ):
            return pyproject
        if folder == root or folder.parent == folder:
            return None
        folder = folder.parent


def _read(path: Path, inside: Path | None = None) -> str:
    from mlaudit.inputs import read_input

    return read_input(
        path, what="configuration", limit=MAX_CONFIG_BYTES, error=UsageError, inside=inside
    )


def read_config_file(
    path: Path, inside: Path | None = None
) -> tuple[dict[str, Any], dict[str, int]]:
    """The raw mapping of a config file and the line of each top-level key."""
    text = _read(path, inside)
    if path.name == "pyproject.toml" or path.suffix == ".toml":
        try:
            import tomllib  # type: ignore[import-not-found,unused-ignore]
        except ModuleNotFoundError:  # Python 3.10
            import tomli as tomllib  # type: ignore[no-redef,import-not-found,unused-ignore]
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise UsageError(f"{path}: invalid TOML: {exc}") from None
        if path.name == "pyproject.toml":
            data = data.get("tool", {}).get("mlaudit", {})
        if not isinstance(data, dict):
            raise UsageError(f"{path}: [tool.mlaudit] must be a table")
        return data, _toml_key_lines(text, data)
    from mlaudit.repo.parsers.yaml_docs import parse_yaml

    parsed = parse_yaml(text)
    if parsed.error:
        raise UsageError(f"{path}: {parsed.error}")
    docs = [d for d in parsed.documents if d is not None]
    if not docs:
        return {}, {}
    if len(docs) != 1 or not isinstance(docs[0], dict):
        raise UsageError(f"{path}:1: the configuration must be one YAML mapping")
    return dict(docs[0]), dict(getattr(docs[0], "key_lines", {}))


def _toml_key_lines(text: str, data: Mapping[str, Any]) -> dict[str, int]:
    lines: dict[str, int] = {}
    all_lines = text.splitlines()
    for key in data:
        pattern = re.compile(
            rf"^\s*[\"']?{re.escape(str(key))}[\"']?\s*=|\[tool\.mlaudit\.{re.escape(str(key))}\]"
        )
        for number, line in enumerate(all_lines, start=1):
            if pattern.search(line):
                lines[str(key)] = number
                break
    return lines


def _canonical(key: str) -> str:
    return str(key).replace("_", "-")


def unknown_key_error(key: str, where: str) -> UsageError:
    close = difflib.get_close_matches(_canonical(key), list(KEYS), n=1, cutoff=0.5)
    hint = f"; did you mean {close[0]!r}?" if close else f"; valid keys: {', '.join(sorted(KEYS))}"
    return UsageError(f"{where}: unknown configuration key {key!r}{hint}")


# --- environment -----------------------------------------------------------------------
def _env_value(name: str, raw: str) -> Any:
    if name in _BOOL_KEYS:
        low = raw.strip().lower()
        if low in ("1", "true", "yes", "on"):
            return True
        if low in ("0", "false", "no", "off", ""):
            return False
        raise UsageError(f"{ENV_PREFIX}{name.upper()}={raw!r}: expected true or false")
    if name in _LIST_KEYS:
        return [part.strip() for part in re.split(r"[,\s]+", raw) if part.strip()]
    return raw


def env_layer(env: Mapping[str, str]) -> dict[str, tuple[Any, str]]:
    layer: dict[str, tuple[Any, str]] = {}
    for var, raw in env.items():
        if not var.startswith(ENV_PREFIX):
            continue
        name = var[len(ENV_PREFIX) :].lower()
        if name not in Policy.model_fields or name in FILE_ONLY:
            continue  # other MLAUDIT_* variables (MLAUDIT_CONFIG …) are not policy keys
        layer[name] = (_env_value(name, raw), f"env {var}")
    return layer


# --- putting it together ---------------------------------------------------------------
def _describe(exc: ValidationError, sources: dict[str, str], lines: dict[str, int]) -> str:
    messages = []
    for err in exc.errors()[:5]:
        loc = [str(p) for p in err["loc"]]
        name = loc[0].replace("-", "_") if loc else ""
        where = sources.get(name, "")
        if where.startswith("file ") and _canonical(loc[0]) in lines:
            where = f"{where[5:]}:{lines[_canonical(loc[0])]}"
        shown = ".".join(_canonical(p) for p in loc)
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = f"unknown key {loc[-1]!r}"
        if where.startswith("flag ") and len(loc) == 1:
            # a flag names itself once: `--fail-under-level: input should be …`
            messages.append(f"{where[5:]}: {msg[:1].lower()}{msg[1:]}")
            continue
        messages.append(f"{where or 'configuration'}: {shown}: {msg}")
    return "; ".join(messages)


def load_settings(
    target: Path,
    flags: Mapping[str, Any] | None = None,
    *,
    config_file: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """Build the effective Policy. `flags` maps field names to values given on the command
    line (None = not given)."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}

    if config_file is None and env.get(f"{ENV_PREFIX}CONFIG"):
        config_file = Path(env[f"{ENV_PREFIX}CONFIG"])
    repo_root = find_repo_root(target)
    origin: Literal["operator", "repository"] | None = None
    inside: Path | None = None
    if config_file is not None:
        if not config_file.exists():
            raise UsageError(f"config file not found: {config_file}")
        path: Path | None = config_file
        origin = "operator"
    else:
        path = find_config(target)
        origin, inside = ("repository", repo_root) if path is not None else (None, None)
    key_lines: dict[str, int] = {}
    if path is not None:
        raw, key_lines = read_config_file(path, inside)
        for key, value in raw.items():
            canon = _canonical(key)
            if canon not in KEYS:
                line = key_lines.get(str(key))
                raise unknown_key_error(str(key), f"{path}:{line}" if line else str(path))
            if canon in NOT_IN_FILE:
                line = key_lines.get(str(key))
                raise UsageError(
                    f"{path}:{line or 1}: `{canon}` cannot be set in a configuration file (the "
                    f"scanned repository must not choose where files are written); use "
                    f"--{canon} or {ENV_PREFIX}{canon.upper().replace('-', '_')}"
                )
            if canon in OPERATOR_ONLY and origin == "repository":
                line = key_lines.get(str(key))
                raise UsageError(
                    f"{path}:{line or 1}: `{canon}` cannot be set by the scanned repository's "
                    f"own configuration (only by whoever runs the scan): use --{canon}, "
                    f"{ENV_PREFIX}{canon.upper().replace('-', '_')} or --config FILE"
                )
            key_lines.setdefault(canon, key_lines.get(str(key), 0))
            values[KEYS[canon]] = value
            sources[KEYS[canon]] = f"file {path}"
    for name, (value, source) in env_layer(env).items():
        values[name] = value
        sources[name] = source
    for name, value in (flags or {}).items():
        if value is None:
            continue
        if name not in Policy.model_fields:
            raise unknown_key_error(name, "flags")
        if isinstance(value, (list, tuple)) and not value and name in _LIST_KEYS:
            continue  # a repeatable flag that was not given
        values[name] = list(value) if isinstance(value, tuple) else value
        sources[name] = f"flag --{_canonical(name)}"
    try:
        policy = Policy.model_validate(values)
    except ValidationError as exc:
        raise UsageError(_describe(exc, sources, key_lines)) from None
    return Settings(
        policy=policy, sources=sources, config_path=path, origin=origin, repo_root=repo_root
    )
