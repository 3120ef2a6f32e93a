"""Security probes (SEC): unsafe deserialisation, security tools wired into CI, API
authentication, container and storage hardening, PII controls, validation at ingestion.

Committed secrets live in probes/secrets.py. Infrastructure is read through the Snapshot's
parsed views (Dockerfiles, Kubernetes objects, compose services, Terraform blocks).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from typing import Any

from packaging.version import Version
from pydantic import Field, field_validator

from mlaudit.probes import _ci_reach, base
from mlaudit.probes._functions import http_function_auth
from mlaudit.probes._managed import authentication as managed_authentication
from mlaudit.probes._task_runners import precommit_named_hook
from mlaudit.probes.base import ev
from mlaudit.probes.cloudformation import cfn_resources
from mlaudit.probes.code_roles import code_roles
from mlaudit.probes.dependencies import declared_specifiers, minimum_version
from mlaudit.probes.generic import (
    _check_regex,
    module_matches_any,
    name_matches,
    verdict_memo,
)
from mlaudit.probes.kubernetes import (
    NoParams,
    as_int,
    infra_problems,
    k8s_objects,
    obj_ev,
    tf_blocks,
    tf_ev,
    tf_problems,
)
from mlaudit.probes.registry import Params, probe
from mlaudit.repo.parsers.ci import CiJob, idle_reason
from mlaudit.repo.parsers.dockerfile import Dockerfile, Instruction
from mlaudit.repo.parsers.python_src import Call, PythonFacts
from mlaudit.repo.parsers.terraform import TerraformBlock
from mlaudit.repo.parsers.yaml_docs import as_list
from mlaudit.repo.snapshot import Snapshot, derivation_key
from mlaudit.results import Evidence, Observation

# unsafe deserialisation ------------------------------------------------------------------------
ALWAYS_UNSAFE: tuple[str, ...] = (
    "pickle.load",
    "pickle.loads",
    "pickle.Unpickler",
    "cPickle.load",
    "cPickle.loads",
    "_pickle.load",
    "_pickle.loads",
    "dill.load",
    "dill.loads",
    "cloudpickle.load",
    "cloudpickle.loads",
    "joblib.load",
    "sklearn.externals.joblib.load",
    "pandas.read_pickle",
    "shelve.open",
    "yaml.unsafe_load",
    "yaml.unsafe_load_all",
)
SAFE_YAML_LOADERS = ("SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader")
_TRUE = "True"
# torch.load's default became weights_only=True in torch 2.6: a call that leaves it out is
# unsafe only where an older torch may be installed
TORCH_IMPLICIT = "torch.load without weights_only=True unpickles arbitrary objects before torch 2.6"
TORCH_SAFE_DEFAULT = Version("2.6")


# Lightning's `load_from_checkpoint` is torch.load on the checkpoint: with weights_only=False
# written out before Lightning 2.6, with torch's own default from 2.6 on
LIGHTNING_IMPLICIT = (
    "load_from_checkpoint unpickles the checkpoint (torch.load; weights_only=False before "
    "Lightning 2.6)"
)
LIGHTNING_SAFE_DEFAULT = Version("2.6")
LIGHTNING_MODULES = ("lightning", "pytorch_lightning")


def _all_at_least(snap: Snapshot, names: tuple[str, ...], floor: Version) -> list[Evidence]:
    """The declarations of the distributions `names` (requirements, pyproject) when there are
    some and every one requires at least `floor`; [] otherwise."""
    declared = [(name, d) for name in names for d in declared_specifiers(snap, name)]
    floors = [minimum_version(spec) for _, (_, _, spec) in declared]
    if not declared or any(f is None or f < floor for f in floors):
        return []
    return [ev(path, line, f"{name}{spec}") for name, (path, line, spec) in declared]


def torch_safe_by_default(snap: Snapshot) -> list[Evidence]:
    """The declarations of torch (requirements, pyproject) when every one of them requires
    torch >= 2.6, where `torch.load` defaults to weights_only=True; [] otherwise (torch
    undeclared, unbounded, or allowed below 2.6 somewhere)."""
    return _all_at_least(snap, ("torch",), TORCH_SAFE_DEFAULT)


def lightning_safe_by_default(snap: Snapshot) -> list[Evidence]:
    """Declarations requiring Lightning >= 2.6 and torch >= 2.6 everywhere, where
    `load_from_checkpoint` loads weights only unless told otherwise; [] otherwise."""
    torch = torch_safe_by_default(snap)
    lightning = _all_at_least(snap, ("lightning", "pytorch-lightning"), LIGHTNING_SAFE_DEFAULT)
    return torch + lightning if torch and lightning else []


_always_unsafe = verdict_memo(
    lambda name: any(name == n or name.endswith("." + n) for n in ALWAYS_UNSAFE)
)


def unsafe_reason(call: Call) -> str | None:
    """Why this call deserialises untrusted bytes unsafely, or None."""
    name = call.name
    if call.kwarg("trust_remote_code") == _TRUE:
        return "trust_remote_code=True runs code from the model repository"
    if _always_unsafe(name):
        return "pickle-based load executes arbitrary code from the file"
    if name == "torch.load":
        return _weights_only_reason(call, "torch.load", TORCH_IMPLICIT)
    if name.endswith(".load_from_checkpoint"):
        return _weights_only_reason(call, "load_from_checkpoint", LIGHTNING_IMPLICIT)
    if name == "numpy.load" and call.kwarg("allow_pickle") == _TRUE:
        return "numpy.load(allow_pickle=True) unpickles arbitrary objects"
    if name in ("yaml.load", "yaml.load_all"):
        loader = call.name_arg("Loader") or call.name_arg("1")
        if loader and loader.rsplit(".", 1)[-1] in SAFE_YAML_LOADERS:
            return None
        if undecided_reason(call):
            return None
        return "yaml.load without SafeLoader can construct arbitrary Python objects"
    if name_matches(name, "*keras.models.load_model") and call.kwarg("safe_mode") == "False":
        return "keras load_model(safe_mode=False) deserialises lambda layers"
    return None


def _imports_pyyaml(facts: PythonFacts) -> bool:
    """Whether `yaml` in the file can be PyYAML: the file imports it. Otherwise `yaml.load` is
    a method of a local object (microsoft/qlib qlib/__init__.py:198-199 `yaml = YAML(typ="safe",
    pure=True)` / `yaml.load(f)`, YAML from ruamel.yaml; reviewed)."""
    return any(i.module == "yaml" or i.module.startswith("yaml.") for i in facts.imports)


def _own_safe_loader(facts: PythonFacts, call: Call) -> bool:
    """`yaml.load(…, Loader=X)` where X is a class of this file built on a safe loader
    (microsoft/presidio scripts/zensical_build.py:74 `class _TolerantLoader(yaml.SafeLoader)`):
    it constructs what its base does, plus the tags it registers."""
    if call.name not in ("yaml.load", "yaml.load_all"):
        return False
    loader = call.name_arg("Loader") or call.name_arg("1")
    if not loader or "." in loader:
        return False
    lines = {start for name, start, _end, kind in facts.spans if name == loader and kind == "class"}
    return any(
        b.line in lines and b.name.rsplit(".", 1)[-1] in SAFE_YAML_LOADERS for b in facts.bases
    )


def _weights_only_reason(call: Call, what: str, implicit: str) -> str | None:
    """A torch checkpoint load: safe with weights_only=True (or a flag the source does not
    settle), `implicit` when the flag is left to the default, unsafe when set otherwise."""
    flag = call.kwarg("weights_only")
    if flag == _TRUE or undecided_reason(call):
        return None
    if flag is None:
        return implicit
    return f"{what}(weights_only={flag}) unpickles arbitrary objects"


def _safe_flag_may_be_spread(call: Call, keyword: str) -> bool:
    """`keyword` is not written out but may come in a `**mapping` (`torch.load(f,
    **kwargs)` after `kwargs = {"weights_only": True} if … else {}`): whether the load is
    safe depends on a value the source does not show."""
    return call.kwarg(keyword) is None and call.spreads_keywords


def undecided_reason(call: Call) -> str | None:
    """Why this call's safety cannot be read from the source, or None."""
    if call.name == "torch.load" and _safe_flag_may_be_spread(call, "weights_only"):
        return "torch.load(**…): whether weights_only=True is passed depends on the mapping"
    if call.name in ("yaml.load", "yaml.load_all") and call.name_arg("1") is None:
        if call.name_arg("Loader") is None and _safe_flag_may_be_spread(call, "Loader"):
            return "yaml.load(**…): whether a SafeLoader is passed depends on the mapping"
    return None


