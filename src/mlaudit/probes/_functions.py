"""Serverless functions that answer requests: the handler files a SAM template or a
Serverless Framework config names for an API event, or a Lambda container image runs. Such a handler serves requests without importing
a serving framework (the platform is the server), like a managed platform's scoring script.

Not a probe module (leading underscore): the code roles (serving code for the coupling,
security and fault-tolerance checks) and the serving probes read the same facts.

- SAM: an `AWS::Serverless::Function` with an `Api`/`HttpApi` event; `Handler: app.handler`
  in `CodeUri: src/` is `src/app.py` beside the template.
- Serverless Framework: `functions.<name>.handler: handler.predict` in `serverless.yml` with
  an `http`/`httpApi` event is `handler.py` beside it (jacopotagliabue/you-dont-need-a-
  bigger-boat remote_flow/serverless/serverless.yml:17).
- Lambda container images: a shipped Dockerfile on an AWS Lambda base image whose
  `CMD ["app.handler"]` names the file COPY puts at the task root (full-stack-deep-learning/
  fsdl-text-recognizer-2022 api_serverless/Dockerfile:15); a handler of event records
  (`event["Records"]`: S3, SQS …) processes events and is left out.
Only handlers whose file is in the repository count; other runtimes (Node, Java) name no
Python file and are left out.
- Authentication: an API event with an authorizer or a required API key (SAM `Auth:
  {Authorizer, ApiKeyRequired}`, an `AWS::Serverless::Api` `DefaultAuthorizer`; Serverless
  `authorizer:` or `private: true`).
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator
from typing import Any

from mlaudit.probes import base
from mlaudit.probes._managed import scoring_scripts
from mlaudit.probes.base import ev
from mlaudit.probes.cloudformation import cfn_resources
from mlaudit.repo.parsers.yaml_docs import key_line
from mlaudit.repo.snapshot import Snapshot
from mlaudit.results import Evidence

SAM_API_EVENTS = frozenset({"Api", "HttpApi"})
SERVERLESS_CONFIGS = ("serverless.yml", "serverless.yaml")
_SERVERLESS_HTTP_EVENTS = frozenset({"http", "httpApi"})


def _handler_file(snap: Snapshot, folder: str, handler: Any) -> str | None:
    """`pkg/mod.func` or `pkg.mod.func` under `folder` → `folder/pkg/mod.py`, if listed."""
    if not isinstance(handler, str) or "." not in handler:
        return None
    module = handler.rsplit(".", 1)[0]
    relative = module.replace(".", "/") if "/" not in module else module
    path = posixpath.normpath(posixpath.join(folder, relative + ".py"))
    return path if path in snap.file_set else None


def _sam_handlers(snap: Snapshot) -> list[tuple[str, Evidence]]:
    found = []
    for fn in cfn_resources(snap, "AWS::Serverless::Function"):
        events = fn.properties.get("Events")
        if not isinstance(events, dict) or not any(
            isinstance(e, dict) and e.get("Type") in SAM_API_EVENTS for e in events.values()
        ):
            continue
        code = fn.properties.get("CodeUri")
        folder = posixpath.dirname(fn.path)
        if isinstance(code, str) and "://" not in code:
            folder = posixpath.join(folder, code)
        script = _handler_file(snap, folder, fn.properties.get("Handler"))
        if script is not None:
            where = ev(fn.path, fn.line_of("Handler"), f"{fn.logical_id}: Handler", "SAM API")
            found.append((script, where))
    return found


def _serverless_functions(
    snap: Snapshot,
) -> Iterator[tuple[str, dict[Any, Any], str, dict[Any, Any]]]:
    """(config path, its `functions` mapping, function name, function) of every Serverless
    Framework config."""
    for path in base.select_files(snap, SERVERLESS_CONFIGS, scope="non_tests"):
        for doc in snap.yaml_docs(path):
            functions = doc.get("functions") if isinstance(doc, dict) else None
            if not isinstance(functions, dict):
                continue
            for name, fn in functions.items():
                if isinstance(fn, dict):
                    yield path, functions, str(name), fn


def _http_events(fn: dict[Any, Any]) -> list[tuple[str, Any]]:
    """(kind, spec) of a Serverless function's `http`/`httpApi` events."""
    events = fn.get("events")
    return [
        (kind, event[kind])
        for event in (events if isinstance(events, list) else ())
        if isinstance(event, dict)
        for kind in sorted(_SERVERLESS_HTTP_EVENTS & set(event))
    ]


