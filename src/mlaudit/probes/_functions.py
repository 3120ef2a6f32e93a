"""Serverless functions behind HTTP: the handler files a SAM template or a Serverless
Framework config names for an API event. Such a handler serves requests without importing
a serving framework (the platform is the server), like a managed platform's scoring script.

Not a probe module (leading underscore): the code roles (serving code for the coupling,
security and fault-tolerance checks) and the serving probes read the same facts.

- SAM: an `AWS::Serverless::Function` with an `Api`/`HttpApi` event; `Handler: app.handler`
  in `CodeUri: src/` is `src/app.py` beside the template.
- Serverless Framework: `functions.<name>.handler: handler.predict` in `serverless.yml` with
  an `http`/`httpApi` event is `handler.py` beside it (jacopotagliabue/you-dont-need-a-
  bigger-boat remote_flow/serverless/serverless.yml:17).
Only handlers whose file is in the repository count; other runtimes (Node, Java) name no
Python file and are left out.
- Authentication: an API event with an authorizer or a required API key (SAM `Auth:
  {Authorizer, ApiKeyRequired}`, an `AWS::Serverless::Api` `DefaultAuthorizer`; Serverless
  `authorizer:` or `private: true`).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import Any

from mlaudit.probes import base
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


def http_function_handlers(snap: Snapshot) -> list[tuple[str, Evidence]]:
    """(handler file, where it is declared) of serverless functions behind an HTTP API."""

    def build() -> list[tuple[str, Evidence]]:
        found: dict[str, Evidence] = {}
        for script, where in _sam_handlers(snap) + _serverless_handlers(snap):
            if not base.is_test_path(script):
                found.setdefault(script, where)
        return sorted(found.items())

    return snap.memo(("http_function_handlers",), build)


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