KEDRO_CATALOGS = ("conf/**/catalog*.yml", "conf/**/catalog*.yaml", "conf/**/catalog/**.yml")
# a Kedro catalog dataset that loads with pickle (or its joblib/dill backends) whenever a
# node reads it (Galileo-Galilei/kedro-mlflow-tutorial conf/base/catalog.yml:47-48)
_KEDRO_PICKLE = re.compile(
    r"""^\s*type:\s*["']?(?:kedro_datasets\.|kedro\.extras\.datasets\.)?pickle\.Pickle(?:DataSet|Dataset)\b"""
)


def _kedro_pickle_datasets(snap: Snapshot) -> list[Evidence]:
    files = base.select_files(snap, KEDRO_CATALOGS, scope="non_tests")
    return [
        ev(path, number, text.strip(), "a Kedro PickleDataset unpickles what it loads")
        for path, number, text in snap.grep(files, _KEDRO_PICKLE)
    ]


class UnsafeDeserializationParams(Params):
    globs: list[str] = ["*.py", "*.ipynb"]
    exclude: list[str] = []


_UNSAFE_LOADS = derivation_key("unsafe_deserialization")


@probe("unsafe_deserialization", UnsafeDeserializationParams)
def unsafe_deserialization(snap: Snapshot, p: UnsafeDeserializationParams) -> Observation:
    """Anti-signal: models and data are loaded without unsafe deserialisation.

    Looks for (AST calls, resolved through imports, keyword arguments read): `pickle.load`,
    `joblib.load`, `dill`/`cloudpickle` loads, `pandas.read_pickle`, `torch.load` without
    `weights_only=True` (unless every declaration of torch requires >= 2.6, whose default
    it is), Lightning's `load_from_checkpoint` without `weights_only=True` in a repository
    that imports Lightning (unless Lightning and torch >= 2.6 are required everywhere),
    `numpy.load(allow_pickle=True)`, any call with
    `trust_remote_code=True`, `yaml.load` without `SafeLoader`, and Kedro catalog
    datasets of type `pickle.PickleDataset`. Production code and
    notebooks; tests are left out. Fails with file:line evidence; a finding only in
    notebooks gives partial credit. A `torch.load`/`yaml.load` whose safety flag may come
    from a `**mapping` (`torch.load(f, **kwargs)`) is undecidable from the source: unknown,
    with those calls as evidence, when nothing else is found.
    Why: a pickle is a program: loading a model file from a registry, a bucket or the hub
    runs whatever code it holds (model supply-chain attacks).
    Fix: store weights as safetensors/ONNX/skops, pass `weights_only=True` to `torch.load`,
    use `yaml.safe_load`, and drop `trust_remote_code=True` or pin the model revision.
    """
    paths = base.python_sources(snap, p.globs, scope="non_tests", exclude=p.exclude)

    def scan_file(path: str, facts: PythonFacts, buckets: tuple[list[Evidence], ...]) -> None:
        for call in facts.calls:
            reason = unsafe_reason(call)
            if reason is not None and _own_safe_loader(facts, call):
                continue
            if call.name in ("yaml.load", "yaml.load_all") and not _imports_pyyaml(facts):
                continue  # a local object named yaml: ruamel's YAML(typ="safe")
            bucket = 0
            if reason is None:
                reason, bucket = undecided_reason(call), 1
                if reason is None:
                    continue
            line, note = base.notebook_line_note(snap, path, call.line)
            buckets[bucket].append(
                ev(path, line, f"{call.name}(…)", reason + (f" ({note})" if note else ""))
            )

    found, undecided = base.per_file_evidence(snap, _UNSAFE_LOADS, paths, scan_file, 2)
    found += _kedro_pickle_datasets(snap)
    checkpoints = [e for e in found if (e.note or "").startswith(LIGHTNING_IMPLICIT)]
    if checkpoints and (
        not base.first_import_of(snap, paths, LIGHTNING_MODULES) or lightning_safe_by_default(snap)
    ):
        # another library's method of that name, or Lightning and torch that load weights only
        found = [e for e in found if e not in checkpoints]
    implicit = [e for e in found if (e.note or "").startswith(TORCH_IMPLICIT)]
    safe_torch = torch_safe_by_default(snap) if implicit else []
    if safe_torch:
        found = [e for e in found if e not in implicit]
    in_scripts = any(not base.is_notebook(e.path) for e in found)
    if found and in_scripts:
        return base.failed(f"{len(found)} unsafe deserialisation call(s)", found)
    if found:
        return base.partial(
            f"{len(found)} unsafe deserialisation call(s), only in notebooks", found
        )
    if undecided:
        return base.unknown(
            f"no unsafe load written out, but {len(undecided)} load(s) take their safety flag "
            "from a **mapping the source does not settle",
            undecided,
        )
    problems = base.problem_evidence(snap, paths)
    if problems:
        return base.unknown("no unsafe load found, but some files could not be parsed", problems)
    if safe_torch:
        return base.passed(
            f"no unsafe deserialisation: {len(implicit)} torch.load call(s) without "
            "weights_only load weights only with the torch >= 2.6 the project requires",
            safe_torch,
        )
    return base.passed(f"no unsafe deserialisation in {len(paths)} Python file(s)")


# security tools: declared vs wired ---------------------------------------------------------------
class ToolWiredParams(Params):
    what: str = Field(min_length=1, description="what the tool does, for messages")
    ci: str | None = Field(default=None, description="regex over commands CI runs (reached)")
    uses: str | None = Field(default=None, description="regex over CI actions/images used")
    hooks: str | None = Field(default=None, description="regex over pre-commit repo/hook ids")
    configs: list[str] = Field(default_factory=list, description="config files (declared)")
    tool_sections: list[str] = Field(
        default_factory=list, description="[tool.X] sections of pyproject.toml (declared)"
    )
    packages: list[str] = Field(default_factory=list, description="dependency names (declared)")
    ruff_rules: list[str] = Field(
        default_factory=list, description="ruff rule prefixes that count (e.g. S = bandit)"
    )

    _v = field_validator("ci", "uses", "hooks")(_check_regex)


PRECOMMIT = (".pre-commit-config.yaml", ".pre-commit-config.yml")
_PRECOMMIT_RUN = re.compile(r"\bpre-commit\s+run\b|\bprek\s+run\b|pre-commit/action")