def _serverless_handlers(snap: Snapshot) -> list[tuple[str, Evidence]]:
    found = []
    for path, functions, name, fn in _serverless_functions(snap):
        script = _handler_file(snap, posixpath.dirname(path), fn.get("handler"))
        if _http_events(fn) and script is not None:
            line = key_line(fn, "handler") or key_line(functions, name)
            found.append((script, ev(path, line, f"{name}: handler", "HTTP function")))
    return found


# AWS Lambda base images (the runtime is the image's entry point, CMD names the handler), and
# the runtime interface client other images run
# ... or the OS-only base with a Python runtime of its own (CCRI-POPROX/poprox-recommender
# Dockerfile:22 `public.ecr.aws/lambda/provided:al2023`, an HTTP function of serverless.yml)
_LAMBDA_IMAGE = re.compile(
    r"^(?:public\.ecr\.aws/lambda/(?:python|provided)|amazon/aws-lambda-(?:python|provided))$"
)
_LAMBDA_CLIENT = re.compile(r"\bawslambdaric\b")
_TASK_ROOTS = ("", ".", "./", "/var/task", "/var/task/", "${LAMBDA_TASK_ROOT}", "$LAMBDA_TASK_ROOT")


def _first_word(args: str) -> str:
    """The first word of a CMD/ENTRYPOINT, in exec (JSON) or shell form."""
    text = args.strip()
    if text.startswith("["):
        try:
            words = json.loads(text)
        except ValueError:
            return ""
        return str(words[0]) if isinstance(words, list) and words else ""
    return text.split()[0] if text.split() else ""


def _copied_file(
    snap: Snapshot, dockerfile: str, copies: list[str], module_file: str
) -> str | None:
    """The repository file a COPY/ADD puts at the task root as `module_file`: a file copied
    under that name, or the file inside a folder copied to the root. The build context is
    the Dockerfile's folder or the repository root, whichever holds it."""
    folder = posixpath.dirname(dockerfile)
    for args in copies:
        words = [w for w in args.split() if not w.startswith("--")]
        if len(words) < 2:
            continue
        *sources, dest = words
        dest = dest.rstrip("/") if dest not in ("/", "./") else dest
        for source in sources:
            if dest.endswith("/" + module_file) or dest == module_file:
                relative = source
            elif dest in _TASK_ROOTS or dest.rstrip("/") in _TASK_ROOTS:
                if posixpath.basename(source) == module_file:
                    relative = source
                else:
                    relative = posixpath.join(source, module_file)
            else:
                continue
            for context in (folder, ""):
                path = posixpath.normpath(posixpath.join(context, relative))
                if path in snap.file_set:
                    return path
    return None


def _installed_module(snap: Snapshot, module_file: str) -> str | None:
    """The one tracked file of a dotted handler module the image installs as a package
    (`poprox_recommender/api/main.py` under `src/`), when the name is at least two deep."""
    if "/" not in module_file:
        return None
    found = [f for f in snap.files if f == module_file or f.endswith("/" + module_file)]
    return found[0] if len(found) == 1 else None