def precommit_hooks(snap: Snapshot) -> list[tuple[str, str, int | None, Any]]:
    """(path, "repo-url hook-id", line, doc) for every pre-commit hook."""
    out = []
    for path in base.select_files(snap, PRECOMMIT):
        for doc in snap.yaml_docs(path):
            repos = doc.get("repos") if isinstance(doc, dict) else None
            for repo in repos if isinstance(repos, list) else []:
                if not isinstance(repo, dict):
                    continue
                for hook in as_list(repo.get("hooks")):
                    if isinstance(hook, dict):
                        text = (
                            f"{repo.get('repo', '')} {hook.get('id', '')} {hook.get('entry', '')}"
                        )
                        # a linter's plugins run with it (flake8 + flake8-bandit)
                        plugins = [str(d) for d in as_list(hook.get("additional_dependencies"))]
                        if plugins and not _plugins_off(snap, text, plugins):
                            text += " " + " ".join(plugins)
                        out.append((path, text.strip(), getattr(hook, "line", None), doc))
    return out


_FLAKE8_CONFIGS = (".flake8", "setup.cfg", "tox.ini")
_FLAKE8_SECTION = re.compile(r"(?ms)^\[flake8\][^\n]*\n(.*?)(?=^\[|\Z)")
_FLAKE8_SELECT = re.compile(r"(?m)^select\s*[=:]\s*((?:[^\n]*\n?)(?:[ \t]+[^\n]*\n?)*)")


def _plugins_off(snap: Snapshot, hook: str, plugins: list[str]) -> bool:
    """flake8 runs flake8-bandit's `S` rules unless its configuration selects codes without
    them (`select = E,F,W`): then the plugin is installed but silent."""
    if "flake8" not in hook or not any("bandit" in p for p in plugins):
        return False
    for path in base.select_files(snap, _FLAKE8_CONFIGS):
        section = _FLAKE8_SECTION.search(snap.text(path) or "")
        chosen = _FLAKE8_SELECT.search(section.group(1)) if section else None
        if chosen:
            codes = re.findall(r"[A-Z]+\d*", re.sub(r"#[^\n]*", "", chosen.group(1)))
            return not any(code == "S" or re.fullmatch(r"S\d+", code) for code in codes)
    return False


def precommit_wired(snap: Snapshot, hook: str | None = None) -> list[Evidence]:
    """Evidence that pre-commit hooks run automatically: CI runs pre-commit, or the config
    has a `ci:` section (pre-commit.ci). With `hook` (a hook's "repo id entry" text), a CI
    run that names another hook (`pre-commit run gitleaks`: r-kowalczyk/model-serving-
    platform .github/workflows/main.yml:38, beside a bandit hook; reviewed) does not count."""
    runs = _ci_reach.search(snap, _PRECOMMIT_RUN)
    if hook is not None:
        ids = set(hook.split())
        runs = [r for r in runs if (named := precommit_named_hook(r.text)) is None or named in ids]
    found = [r.evidence() for r in runs]
    for job in snap.ci_jobs:
        if not job.disabled:
            found.extend(ev(job.path, u.line, u.text) for u in job.uses if "pre-commit" in u.text)
    for path in base.select_files(snap, PRECOMMIT):
        for doc in snap.yaml_docs(path):
            if isinstance(doc, dict) and isinstance(doc.get("ci"), dict):
                found.append(
                    ev(path, getattr(doc, "key_lines", {}).get("ci"), "ci: (pre-commit.ci)")
                )
    return found


def declared_packages(snap: Snapshot, names: list[str]) -> list[Evidence]:
    wanted = {n.lower().replace("_", "-") for n in names}
    found: list[Evidence] = []
    for path in base.select_files(
        snap, ("requirements*.txt", "requirements/*.txt", "*requirements.txt")
    ):
        parsed = snap.requirements(path)
        for req in parsed.requirements if parsed else []:
            if req.name.lower().replace("_", "-") in wanted:
                found.append(ev(path, req.line, req.raw))
    for path in base.select_files(snap, ("pyproject.toml",)):
        for number, line in enumerate(snap.lines(path), start=1):
            m = re.match(r"""^\s*["']?([A-Za-z0-9_.-]+)""", line)
            if (
                m
                and m.group(1).lower().replace("_", "-") in wanted
                and ("=" not in line[: m.end()])
            ):
                found.append(ev(path, number, line))
    return found


def ruff_selects(snap: Snapshot, prefixes: list[str]) -> list[Evidence]:
    found: list[Evidence] = []
    for path in base.select_files(snap, ("pyproject.toml", "ruff.toml", ".ruff.toml")):
        data = snap.toml(path) or {}
        section = data.get("tool", {}).get("ruff", {}) if path.endswith("pyproject.toml") else data
        if not isinstance(section, dict):
            continue
        lint = section.get("lint") if isinstance(section.get("lint"), dict) else {}
        for table in (section, lint):
            for key in ("select", "extend-select"):
                rules = table.get(key) if isinstance(table, dict) else None
                for rule in rules if isinstance(rules, list) else []:
                    if rule == "ALL" or any(
                        str(rule) == pre
                        or (str(rule).startswith(pre) and str(rule)[len(pre) :].isdigit())
                        for pre in prefixes
                    ):
                        line = _first_line(snap, path, rf"""["']{re.escape(str(rule))}["']""")
                        found.append(ev(path, line, f"ruff {key} {rule}"))
    return found


# `ruff check` (or plain `ruff`, which checks), not `ruff format`, which applies no rule
_RUFF_LINTS = re.compile(r"\bruff\b(?!\s+format\b)(?!-)")
_RUFF_ACTION = re.compile(r"(?:^|/)ruff-action(?:@|$)", re.IGNORECASE)


def ruff_actions(snap: Snapshot) -> list[Evidence]:
    """Active CI steps that run ruff's linter through its GitHub Action (astral-sh/ruff-action,
    whose `args` default to `check`; PriorLabs/TabPFN .github/workflows/ci.yml:23; reviewed).
    A step whose `args` start with `format` only formats."""
    found = []
    for job in snap.ci_jobs:
        if job.disabled or job.only_by_hand:
            continue
        for use in job.uses:
            if _RUFF_ACTION.search(use.text):
                args = (use.input("args") or "").strip()
                if not args.startswith("format"):
                    found.append(ev(job.path, use.line, use.text, f"{job.system} job {job.name}"))
    return found


def _first_line(snap: Snapshot, path: str, pattern: str) -> int | None:
    regex = re.compile(pattern)
    for number, line in enumerate(snap.lines(path), start=1):
        if regex.search(line):
            return number
    return None


@probe("tool_wired", ToolWiredParams)
def tool_wired(snap: Snapshot, p: ToolWiredParams) -> Observation:
    """A security tool is configured and run automatically (CI, or pre-commit run by CI).

    Looks for: CI commands that run the tool (following `make`/`tox`/scripts), CI actions
    or images that are the tool (e.g. `github/codeql-action`), pre-commit hooks, config
    files, `[tool.X]` sections and dependencies. Credit follows the ML Test Score: run by
    CI (or by pre-commit that CI or pre-commit.ci runs) → pass; run by a CI job that is
    only started by hand, configured, a local pre-commit hook or a dependency only →
    partial (declared, not automated).
    Why: a scanner nobody runs finds nothing; CI runs it on every change.
    Fix: add the tool as a CI step on pull requests (see the check's remediation).
    """
    wired: list[Evidence] = []
    by_hand: list[Evidence] = []  # a job only started by hand runs on no change
    advisory: list[Evidence] = []  # run on every change, but its findings never fail it
    idle: list[CiJob] = []  # the jobs of by_hand
    if p.ci:
        regex = re.compile(p.ci, re.IGNORECASE)
        for r in _ci_reach.search(snap, regex):
            if r.job.only_by_hand or r.job.only_on_other_branches:
                by_hand.append(r.evidence())
                idle.append(r.job)
            else:
                (advisory if _ci_reach.advisory(r) else wired).append(r.evidence())
    if p.uses:
        regex = re.compile(p.uses, re.IGNORECASE)
        for job in snap.ci_jobs:
            if not job.disabled:
                unused = job.only_by_hand or job.only_on_other_branches
                if unused:
                    idle.append(job)
                (by_hand if unused else wired).extend(
                    ev(job.path, u.line, u.text, f"{job.system} job {job.name}")
                    for u in job.uses
                    if regex.search(u.text)
                )
    declared: list[Evidence] = []
    hook_hits: list[tuple[Evidence, str]] = []
    if p.hooks:
        regex = re.compile(p.hooks, re.IGNORECASE)
        hook_hits = [
            (ev(path, line, text), text)
            for path, text, line, _ in precommit_hooks(snap)
            if regex.search(text)
        ]
    ruff = ruff_selects(snap, p.ruff_rules) if p.ruff_rules else []
    if ruff:
        ruff_runs = [r.evidence() for r in _ci_reach.search(snap, _RUFF_LINTS)]
        ruff_runs += ruff_actions(snap)
        ruff_hooks = [
            (ev(path, line, text), text)
            for path, text, line, _ in precommit_hooks(snap)
            if "ruff" in text
        ]
        if ruff_runs:
            wired.extend(ruff + ruff_runs)
        elif ruff_hooks:
            hook_hits.extend([(e, ruff_hooks[0][1]) for e in ruff] + ruff_hooks)
        else:
            declared.extend(ruff)
    if hook_hits:
        for hit, text in hook_hits:
            pc = precommit_wired(snap, text)
            if pc:
                wired.extend([hit, *pc])
            else:
                declared.append(hit)
    declared.extend(
        ev(path)
        for path in base.select_files(snap, p.configs, include_excluded_dirs=False)
        if p.configs
    )
    for section in p.tool_sections:
        for path in base.select_files(snap, ("pyproject.toml",)):
            data = snap.toml(path) or {}
            if isinstance(data.get("tool"), dict) and section in data["tool"]:
                declared.append(
                    ev(
                        path,
                        _first_line(snap, path, rf"^\[tool\.{re.escape(section)}\b"),
                        f"[tool.{section}]",
                    )
                )
    if p.packages:
        declared.extend(declared_packages(snap, p.packages))
    if wired:
        return base.passed(f"{p.what} runs automatically", wired)
    if advisory:
        # saidulIslam1602/Transaction-Anomaly-Detection ci.yml:109-114: bandit and safety
        # with `continue-on-error: true` (reviewed)
        return base.partial(
            f"{p.what} runs in CI, but its findings never fail the build (continue-on-error, "
            "allow_failure, `|| true` or --exit-zero)",
            advisory + declared,
        )
    if by_hand:
        # a branch filter that takes no branch the project works on runs it on no change
        # either (saidulIslam1602/Transaction-Anomaly-Detection ci.yml:3-7 `main`/`develop`,
        # the only branch is `master`; reviewed)
        why = idle_reason(idle, "only when started by hand")
        return base.partial(f"{p.what} runs in CI, but {why}", by_hand + declared)
    if declared:
        return base.partial(f"{p.what} configured but not run by CI", declared)
    return base.failed(f"no {p.what}")


# API authentication --------------------------------------------------------------------------------
AUTH_MODULES: tuple[str, ...] = (
    "fastapi.security",
    "slowapi",
    "fastapi_limiter",
    "flask_httpauth",
    "flask_login",
    "flask_jwt_extended",
    "flask_limiter",
    "authlib",
    "jwt",
    "jose",
    "starlette.middleware.authentication",
    "fastapi_users",
    "bentoml.server",
)
AUTH_KINDS = ("AuthorizationPolicy", "RequestAuthentication", "SecurityPolicy")
# a key or token checked by hand, in constant time, by the serving code itself
# (ultralytics/yolov5 utils/flask_rest_api/restapi.py:33-36: X-API-Key, 401 otherwise)
KEY_COMPARISONS = ("secrets.compare_digest", "hmac.compare_digest")


def _key_comparisons(snap: Snapshot, serving: Mapping[str, object]) -> list[Evidence]:
    found: list[Evidence] = []
    for path in serving:
        facts = snap.python(path)
        for call in facts.calls if facts is not None else ():
            if call.name in KEY_COMPARISONS:
                line, note = base.notebook_line_note(snap, path, call.line)
                found.append(ev(path, line, f"{call.name}(…)", note or "a key checked by hand"))
                break
    return found


_REJECTS = re.compile(
    r"(?i)unauthori[sz]ed|forbidden|invalid (?:api[_ ]?)?key|missing (?:api[_ ]?)?key"
    r"|(?:invalid|missing) (?:or (?:invalid|missing) )?(?:authentication|auth|bearer) token"
)
# a response that rejects the caller with its status on the same line (serengil/deepface
# deepface/api/src/modules/core/routes.py:81 `return {"message": "Invalid or missing
# authentication token"}, 401`; reviewed)
_DENIED_STATUS = re.compile(r"(?<![\w.])(?:401|403)(?![\w.])")
_KEY_WORDS = re.compile(r"(?i)api[_-]?key|authorization|bearer|\btoken\b")
_DENIED = ("401", "403", "status.HTTP_401_UNAUTHORIZED", "status.HTTP_403_FORBIDDEN")


def _auth_middleware(snap: Snapshot, serving: Mapping[str, object]) -> list[Evidence]:
    """An HTTP middleware of the serving code (`@app.middleware("http")`) that reads a key
    and turns callers away (a 401/403 response or an "Unauthorized" message): the API
    authenticates every request by hand (roboflow/inference http_api.py:1197
    `check_authorization`)."""
    found: list[Evidence] = []
    for path in serving:
        facts = snap.python(path)
        if facts is None:
            continue
        marks = [d.line for d in facts.decorators if d.name.endswith(".middleware")]
        defs = sorted((start, end) for _n, start, end, kind in facts.spans if kind == "def")
        for mark in marks:
            span = next(((s, e) for s, e in defs if s > mark), None)
            if span is None:
                continue
            start, end = span
            texts = [text for text, line in facts.strings if start <= line <= end]
            denies = any(_REJECTS.search(t) for t in texts) or any(
                start <= c.line <= end and _denies(c) for c in facts.calls
            )
            if denies and any(_KEY_WORDS.search(t) for t in texts):
                line, note = base.notebook_line_note(snap, path, mark)
                found.append(
                    ev(path, line, "HTTP middleware", note or "rejects callers without a key")
                )
                break
    return found


# what a Litestar guard raises to turn a caller away
_GUARD_DENIALS = (".NotAuthorizedException", ".PermissionDeniedException")