def _image_handlers(snap: Snapshot) -> list[tuple[str, Evidence]]:
    """Lambda container images: a shipped Dockerfile built on an AWS Lambda base image (or
    running the runtime interface client) whose CMD names `module.function`, resolved to
    the file COPY puts at the task root (full-stack-deep-learning/fsdl-text-recognizer-2022
    api_serverless/Dockerfile:15 `CMD ["app.handler"]` ← `:13 COPY api_serverless/app.py
    ./app.py`). A handler of S3/SQS/SNS/Kinesis event records processes events, it does
    not answer requests: left out."""
    found = []
    for path in base.shipped_dockerfiles(snap):
        parsed = snap.dockerfile(path)
        if parsed is None or not parsed.stages:
            continue
        final = parsed.base_images[-1]
        entry = " ".join(i.args for i in parsed.of("ENTRYPOINT"))
        if not (_LAMBDA_IMAGE.match(final.image) or _LAMBDA_CLIENT.search(entry)):
            continue
        commands = parsed.of("CMD")
        handler = _first_word(commands[-1].args) if commands else ""
        if "." not in handler or "/" in handler:
            continue
        module_file = handler.rsplit(".", 1)[0].replace(".", "/") + ".py"
        copies = [i.args for i in parsed.instructions if i.keyword in ("COPY", "ADD")]
        script = _copied_file(snap, path, copies, module_file) or _installed_module(
            snap, module_file
        )
        if script is None:
            continue
        facts = snap.python(script)
        if facts is not None and any(text == "Records" for text, _line in facts.strings):
            continue
        found.append((script, ev(path, commands[-1].line, f"CMD {handler}", "Lambda image")))
    return found


def http_function_handlers(snap: Snapshot) -> list[tuple[str, Evidence]]:
    """(handler file, where it is declared) of serverless functions that answer requests:
    behind an HTTP API (SAM, Serverless Framework) or a Lambda container image."""

    def build() -> list[tuple[str, Evidence]]:
        found: dict[str, Evidence] = {}
        for script, where in (
            _sam_handlers(snap) + _serverless_handlers(snap) + _image_handlers(snap)
        ):
            if not base.is_test_path(script):
                found.setdefault(script, where)
        return sorted(found.items())

    return snap.memo(("http_function_handlers",), build)


def function_platform_evidence(snap: Snapshot) -> list[Evidence]:
    """Where a request-serving function is declared (a SAM or Serverless Framework function
    behind an HTTP API, a Lambda container image's CMD): its platform starts an execution
    environment per concurrent request, routes a request only to an initialised one,
    replaces one that fails and runs them in several availability zones. The availability
    and scaling checks credit this as they credit a managed endpoint."""
    return [where for _script, where in http_function_handlers(snap)]


def platform_entry_points(snap: Snapshot) -> list[tuple[str, Evidence]]:
    """(script, evidence) of serving code a platform runs without a serving framework being
    imported: managed platforms' scoring scripts and serverless function handlers, the
    evidence on the whole script saying where it is named. One list for the profile, the
    code roles and the serving files."""
    return [
        (script, ev(script, None, None, f"{what} named at {where.location()}"))
        for what, entries in (
            ("scoring script", scoring_scripts(snap)),
            ("function handler", http_function_handlers(snap)),
        )
        for script, where in entries
    ]


def _sam_auth(auth: Any) -> bool:
    if not isinstance(auth, dict):
        return False
    authorizer = auth.get("Authorizer") or auth.get("DefaultAuthorizer")
    keyed = str(auth.get("ApiKeyRequired")).lower() == "true"  # YAML true or "true"
    return keyed or (isinstance(authorizer, str) and authorizer.upper() != "NONE")


def http_function_auth(snap: Snapshot) -> list[Evidence]:
    """HTTP APIs of serverless functions that make callers authenticate."""
    found = []
    for sam in cfn_resources(snap, "AWS::Serverless::Function"):
        events = sam.properties.get("Events")
        for name, event in events.items() if isinstance(events, dict) else ():
            props = event.get("Properties") if isinstance(event, dict) else None
            if isinstance(props, dict) and _sam_auth(props.get("Auth")):
                found.append(ev(sam.path, key_line(events, name), f"{sam.logical_id}: Auth", "SAM"))
    for kind in ("AWS::Serverless::Api", "AWS::Serverless::HttpApi"):
        for api in cfn_resources(snap, kind):
            if _sam_auth(api.properties.get("Auth")):
                found.append(ev(api.path, api.line_of("Auth"), f"{api.logical_id}: Auth", "SAM"))
    for path, functions, name, fn in _serverless_functions(snap):
        for kind, spec in _http_events(fn):
            if isinstance(spec, dict) and (spec.get("authorizer") or spec.get("private") is True):
                found.append(ev(path, key_line(functions, name), f"{name}: {kind} authorizer"))
    return found