def _litestar_guards(snap: Snapshot, serving: Mapping[str, object]) -> list[Evidence]:
    """Serving code whose app, router or route has `guards=[…]` and a guard that raises
    NotAuthorizedException/PermissionDeniedException: Litestar runs the guards before every
    handler they cover (evidentlyai/evidently src/evidently/legacy/collector/app.py:221-222,
    269 `guards=[is_authenticated]`, after a middleware that checks the secret header;
    reviewed)."""
    found: list[Evidence] = []
    for path in serving:
        facts = snap.python(path)
        if facts is None:
            continue
        names = {c.name for c in facts.calls}
        if not any(n.startswith(("litestar.", "starlite.")) for n in names):
            continue
        if not any(n.endswith(_GUARD_DENIALS) for n in names):
            continue
        guarded = next(
            (c for c in facts.calls if (c.kwarg("guards") or "[]") not in ("[]", "None", "()")),
            None,
        )
        if guarded is not None:
            line, note = base.notebook_line_note(snap, path, guarded.line)
            shown = f"{guarded.name}(guards=…)"
            found.append(ev(path, line, shown, note or "a guard turns callers away (401/403)"))
    return found


def _denies(call: Any) -> bool:
    """Does the call answer 401/403 (`status_code=401`, `status.HTTP_401_UNAUTHORIZED`)?"""
    if (call.kwarg("status_code") or "") in _DENIED:
        return True
    return any(
        key == "status_code" and name.endswith(("HTTP_401_UNAUTHORIZED", "HTTP_403_FORBIDDEN"))
        for key, name in call.names
    )


def _handler_key_checks(snap: Snapshot, serving: Mapping[str, object]) -> list[Evidence]:
    """Serving code that turns callers away by hand: a function that reads a key from a
    request header and answers 401/403 when it is wrong (Unstructured-IO/unstructured-api
    prepline_general/api/general.py:650 `request.headers.get("unstructured-api-key")`, :652
    `HTTPException(…, status_code=HTTP_401_UNAUTHORIZED)`), or a response that rejects an
    unauthenticated caller with 401/403 on the same line (serengil/deepface
    deepface/api/src/modules/core/routes.py:81 `return {"message": "Invalid or missing
    authentication token"}, 401`); both reviewed."""
    found: list[Evidence] = []
    for path in serving:
        facts = snap.python(path)
        if facts is None:
            continue
        lines = snap.lines(path)
        rejection = next(
            (
                line
                for text, line in facts.strings
                if _REJECTS.search(text)
                and 0 < line <= len(lines)
                and _DENIED_STATUS.search(lines[line - 1])
            ),
            None,
        )
        if rejection is not None:
            found.append(ev(path, rejection, None, "rejects unauthenticated callers (401/403)"))
            continue
        reads = [
            c
            for c in facts.calls
            if c.name.endswith("headers.get") and c.args and _KEY_WORDS.search(c.args[0])
        ]
        if not reads:
            continue
        denials = [c.line for c in facts.calls if _denies(c)]
        for _name, start, end, kind in facts.spans:
            if kind != "def":
                continue
            read = next((c for c in reads if start <= c.line <= end), None)
            if read is not None and any(start <= line <= end for line in denials):
                shown = f"{read.name}({read.args[0]})"
                found.append(ev(path, read.line, shown, "rejects callers without the key"))
                break
    return found


@probe("api_auth", NoParams, reads_code=True)
def api_auth(snap: Snapshot, p: NoParams) -> Observation:
    """The serving API authenticates callers or rate-limits them.

    Looks for: in production code, imports of `fastapi.security` (OAuth2PasswordBearer,
    APIKeyHeader, HTTPBearer), `slowapi`/`fastapi_limiter`, Flask-HTTPAuth/Login/JWT,
    `authlib`, PyJWT; Istio `AuthorizationPolicy`/`RequestAuthentication` manifests; an
    Azure ML web service with key or token authentication (`authEnabled: true`); serving
    code that checks a key itself (`secrets.compare_digest`/`hmac.compare_digest`, or an
    HTTP middleware, or an endpoint, that reads a key from a request header and answers
    401/403 "Unauthorized"; a Litestar app or route with `guards=` whose guard raises
    NotAuthorizedException or PermissionDeniedException); a
    serverless function's API with an authorizer or an API key (SAM, Serverless Framework).
    Not applicable when the repository has no serving code.
    Why: an open prediction endpoint can be scraped (model extraction) or flooded (mm#36).
    Fix: add an API-key or OAuth2 dependency to the endpoints (FastAPI `Security(...)`) and
    a rate limiter (slowapi).
    """
    roles = code_roles(snap)
    if not roles.serving:
        return base.not_applicable("no serving code (no serving framework imported)")
    found: list[Evidence] = []
    paths = base.python_sources(snap, ("*.py",), scope="non_tests")
    for path, (line, module) in base.first_import_of(snap, paths, tuple(AUTH_MODULES)):
        found.append(ev(path, line, f"import {module}"))
    prod, _dev = k8s_objects(snap, AUTH_KINDS)
    found.extend(obj_ev(o) for o in prod)
    found.extend(managed_authentication(snap))
    found.extend(http_function_auth(snap))
    found.extend(_key_comparisons(snap, roles.serving))
    found.extend(_auth_middleware(snap, roles.serving))
    found.extend(_litestar_guards(snap, roles.serving))
    if not found:
        found.extend(_handler_key_checks(snap, roles.serving))
    if found:
        return base.passed("the API authenticates or rate-limits callers", found)
    return base.failed(
        "serving code without authentication or rate limiting",
        list(roles.serving.values())[:4],
    )


# container hardening ----------------------------------------------------------------------------
_ROOT_USERS = {"root", "0", "0:0", "root:root"}


def _sc(node: Any) -> dict[str, Any]:
    sc = node.get("securityContext") if isinstance(node, dict) else None
    return sc if isinstance(sc, dict) else {}


_NOPASSWD_ALL = re.compile(r"NOPASSWD\s*:\s*ALL\b")


def _passwordless_sudo(df: Dockerfile) -> Instruction | None:
    """The RUN of the final stage that grants a user every command through sudo without a
    password (`… ALL=(ALL) NOPASSWD: ALL` into a sudoers file), or None."""
    for ins in df.in_final_stage("RUN"):
        if "sudoers" in ins.args and _NOPASSWD_ALL.search(ins.args):
            return ins
    return None


# a variable named for a credential (Docker's own build check SecretsUsedInArgOrEnv reads
# names the same way); a file, a path or a URL naming where one is, is none
_CREDENTIAL_NAME = re.compile(
    r"(?:^|_)(?:SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIALS?)"
    r"(?:_|$)",
    re.IGNORECASE,
)
_LOCATION_NAME = re.compile(
    r"_(?:FILE|PATH|DIR|URL|URI|HOST|ENDPOINT|ID_FILE)$|^GOOGLE_APPLICATION_CREDENTIALS$", re.I
)
_VARIABLE = re.compile(r"\$\{?(\w+)")


def _env_pairs(args: str) -> list[tuple[str, str]]:
    """The (name, value) pairs of an `ENV` instruction: `ENV A=1 B="x y"` or `ENV A value`."""
    try:
        words = shlex.split(args, posix=True)
    except ValueError:
        words = args.split()
    if words and "=" not in words[0]:
        return [(words[0], " ".join(words[1:]))]
    pairs = [w.split("=", 1) for w in words if "=" in w]
    return [(name, value) for name, value in pairs]


def _baked_credentials(path: str, df: Dockerfile) -> list[Evidence]:
    """`ENV` lines of the final stage that keep a credential passed as a build argument
    (`ARG AWS_SECRET_ACCESS_KEY` then `ENV AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY`):
    every layer and `docker inspect` of the image show it (graviraja/MLOps-Basics
    week_9_monitoring/Dockerfile:3-4,11; reviewed)."""
    build_args = {i.args.split("=", 1)[0].strip() for i in df.of("ARG") if i.args.strip()}
    found = []
    for ins in df.in_final_stage("ENV"):
        for name, value in _env_pairs(ins.args):
            if not _CREDENTIAL_NAME.search(name) or _LOCATION_NAME.search(name):
                continue
            if any(v in build_args for v in _VARIABLE.findall(value)):
                found.append(
                    ev(
                        path,
                        ins.line,
                        f"ENV {name}=…",
                        "a build argument's credential kept in the image",
                    )
                )
    return found


@probe("container_hardening", NoParams)
def container_hardening(snap: Snapshot, p: NoParams) -> Observation:
    """Containers run as a non-root user, without privileges, behind a NetworkPolicy.

    Looks for: the final stage of every Dockerfile ends with a non-root `USER`; Kubernetes
    workloads set `runAsNonRoot: true` or a non-zero `runAsUser` (pod or container
    `securityContext`), `allowPrivilegeEscalation: false`, `readOnlyRootFilesystem: true`;
    a `NetworkPolicy` exists; compose services set a non-root `user:`. Any
    `privileged: true` fails, and so does an image whose final stage keeps a credential
    passed as a build argument (`ENV AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY`). Dev
    overlays, examples and the images CI jobs run in (under
    `ci/`, `.github/` …) do not count. Not applicable
    without images or workloads.
    Why: a compromised model server running as root with privileges owns the node; a
    pickled model is one way in.
    Fix: add `USER 10001` to the final Dockerfile stage and a securityContext with
    runAsNonRoot, allowPrivilegeEscalation: false and readOnlyRootFilesystem: true.
    """
    good: list[Evidence] = []
    bad: list[Evidence] = []
    privileged: list[Evidence] = []
    baked: list[Evidence] = []
    dockerfiles = base.runtime_dockerfiles(snap)
    for path in dockerfiles:
        df = snap.dockerfile(path)
        if df is None or not df.stages:
            continue
        baked += _baked_credentials(path, df)
        user = df.final_user
        if user is None:
            bad.append(ev(path, df.stages[-1].line, "no USER in the final stage", "runs as root"))
        elif user.args.split()[0].strip("\"'") in _ROOT_USERS:
            bad.append(ev(path, user.line, f"USER {user.args}", "runs as root"))
        elif (sudo := _passwordless_sudo(df)) is not None:
            # a user that may run anything as root without a password is root
            # (EleutherAI/gpt-neox Dockerfile:64 `mchorse ALL=(ALL) NOPASSWD: ALL`)
            bad.append(ev(path, sudo.line, f"RUN {sudo.args}", "passwordless sudo: root"))
        else:
            good.append(ev(path, user.line, f"USER {user.args}"))
    workloads, _dev = k8s_objects(snap)
    for obj in workloads:
        if obj.kind == "NetworkPolicy":
            good.append(obj_ev(obj))
            continue
        pod = obj.pod_spec
        if pod is None or not obj.containers:
            continue
        pod_sc = _sc(pod)
        nonroot_pod = (
            pod_sc.get("runAsNonRoot") is True or (as_int(pod_sc.get("runAsUser")) or 0) > 0
        )
        for container in obj.containers:
            sc = _sc(container)
            if sc.get("privileged") is True:
                privileged.append(obj_ev(obj, sc, "privileged", "privileged: true"))
            nonroot = sc.get("runAsNonRoot") is True or (as_int(sc.get("runAsUser")) or 0) > 0
            name = container.get("name", "?")
            if nonroot or (nonroot_pod and sc.get("runAsNonRoot") is not False):
                node, key = (sc, "runAsNonRoot") if nonroot else (pod_sc, "runAsNonRoot")
                extras = [
                    k for k in ("allowPrivilegeEscalation", "readOnlyRootFilesystem") if k in sc
                ]
                good.append(
                    obj_ev(obj, node, key, f"container {name}: non-root {' '.join(extras)}".strip())
                )
            else:
                bad.append(obj_ev(obj, container, "name", f"container {name}: no runAsNonRoot"))
    for svc in snap.compose_services:
        if base.is_excluded(svc.path) or not isinstance(svc.doc, dict):
            continue
        if svc.doc.get("privileged") is True:
            privileged.append(
                ev(svc.path, svc.line_of("privileged"), f"{svc.name}: privileged: true")
            )
        user = svc.doc.get("user")
        # the user decides, whatever the group (`0:1000`, `root:users`)
        if user is not None and str(user).strip().split(":", 1)[0] not in ("root", "0"):
            good.append(ev(svc.path, svc.line_of("user"), f"{svc.name}: user {user}"))
        elif user is not None:
            # set to root on purpose, over an anchor's non-root user (skywalker-89/customer-
            # churn-mlops docker-compose.yaml:119 `airflow-init: user: "0:0"`; reviewed).
            # A service with no `user:` runs as its image says, which is not read here.
            bad.append(ev(svc.path, svc.line_of("user"), f"{svc.name}: user {user}", "root"))
    if privileged:
        return base.failed("privileged containers", privileged + baked + bad)
    if baked:
        return base.failed(
            "an image keeps credentials passed at build time (ENV from a build argument): "
            "whoever can pull the image can read them",
            baked + bad,
        )
    if not good and not bad:
        problems = infra_problems(snap)
        if problems:
            return base.unknown("manifests could not be parsed", problems)
        return base.not_applicable("no container images or workloads in the repository")
    if good and not bad:
        return base.passed("containers run as non-root", good)
    if good:
        return base.partial(f"{len(bad)} container(s) still run as root", bad + good)
    return base.failed("containers run as root", bad)


# storage hardening -----------------------------------------------------------------------------
_PAB_KEYS = (
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
)
_PUBLIC_ACL = re.compile(r"public-read|authenticated-read", re.I)


def _true(values: list[Any]) -> bool:
    return bool(values) and all(v is True or str(v).lower() == "true" for v in values)


def _refers(block: TerraformBlock, bucket: TerraformBlock) -> bool:
    """`bucket = aws_s3_bucket.<name>.id` (or the bucket's literal name)."""
    refs = [str(v) for v in block.get("bucket")]
    literal = [str(v) for v in bucket.get("bucket")]
    return any(f"{bucket.resource_type}.{bucket.name}." in r or r in literal for r in refs)


_CFN_PAB_KEYS = (
    "BlockPublicAcls",
    "BlockPublicPolicy",
    "IgnorePublicAcls",
    "RestrictPublicBuckets",
)
_CFN_PUBLIC_ACL = re.compile(r"^(PublicRead|PublicReadWrite|AuthenticatedRead)$")


def _cfn_buckets(
    snap: Snapshot, good: list[Evidence], weak: list[Evidence], public: list[Evidence]
) -> None:
    """CloudFormation's `AWS::S3::Bucket`s, judged as the Terraform buckets are."""
    for bucket in cfn_resources(snap, "AWS::S3::Bucket"):
        props = bucket.properties
        block = props.get("PublicAccessBlockConfiguration")
        pab_ok = isinstance(block, dict) and all(_true([block.get(k)]) for k in _CFN_PAB_KEYS)
        sse_ok = isinstance(props.get("BucketEncryption"), dict)
        acl = props.get("AccessControl")
        if isinstance(acl, str) and _CFN_PUBLIC_ACL.match(acl.strip()):
            public.append(ev(bucket.path, bucket.line_of("AccessControl"), f"AccessControl: {acl}"))
        missing = [
            n for n, ok in (("public access block", pab_ok), ("encryption", sse_ok)) if not ok
        ]
        name = f"AWS::S3::Bucket {bucket.logical_id}"
        if missing:
            weak.append(ev(bucket.path, bucket.line, f"{name}: no {' and no '.join(missing)}"))
        else:
            good.append(ev(bucket.path, bucket.line, f"{name}: public access blocked, encrypted"))


@probe("storage_hardening", NoParams)
def storage_hardening(snap: Snapshot, p: NoParams) -> Observation:
    """Data buckets block public access and are encrypted at rest.

    Looks for (Terraform, parsed HCL): every `aws_s3_bucket` has an
    `aws_s3_bucket_public_access_block` with all four flags `true` (or an account-level
    block) and server-side encryption (inline or
    `aws_s3_bucket_server_side_encryption_configuration`); `google_storage_bucket` sets
    `uniform_bucket_level_access = true` and `public_access_prevention = "enforced"`;
    `azurerm_storage_account` sets `allow_nested_items_to_be_public = false`. In
    CloudFormation templates, every `AWS::S3::Bucket` sets all four flags of
    `PublicAccessBlockConfiguration` and a `BucketEncryption`. A public ACL (`public-read`,
    `PublicRead` …) or an `allUsers` IAM member fails. Not applicable when the repository
    declares no storage.
    Why: training data and models in a public or unencrypted bucket leak (or get poisoned).
    Fix: add the public access block and encryption resources next to each bucket.
    """
    good: list[Evidence] = []
    weak: list[Evidence] = []
    public: list[Evidence] = []
    s3 = [b for b in tf_blocks(snap, "aws_s3_bucket") if b.type == "resource"]
    pabs = tf_blocks(snap, "aws_s3_bucket_public_access_block")
    account_pab = [
        b
        for b in tf_blocks(snap, "aws_s3_account_public_access_block")
        if all(_true(b.get(k)) for k in _PAB_KEYS)
    ]
    sses = tf_blocks(snap, "aws_s3_bucket_server_side_encryption_configuration")
    for bucket in s3:
        pab_ok = bool(account_pab) or any(
            _refers(b, bucket) and all(_true(b.get(k)) for k in _PAB_KEYS) for b in pabs
        )
        sse_ok = bool(bucket.get("server_side_encryption_configuration")) or any(
            _refers(b, bucket) for b in sses
        )
        for acl in bucket.get("acl"):
            if _PUBLIC_ACL.search(str(acl)):
                public.append(tf_ev(snap, bucket, "acl", f'acl = "{acl}"'))
        missing = [
            n for n, ok in (("public access block", pab_ok), ("encryption", sse_ok)) if not ok
        ]
        if missing:
            weak.append(
                tf_ev(snap, bucket, text=f"{bucket.address}: no {' and no '.join(missing)}")
            )
        else:
            good.append(
                tf_ev(snap, bucket, text=f"{bucket.address}: public access blocked, encrypted")
            )
    _cfn_buckets(snap, good, weak, public)
    for acl in tf_blocks(snap, "aws_s3_bucket_acl"):
        for value in acl.get("acl"):
            if _PUBLIC_ACL.search(str(value)):
                public.append(tf_ev(snap, acl, "acl", f'acl = "{value}"'))
    for bucket in tf_blocks(snap, "google_storage_bucket"):
        if bucket.type != "resource":
            continue
        ubla = _true(bucket.get("uniform_bucket_level_access"))
        pap = any(str(v).lower() == "enforced" for v in bucket.get("public_access_prevention"))
        (good if ubla and pap else weak).append(
            tf_ev(
                snap,
                bucket,
                text=f"{bucket.address}: uniform access {ubla}, public prevention {pap}",
            )
        )
    for member in tf_blocks(snap, "google_storage_bucket_iam_*"):
        values = [str(v) for v in member.get("member") + member.get("members")]
        if any("allUsers" in v or "allAuthenticatedUsers" in v for v in values):
            public.append(tf_ev(snap, member, "member", "allUsers"))
    for account in tf_blocks(snap, "azurerm_storage_account"):
        if account.type != "resource":
            continue
        closed = any(
            v is False or str(v).lower() == "false"
            for v in account.get("allow_nested_items_to_be_public")
        )
        (good if closed else weak).append(
            tf_ev(
                snap,
                account,
                text=f"{account.address}: public blobs {'off' if closed else 'allowed'}",
            )
        )
    if public:
        return base.failed("publicly readable storage", public)
    if not good and not weak:
        problems = tf_problems(snap)
        if problems:
            return base.unknown("Terraform files were rejected", problems)
        return base.not_applicable("no storage buckets declared in this repository")
    if good and not weak:
        return base.passed("every bucket blocks public access and is encrypted", good)
    if good:
        return base.partial(f"{len(weak)} bucket(s) not fully hardened", weak + good)
    return base.failed("buckets without public access blocks or encryption", weak)


# PII controls ------------------------------------------------------------------------------------
PII_MODULES = (
    "presidio_analyzer",
    "presidio_anonymizer",
    "scrubadub",
    "pii_codex",
    "piiranha",
    "anonymizedf",
)
PII_COLUMNS = re.compile(
    r"^(e[-_ ]?mail(_address)?|phone(_number)?|mobile|ssn|social_security(_number)?|"
    r"credit_card(_number)?|card_number|iban|passport(_number)?|date_of_birth|dob|"
    r"birth_?date|home_address|street_address|ip_address|national_id|tax_id)$",
    re.I,
)


@probe("pii_controls", NoParams)
def pii_controls(snap: Snapshot, p: NoParams) -> Observation:
    """Personal data is detected or masked, and no PII-looking table is committed.

    Looks for: imports of Presidio (`presidio_analyzer`/`presidio_anonymizer`) or
    `scrubadub` in the project's code; committed CSV/TSV files whose header has
    PII-looking columns (email, phone, ssn, credit_card, date_of_birth, ip_address …).
    A PII-looking table fails; controls without one pass; neither is unknown (whether
    the data holds personal information cannot be decided statically).
    Why: personal data in git cannot be deleted on request (GDPR/LGPD) and leaks with
    every clone.
    Fix: keep raw personal data out of git (DVC remote with access control), and mask it
    with Presidio before training.
    """
    tables: list[Evidence] = []
    for path in base.select_files(snap, ("*.csv", "*.tsv")):
        lines = snap.lines(path)
        if not lines:
            continue
        sep = "\t" if path.endswith(".tsv") else ","
        columns = [c.strip().strip("\"'") for c in lines[0].split(sep)]
        hits = [c for c in columns if PII_COLUMNS.match(c)]
        if hits and len(lines) > 1:
            tables.append(ev(path, 1, "columns: " + ", ".join(hits[:5])))
    controls: list[Evidence] = []
    paths = base.python_sources(snap, ("*.py", "*.ipynb"))
    for path, (line, module) in base.first_import_of(snap, paths, tuple(PII_MODULES)):
        controls.append(ev(path, line if not base.is_notebook(path) else None, f"import {module}"))
    if tables:
        return base.failed(f"{len(tables)} committed table(s) with PII-looking columns", tables)
    if controls:
        return base.passed("PII detection/masking in the code", controls)
    return base.unknown(
        "no PII controls and no PII-looking table; whether the data is personal cannot be decided statically"
    )


# validation at ingestion -----------------------------------------------------------------------------
SCHEMA_MODULES = (
    "pandera",
    "great_expectations",
    "gx",
    "tensorflow_data_validation",
    "deepchecks",
    "soda",
    "pandas_schema",
    "jsonschema",
    "frictionless",
    # profiling and drift tools validate only through their test/constraint APIs: an
    # Evidently drift Report is no schema (DataTalksClub/mlops-zoomcamp
    # 05-monitoring/evidently_metrics_calculation.py)
    "whylogs.core.constraints",
    "evidently.test_suite",
    "evidently.tests",
    "evidently.test_preset",
)
# Record validators that count only in ingestion modules (elsewhere they validate API bodies
# or configuration, not incoming data).
RECORD_MODULES = ("pydantic", "jsonschema", "marshmallow")
INGEST_PATH = re.compile(
    # `data` only as a whole folder or module name: data_drift.py or metadata/ ingest
    # nothing (SkafteNicki/dtu_mlops s8_monitoring/exercise_files/data_drift.py); a data
    # validation module is the pipeline's check of what came in; extractive question
    # answering extracts no data (huggingface/autotrain-advanced extractive_question_answering/)
    r"ingest|etl|extract(?!ive)|load_data|loader|data_?load|data_?valid|dataset|(?:^|/)data(?:/|\.py$)|fetch|collect|prepare|preprocess|make_dataset",
    re.I,
)


_SCHEMA_IMPORTS = derivation_key("ingest_validation.imports.v2")
# a schema used to make data, not to check it: pandera's `schema.example(size=…)` and
# hypothesis strategies generate fake datasets (microsoft/recommenders
# recommenders/datasets/movielens.py:585-649, "Mock dataset schema to generate fake data")
_GENERATES = frozenset({"example", "strategy", "given"})
_VALIDATES = re.compile(
    r"(?:^|_)validat|^check_(?:types|input|output|io)$|^run_checkpoint$|^expect_|^infer_schema$"
)


def _schema_imports(path: str, facts: PythonFacts) -> tuple[tuple[str, int, bool, bool], ...]:
    """ONE file's imports of a dataframe-schema or record-validation library, in order;
    none when the file only generates data from its schemas and validates nothing."""
    out = []
    for imp in facts.imports:
        frame = module_matches_any(imp.module, tuple(SCHEMA_MODULES))
        record = module_matches_any(imp.module, tuple(RECORD_MODULES))
        if frame or record:
            out.append((imp.module, imp.line, frame, record))
    if out:
        verbs = {call.name.rsplit(".", 1)[-1] for call in (*facts.calls, *facts.decorators)}
        if verbs & _GENERATES and not any(_VALIDATES.search(verb) for verb in verbs):
            return ()
    return tuple(out)


@probe("ingest_validation", NoParams, reads_code=True)
def ingest_validation(snap: Snapshot, p: NoParams) -> Observation:
    """Data is validated against a schema where it enters the system.

    Looks for: a schema library (pandera, Great Expectations, TFDV, deepchecks, Soda,
    jsonschema, pydantic …) imported by an ingestion/data-loading module (path or name
    says ingest, etl, extract, load, dataset, prepare, preprocess, data/). A dataframe
    schema library used elsewhere, or in a notebook, gives partial credit; pydantic/jsonschema
    elsewhere validate API bodies or settings and do not count. Tests do not count (see
    data-schema).
    Why: validating at the boundary is the first defence against corrupted or poisoned
    data reaching training.
    Fix: validate each ingested batch with a pandera/GX schema before it is written on.
    """
    at_ingest: list[Evidence] = []
    elsewhere: list[Evidence] = []
    paths = base.python_sources(snap, ("*.py", "*.ipynb"), scope="non_tests")
    # each file's schema/record imports are derived once per content; rule lib (the
    # repository's own package) is applied here, at every snapshot
    for path, imports in snap.python_per_file(_SCHEMA_IMPORTS, paths, _schema_imports):
        # a notebook's validation is partial at most, as elsewhere (rule nb)
        ingest = INGEST_PATH.search(path) is not None and not base.is_notebook(path)
        for module, line, frame, record in imports:
            if base.is_own_module(snap, module):
                continue  # rule lib: a validation tool's own package does not validate
            if (frame or record) and ingest:
                at_ingest.append(ev(path, line, f"import {module}"))
                break
            if frame:
                elsewhere.append(ev(path, line, f"import {module}"))
                break
    if at_ingest:
        return base.passed("schema validation in data-ingestion code", at_ingest)
    if elsewhere:
        return base.partial("schema library used, but not in an ingestion module", elsewhere)
    return base.failed("no schema validation where data is ingested")


# SEC: Trivy's secret scanner ----------------------------------------------------------------
# a Trivy scan of files, a repository or an image: its default scanners are vuln and secret
_TRIVY_SCAN = re.compile(r"\btrivy\b[^\n]*\s(?:fs|filesystem|repo|repository|image|rootfs)\b")
_TRIVY_SCANNERS = re.compile(r"--(?:scanners|security-checks)[=\s]+['\"]?([\w,]+)")
_TRIVY_ACTION = re.compile(r"^aquasecurity/trivy-action\b", re.IGNORECASE)


def _scans_secrets(scanners: str | None) -> bool:
    return not scanners or "secret" in scanners.lower()


@probe("trivy_secret_scan", NoParams)
def trivy_secret_scan(snap: Snapshot, p: NoParams) -> Observation:
    """CI runs Trivy with its secret scanner on.

    Looks for: `trivy fs|repo|image|rootfs …` in CI commands (followed through Makefile
    targets and scripts) and `aquasecurity/trivy-action` steps, whose scanners are
    `vuln,secret` unless `--scanners` (or the action's `scanners:` input) leaves secrets out.
    A scan only started by hand, or only on a branch nobody works on, is partial.
    Known false positive: `trivy config` scans misconfigurations only, and
    `--scanners vuln` switches the secret scanner off.
    Why: a secret committed by accident is found before it reaches a release (neopentane7/
    mlops-fraud-detection .github/workflows/security.yml:55-57; aswithabukka/mlops-fraud-
    detection .github/workflows/ci.yml:199-205; reviewed).
    Fix: keep `secret` among Trivy's scanners, or add gitleaks to CI.
    """
    wired: list[Evidence] = []
    idle: list[Evidence] = []
    for item in _ci_reach.search(snap, _TRIVY_SCAN):
        scanners = _TRIVY_SCANNERS.search(item.text)
        if _scans_secrets(scanners.group(1) if scanners else None):
            unused = item.job.only_by_hand or item.job.only_on_other_branches
            (idle if unused else wired).append(item.evidence())
    for job in snap.ci_jobs:
        if job.disabled:
            continue
        for use in job.uses:
            kind = (use.input("scan-type") or "image").lower()
            if (
                _TRIVY_ACTION.match(use.text)
                and kind in ("fs", "filesystem", "repo", "repository", "image", "rootfs")
                and _scans_secrets(use.input("scanners") or use.input("security-checks"))
            ):
                shown = ev(job.path, use.line, use.text, f"{job.system} job {job.name}")
                unused = job.only_by_hand or job.only_on_other_branches
                (idle if unused else wired).append(shown)
    if wired:
        return base.passed("CI runs Trivy with its secret scanner", wired + idle)
    if idle:
        return base.partial("Trivy's secret scanner runs only when started by hand", idle)
    return base.failed("no Trivy scan with its secret scanner in CI")
